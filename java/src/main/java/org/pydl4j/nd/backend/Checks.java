package org.pydl4j.nd.backend;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.activations.Activation;

/** Argument checks every backend runs in Java before computing (and before any native call). */
public final class Checks {
    private Checks() {}

    /** The array's shape; a null array is an IllegalArgumentException naming it (not a NullPointerException). */
    public static long[] shapeOf(INDArray a, String what) {
        if (a == null) throw new IllegalArgumentException(what + " is null");
        return a.shape();
    }

    public static void rank(INDArray a, int rank, String what) {
        if (a == null) throw new IllegalArgumentException(what + " is null");
        if (a.rank() != rank) {
            throw new IllegalArgumentException(what + " must have rank " + rank + ", got shape " + Arrays.toString(a.shape()));
        }
    }

    public static void shape(INDArray a, long[] expected, String what) {
        if (a == null) throw new IllegalArgumentException(what + " is null");
        if (!Arrays.equals(a.shape(), expected)) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(expected));
        }
    }

    public static void length(INDArray a, long expected, String what) {
        if (a == null) throw new IllegalArgumentException(what + " is null");
        if (a.length() != expected) {
            throw new IllegalArgumentException(what + " has " + a.length() + " elements, expected " + expected);
        }
    }

    /** Non-null arrays of one data type and one length (the first one's). */
    public static void sameLength(String op, INDArray... arrays) {
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] == null) throw new IllegalArgumentException(op + ": argument " + i + " is null");
            if (arrays[i].length() != arrays[0].length()) {
                throw new IllegalArgumentException(op + ": argument " + i + " has " + arrays[i].length() + " elements, argument 0 has "
                        + arrays[0].length() + " (shapes " + Arrays.toString(arrays[i].shape()) + " and " + Arrays.toString(arrays[0].shape()) + ")");
            }
        }
        sameType(op, arrays);
    }

    /** For add(a, b): true when b is a row added to every row of a 2-d a, false when b has a's shape. */
    public static boolean add(INDArray a, INDArray b) {
        shapeOf(a, "add: a");
        shapeOf(b, "add: b");
        sameType("add", a, b);
        if (Arrays.equals(a.shape(), b.shape())) return false;
        boolean row = a.rank() == 2 && b.length() == a.size(1) && (b.rank() == 1 || (b.rank() == 2 && b.size(0) == 1));
        if (!row) {
            throw new IllegalArgumentException("add: b of shape " + Arrays.toString(b.shape()) + " is neither a's shape "
                    + Arrays.toString(a.shape()) + " nor a row of it");
        }
        return true;
    }

    /** All non-null arrays share one data type. */
    public static void sameType(String op, INDArray... arrays) {
        INDArray first = null;
        for (INDArray a : arrays) {
            if (a == null) continue;
            if (first == null) first = a;
            else if (a.dataType() != first.dataType()) {
                throw new IllegalArgumentException(op + ": mixed data types " + first.dataType() + " and " + a.dataType());
            }
        }
    }

    /** Checks c = alpha op(a) op(b) + beta c (ranks, inner dimensions, C's shape, one data type); returns {m, n, k}. */
    public static long[] gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        rank(a, 2, "gemm A");
        rank(b, 2, "gemm B");
        rank(c, 2, "gemm C");
        long m = transA ? a.size(1) : a.size(0), k = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0), n = transB ? b.size(0) : b.size(1);
        if (k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + " times op(B) " + kb + "x" + n
                    + " into C " + Arrays.toString(c.shape()));
        }
        sameType("gemm", a, b, c);
        return new long[]{m, n, k};
    }

    /** The native backends' checks of activate(f, x): both present, softmax only on [rows, cols]. */
    public static void activate(Activation f, INDArray x) {
        if (f == null) throw new IllegalArgumentException("activate: activation is null");
        if (x == null) throw new IllegalArgumentException("activate: input is null");
        if (f == Activation.SOFTMAX) rank(x, 2, "softmax input");
    }

    /** The native backends' checks of activateBackward(f, x, y, gradOut): one shape and one data type. */
    public static void activateBackward(Activation f, INDArray x, INDArray y, INDArray gradOut) {
        if (f == null) throw new IllegalArgumentException("activateBackward: activation is null");
        if (x == null) throw new IllegalArgumentException("activateBackward: input x is null");
        shape(gradOut, x.shape(), "activateBackward gradOut");
        shape(y, x.shape(), "activateBackward output y");
        sameType("activateBackward", x, y, gradOut);
        if (f == Activation.SOFTMAX) rank(x, 2, "softmax input");
    }

    /** channelScale(x, s): x [N, C, H, W], s [N, C], one data type. */
    public static void channelScale(INDArray x, INDArray s) {
        if (x == null || s == null) throw new IllegalArgumentException("channelScale: image or scale is null");
        rank(x, 4, "channelScale image");
        shape(s, new long[]{x.size(0), x.size(1)}, "channelScale scale");
        sameType("channelScale", x, s);
    }

    // ---------------------------------------------------------------- per-op argument checks, shared by every backend

    /** Any dimension of size zero (native kernels leave such arrays to the reference loops). */
    public static boolean empty(long[] shape) {
        for (long d : shape) if (d == 0) return true;
        return false;
    }

    /** conv2d / conv2dFused: geometry, bias length and one data type. */
    public static ConvGeometry conv2d(String op, INDArray input, INDArray weight, INDArray bias, ConvParams p) {
        ConvGeometry g = ConvGeometry.conv(shapeOf(input, op + " input"), shapeOf(weight, op + " weight"), p);
        if (bias != null && bias.length() != g.outC) {
            throw new IllegalArgumentException(op + ": bias of length " + bias.length() + " for " + g.outC
                    + " output channels (weights " + Arrays.toString(weight.shape()) + ")");
        }
        sameType(op, input, weight, bias);
        return g;
    }

    public static ConvGeometry conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p) {
        ConvGeometry g = ConvGeometry.conv(inputShape, shapeOf(weight, "conv2dBackwardData weight"), p);
        shape(gradOut, g.outShape(), "conv2dBackwardData gradOut");
        sameType("conv2dBackwardData", gradOut, weight);
        return g;
    }

    public static ConvGeometry conv2dBackwardWeights(INDArray input, INDArray gradOut, long[] weightShape, ConvParams p) {
        ConvGeometry g = ConvGeometry.conv(shapeOf(input, "conv2dBackwardWeights input"), weightShape, p);
        shape(gradOut, g.outShape(), "conv2dBackwardWeights gradOut");
        sameType("conv2dBackwardWeights", input, gradOut);
        return g;
    }

    /** pool2d, or pool2dBackward when gradOut is given. */
    public static ConvGeometry pool2d(String op, INDArray input, INDArray gradOut, PoolingType type, ConvParams p) {
        ConvGeometry g = ConvGeometry.pool(shapeOf(input, op + " input"), p);
        if (type == null) throw new IllegalArgumentException(op + ": pooling type is null");
        if (gradOut != null) {
            shape(gradOut, g.outShape(), op + " gradOut");
            sameType(op, input, gradOut);
        }
        return g;
    }

    public static BatchNormShape batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps) {
        BatchNormShape d = BatchNormShape.of(input, gamma, beta);
        eps(eps);
        return d;
    }

    public static BatchNormShape batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = BatchNormShape.of(input, gamma, beta);
        statistics(d, mean, var);
        sameType("batchNormInference", input, mean, var);
        eps(eps);
        return d;
    }

    public static BatchNormShape batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = BatchNormShape.of(input, gamma, gamma);
        shape(gradOut, input.shape(), "batchNormBackward gradOut");
        statistics(d, mean, var);
        sameType("batchNormBackward", input, gradOut, gamma, mean, var);
        eps(eps);
        return d;
    }

    private static void statistics(BatchNormShape d, INDArray mean, INDArray var) {
        length(mean, d.c, "batchNorm mean");
        length(var, d.c, "batchNorm var");
    }

    private static void eps(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("batch norm eps must be positive and finite, got " + eps);
    }
}
