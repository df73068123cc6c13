package org.pydl4j.nn.conf.distribution;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/** Uniform distribution on [lower, upper), as DL4J's UniformDistribution. */
public class UniformDistribution extends Distribution {
    /** The saved fields (after Distribution's). */
    public static final JsonType<UniformDistribution> JSON = Distribution.JSON.extend(UniformDistribution.class, UniformDistribution::new)
            .named("distribution.UniformDistribution")
            .field("lower", DOUBLE, o -> o.lower, (o, v) -> o.lower = v)
            .field("upper", DOUBLE, o -> o.upper, (o, v) -> o.upper = v)
            .build();

    private double lower, upper;

    private UniformDistribution() {}

    public UniformDistribution(double lower, double upper) {
        this.lower = finite("lower", lower);
        this.upper = finite("upper", upper);
        if (!(lower < upper)) throw new IllegalArgumentException("UniformDistribution: lower " + lower + " must be below upper " + upper);
    }

    public double getLower() { return lower; }
    public double getUpper() { return upper; }

    @Override
    public double sample(Random rng) { return lower + (upper - lower) * rng.nextDouble(); }
}
