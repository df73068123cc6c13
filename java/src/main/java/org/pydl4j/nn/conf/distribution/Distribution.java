package org.pydl4j.nn.conf.distribution;

import java.util.Random;
import org.pydl4j.util.json.JsonValueObject;
import org.pydl4j.util.json.JsonType;

/**
 * A distribution to draw initial weights from ({@code WeightInit.DISTRIBUTION} with {@code .dist(...)} or
 * {@code .weightInit(Distribution)}), as DL4J's {@code org.deeplearning4j.nn.conf.distribution.Distribution}.
 * Saved with the configuration (its declared JSON fields) and compared by value. Fields stay non-final so the declared
 * setters can restore them.
 */
public abstract class Distribution extends JsonValueObject implements Cloneable {
    /** The saved fields (see JsonType). */
    public static final JsonType<Distribution> JSON = JsonType.declareAbstract(Distribution.class)
            .build();

    /** One value drawn with the given generator. */
    public abstract double sample(Random rng);

    protected final double finite(String name, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be finite, got " + v);
        return v;
    }

    protected final double nonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be >= 0, got " + v);
        return v;
    }

    @Override
    public Distribution clone() { return (Distribution) jsonCopy(); }
}
