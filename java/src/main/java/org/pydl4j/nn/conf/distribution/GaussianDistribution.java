package org.pydl4j.nn.conf.distribution;

import org.pydl4j.util.json.JsonType;

/** The same as {@link NormalDistribution} (DL4J keeps both names). */
public class GaussianDistribution extends NormalDistribution {
    /** The saved fields (after NormalDistribution's). */
    public static final JsonType<GaussianDistribution> JSON = NormalDistribution.JSON.extend(GaussianDistribution.class, GaussianDistribution::new)
            .named("distribution.GaussianDistribution")
            .build();

    private GaussianDistribution() {}

    public GaussianDistribution(double mean, double std) { super(mean, std); }
}
