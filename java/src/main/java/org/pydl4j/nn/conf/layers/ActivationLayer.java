package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.NULLABLE_DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.enumOf;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Applies an activation function elementwise (SOFTMAX along dimension 1), as DL4J's ActivationLayer. */
public class ActivationLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<ActivationLayer> JSON = NoParamLayer.JSON.extend(ActivationLayer.class, ActivationLayer::new)
            .field("activation", enumOf(Activation.class), o -> o.activation, (o, v) -> o.activation = v)
            .optionalField("activationAlpha", NULLABLE_DOUBLE, o -> o.activationAlpha, (o, v) -> o.activationAlpha = v)
            .optionalField("activationBeta", NULLABLE_DOUBLE, o -> o.activationBeta, (o, v) -> o.activationBeta = v)
            .check(o -> BaseLayer.checkActivation(o.layerName, o.activation, o.activationAlpha, o.activationBeta))
            .build();

    protected Activation activation;
    // the activation's parameters (see BaseLayer); null = the default
    protected Double activationAlpha;
    protected Double activationBeta;

    protected ActivationLayer() {}

    protected ActivationLayer(Builder b) {
        super(b);
        this.activation = b.activation;
        this.activationAlpha = b.activationAlpha;
        this.activationBeta = b.activationBeta;
    }

    public ActivationLayer(Activation activation) { this.activation = activation; }

    public ActivationLayer(ActivationSpec activation) { setActivation(activation); }

    public Activation getActivation() { return activation; }
    public Activation getActivationFn() { return activation; }
    public void setActivation(Activation a) {
        this.activation = a;
        this.activationAlpha = this.activationBeta = null;
    }
    /** The activation with its parameters (null before the network's defaults were applied and none was set). */
    public ActivationSpec getActivationSpec() { return activation == null ? null : ActivationSpec.of(activation, activationAlpha, activationBeta); }
    public void setActivation(ActivationSpec a) {
        this.activation = a.kind();
        this.activationAlpha = a.savedAlpha();
        this.activationBeta = a.savedBeta();
    }

    @Override
    public void validate() {
        super.validate();
        BaseLayer.checkActivation(layerName, activation, activationAlpha, activationBeta);
    }

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
    public String describeSizes() { return String.valueOf(getActivationSpec()); }

    public static class Builder extends Layer.Builder<Builder> {
        protected Activation activation;
        protected Double activationAlpha;
        protected Double activationBeta;

        public Builder() {}

        public Builder activation(Activation a) {
            this.activation = a;
            this.activationAlpha = this.activationBeta = null;
            return this;
        }

        /** An activation with parameters, as DL4J's {@code activation(IActivation)}. */
        public Builder activation(ActivationSpec a) {
            this.activation = a.kind();
            this.activationAlpha = a.savedAlpha();
            this.activationBeta = a.savedBeta();
            return this;
        }

        public ActivationLayer build() { return new ActivationLayer(this); }
    }
}
