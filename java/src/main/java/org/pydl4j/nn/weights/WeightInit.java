package org.pydl4j.nn.weights;

import java.util.Arrays;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.distribution.Distribution;
import org.pydl4j.nn.conf.distribution.TruncatedNormalDistribution;

/**
 * Weight initialization schemes, as DL4J's WeightInit (same names and formulas as DL4J's WeightInitUtil; variances
 * are given, not standard deviations):
 * <ul>
 * <li>DISTRIBUTION: drawn from the layer's {@link Distribution} ({@code .dist(...)} / {@code .weightInit(Distribution)})</li>
 * <li>ZERO, ONES: constants</li>
 * <li>SIGMOID_UNIFORM: U(-r, r), r = 4 sqrt(6 / (fanIn + fanOut))</li>
 * <li>NORMAL, LECUN_NORMAL: N(0, 1/fanIn)</li>
 * <li>UNIFORM: U(-a, a), a = 1/sqrt(fanIn); LECUN_UNIFORM: a = 3/sqrt(fanIn)</li>
 * <li>XAVIER: N(0, 2/(fanIn + fanOut)); XAVIER_UNIFORM: U(-s, s), s = sqrt(6/(fanIn + fanOut));
 *     XAVIER_FAN_IN: N(0, 1/fanIn); XAVIER_LEGACY: N(0, 1/(shape[0] + shape[1]))</li>
 * <li>RELU: N(0, 2/fanIn); RELU_UNIFORM: U(-s, s), s = sqrt(6/fanIn)</li>
 * <li>IDENTITY: identity matrix (square dense weights), or for convolution weights [nOut, nIn, kH, kW] with
 *     nIn = nOut and odd kernels, 1 at the kernel centre of channel i -&gt; i</li>
 * <li>VAR_SCALING_NORMAL_FAN_IN / _OUT / _AVG: normal truncated at 2 std, std = sqrt(1/fanIn), sqrt(1/fanOut),
 *     sqrt(2/(fanIn + fanOut))</li>
 * <li>VAR_SCALING_UNIFORM_FAN_IN / _OUT / _AVG: U(-a, a), a = 3/sqrt(fanIn), 3/sqrt(fanOut), 3/sqrt((fanIn + fanOut)/2)</li>
 * </ul>
 */
public enum WeightInit {
    DISTRIBUTION, ZERO, ONES, SIGMOID_UNIFORM, NORMAL, LECUN_NORMAL, UNIFORM, XAVIER, XAVIER_UNIFORM, XAVIER_FAN_IN,
    XAVIER_LEGACY, RELU, RELU_UNIFORM, IDENTITY, LECUN_UNIFORM, VAR_SCALING_NORMAL_FAN_IN, VAR_SCALING_NORMAL_FAN_OUT,
    VAR_SCALING_NORMAL_FAN_AVG, VAR_SCALING_UNIFORM_FAN_IN, VAR_SCALING_UNIFORM_FAN_OUT, VAR_SCALING_UNIFORM_FAN_AVG;

    /** This scheme as an {@link IWeightInit} (DL4J's {@code getWeightInitFunction()}); DISTRIBUTION needs its distribution. */
    public IWeightInit getWeightInitFunction() { return getWeightInitFunction(null); }

    public IWeightInit getWeightInitFunction(Distribution dist) {
        if (this == DISTRIBUTION) return new WeightInitDistribution(dist);
        WeightInit self = this;
        return () -> self;
    }

    /** Fills the array in place from the generator (every scheme but DISTRIBUTION, which needs its distribution). */
    public void init(double fanIn, double fanOut, INDArray target, Random rng) { init(fanIn, fanOut, target, rng, null); }

    /** Fills the array in place; dist is used (and required) by DISTRIBUTION only. */
    public void init(double fanIn, double fanOut, INDArray target, Random rng, Distribution dist) {
        if (this == DISTRIBUTION && dist == null) {
            throw new IllegalArgumentException("WeightInit.DISTRIBUTION needs a distribution: set it with .dist(...) or .weightInit(Distribution)");
        }
        if (this == IDENTITY) {
            identity(target);
            return;
        }
        long[] s = target.shape();
        double legacyFan = s.length >= 2 ? s[0] + s[1] : fanIn + fanOut;
        int n = (int) target.length();
        for (int i = 0; i < n; i++) target.putLinear(i, this == DISTRIBUTION ? dist.sample(rng) : sample(fanIn, fanOut, legacyFan, rng));
    }

    private static double uniform(Random r, double a) { return (2 * r.nextDouble() - 1) * a; }

    private double sample(double fanIn, double fanOut, double legacyFan, Random r) {
        switch (this) {
            case ZERO: return 0;
            case ONES: return 1;
            case SIGMOID_UNIFORM: return uniform(r, 4.0 * Math.sqrt(6.0 / (fanIn + fanOut)));
            case NORMAL:
            case LECUN_NORMAL: return r.nextGaussian() / Math.sqrt(fanIn);
            case UNIFORM: return uniform(r, 1.0 / Math.sqrt(fanIn));
            case LECUN_UNIFORM:
            case VAR_SCALING_UNIFORM_FAN_IN: return uniform(r, 3.0 / Math.sqrt(fanIn));
            case VAR_SCALING_UNIFORM_FAN_OUT: return uniform(r, 3.0 / Math.sqrt(fanOut));
            case VAR_SCALING_UNIFORM_FAN_AVG: return uniform(r, 3.0 / Math.sqrt((fanIn + fanOut) / 2));
            case XAVIER: return r.nextGaussian() * Math.sqrt(2.0 / (fanIn + fanOut));
            case XAVIER_UNIFORM: return uniform(r, Math.sqrt(6.0 / (fanIn + fanOut)));
            case XAVIER_FAN_IN: return r.nextGaussian() / Math.sqrt(fanIn);
            case XAVIER_LEGACY: return r.nextGaussian() / Math.sqrt(legacyFan);
            case RELU: return r.nextGaussian() * Math.sqrt(2.0 / fanIn);
            case RELU_UNIFORM: return uniform(r, Math.sqrt(6.0 / fanIn));
            case VAR_SCALING_NORMAL_FAN_IN: return TruncatedNormalDistribution.truncatedGaussian(r) * Math.sqrt(1.0 / fanIn);
            case VAR_SCALING_NORMAL_FAN_OUT: return TruncatedNormalDistribution.truncatedGaussian(r) * Math.sqrt(1.0 / fanOut);
            case VAR_SCALING_NORMAL_FAN_AVG: return TruncatedNormalDistribution.truncatedGaussian(r) * Math.sqrt(2.0 / (fanIn + fanOut));
            default: throw new IllegalStateException("no rule for " + this);
        }
    }

    private static void identity(INDArray w) {
        long[] s = w.shape();
        boolean dense = s.length == 2 && s[0] == s[1];
        boolean conv = s.length == 4 && s[0] == s[1] && s[2] % 2 == 1 && s[3] % 2 == 1;
        if (!dense && !conv) {
            throw new IllegalArgumentException("WeightInit.IDENTITY needs square dense weights or convolution weights with nIn = nOut and odd kernel sizes, got shape "
                    + Arrays.toString(s));
        }
        w.assign(0);
        for (long i = 0; i < s[0]; i++) {
            if (dense) w.putScalar(new long[]{i, i}, 1.0);
            else w.putScalar(new long[]{i, i, s[2] / 2, s[3] / 2}, 1.0);
        }
    }
}
