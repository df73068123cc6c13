package org.pydl4j.nn.conf.distribution;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/** exp(N(mean, std)): the log of a draw is normal with the given mean and standard deviation, as DL4J's. */
public class LogNormalDistribution extends NormalDistribution {
    /** The saved fields (after NormalDistribution's). */
    public static final JsonType<LogNormalDistribution> JSON = NormalDistribution.JSON.extend(LogNormalDistribution.class, LogNormalDistribution::new)
            .named("distribution.LogNormalDistribution")
            .build();

    private LogNormalDistribution() {}

    public LogNormalDistribution(double mean, double std) { super(mean, std); }

    @Override
    public double sample(Random rng) { return Math.exp(super.sample(rng)); }
}
