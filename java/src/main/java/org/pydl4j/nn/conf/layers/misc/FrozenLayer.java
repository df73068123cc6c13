package org.pydl4j.nn.conf.layers.misc;

import static org.pydl4j.util.json.JsonCodecs.object;

import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.util.json.JsonType;

/**
 * Wraps a layer so that it is not trained, as DL4J's FrozenLayer: its parameters never change, no gradients are
 * computed for them, it always runs in inference mode (no dropout, batch norm on running statistics) and backprop
 * does not pass through it.
 */
public class FrozenLayer extends Layer {
    /** The saved fields (after Layer's). */
    public static final JsonType<FrozenLayer> JSON = Layer.JSON.extend(FrozenLayer.class, FrozenLayer::new)
            .named("layer.Frozen")
            .field("layer", object(Layer.class), o -> o.layer, (o, v) -> o.layer = v)
            .build();

    static {
        org.pydl4j.nn.conf.layers.LayerKinds.all();   // the kinds' names, for writing the layer this holds
    }

    protected Layer layer;

    protected FrozenLayer() {}

    public FrozenLayer(Layer layer) {
        if (layer == null) throw new IllegalArgumentException("FrozenLayer needs a layer to wrap");
        this.layer = layer;
        this.layerName = layer.getLayerName();
    }

    protected FrozenLayer(Builder b) { this(b.layer); }

    /** The wrapped layer configuration. */
    public Layer getLayer() { return layer; }
    public void setLayer(Layer layer) { this.layer = layer; }

    @Override
    public void setLayerName(String name) {
        super.setLayerName(name);
        layer.setLayerName(name);
    }

    @Override public InputType getOutputType(int layerIndex, InputType t) { return layer.getOutputType(layerIndex, t); }
    @Override public void setNIn(InputType t, boolean override) { layer.setNIn(t, override); }
    @Override public InputPreProcessor getPreProcessorForInputType(InputType t) { return layer.getPreProcessorForInputType(t); }
    @Override public Map<String, long[]> paramShapes() { return layer.paramShapes(); }
    @Override public boolean isTrainableParam(String key) { return false; }
    @Override public double getL2ByParam(String key) { return 0; }
    @Override public IUpdater getUpdaterByParam(String key) { return null; }
    @Override public void initializeParams(Map<String, INDArray> params, Random rng) { layer.initializeParams(params, rng); }
    @Override public void validate() { layer.validate(); }
    @Override public String describeSizes() { return layer.describeSizes(); }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) { layer.applyGlobalConfiguration(g); }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        org.pydl4j.nn.api.Layer inner = layer.instantiate(conf.withLayer(layer), layerIndex);
        return new org.pydl4j.nn.layers.FrozenLayer(conf, inner);
    }

    public static class Builder {
        private Layer layer;

        public Builder layer(Layer layer) { this.layer = layer; return this; }

        public FrozenLayer build() { return new FrozenLayer(this); }
    }
}
