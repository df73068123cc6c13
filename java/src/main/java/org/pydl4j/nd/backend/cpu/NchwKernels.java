package org.pydl4j.nd.backend.cpu;

import java.nio.ByteBuffer;
import org.pydl4j.nd.activations.Activation;

/**
 * Which convolutions and batch norms the cpu backend runs on its own plain-NCHW training kernels
 * (native/cpu/nchw_train.cpp) instead of oneDNN: depthwise convolutions (any kernel, stride, padding, dilation,
 * multiplier), 1x1 stride-1 unpadded convolutions (OpenBLAS products, no layout reorders) and batch normalization
 * with batch statistics, also with a RELU / RELU6 clamped into its output (a training pass fuses a batch norm
 * with the activation layer after it, see nn.graph.TrainingFusion). oneDNN keeps the rest (full convolutions, inference, fused and compiled programs).
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

    /** The interval an activation clamps into, for the fused batch norm kernels: {lo, hi}; none: (-inf, inf). */
    static float[] clampOf(Activation f) {
        switch (f) {
            case IDENTITY: return new float[]{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            case RELU: return new float[]{0f, Float.POSITIVE_INFINITY};
            case RELU6: return new float[]{0f, 6f};
            default: throw new IllegalArgumentException("no clamp for activation " + f);
        }
    }

    private static final float[] NO_CLAMP = clampOf(Activation.IDENTITY);

    static void batchNormForward(boolean training, ByteBuffer x, ByteBuffer gamma, ByteBuffer beta, ByteBuffer mean,
                                 ByteBuffer var, ByteBuffer y, int n, int c, int spatial, float eps) {
        if (training && ENABLED) CpuNative.nchwBatchNormTraining(x, gamma, beta, mean, var, y, n, c, spatial, eps, NO_CLAMP[0], NO_CLAMP[1]);
        else CpuNative.batchNormForward(training, x, gamma, beta, mean, var, y, n, c, spatial, eps);
    }

    static void batchNormBackward(ByteBuffer x, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean, ByteBuffer var,
                                  ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps) {
        if (ENABLED) CpuNative.nchwBatchNormBackward(x, null, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps, NO_CLAMP[0], NO_CLAMP[1]);
        else CpuNative.batchNormBackward(x, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps);
    }

    // Batch norm with the activation clamped into its output (RELU, RELU6), training only; only when ENABLED
    // (fusesBatchNormWith): with the kernels off, a training pass runs batch norm and activation apart, on oneDNN.

    static void batchNormActivated(Activation f, ByteBuffer x, ByteBuffer gamma, ByteBuffer beta, ByteBuffer mean,
                                   ByteBuffer var, ByteBuffer y, int n, int c, int spatial, float eps) {
        float[] clamp = clampOf(f);
        CpuNative.nchwBatchNormTraining(x, gamma, beta, mean, var, y, n, c, spatial, eps, clamp[0], clamp[1]);
    }

    static void batchNormBackwardActivated(Activation f, ByteBuffer x, ByteBuffer beta, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean,
                                           ByteBuffer var, ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps) {
        float[] clamp = clampOf(f);
        CpuNative.nchwBatchNormBackward(x, beta, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps, clamp[0], clamp[1]);
    }
}
