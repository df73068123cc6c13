package org.pydl4j.nd.backend;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;

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
}
