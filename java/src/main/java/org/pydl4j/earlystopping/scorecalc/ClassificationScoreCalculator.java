package org.pydl4j.earlystopping.scorecalc;

import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.api.Model;

/** A classification metric on a held-out data set (higher is better), as DL4J's {@code ClassificationScoreCalculator}. */
public class ClassificationScoreCalculator implements ScoreCalculator<Model> {
    private final Evaluation.Metric metric;
    private final DataSetIterator iterator;

    public ClassificationScoreCalculator(Evaluation.Metric metric, DataSetIterator iterator) {
        if (metric == null || iterator == null) throw new IllegalArgumentException("ClassificationScoreCalculator: metric and iterator are required");
        if (!iterator.resetSupported()) throw new IllegalArgumentException("ClassificationScoreCalculator: the iterator must be resettable (it is read every evaluated epoch)");
        this.metric = metric;
        this.iterator = iterator;
    }

    @Override
    public double calculateScore(Model network) {
        iterator.reset();
        Evaluation evaluation = new Evaluation();
        while (iterator.hasNext()) {
            DataSet ds = iterator.next();
            INDArray out = ModelOutputs.output(network, ds.getFeatures());
            evaluation.eval(ds.getLabels(), out);
        }
        if (evaluation.getNumRowCounter() == 0) throw new IllegalStateException("ClassificationScoreCalculator: the held-out iterator gave no examples");
        return evaluation.scoreForMetric(metric);
    }

    @Override public boolean minimizeScore() { return false; }

    @Override public String toString() { return "ClassificationScoreCalculator(" + metric + ")"; }
}
