package org.pydl4j.nd;

import java.util.Arrays;

/** Shape arithmetic shared by arrays, reductions and broadcasting. */
public final class Shapes {
    private Shapes() {}

    /** Number of elements; rejects negative dimensions and arrays past int range. */
    public static int length(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    /** C-order strides in elements. */
    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /** Advances a C-order multi-index by one. */
    public static void increment(long[] idx, long[] shape) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    /** numpy broadcasting of two shapes; the error names both. */
    public static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of an array of shape `shape` read as the broadcast shape `target` (0 along broadcast dims). */
    public static long[] broadcastStrides(long[] shape, long[] target) {
        long[] own = strides(shape);
        long[] out = new long[target.length];
        int off = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) out[i + off] = shape[i] == 1 ? 0 : own[i];
        return out;
    }

    public static long[] of(int... dims) { return Arrays.stream(dims).asLongStream().toArray(); }
}
