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
}
