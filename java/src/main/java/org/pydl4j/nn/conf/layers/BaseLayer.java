package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.weights.WeightInit;

/** A layer with weights: activation, weight init, bias init, updater and L2, as DL4J's BaseLayer. */
public abstract class BaseLayer extends Layer {
    protected Activation activation;
    protected WeightInit weightInit;
    protected Double biasInit;
    protected IUpdater updater;
    protected Double l2;
    protected Double l2Bias;
    protected Double weightDecay;
    protected Double weightDecayBias;

    protected BaseLayer() {}

    protected BaseLayer(Builder<?> b) {
        super(b);
        this.activation = b.activation;
        this.weightInit = b.weightInit;
        this.biasInit = b.biasInit;
        this.updater = b.updater == null ? null : b.updater.clone();
        this.l2 = b.l2;
        this.l2Bias = b.l2Bias;
        this.weightDecay = b.weightDecay;
        this.weightDecayBias = b.weightDecayBias;
    }

    public Activation getActivationFn() { return activation; }
    public Activation getActivation() { return activation; }
    public void setActivation(Activation a) { this.activation = a; }
    public WeightInit getWeightInit() { return weightInit; }
    public void setWeightInit(WeightInit w) { this.weightInit = w; }
    public Double getBiasInit() { return biasInit; }
    public void setBiasInit(Double b) { this.biasInit = b; }
    public IUpdater getIUpdater() { return updater; }
    public IUpdater getUpdater() { return updater; }
    public void setIUpdater(IUpdater u) { this.updater = u; }
    public void setUpdater(IUpdater u) { this.updater = u; }
    public Double getL2() { return l2; }
    public void setL2(Double l2) { this.l2 = l2; }
    public Double getL2Bias() { return l2Bias; }
    public void setL2Bias(Double l2Bias) { this.l2Bias = l2Bias; }
    public Double getWeightDecay() { return weightDecay; }
    public void setWeightDecay(Double wd) { this.weightDecay = wd == null ? null : checkWeightDecay(wd); }
    public Double getWeightDecayBias() { return weightDecayBias; }
    public void setWeightDecayBias(Double wd) { this.weightDecayBias = wd == null ? null : checkWeightDecay(wd); }

    /** A weight decay coefficient: finite and >= 0. */
    public static double checkWeightDecay(double coefficient) {
        if (!(coefficient >= 0) || Double.isInfinite(coefficient)) {
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, got " + coefficient);
        }
        return coefficient;
    }

    /** True when the layer takes the network's default activation if it has none. */
    protected boolean inheritsActivation() { return true; }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (activation == null) activation = inheritsActivation() ? g.getActivation() : Activation.IDENTITY;
        if (weightInit == null) weightInit = g.getWeightInit();
        if (biasInit == null) biasInit = g.getBiasInit();
        if (updater == null) updater = g.getUpdater().clone();
        if (l2 == null) l2 = g.getL2();
        if (l2Bias == null) l2Bias = g.getL2Bias();
        if (weightDecay == null) weightDecay = g.getWeightDecay();
        if (weightDecayBias == null) weightDecayBias = g.getWeightDecayBias();
    }

    @Override
    public double getL2ByParam(String key) {
        if ("b".equals(key)) return l2Bias == null ? 0 : l2Bias;
        if ("W".equals(key)) return l2 == null ? 0 : l2;
        return 0;
    }

    @Override
    public double getWeightDecayByParam(String key) {
        if ("b".equals(key)) return weightDecayBias == null ? 0 : weightDecayBias;
        if ("W".equals(key)) return weightDecay == null ? 0 : weightDecay;
        return 0;
    }

    @Override
    public IUpdater getUpdaterByParam(String key) { return updater; }

    public abstract static class Builder<T extends Builder<T>> extends Layer.Builder<T> {
        protected Activation activation;
        protected WeightInit weightInit;
        protected Double biasInit;
        protected IUpdater updater;
        protected Double l2;
        protected Double l2Bias;
        protected Double weightDecay;
        protected Double weightDecayBias;

        public T activation(Activation a) { this.activation = a; return self(); }
        public T weightInit(WeightInit w) { this.weightInit = w; return self(); }
        public T biasInit(double b) { this.biasInit = b; return self(); }
        public T updater(IUpdater u) { this.updater = u; return self(); }
        public T l2(double l2) { this.l2 = l2; return self(); }
        public T l2Bias(double l2Bias) { this.l2Bias = l2Bias; return self(); }
        /** Decoupled weight decay (DL4J's {@code WeightDecay}, applyLR): after the updater, update += coefficient * lr * W. */
        public T weightDecay(double coefficient) { this.weightDecay = checkWeightDecay(coefficient); return self(); }
        public T weightDecayBias(double coefficient) { this.weightDecayBias = checkWeightDecay(coefficient); return self(); }
    }
}
