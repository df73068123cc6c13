package org.pydl4j.onnx;

/** A node attribute: one of a float, an int, a string, a tensor, a graph, floats or ints (by {@code type}). */
public record OnnxAttribute(String name, int type, float f, long i, String s, OnnxTensor t, OnnxGraph g,
                            float[] floats, long[] ints) {
    public static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7;

    public static OnnxAttribute ofInt(String name, long v) { return new OnnxAttribute(name, INT, 0, v, null, null, null, null, null); }
    public static OnnxAttribute ofFloat(String name, float v) { return new OnnxAttribute(name, FLOAT, v, 0, null, null, null, null, null); }
    public static OnnxAttribute ofInts(String name, long... v) { return new OnnxAttribute(name, INTS, 0, 0, null, null, null, null, v.clone()); }
    public static OnnxAttribute ofString(String name, String v) { return new OnnxAttribute(name, STRING, 0, 0, v, null, null, null, null); }
}
