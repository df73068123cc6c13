package org.pydl4j.nn.weights;

import org.pydl4j.nn.conf.distribution.Distribution;

/**
 * A weight-initialization scheme as an object, as DL4J's {@code IWeightInit} ({@code .weightInit(IWeightInit)}).
 * Here every scheme is one of the {@link WeightInit} values, with a {@link Distribution} for DISTRIBUTION: that pair
 * is what layers store and save. {@link WeightInitDistribution} and {@link WeightInit#getWeightInitFunction()}
 * give instances.
 */
public interface IWeightInit {
    /** The scheme. */
    WeightInit scheme();

    /** The distribution (DISTRIBUTION only; null otherwise). */
    default Distribution distribution() { return null; }
}
