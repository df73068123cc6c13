package org.pydl4j.nn.conf.layers;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Applies dropout (retain probability p, inverted: kept values scaled by 1/p) in training; identity in inference.
 * As DL4J's DropoutLayer.
 */
public class DropoutLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<DropoutLayer> JSON = NoParamLayer.JSON.extend(DropoutLayer.class, DropoutLayer::new)
            .build();

    protected DropoutLayer() {}

    protected DropoutLayer(Builder b) { super(b); }

    public DropoutLayer(double retainProbability) { this.dropOut = retainProbability; }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) { return t; }

    @Override
    public void validate() {
        super.validate();
        if (dropOut == null) throw new IllegalArgumentException(nameForErrors() + ": dropOut (retain probability) is not set");
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.DropoutLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "retain " + dropOut; }

    public static class Builder extends Layer.Builder<Builder> {
        public Builder() {}

        public Builder(double retainProbability) { dropOut(retainProbability); }

        public DropoutLayer build() { return new DropoutLayer(this); }
    }
}
