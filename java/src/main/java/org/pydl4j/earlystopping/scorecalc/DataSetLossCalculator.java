package org.pydl4j.earlystopping.scorecalc;

import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.api.Model;

/**
 * The loss on a held-out data set, as DL4J's {@code DataSetLossCalculator}: with {@code average} the mean loss per
 * example (minibatch scores weighted by their size), otherwise the sum over examples. Lower is better.
 */
public class DataSetLossCalculator implements ScoreCalculator<Model> {
    private final DataSetIterator dataSetIterator;
    private final boolean average;

    public DataSetLossCalculator(DataSetIterator dataSetIterator, boolean average) {
        if (dataSetIterator == null) throw new IllegalArgumentException("DataSetLossCalculator: the iterator is null");
        if (!dataSetIterator.resetSupported()) throw new IllegalArgumentException("DataSetLossCalculator: the iterator must be resettable (it is read every evaluated epoch)");
        this.dataSetIterator = dataSetIterator;
        this.average = average;
    }

    @Override
    public double calculateScore(Model network) {
        dataSetIterator.reset();
        double sum = 0;
        long examples = 0;
        while (dataSetIterator.hasNext()) {
            DataSet ds = dataSetIterator.next();
            int n = ds.numExamples();
            sum += ModelOutputs.score(network, ds) * n;
            examples += n;
        }
        if (examples == 0) throw new IllegalStateException("DataSetLossCalculator: the held-out iterator gave no examples");
        return average ? sum / examples : sum;
    }

    @Override public boolean minimizeScore() { return true; }

    @Override public String toString() { return "DataSetLossCalculator(average=" + average + ")"; }
}
