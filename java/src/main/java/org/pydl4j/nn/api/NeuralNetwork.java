package org.pydl4j.nn.api;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.eval.IEvaluation;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.listeners.TrainingListener;
import org.pydl4j.nn.updater.ComputationGraphUpdater;

/**
 * What ComputationGraph and MultiLayerNetwork share (as DL4J's NeuralNetwork): training, evaluation, counters,
 * listeners, saving. Listeners and serializers work on this, whatever the network's kind.
 */
public interface NeuralNetwork extends Model {
    void init();

    /** Initializes with the given parameters (copied when clone is true, else used as the network's array). */
    void init(INDArray parameters, boolean cloneParametersArray);

    void fit(DataSet dataSet);

    void fit(DataSetIterator iterator);

    void fit(DataSetIterator iterator, int numEpochs);

    /** Runs the given evaluations over the iterator (inference mode). */
    @SuppressWarnings("unchecked")
    <T extends IEvaluation<?>> T[] doEvaluation(DataSetIterator iterator, T... evaluations);

    <T extends Evaluation> T evaluate(DataSetIterator iterator);

    int getIterationCount();

    int getEpochCount();

    void setIterationCount(int n);

    void setEpochCount(int n);

    ComputationGraphUpdater getUpdater();

    DataType getDataType();

    String summary();

    /** Saves as a model zip (atomically), with or without the updater state. */
    void save(File file, boolean saveUpdater) throws IOException;

    void setListeners(TrainingListener... listeners);

    void addListeners(TrainingListener... listeners);

    List<TrainingListener> getListeners();
}
