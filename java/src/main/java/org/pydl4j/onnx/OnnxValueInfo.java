package org.pydl4j.onnx;

/**
 * A graph input or output: name, element type and shape; a dimension is -1 when symbolic ({@code dimParams}
 * holds its name, e.g. "batch").
 */
public record OnnxValueInfo(String name, int elemType, long[] dims, String[] dimParams) {
    /** A float tensor whose first dimension is the symbolic batch "N". */
    public static OnnxValueInfo batched(String name, long... nonBatchDims) {
        long[] d = new long[nonBatchDims.length + 1];
        String[] p = new String[d.length];
        d[0] = -1;
        p[0] = "N";
        System.arraycopy(nonBatchDims, 0, d, 1, nonBatchDims.length);
        return new OnnxValueInfo(name, OnnxTensor.FLOAT, d, p);
    }
}
