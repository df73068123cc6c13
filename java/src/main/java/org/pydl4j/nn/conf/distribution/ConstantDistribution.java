package org.pydl4j.nn.conf.distribution;

import java.util.Random;

/** Every weight the same value, as DL4J's ConstantDistribution. */
public class ConstantDistribution extends Distribution {
    private double value;

    private ConstantDistribution() {}

    public ConstantDistribution(double value) { this.value = finite("value", value); }

    public double getValue() { return value; }

    @Override
    public double sample(Random rng) { return value; }
}
