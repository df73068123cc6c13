package org.pydl4j.onnx;

import java.util.Arrays;

/**
 * A decoded TensorProto: float tensors keep float32 values, integer tensors (shapes, pads, axes) int64 values.
 * Only what a CNN graph needs; other element types are refused when read.
 */
public record OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] ints) {
    public static final int FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11;

    public static OnnxTensor ofFloats(String name, long[] dims, float[] values) {
        return new OnnxTensor(name, FLOAT, dims.clone(), values, null);
    }

    public static OnnxTensor ofInts(String name, long[] dims, long[] values) {
        return new OnnxTensor(name, INT64, dims.clone(), null, values);
    }

    public boolean isFloat() { return floats != null; }

    public long size() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Integer contents (shape-like tensors); floats are truncated. */
    public long[] asLongs() {
        if (ints != null) return ints;
        long[] r = new long[floats.length];
        for (int i = 0; i < r.length; i++) r[i] = (long) floats[i];
        return r;
    }

    public float[] asFloats() {
        if (floats != null) return floats;
        float[] r = new float[ints.length];
        for (int i = 0; i < r.length; i++) r[i] = ints[i];
        return r;
    }

    @Override
    public String toString() { return "OnnxTensor(" + name + ", type " + dataType + ", dims " + Arrays.toString(dims) + ")"; }
}
