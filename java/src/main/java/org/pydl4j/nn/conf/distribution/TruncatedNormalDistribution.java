package org.pydl4j.nn.conf.distribution;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/**
 * Normal distribution truncated at two standard deviations from the mean (draws beyond are redrawn), as DL4J's
 * TruncatedNormalDistribution / ND4J's truncated-normal op.
 */
public class TruncatedNormalDistribution extends NormalDistribution {
    /** The saved fields (after NormalDistribution's). */
    public static final JsonType<TruncatedNormalDistribution> JSON = NormalDistribution.JSON.extend(TruncatedNormalDistribution.class, TruncatedNormalDistribution::new)
            .named("distribution.TruncatedNormalDistribution")
            .build();

    private TruncatedNormalDistribution() {}

    public TruncatedNormalDistribution(double mean, double std) { super(mean, std); }

    /** One draw of N(0, 1) within [-2, 2]. */
    public static double truncatedGaussian(Random rng) {
        while (true) {
            double z = rng.nextGaussian();
            if (Math.abs(z) <= 2) return z;
        }
    }

    @Override
    public double sample(Random rng) { return mean + std * truncatedGaussian(rng); }
}
