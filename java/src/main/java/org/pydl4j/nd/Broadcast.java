package org.pydl4j.nd;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/** Elementwise binary operations with numpy broadcasting, written once for every array method. */
final class Broadcast {
    private Broadcast() {}

    /**
     * out = f(a, b) with broadcasting. If out is null a new array is made; otherwise the broadcast shape must equal
     * out's shape (in-place forms pass a as out). Float arrays are combined in double and rounded once, which for
     * + - * / gives exactly the float result.
     */
    static INDArray apply(INDArray a, INDArray b, DoubleBinaryOperator f, INDArray out) {
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException("elementwise op on " + a.dataType() + " and " + b.dataType() + " arrays");
        }
        long[] shape = Shapes.broadcast(a.shape(), b.shape());
        if (out == null) {
            out = Nd4j.createUninitialized(a.dataType(), shape);
        } else if (!Arrays.equals(out.shape(), shape)) {
            throw new IllegalArgumentException("in-place op: result shape " + Arrays.toString(shape)
                    + " differs from target shape " + Arrays.toString(out.shape()));
        }
        int n = (int) out.length();
        if (Arrays.equals(a.shape(), b.shape()) && a.dataType() == DataType.FLOAT) {
            FloatBuffer x = a.floatBufferForRead(), y = b.floatBufferForRead(), z = out.floatBuffer();
            for (int i = 0; i < n; i++) z.put(i, (float) f.applyAsDouble(x.get(i), y.get(i)));
            return out;
        }
        if (b.length() == 1) {
            double s = b.getDoubleLinear(0);
            for (int i = 0; i < n; i++) out.putLinear(i, f.applyAsDouble(a.getDoubleLinear(i), s));
            return out;
        }
        long[] sa = Shapes.broadcastStrides(a.shape(), shape), sb = Shapes.broadcastStrides(b.shape(), shape);
        long[] idx = new long[shape.length];
        // Results may be written over a (in place) only at positions already read, since a's shape equals out's.
        for (int i = 0; i < n; i++) {
            long oa = 0, ob = 0;
            for (int d = 0; d < idx.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
            out.putLinear(i, f.applyAsDouble(a.getDoubleLinear((int) oa), b.getDoubleLinear((int) ob)));
            Shapes.increment(idx, shape);
        }
        return out;
    }
}
