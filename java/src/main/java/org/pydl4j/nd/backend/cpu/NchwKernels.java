package org.pydl4j.nd.backend.cpu;

import java.nio.ByteBuffer;

/**
 * Which convolutions and batch norms the cpu backend runs on its own plain-NCHW training kernels
 * (native/cpu/nchw_train.cpp) instead of oneDNN: depthwise convolutions (any kernel, stride, padding, dilation,
 * multiplier), 1x1 stride-1 unpadded convolutions (OpenBLAS products, no layout reorders) and batch normalization
 * with batch statistics. oneDNN keeps the rest (full convolutions, inference, fused and compiled programs).
 * {@code -Dpydl4j.cpu.nchwKernels=false} sends everything to oneDNN (for comparisons and as an escape hatch).
 */
final class NchwKernels {
    private NchwKernels() {}

    static final int NONE = -1, DEPTHWISE = 0, POINTWISE = 1;

    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("pydl4j.cpu.nchwKernels", "true"));

    /** The kernel for a convolution geometry (JniBackend.geometry's 18 ints), or NONE for oneDNN. */
    static int convKind(int[] g) {
        if (!ENABLED) return NONE;
        int c = g[1], o = g[4], groups = g[17];
        if (groups > 1 && groups == c && o % c == 0) return DEPTHWISE;
        boolean oneByOne = g[7] == 1 && g[8] == 1, unitStride = g[9] == 1 && g[10] == 1;
        boolean unpadded = g[11] == 0 && g[12] == 0 && g[13] == 0 && g[14] == 0;
        if (groups == 1 && oneByOne && unitStride && unpadded) return POINTWISE;
        return NONE;
    }

    // The entry points: the kernel is chosen here once, for the cpu backend and for the test-only simulated device
    // (which runs the cpu kernels on separate memory and must run the same ones).

    static void convForward(ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int[] g) {
        int kind = convKind(g);
        if (kind != NONE) CpuNative.nchwConvForward(kind, x, w, bias, y, g);
        else CpuNative.convForward(x, w, bias, y, g);
    }

    static void convBackwardData(ByteBuffer gy, ByteBuffer w, ByteBuffer gx, int[] g) {
        int kind = convKind(g);
        if (kind != NONE) CpuNative.nchwConvBackwardData(kind, gy, w, gx, g);
        else CpuNative.convBackwardData(gy, w, gx, g);
    }

    static void convBackwardWeights(ByteBuffer x, ByteBuffer gy, ByteBuffer gw, ByteBuffer gb, int[] g) {
        int kind = convKind(g);
        if (kind != NONE) CpuNative.nchwConvBackwardWeights(kind, x, gy, gw, gb, g);
        else CpuNative.convBackwardWeights(x, gy, gw, gb, g);
    }

    static void batchNormForward(boolean training, ByteBuffer x, ByteBuffer gamma, ByteBuffer beta, ByteBuffer mean,
                                 ByteBuffer var, ByteBuffer y, int n, int c, int spatial, float eps) {
        if (training && ENABLED) CpuNative.nchwBatchNormTraining(x, gamma, beta, mean, var, y, n, c, spatial, eps);
        else CpuNative.batchNormForward(training, x, gamma, beta, mean, var, y, n, c, spatial, eps);
    }

    static void batchNormBackward(ByteBuffer x, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean, ByteBuffer var,
                                  ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps) {
        if (ENABLED) CpuNative.nchwBatchNormBackward(x, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps);
        else CpuNative.batchNormBackward(x, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps);
    }
}
