package org.pydl4j.nn.api;

import org.pydl4j.nd.INDArray;

/** Something with parameters and a score: a network or one of its layers (as DL4J's Model). */
public interface Model {
    /** The parameters, flattened (see the implementation for copy/view semantics). */
    INDArray params();

    long numParams();

    /** Copies the given values (same length) into the parameters. */
    void setParams(INDArray params);

    /** The last computed score (loss plus regularization). */
    double score();
}
