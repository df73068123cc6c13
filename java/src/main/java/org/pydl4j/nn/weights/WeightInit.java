package org.pydl4j.nn.weights;

import java.util.Random;
import org.pydl4j.nd.INDArray;

/**
 * Weight initialization schemes, as DL4J's WeightInit (same names and distributions):
 * XAVIER N(0, 2/(fanIn+fanOut)); XAVIER_UNIFORM U(-s, s), s = sqrt(6/(fanIn+fanOut)); RELU N(0, 2/fanIn);
 * RELU_UNIFORM U(-s, s), s = sqrt(6/fanIn); NORMAL and LECUN_NORMAL N(0, 1/fanIn); UNIFORM U(-a, a), a = 1/sqrt(fanIn);
 * ZERO; ONES. Variances are given, not standard deviations.
 */
public enum WeightInit {
    XAVIER, XAVIER_UNIFORM, RELU, RELU_UNIFORM, NORMAL, LECUN_NORMAL, UNIFORM, ZERO, ONES;

    /** Fills the array in place from the generator. */
    public void init(double fanIn, double fanOut, INDArray target, Random rng) {
        int n = (int) target.length();
        for (int i = 0; i < n; i++) target.putLinear(i, sample(fanIn, fanOut, rng));
    }

    private double sample(double fanIn, double fanOut, Random r) {
        switch (this) {
            case XAVIER: return r.nextGaussian() * Math.sqrt(2.0 / (fanIn + fanOut));
            case XAVIER_UNIFORM: { double s = Math.sqrt(6.0 / (fanIn + fanOut)); return (2 * r.nextDouble() - 1) * s; }
            case RELU: return r.nextGaussian() * Math.sqrt(2.0 / fanIn);
            case RELU_UNIFORM: { double s = Math.sqrt(6.0 / fanIn); return (2 * r.nextDouble() - 1) * s; }
            case NORMAL:
            case LECUN_NORMAL: return r.nextGaussian() / Math.sqrt(fanIn);
            case UNIFORM: { double a = 1.0 / Math.sqrt(fanIn); return (2 * r.nextDouble() - 1) * a; }
            case ZERO: return 0;
            case ONES: return 1;
            default: throw new IllegalStateException("no rule for " + this);
        }
    }
}
