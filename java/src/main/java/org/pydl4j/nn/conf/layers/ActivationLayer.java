package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;

/** Applies an activation function elementwise (SOFTMAX along dimension 1), as DL4J's ActivationLayer. */
public class ActivationLayer extends NoParamLayer {
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
