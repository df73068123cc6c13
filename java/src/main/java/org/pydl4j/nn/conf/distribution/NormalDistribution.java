package org.pydl4j.nn.conf.distribution;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/** Normal (Gaussian) distribution with the given mean and standard deviation, as DL4J's NormalDistribution. */
public class NormalDistribution extends Distribution {
    /** The saved fields (after Distribution's). */
    public static final JsonType<NormalDistribution> JSON = Distribution.JSON.extend(NormalDistribution.class, NormalDistribution::new)
            .named("distribution.NormalDistribution")
            .field("mean", DOUBLE, o -> o.mean, (o, v) -> o.mean = v)
            .field("std", DOUBLE, o -> o.std, (o, v) -> o.std = v)
            .build();

    protected double mean, std;

    protected NormalDistribution() {}

    public NormalDistribution(double mean, double std) {
        this.mean = finite("mean", mean);
        this.std = nonNegative("std", std);
    }

    public double getMean() { return mean; }
    public double getStd() { return std; }

    @Override
    public double sample(Random rng) { return mean + std * rng.nextGaussian(); }
}
