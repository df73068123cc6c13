package org.pydl4j.nn.conf.distribution;

import java.util.Random;

/** Normal (Gaussian) distribution with the given mean and standard deviation, as DL4J's NormalDistribution. */
public class NormalDistribution extends Distribution {
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
