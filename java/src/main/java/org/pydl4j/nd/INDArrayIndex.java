package org.pydl4j.nd;

/** An index into one dimension of an {@link INDArray}; made by {@link NDArrayIndex}. */
public interface INDArrayIndex {}
