package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.NULLABLE_DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.enumOf;
import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.regularization.Regularization;
import org.pydl4j.nd.learning.regularization.RegularizationCoefficients;
import org.pydl4j.nd.learning.regularization.WeightDecay;
import java.util.List;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.GradientNormalization;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.distribution.Distribution;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.json.JsonType;

/** A layer with weights: activation, weight init, bias init, updater and L2, as DL4J's BaseLayer. */
public abstract class BaseLayer extends Layer {
    /** The saved fields (after Layer's). */
    public static final JsonType<BaseLayer> JSON = Layer.JSON.extendAbstract(BaseLayer.class)
            .field("activation", enumOf(Activation.class), o -> o.activation, (o, v) -> o.activation = v)
            .optionalField("activationAlpha", NULLABLE_DOUBLE, o -> o.activationAlpha, (o, v) -> o.activationAlpha = v)
            .optionalField("activationBeta", NULLABLE_DOUBLE, o -> o.activationBeta, (o, v) -> o.activationBeta = v)
            .field("weightInit", enumOf(WeightInit.class), o -> o.weightInit, (o, v) -> o.weightInit = v)
            .field("dist", object(Distribution.class), o -> o.dist, (o, v) -> o.dist = v)
            .field("biasInit", NULLABLE_DOUBLE, o -> o.biasInit, (o, v) -> o.biasInit = v)
            .field("updater", object(IUpdater.class), o -> o.updater, (o, v) -> o.updater = v)
            .field("l2", NULLABLE_DOUBLE, o -> o.l2, (o, v) -> o.l2 = v)
            .field("l2Bias", NULLABLE_DOUBLE, o -> o.l2Bias, (o, v) -> o.l2Bias = v)
            .field("weightDecay", NULLABLE_DOUBLE, o -> o.weightDecay, (o, v) -> o.weightDecay = v)
            .field("weightDecayBias", NULLABLE_DOUBLE, o -> o.weightDecayBias, (o, v) -> o.weightDecayBias = v)
            .field("l1", NULLABLE_DOUBLE, o -> o.l1, (o, v) -> o.l1 = v)
            .field("l1Bias", NULLABLE_DOUBLE, o -> o.l1Bias, (o, v) -> o.l1Bias = v)
            .field("gradientNormalization", enumOf(GradientNormalization.class), o -> o.gradientNormalization, (o, v) -> o.gradientNormalization = v)
            .field("gradientNormalizationThreshold", NULLABLE_DOUBLE, o -> o.gradientNormalizationThreshold, (o, v) -> o.gradientNormalizationThreshold = v)
            .check(o -> BaseLayer.checkActivation(o.layerName, o.activation, o.activationAlpha, o.activationBeta))
            .build();

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
    /** The weights' regularization as DL4J's {@code getRegularization()} (non-zero kinds; unset ones count as 0). */
    public List<Regularization> getRegularization() {
        return new RegularizationCoefficients(orZero(l1), orZero(l2), orZero(weightDecay)).toList();
    }
    /** The biases' regularization, as {@link #getRegularization()}. */
    public List<Regularization> getRegularizationBias() {
        return new RegularizationCoefficients(orZero(l1Bias), orZero(l2Bias), orZero(weightDecayBias)).toList();
    }
    private static double orZero(Double v) { return v == null ? 0 : v; }
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
        public T l2(double l2) { this.l2 = checkCoefficient("l2", l2); return self(); }
        public T l2Bias(double l2Bias) { this.l2Bias = checkCoefficient("l2Bias", l2Bias); return self(); }
        /** Decoupled weight decay (DL4J's {@code WeightDecay}, applyLR): after the updater, update += coefficient * lr * W. */
        public T weightDecay(double coefficient) { this.weightDecay = checkWeightDecay(coefficient); return self(); }
        public T weightDecayBias(double coefficient) { this.weightDecayBias = checkWeightDecay(coefficient); return self(); }
        /** DL4J's two-argument form; only {@code applyLR = true} exists here (see {@link WeightDecay}). */
        public T weightDecay(double coefficient, boolean applyLR) { return weightDecay(new WeightDecay(coefficient, applyLR).coeff()); }
        public T weightDecayBias(double coefficient, boolean applyLR) { return weightDecayBias(new WeightDecay(coefficient, applyLR).coeff()); }
        /** This layer's weight regularization, as DL4J's {@code regularization(List)}: replaces l1, l2 and weight decay. */
        public T regularization(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularization", regularization, v -> l1 = v, v -> l2 = v, v -> weightDecay = v);
            return self();
        }
        /** This layer's bias regularization, as {@link #regularization(List)}. */
        public T regularizationBias(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularizationBias", regularization, v -> l1Bias = v, v -> l2Bias = v,
                    v -> weightDecayBias = v);
            return self();
        }
    }

    /** A regularization coefficient or threshold: finite and >= 0, else an error naming the setting. */
    public static double checkCoefficient(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
        return v;
    }
}
