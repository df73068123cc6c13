package org.pydl4j.nn.conf.layers;

/** Pooling reductions, as DL4J's {@code org.deeplearning4j.nn.conf.layers.PoolingType}. */
public enum PoolingType {
    MAX, AVG, SUM;

    /** The backend's pooling type (SUM is computed as AVG times the window size). */
    public org.pydl4j.nd.backend.PoolingType toBackend() {
        return this == MAX ? org.pydl4j.nd.backend.PoolingType.MAX : org.pydl4j.nd.backend.PoolingType.AVG;
    }
}
