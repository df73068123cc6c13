package org.pydl4j.eval;

import java.util.function.Function;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;

/**
 * The evaluation loop networks share (DL4J's {@code doEvaluation}): reset the iterator when it can be, then for each
 * batch feed the labels and the network's inference-mode output to every evaluation.
 */
public final class IteratorEvaluation {
    private IteratorEvaluation() {}

    @SafeVarargs
    public static <T extends IEvaluation<?>> T[] run(DataSetIterator iterator, Function<INDArray, INDArray> output, T... evaluations) {
        if (iterator == null) throw new IllegalArgumentException("doEvaluation: iterator is null");
        if (evaluations == null || evaluations.length == 0) throw new IllegalArgumentException("doEvaluation: no evaluations given");
        if (iterator.resetSupported()) iterator.reset();
        while (iterator.hasNext()) {
            DataSet ds = iterator.next();
            if (ds.getLabels() == null) throw new IllegalArgumentException("doEvaluation: a DataSet from the iterator has no labels");
            INDArray predictions = output.apply(ds.getFeatures());
            for (T e : evaluations) e.eval(ds.getLabels(), predictions);
        }
        return evaluations;
    }

    /** A classification Evaluation named by the iterator's labels when it has them (DL4J's {@code evaluate(iterator)}). */
    public static Evaluation classification(DataSetIterator iterator, java.util.List<String> labelsList, Function<INDArray, INDArray> output) {
        java.util.List<String> names = labelsList != null ? labelsList : iterator.getLabels();
        Evaluation e = names == null || names.isEmpty() ? new Evaluation() : new Evaluation(names);
        return run(iterator, output, e)[0];
    }
}
