package org.pydl4j.nn.weights;

import org.pydl4j.nn.conf.distribution.Distribution;

/** Weights drawn from a distribution, as DL4J's {@code WeightInitDistribution}. */
public class WeightInitDistribution implements IWeightInit {
    private final Distribution distribution;

    public WeightInitDistribution(Distribution distribution) {
        if (distribution == null) throw new IllegalArgumentException("WeightInitDistribution: distribution is null");
        this.distribution = distribution;
    }

    @Override public WeightInit scheme() { return WeightInit.DISTRIBUTION; }
    @Override public Distribution distribution() { return distribution; }
    public Distribution getDistribution() { return distribution; }
}
