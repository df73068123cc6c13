package org.pydl4j.nn.conf.distribution;

import java.util.Random;

/** Uniform distribution on [lower, upper), as DL4J's UniformDistribution. */
public class UniformDistribution extends Distribution {
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
