package org.pydl4j.nd.learning.config;

import org.pydl4j.util.json.JsonValueObject;
import org.pydl4j.util.json.JsonType;

/**
 * Shared plumbing of the updater configurations: copies, equality and text over their declared (saved) fields
 * ({@link JsonValueObject}, each class's {@code JSON}), and argument checks naming the updater. Fields stay non-final
 * so the declared setters can restore them.
 */
public abstract class BaseUpdaterConfig extends JsonValueObject implements IUpdater {
    /** The saved fields (see JsonType). */
    public static final JsonType<BaseUpdaterConfig> JSON = JsonType.declareAbstract(BaseUpdaterConfig.class)
            .build();

    @Override
    public IUpdater clone() { return (IUpdater) jsonCopy(); }

    protected final double checkFinite(String name, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be finite, got " + v);
        return v;
    }

    /** A decay rate in [0, 1). */
    protected final double checkDecay(String name, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be in [0, 1), got " + v);
        return v;
    }

    /** Checks that a state view holds parts * n values for a gradient of n. */
    protected static void checkState(String updater, org.pydl4j.nd.INDArray state, int parts, long n) {
        long have = state == null ? 0 : state.length();
        if (have != parts * n) throw new IllegalArgumentException(updater + " state holds " + have + " values for a gradient of " + n + " (needs " + parts * n + ")");
    }
}
