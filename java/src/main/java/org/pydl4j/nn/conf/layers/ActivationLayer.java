package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.enumOf;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Applies an activation function elementwise (SOFTMAX along dimension 1), as DL4J's ActivationLayer. */
public class ActivationLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<ActivationLayer> JSON = NoParamLayer.JSON.extend(ActivationLayer.class, ActivationLayer::new)
            .field("activation", enumOf(Activation.class), o -> o.activation, (o, v) -> o.activation = v)
            .build();

    protected Activation activation;

    protected ActivationLayer() {}

    protected ActivationLayer(Builder b) {
        super(b);
        this.activation = b.activation;
    }

    public ActivationLayer(Activation activation) { this.activation = activation; }

    public Activation getActivation() { return activation; }
    public Activation getActivationFn() { return activation; }
    public void setActivation(Activation a) { this.activation = a; }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (activation == null) activation = g.getActivation();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) { return t; }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.ActivationLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return String.valueOf(activation); }

    public static class Builder extends Layer.Builder<Builder> {
        protected Activation activation;

        public Builder() {}

        public Builder activation(Activation a) { this.activation = a; return this; }

        public ActivationLayer build() { return new ActivationLayer(this); }
    }
}
