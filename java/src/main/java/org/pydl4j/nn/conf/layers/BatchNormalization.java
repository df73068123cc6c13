package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Batch normalization over channels (dimension 1 of [N, C] or [N, C, H, W]), as DL4J's BatchNormalization.
 * Parameters gamma, beta, mean, var, each [1, nOut]; mean and var are running statistics, not trained by gradient:
 * training uses batch statistics and updates running = decay * running + (1 - decay) * batch (biased batch
 * variance); inference uses the running statistics. Defaults: eps 1e-5, decay 0.9, gamma 1, beta 0.
 * Activation is IDENTITY unless set on the layer (the network default activation is not applied).
 */
public class BatchNormalization extends FeedForwardLayer {
    /** The saved fields (after FeedForwardLayer's). */
    public static final JsonType<BatchNormalization> JSON = FeedForwardLayer.JSON.extend(BatchNormalization.class, BatchNormalization::new)
            .field("eps", DOUBLE, o -> o.eps, (o, v) -> o.eps = v)
            .field("decay", DOUBLE, o -> o.decay, (o, v) -> o.decay = v)
            .field("gammaInit", DOUBLE, o -> o.gammaInit, (o, v) -> o.gammaInit = v)
            .field("betaInit", DOUBLE, o -> o.betaInit, (o, v) -> o.betaInit = v)
            .build();

    protected double eps = 1e-5;
    protected double decay = 0.9;
    protected double gammaInit = 1.0;
    protected double betaInit = 0.0;

    /** A batch normalization layer with the defaults (DL4J's {@code new BatchNormalization()}): nIn/nOut from the input type. */
    public BatchNormalization() {}

    protected BatchNormalization(Builder b) {
        super(b);
        this.eps = b.eps;
        this.decay = b.decay;
        this.gammaInit = b.gammaInit;
        this.betaInit = b.betaInit;
        if (nOut <= 0) nOut = nIn;
        if (nIn <= 0) nIn = nOut;
    }

    public double getEps() { return eps; }
    public double getDecay() { return decay; }
    public double getGammaInit() { return gammaInit; }
    public double getBetaInit() { return betaInit; }
    public void setEps(double eps) { this.eps = eps; }
    public void setDecay(double decay) { this.decay = decay; }

    @Override
    protected boolean inheritsActivation() { return false; }

    @Override
    protected long inferNIn(InputType t) {
        if (t.getType() == InputType.Type.CNN) return ((InputType.InputTypeConvolutional) t).getChannels();
        return t.arrayElementsPerExample();
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }

    @Override
    public org.pydl4j.nn.conf.InputPreProcessor getPreProcessorForInputType(InputType t) { return null; }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) { return t; }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (String k : new String[]{"gamma", "beta", "mean", "var"}) m.put(k, new long[]{1, nOut});
        return m;
    }

    @Override
    public boolean isTrainableParam(String key) { return "gamma".equals(key) || "beta".equals(key); }

    @Override
    public double getL2ByParam(String key) { return 0; }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) {
        params.get("gamma").assign(gammaInit);
        params.get("beta").assign(betaInit);
        params.get("mean").assign(0);
        params.get("var").assign(1);
    }

    @Override
    public void validate() {
        if (nOut <= 0) nOut = nIn;
        super.validate();
        if (nIn != nOut) throw new IllegalArgumentException(nameForErrors() + ": nIn " + nIn + " != nOut " + nOut);
        if (!(eps > 0)) throw new IllegalArgumentException(nameForErrors() + ": eps must be > 0, got " + eps);
        if (decay < 0 || decay > 1) throw new IllegalArgumentException(nameForErrors() + ": decay must be in [0, 1], got " + decay);
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.BatchNormalization(conf, layerIndex);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        protected double eps = 1e-5, decay = 0.9, gammaInit = 1.0, betaInit = 0.0;

        public Builder() {}
        public Builder(double decay) { this.decay = decay; }

        public Builder eps(double eps) { this.eps = eps; return this; }
        public Builder decay(double decay) { this.decay = decay; return this; }
        public Builder gamma(double g) { this.gammaInit = g; return this; }
        public Builder beta(double b) { this.betaInit = b; return this; }

        public BatchNormalization build() { return new BatchNormalization(this); }
    }
}
