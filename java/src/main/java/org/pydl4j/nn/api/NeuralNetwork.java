package org.pydl4j.nn.api;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.eval.IEvaluation;
import org.pydl4j.eval.IteratorEvaluation;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.listeners.TrainingListener;
import org.pydl4j.nn.updater.ComputationGraphUpdater;
import org.pydl4j.util.ModelSerializer;

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

    /** The output of a single-output network for one input array; train enables dropout and batch statistics. */
    INDArray outputSingle(boolean train, INDArray... input);

    /** Runs the given evaluations over the iterator (inference mode). */
    @SuppressWarnings("unchecked")
    default <T extends IEvaluation<?>> T[] doEvaluation(DataSetIterator iterator, T... evaluations) {
        return IteratorEvaluation.run(iterator, x -> outputSingle(false, x), evaluations);
    }

    /** Classification accuracy and friends over an iterator (inference mode), classes named by the iterator's labels. */
    default <T extends Evaluation> T evaluate(DataSetIterator iterator) { return evaluate(iterator, null); }

    /** As {@link #evaluate(DataSetIterator)} with the class names given. */
    @SuppressWarnings("unchecked")
    default <T extends Evaluation> T evaluate(DataSetIterator iterator, List<String> labelsList) {
        return (T) IteratorEvaluation.classification(iterator, labelsList, x -> outputSingle(false, x));
    }

    /** Every parameter array by name (views of the flattened parameters). */
    Map<String, INDArray> paramTable();

    int getIterationCount();

    int getEpochCount();

    void setIterationCount(int n);

    void setEpochCount(int n);

    ComputationGraphUpdater getUpdater();

    DataType getDataType();

    String summary();

    /** Saves as a model zip (atomically) with the updater state. */
    default void save(File file) throws IOException { save(file, true); }

    /** Saves as a model zip (atomically), with or without the updater state ({@link ModelSerializer#writeModel}). */
    default void save(File file, boolean saveUpdater) throws IOException { ModelSerializer.writeModel(this, file, saveUpdater); }

    void setListeners(TrainingListener... listeners);

    void addListeners(TrainingListener... listeners);

    List<TrainingListener> getListeners();
}
