package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.learning.config.IUpdater;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.GradientNormalization;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.distribution.Distribution;
import org.pydl4j.nn.weights.WeightInit;

/** A layer with weights: activation, weight init, bias init, updater and L2, as DL4J's BaseLayer. */
public abstract class BaseLayer extends Layer {
    protected Activation activation;
    // the activation's parameters (ActivationSpec: LEAKYRELU alpha, HARDSIGMOID alpha/beta); null = the default
    protected Double activationAlpha;
    protected Double activationBeta;
    protected WeightInit weightInit;
    protected Distribution dist;
    protected Double biasInit;
    protected IUpdater updater;
    protected Double l2;
    protected Double l2Bias;
    protected Double weightDecay;
    protected Double weightDecayBias;
    protected Double l1;
    protected Double l1Bias;
    protected GradientNormalization gradientNormalization;
    protected Double gradientNormalizationThreshold;

    protected BaseLayer() {}

    protected BaseLayer(Builder<?> b) {
        super(b);
        this.activation = b.activation;
        this.activationAlpha = b.activationAlpha;
        this.activationBeta = b.activationBeta;
        this.weightInit = b.weightInit;
        this.dist = b.dist;
        this.biasInit = b.biasInit;
        this.updater = b.updater == null ? null : b.updater.clone();
        this.l2 = b.l2;
        this.l2Bias = b.l2Bias;
        this.weightDecay = b.weightDecay;
        this.weightDecayBias = b.weightDecayBias;
        this.l1 = b.l1;
        this.l1Bias = b.l1Bias;
        this.gradientNormalization = b.gradientNormalization;
        this.gradientNormalizationThreshold = b.gradientNormalizationThreshold;
    }

    public Activation getActivationFn() { return activation; }
    public Activation getActivation() { return activation; }
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
    public WeightInit getWeightInit() { return weightInit; }
    public void setWeightInit(WeightInit w) { this.weightInit = w; }
    /** The distribution of WeightInit.DISTRIBUTION (null otherwise). */
    public Distribution getDist() { return dist; }
    public void setDist(Distribution d) { this.dist = d; }

    /** Fills the weights from this layer's scheme (and its distribution for WeightInit.DISTRIBUTION). */
    protected void initWeights(double fanIn, double fanOut, INDArray weights, Random rng) {
        weightInit.init(fanIn, fanOut, weights, rng, dist);
    }
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
    public Double getL1() { return l1; }
    public void setL1(Double l1) { this.l1 = l1; }
    public Double getL1Bias() { return l1Bias; }
    public void setL1Bias(Double l1Bias) { this.l1Bias = l1Bias; }
    public GradientNormalization getGradientNormalization() { return gradientNormalization; }
    public void setGradientNormalization(GradientNormalization g) { this.gradientNormalization = g; }
    public double getGradientNormalizationThreshold() { return gradientNormalizationThreshold == null ? 1.0 : gradientNormalizationThreshold; }
    public void setGradientNormalizationThreshold(double t) { this.gradientNormalizationThreshold = t; }

    /** True when the layer takes the network's default activation if it has none. */
    protected boolean inheritsActivation() { return true; }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (activation == null) activation = inheritsActivation() ? g.getActivation() : Activation.IDENTITY;
        if (weightInit == null) weightInit = g.getWeightInit();
        if (weightInit == WeightInit.DISTRIBUTION && dist == null) dist = g.getDist();
        if (biasInit == null) biasInit = g.getBiasInit();
        if (updater == null) updater = g.getUpdater().clone();
        if (l2 == null) l2 = g.getL2();
        if (l2Bias == null) l2Bias = g.getL2Bias();
        if (weightDecay == null) weightDecay = g.getWeightDecay();
        if (weightDecayBias == null) weightDecayBias = g.getWeightDecayBias();
        if (l1 == null) l1 = g.getL1();
        if (l1Bias == null) l1Bias = g.getL1Bias();
        if (gradientNormalization == null) gradientNormalization = g.getGradientNormalization();
        if (gradientNormalizationThreshold == null) gradientNormalizationThreshold = g.getGradientNormalizationThreshold();
    }

    @Override
    public void validate() {
        super.validate();
        checkActivation(layerName, activation, activationAlpha, activationBeta);
    }

    /** Parameters only where the activation takes them, and finite (saved files are hostile). */
    static void checkActivation(String layer, Activation a, Double alpha, Double beta) {
        if (a == null && alpha == null && beta == null) return;
        try {
            if (a == null) throw new IllegalArgumentException("activation parameters without an activation");
            ActivationSpec.of(a, alpha, beta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer '" + layer + "': " + e.getMessage(), e);
        }
    }

    @Override
    public double getL1ByParam(String key) {
        if ("b".equals(key)) return l1Bias == null ? 0 : l1Bias;
        if ("W".equals(key)) return l1 == null ? 0 : l1;
        return 0;
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
        protected Double activationAlpha;
        protected Double activationBeta;
        protected WeightInit weightInit;
        protected Distribution dist;
        protected Double biasInit;
        protected IUpdater updater;
        protected Double l2;
        protected Double l2Bias;
        protected Double weightDecay;
        protected Double weightDecayBias;
        protected Double l1;
        protected Double l1Bias;
        protected GradientNormalization gradientNormalization;
        protected Double gradientNormalizationThreshold;

        /** L1 regularization on weights: gradient += l1 * sign(w), score += l1 * sum|w|. */
        public T l1(double l1) { this.l1 = checkCoefficient("l1", l1); return self(); }
        public T l1Bias(double l1Bias) { this.l1Bias = checkCoefficient("l1Bias", l1Bias); return self(); }
        public T gradientNormalization(GradientNormalization g) { this.gradientNormalization = g; return self(); }
        /** Threshold of the clipping normalizations (default 1.0). */
        public T gradientNormalizationThreshold(double t) { this.gradientNormalizationThreshold = checkCoefficient("gradientNormalizationThreshold", t); return self(); }
        public T activation(Activation a) {
            this.activation = a;
            this.activationAlpha = this.activationBeta = null;
            return self();
        }
        /** An activation with parameters, as DL4J's {@code activation(IActivation)} (e.g. {@code ActivationSpec.leakyRelu(0.2)}). */
        public T activation(ActivationSpec a) {
            this.activation = a.kind();
            this.activationAlpha = a.savedAlpha();
            this.activationBeta = a.savedBeta();
            return self();
        }
        public T weightInit(WeightInit w) { this.weightInit = w; return self(); }
        /** Weights drawn from the distribution (WeightInit.DISTRIBUTION), as DL4J's weightInit(Distribution). */
        public T weightInit(Distribution d) { this.weightInit = WeightInit.DISTRIBUTION; this.dist = d; return self(); }
        /** Same as {@link #weightInit(Distribution)} (DL4J's older name). */
        public T dist(Distribution d) { return weightInit(d); }
        /** A scheme given as an object (e.g. {@code new WeightInitDistribution(dist)}), as DL4J's weightInit(IWeightInit). */
        public T weightInit(org.pydl4j.nn.weights.IWeightInit w) {
            this.weightInit = w.scheme();
            this.dist = w.distribution();
            return self();
        }
        public T biasInit(double b) { this.biasInit = b; return self(); }
        public T updater(IUpdater u) { this.updater = u; return self(); }
        public T l2(double l2) { this.l2 = l2; return self(); }
        public T l2Bias(double l2Bias) { this.l2Bias = l2Bias; return self(); }
        /** Decoupled weight decay (DL4J's {@code WeightDecay}, applyLR): after the updater, update += coefficient * lr * W. */
        public T weightDecay(double coefficient) { this.weightDecay = checkWeightDecay(coefficient); return self(); }
        public T weightDecayBias(double coefficient) { this.weightDecayBias = checkWeightDecay(coefficient); return self(); }
    }

    /** A regularization coefficient or threshold: finite and >= 0, else an error naming the setting. */
    public static double checkCoefficient(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
        return v;
    }
}
