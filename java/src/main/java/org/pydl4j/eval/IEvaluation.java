package org.pydl4j.eval;

import org.pydl4j.nd.INDArray;

/** An evaluation fed batch by batch with labels and network predictions, as DL4J's IEvaluation. */
public interface IEvaluation<T extends IEvaluation<T>> {
    /** Adds a batch: labels and predictions, both [examples, outputs]. */
    void eval(INDArray labels, INDArray networkPredictions);

    /** Adds another evaluation's counts to this one. */
    void merge(T other);

    void reset();

    String stats();
}
