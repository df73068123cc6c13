package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.enumOf;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Pools [N, C, H, W] over H and W to [N, C] (MAX, AVG or SUM), as DL4J's GlobalPoolingLayer. Default MAX. */
public class GlobalPoolingLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<GlobalPoolingLayer> JSON = NoParamLayer.JSON.extend(GlobalPoolingLayer.class, GlobalPoolingLayer::new)
            .field("poolingType", enumOf(PoolingType.class), o -> o.poolingType, (o, v) -> o.poolingType = v)
            .build();

    protected PoolingType poolingType = PoolingType.MAX;

    protected GlobalPoolingLayer() {}

    protected GlobalPoolingLayer(Builder b) {
        super(b);
        this.poolingType = b.poolingType;
    }

    public GlobalPoolingLayer(PoolingType t) { this.poolingType = t; }

    public PoolingType getPoolingType() { return poolingType; }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        return InputType.feedForward(convolutionalInput(t).getChannels());
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.GlobalPoolingLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "global " + poolingType; }

    public static class Builder extends Layer.Builder<Builder> {
        protected PoolingType poolingType = PoolingType.MAX;

        public Builder() {}
        public Builder(PoolingType t) { this.poolingType = t; }

        public Builder poolingType(PoolingType t) { this.poolingType = t; return this; }

        public GlobalPoolingLayer build() { return new GlobalPoolingLayer(this); }
    }
}
