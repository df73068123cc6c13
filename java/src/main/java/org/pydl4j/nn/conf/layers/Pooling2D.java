package org.pydl4j.nn.conf.layers;

import org.pydl4j.util.json.JsonType;

/** DL4J's Pooling2D: another name of {@link SubsamplingLayer} (same settings, same runtime). */
public class Pooling2D extends SubsamplingLayer {
    /** The saved fields (after SubsamplingLayer's). */
    public static final JsonType<Pooling2D> JSON = SubsamplingLayer.JSON.extend(Pooling2D.class, Pooling2D::new)
            .build();

    protected Pooling2D() {}

    protected Pooling2D(Builder b) { super(b); }

    public static class Builder extends SubsamplingLayer.Builder {
        public Builder() {}
        public Builder(PoolingType t) { super(t); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t) { super(t); }
        public Builder(int... kernelSize) { super(kernelSize); }
        public Builder(int[] kernelSize, int[] stride) { super(kernelSize, stride); }
        public Builder(int[] kernelSize, int[] stride, int[] padding) { super(kernelSize, stride, padding); }
        public Builder(PoolingType t, int[] kernelSize) { super(t, kernelSize); }
        public Builder(PoolingType t, int[] kernelSize, int[] stride) { super(t, kernelSize, stride); }
        public Builder(PoolingType t, int[] kernelSize, int[] stride, int[] padding) { super(t, kernelSize, stride, padding); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize) { super(t, kernelSize); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize, int[] stride) { super(t, kernelSize, stride); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize, int[] stride, int[] padding) { super(t, kernelSize, stride, padding); }

        @Override
        public Pooling2D build() { return new Pooling2D(this); }
    }
}
