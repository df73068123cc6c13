package org.pydl4j.nd;

import java.util.Arrays;

/** Reductions over chosen dimensions (none given: over all), accumulated in double. */
final class Reduce {
    private Reduce() {}

    private interface Acc { double start(); double step(double acc, double v); }

    private static final Acc SUM = new Acc() {
        public double start() { return 0; }
        public double step(double acc, double v) { return acc + v; }
    };
    private static final Acc MAX = new Acc() {
        public double start() { return Double.NEGATIVE_INFINITY; }
        public double step(double acc, double v) { return Math.max(acc, v); }
    };
    private static final Acc MIN = new Acc() {
        public double start() { return Double.POSITIVE_INFINITY; }
        public double step(double acc, double v) { return Math.min(acc, v); }
    };

    static INDArray sum(INDArray a, int... dims) { return reduce(a, dims, SUM); }
    static INDArray max(INDArray a, int... dims) { return reduce(a, dims, MAX); }
    static INDArray min(INDArray a, int... dims) { return reduce(a, dims, MIN); }

    static INDArray mean(INDArray a, int... dims) {
        INDArray s = sum(a, dims);
        long count = a.length() / Math.max(1, s.length());
        return s.divi(count == 0 ? 1 : count);
    }

    /** Which dims are reduced, and the shape that remains. */
    private static boolean[] reducedDims(INDArray a, int[] dims) {
        boolean[] r = new boolean[a.rank()];
        if (dims == null || dims.length == 0) { Arrays.fill(r, true); return r; }
        for (int d : dims) {
            int dd = d < 0 ? d + a.rank() : d;
            if (dd < 0 || dd >= a.rank()) throw new IllegalArgumentException("dimension " + d + " out of rank " + a.rank());
            r[dd] = true;
        }
        return r;
    }

    private static long[] keptShape(long[] shape, boolean[] reduced) {
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> !reduced[i]).mapToLong(i -> shape[i]).toArray();
    }

    /** Output position of each input position: the C-order index over the kept dimensions. */
    private static int outOffset(long[] idx, long[] shape, boolean[] reduced) {
        long off = 0;
        for (int d = 0; d < idx.length; d++) if (!reduced[d]) off = off * shape[d] + idx[d];
        return (int) off;
    }

    private static INDArray reduce(INDArray a, int[] dims, Acc acc) {
        long[] shape = a.shape();
        boolean[] reduced = reducedDims(a, dims);
        long[] outShape = keptShape(shape, reduced);
        double[] res = new double[Shapes.length(outShape)];
        Arrays.fill(res, acc.start());
        long[] idx = new long[shape.length];
        for (int i = 0; i < a.length(); i++) {
            int o = outOffset(idx, shape, reduced);
            res[o] = acc.step(res[o], a.getDoubleLinear(i));
            Shapes.increment(idx, shape);
        }
        return Nd4j.create(res, outShape, a.dataType());
    }

    static INDArray argMax(INDArray a, int... dims) {
        long[] shape = a.shape();
        boolean[] reduced = reducedDims(a, dims);
        long[] outShape = keptShape(shape, reduced);
        long[] rs = Arrays.stream(java.util.stream.IntStream.range(0, shape.length).filter(i -> reduced[i]).mapToLong(i -> shape[i]).toArray()).toArray();
        int n = Shapes.length(outShape);
        double[] best = new double[n];
        double[] where = new double[n];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        long[] idx = new long[shape.length];
        for (int i = 0; i < a.length(); i++) {
            int o = outOffset(idx, shape, reduced);
            double v = a.getDoubleLinear(i);
            if (v > best[o] || (Double.isNaN(v) && !Double.isNaN(best[o]))) {
                best[o] = v;
                long pos = 0;   // position within the reduced dimensions, C order
                int k = 0;
                for (int d = 0; d < idx.length; d++) if (reduced[d]) pos = pos * rs[k++] + idx[d];
                where[o] = pos;
            }
            Shapes.increment(idx, shape);
        }
        return Nd4j.create(where, outShape, a.dataType());
    }
}
