package org.pydl4j.nd.backend;

import org.pydl4j.nd.INDArray;

/**
 * A {@link ProgramSpec} compiled by a backend for its shapes. {@link #run} takes the inputs and, per node, the
 * weights and bias of convolution nodes (null elsewhere), and returns new arrays for the spec's outputs. Runs of
 * one program are serialized; close() frees what the program holds (buffers, native primitives).
 */
public interface InferenceProgram extends AutoCloseable {
    INDArray[] run(INDArray[] inputs, INDArray[] weights, INDArray[] biases);

    /** As {@link #run}, writing into given arrays of the outputs' shapes (views of larger arrays are fine). */
    void runInto(INDArray[] inputs, INDArray[] weights, INDArray[] biases, INDArray[] outputs);

    /** Bytes of working memory the program keeps between runs (0 when it keeps none). */
    default long workingBytes() { return 0; }

    /** What the program runs, one line per node (backend-specific; for diagnostics and tests). */
    default String describe() { return ""; }

    @Override
    void close();
}
