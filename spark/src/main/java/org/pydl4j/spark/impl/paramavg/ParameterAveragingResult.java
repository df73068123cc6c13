package org.pydl4j.spark.impl.paramavg;

import java.io.Serializable;

/**
 * What the workers of one averaging period send back, summed: parameters and updater state (sums over
 * {@code workers}), the sum of their minibatch losses and how many minibatches that is, and the highest iteration
 * count reached. The driver divides by {@code workers} (DL4J averages every worker equally).
 */
public record ParameterAveragingResult(double[] params, double[] updaterState, double scoreSum, long minibatches,
                                       int workers, int iterationCount) implements Serializable {

    /** The element-wise sum of two partial results (Spark's reduce; either side may be reused). */
    public ParameterAveragingResult add(ParameterAveragingResult other) {
        if (other.params.length != params.length || lengthOf(other.updaterState) != lengthOf(updaterState)) {
            throw new IllegalStateException("workers returned different parameter counts: " + params.length + " and " + other.params.length);
        }
        double[] p = params.clone();
        for (int i = 0; i < p.length; i++) p[i] += other.params[i];
        double[] u = updaterState == null ? null : updaterState.clone();
        if (u != null) for (int i = 0; i < u.length; i++) u[i] += other.updaterState[i];
        return new ParameterAveragingResult(p, u, scoreSum + other.scoreSum, minibatches + other.minibatches,
                workers + other.workers, Math.max(iterationCount, other.iterationCount));
    }

    /** {@code sum / workers}, element-wise. */
    public static double[] mean(double[] sum, int workers) {
        double[] out = new double[sum.length];
        for (int i = 0; i < sum.length; i++) out[i] = sum[i] / workers;
        return out;
    }

    private static int lengthOf(double[] a) { return a == null ? -1 : a.length; }
}
