package org.pydl4j.nd.dataset.preprocessor;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * Per-feature statistics gathered over batches, as ND4J's DistributionStats / MinMaxStats: a feature is a column
 * of 2-d data [n, f] and a channel of 3-d/4-d data [n, c, ...] (dimension 1). Sums are kept in double.
 */
final class FeatureStats {
    private long count;
    private double[] sum, sumSq, min, max;

    /** Number of features of an array (its dimension 1; 1-d arrays have one feature). */
    static int features(INDArray a) { return a.rank() < 2 ? 1 : (int) a.size(1); }

    /** Elements per (example, feature): the product of dimensions 2 and up. */
    static long inner(INDArray a) {
        long p = 1;
        for (int d = 2; d < a.rank(); d++) p *= a.size(d);
        return p;
    }

    void add(INDArray a, String what) {
        if (a == null) throw new IllegalArgumentException("normalizer fit: the data set has no " + what);
        int f = features(a);
        if (sum == null) {
            sum = new double[f]; sumSq = new double[f]; min = new double[f]; max = new double[f];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        } else if (f != sum.length) {
            throw new IllegalArgumentException("normalizer fit: " + what + " have " + f + " features, earlier batches had " + sum.length);
        }
        long in = inner(a);
        for (int i = 0; i < a.length(); i++) {
            double v = a.getDoubleLinear(i);
            if (!Double.isFinite(v)) throw new IllegalArgumentException("normalizer fit: " + what + " hold a non-finite value " + v + " at element " + i);
            int k = (int) ((i / in) % f);
            sum[k] += v; sumSq[k] += v * v;
            if (v < min[k]) min[k] = v;
            if (v > max[k]) max[k] = v;
        }
        count += a.length() / f;
    }

    void requireData() {
        if (count == 0) throw new IllegalStateException("normalizer fit: no data (the iterator or data set was empty)");
    }

    double[] mean() {
        requireData();
        double[] m = new double[sum.length];
        for (int k = 0; k < m.length; k++) m[k] = sum[k] / count;
        return m;
    }

    /** Population standard deviation (as ND4J). */
    double[] std() {
        requireData();
        double[] s = new double[sum.length];
        for (int k = 0; k < s.length; k++) {
            double mean = sum[k] / count;
            s[k] = Math.sqrt(Math.max(0, sumSq[k] / count - mean * mean));
        }
        return s;
    }

    double[] min() { requireData(); return min.clone(); }

    double[] max() { requireData(); return max.clone(); }

    /** Statistics as a [1, f] row of the default floating-point type. */
    static INDArray row(double[] v) { return Nd4j.create(v, new long[]{1, v.length}, Nd4j.defaultFloatingPointType()); }

    /**
     * Applies x = (x - shift[k]) * scale[k] + add[k] to every element of feature k of a, in place, after checking
     * that a has as many features as the statistics.
     */
    static void apply(INDArray a, double[] shift, double[] scale, double[] add, String who) {
        int f = features(a);
        if (f != shift.length) {
            throw new IllegalArgumentException(who + ": data has " + f + " features (shape " + Arrays.toString(a.shape()) + "), the normalizer was fitted on " + shift.length);
        }
        long in = inner(a);
        for (int i = 0; i < a.length(); i++) {
            int k = (int) ((i / in) % f);
            a.putLinear(i, (a.getDoubleLinear(i) - shift[k]) * scale[k] + add[k]);
        }
    }

    /** n copies of v. */
    static double[] filled(int n, double v) {
        double[] o = new double[n];
        Arrays.fill(o, v);
        return o;
    }

    /** max(v, floor) element by element, as a new array. */
    static double[] floor(double[] v, double floor) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = Math.max(v[i], floor);
        return o;
    }
}
