package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.util.json.JsonType;

/**
 * Dense output layer with a loss, as DL4J's OutputLayer: {@code new OutputLayer.Builder(LossFunction.MCXENT)
 * .nOut(10).activation(Activation.SOFTMAX).build()}. The score is the loss averaged over the minibatch.
 */
public class OutputLayer extends BaseOutputLayer {
    /** The saved fields (after BaseOutputLayer's). */
    public static final JsonType<OutputLayer> JSON = BaseOutputLayer.JSON.extend(OutputLayer.class, OutputLayer::new)
            .build();

    protected OutputLayer() {}

    protected OutputLayer(Builder b) { super(b.prepare()); }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.OutputLayer(conf, layerIndex);
    }

    public static class Builder extends BaseOutputLayer.Builder<Builder> {
        public Builder() {}

        public Builder(LossFunctions.LossFunction lossFunction) { this.lossFunction = lossFunction; }

        /** With a loss instance, e.g. {@code new OutputLayer.Builder(new LossMCXENT(classWeights))}. */
        public Builder(org.pydl4j.nd.lossfunctions.ILossFunction lossFunction) { lossFunction(lossFunction); }

        public OutputLayer build() { return new OutputLayer(this); }
    }
}
