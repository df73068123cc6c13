package org.pydl4j.nn.conf.formats;

/** Where a layer's parameters sit in DL4J's flat parameter vector, relative to this project's arrays. */
public enum Dl4jParamLayout {
    /** The layer's parameter arrays in {@code paramShapes()} order, each in C order (also: no parameters). */
    SAME,
    /** Bias first, then W [nOut, nIn, kH, kW] as ours. */
    CONVOLUTION,
    /** Bias first, then W as [kH, kW, nIn, depthMultiplier] (ours: [nIn*depthMultiplier, 1, kH, kW]). */
    DEPTHWISE_CONVOLUTION,
    /** W in Fortran order [nIn, nOut] (rows permuted behind a TensorFlow-order flatten), then bias. */
    DENSE,
    /** gamma, beta (absent when locked), mean, variance (or log10 of the standard deviation). */
    BATCH_NORMALIZATION
}
