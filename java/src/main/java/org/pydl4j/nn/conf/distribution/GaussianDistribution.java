package org.pydl4j.nn.conf.distribution;

/** The same as {@link NormalDistribution} (DL4J keeps both names). */
public class GaussianDistribution extends NormalDistribution {
    private GaussianDistribution() {}

    public GaussianDistribution(double mean, double std) { super(mean, std); }
}
