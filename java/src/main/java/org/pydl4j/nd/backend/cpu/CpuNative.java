package org.pydl4j.nd.backend.cpu;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of libpydl4j_cpu.so (sources in java/src/main/native/cpu). Buffers are direct FLOAT
 * buffers; callers ({@link CpuBackend}) have already checked every shape. Native failures arrive as
 * IllegalStateException.
 */
final class CpuNative {
    private CpuNative() {}

    // Activation arguments are org.pydl4j.nd.backend.NativeActivation codes.

    static native String version();

    static native void gemm(ByteBuffer a, boolean transA, ByteBuffer b, boolean transB, ByteBuffer c,
                            int m, int n, int k, float alpha, float beta);

    /**
     * geometry = {N, C, H, W, O, OH, OW, kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups}
     * (see common.h, read_geometry).
     */
    static native void convForward(ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int[] geometry);

    /** Inference convolution + bias + activation (code as eltwiseForward, or IDENTITY) in one oneDNN kernel. */
    static native void convForwardFused(ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int[] geometry, int activation);

    /** A native inference program (program.cpp) from its encoded spec (CpuProgram.encode); returns its handle. */
    static native long programCreate(int[] spec);

    /**
     * Runs a program: one buffer per input, per node weights/bias (null where unused), one per output.
     * weightsUnchanged (or null): per node, true where the weights are the previous run's memory, not written since,
     * so their transformed copy is reused without hashing them.
     */
    static native void programRun(long program, ByteBuffer[] inputs, ByteBuffer[] weights, ByteBuffer[] biases, ByteBuffer[] outputs,
                                  boolean[] weightsUnchanged);

    /** One line per program node: its op and the oneDNN implementation it runs (diagnostics, tests). */
    static native String programDescribe(long program);

    /** Bytes of intermediate and weight buffers a program keeps. */
    static native long programBufferBytes(long program);

    static native void programFree(long program);

    static native void convBackwardData(ByteBuffer gy, ByteBuffer w, ByteBuffer gx, int[] geometry);

    static native void convBackwardWeights(ByteBuffer x, ByteBuffer gy, ByteBuffer gw, ByteBuffer gb, int[] geometry);

    static native void poolForward(boolean max, ByteBuffer x, ByteBuffer y, int[] geometry);

    static native void poolBackward(boolean max, ByteBuffer x, ByteBuffer gy, ByteBuffer gx, int[] geometry);

    /** training: mean and var are written (batch statistics, biased variance); otherwise they are read. */
    static native void batchNormForward(boolean training, ByteBuffer x, ByteBuffer gamma, ByteBuffer beta,
                                        ByteBuffer mean, ByteBuffer var, ByteBuffer y, int n, int c, int spatial, float eps);

    static native void batchNormBackward(ByteBuffer x, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean, ByteBuffer var,
                                         ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps);

    static native void eltwiseForward(int kind, ByteBuffer x, ByteBuffer y, int length);

    static native void eltwiseBackward(int kind, ByteBuffer x, ByteBuffer y, ByteBuffer gy, ByteBuffer gx, int length);

    /**
     * The code of an activation with parameters (kind LEAKYRELU or HARDSIGMOID), for every entry point that takes
     * activation codes; one code per distinct (kind, alpha, beta), at most 4096 (activations.cpp).
     */
    static native int registerActivation(int kind, float alpha, float beta);

    /** y = x * s per (example, channel): x and y [n, c, hw], s [n, c] (the squeeze-excitation gate). */
    static native void channelScale(ByteBuffer x, ByteBuffer s, ByteBuffer y, int n, int c, int hw);

    static native void softmaxForward(ByteBuffer x, ByteBuffer y, int rows, int cols);

    static native void softmaxBackward(ByteBuffer y, ByteBuffer gy, ByteBuffer gx, int rows, int cols);

    /** One Adam step in place over length floats (train_eltwise.cpp; Backend.adamStep's arithmetic, in double per element). */
    static native void adamStep(ByteBuffer g, ByteBuffer m, ByteBuffer v, int length, double b1, double b2, double eps, double alphat);

    /** y += alpha * x over length floats (train_eltwise.cpp). */
    static native void axpy(double alpha, ByteBuffer x, ByteBuffer y, int length);

    /** y = a + b over length floats (train_eltwise.cpp). */
    static native void add(ByteBuffer a, ByteBuffer b, ByteBuffer y, int length);

    // Training kernels on plain NCHW (nchw_train.cpp): see NchwKernels for which geometries they take.

    /** y = min(max(bn(x), lo), hi): lo, hi from {@link NchwKernels#clampOf} (-inf, inf: no activation). */
    static native void nchwBatchNormTraining(ByteBuffer x, ByteBuffer gamma, ByteBuffer beta, ByteBuffer mean, ByteBuffer var,
                                             ByteBuffer y, int n, int c, int spatial, float eps, float lo, float hi);

    /**
     * beta: the forward pass's (the clamp's derivative is taken from the recomputed pre-activation, see
     * nchw_train.cpp Affine; may be null without a clamp).
     */
    static native void nchwBatchNormBackward(ByteBuffer x, ByteBuffer beta, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean, ByteBuffer var,
                                             ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps,
                                             float lo, float hi);

    /** kind: {@link NchwKernels#DEPTHWISE} or {@link NchwKernels#POINTWISE}. */
    static native void nchwConvForward(int kind, ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int[] geometry);

    static native void nchwConvBackwardData(int kind, ByteBuffer gy, ByteBuffer w, ByteBuffer gx, int[] geometry);

    static native void nchwConvBackwardWeights(int kind, ByteBuffer x, ByteBuffer gy, ByteBuffer gw, ByteBuffer gb, int[] geometry);

    /**
     * JVM shutdown (CpuShutdownGate): refuses native calls from now on and waits up to timeoutMillis for those in
     * flight; true when none is left.
     */
    static native boolean quiesce(long timeoutMillis);
}
