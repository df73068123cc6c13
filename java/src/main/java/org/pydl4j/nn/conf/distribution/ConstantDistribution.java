package org.pydl4j.nn.conf.distribution;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/** Every weight the same value, as DL4J's ConstantDistribution. */
public class ConstantDistribution extends Distribution {
    /** The saved fields (after Distribution's). */
    public static final JsonType<ConstantDistribution> JSON = Distribution.JSON.extend(ConstantDistribution.class, ConstantDistribution::new)
            .named("distribution.ConstantDistribution")
            .field("value", DOUBLE, o -> o.value, (o, v) -> o.value = v)
            .build();

    private double value;

    private ConstantDistribution() {}

    public ConstantDistribution(double value) { this.value = finite("value", value); }

    public double getValue() { return value; }

    @Override
    public double sample(Random rng) { return value; }
}
