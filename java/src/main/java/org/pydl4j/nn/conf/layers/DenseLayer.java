package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.BOOLEAN;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.util.json.JsonType;

/** Fully connected layer: out = activation(in · W + b), W [nIn, nOut], b [1, nOut] (as DL4J). */
public class DenseLayer extends FeedForwardLayer {
    /** The saved fields (after FeedForwardLayer's). */
    public static final JsonType<DenseLayer> JSON = FeedForwardLayer.JSON.extend(DenseLayer.class, DenseLayer::new)
            .field("hasBias", BOOLEAN, o -> o.hasBias, (o, v) -> o.hasBias = v)
            .build();

    protected boolean hasBias = true;

    protected DenseLayer() {}

    protected DenseLayer(Builder b) {
        super(b);
        this.hasBias = b.hasBias;
    }

    public boolean hasBias() { return hasBias; }
    public void setHasBias(boolean hasBias) { this.hasBias = hasBias; }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W", new long[]{nIn, nOut});
        if (hasBias) m.put("b", new long[]{1, nOut});
        return m;
    }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) {
        initWeights(nIn, nOut, params.get("W"), rng);
        if (hasBias) params.get("b").assign(biasInit);
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.DenseLayer(conf, layerIndex);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        protected boolean hasBias = true;

        public Builder hasBias(boolean hasBias) { this.hasBias = hasBias; return this; }

        public DenseLayer build() { return new DenseLayer(this); }
    }
}
