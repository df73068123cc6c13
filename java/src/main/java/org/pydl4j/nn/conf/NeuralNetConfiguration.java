package org.pydl4j.nn.conf;

import static org.pydl4j.util.json.JsonCodecs.BOOLEAN;
import static org.pydl4j.util.json.JsonCodecs.DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.LONG;
import static org.pydl4j.util.json.JsonCodecs.NULLABLE_DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.enumOf;
import static org.pydl4j.util.json.JsonCodecs.object;

import java.util.List;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.learning.regularization.Regularization;
import org.pydl4j.nd.learning.regularization.RegularizationCoefficients;
import org.pydl4j.nd.learning.regularization.WeightDecay;
import org.pydl4j.nn.api.OptimizationAlgorithm;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.distribution.Distribution;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.json.JsonMapper;
import org.pydl4j.util.json.JsonType;

/**
 * Network-wide defaults (and, for a runtime layer's {@code conf()}, that layer's configuration), as DL4J's
 * NeuralNetConfiguration. Layers that leave a setting unset take it from here when the graph is built.
 * Defaults as DL4J: updater Sgd(1e-3), weight init XAVIER, activation SIGMOID, bias 0, no l2, no dropout,
 * ConvolutionMode.Truncate.
 */
public class NeuralNetConfiguration {
    /** The saved fields (see JsonType). */
    public static final JsonType<NeuralNetConfiguration> JSON = JsonType.declare(NeuralNetConfiguration.class, NeuralNetConfiguration::new)
            .named("NeuralNetConfiguration")
            .field("seed", LONG, o -> o.seed, (o, v) -> o.seed = v)
            .field("updater", object(IUpdater.class), o -> o.updater, (o, v) -> o.updater = v)
            .field("weightInit", enumOf(WeightInit.class), o -> o.weightInit, (o, v) -> o.weightInit = v)
            .field("dist", object(Distribution.class), o -> o.dist, (o, v) -> o.dist = v)
            .field("activation", enumOf(Activation.class), o -> o.activation, (o, v) -> o.activation = v)
            .field("biasInit", DOUBLE, o -> o.biasInit, (o, v) -> o.biasInit = v)
            .field("l2", DOUBLE, o -> o.l2, (o, v) -> o.l2 = v)
            .field("l2Bias", DOUBLE, o -> o.l2Bias, (o, v) -> o.l2Bias = v)
            .field("weightDecay", DOUBLE, o -> o.weightDecay, (o, v) -> o.weightDecay = v)
            .field("weightDecayBias", DOUBLE, o -> o.weightDecayBias, (o, v) -> o.weightDecayBias = v)
            .field("dropOut", NULLABLE_DOUBLE, o -> o.dropOut, (o, v) -> o.dropOut = v)
            .field("convolutionMode", enumOf(ConvolutionMode.class), o -> o.convolutionMode, (o, v) -> o.convolutionMode = v)
            .field("l1", DOUBLE, o -> o.l1, (o, v) -> o.l1 = v)
            .field("l1Bias", DOUBLE, o -> o.l1Bias, (o, v) -> o.l1Bias = v)
            .field("gradientNormalization", enumOf(GradientNormalization.class), o -> o.gradientNormalization, (o, v) -> o.gradientNormalization = v)
            .field("gradientNormalizationThreshold", DOUBLE, o -> o.gradientNormalizationThreshold, (o, v) -> o.gradientNormalizationThreshold = v)
            .field("optimizationAlgo", enumOf(OptimizationAlgorithm.class), o -> o.optimizationAlgo, (o, v) -> o.optimizationAlgo = v)
            .field("cacheMode", enumOf(CacheMode.class), o -> o.cacheMode, (o, v) -> o.cacheMode = v)
            .field("trainingWorkspaceMode", enumOf(WorkspaceMode.class), o -> o.trainingWorkspaceMode, (o, v) -> o.trainingWorkspaceMode = v)
            .field("inferenceWorkspaceMode", enumOf(WorkspaceMode.class), o -> o.inferenceWorkspaceMode, (o, v) -> o.inferenceWorkspaceMode = v)
            .field("cudnnAlgoMode", enumOf(ConvolutionLayer.AlgoMode.class), o -> o.cudnnAlgoMode, (o, v) -> o.cudnnAlgoMode = v)
            .field("miniBatch", BOOLEAN, o -> o.miniBatch, (o, v) -> o.miniBatch = v)
            .field("layer", object(Layer.class), o -> o.layer, (o, v) -> o.layer = v)
            .build();

    private long seed;
    private IUpdater updater = new Sgd();
    private WeightInit weightInit = WeightInit.XAVIER;
    private Distribution dist;
    private Activation activation = Activation.SIGMOID;
    private double biasInit = 0.0;
    private double l2 = 0.0;
    private double l2Bias = 0.0;
    private double weightDecay = 0.0;
    private double weightDecayBias = 0.0;
    private Double dropOut;
    private ConvolutionMode convolutionMode = ConvolutionMode.Truncate;
    private double l1 = 0.0;
    private double l1Bias = 0.0;
    private GradientNormalization gradientNormalization = GradientNormalization.None;
    private double gradientNormalizationThreshold = 1.0;
    private OptimizationAlgorithm optimizationAlgo = OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT;
    private CacheMode cacheMode = CacheMode.NONE;
    private WorkspaceMode trainingWorkspaceMode = WorkspaceMode.ENABLED;
    private WorkspaceMode inferenceWorkspaceMode = WorkspaceMode.ENABLED;
    private ConvolutionLayer.AlgoMode cudnnAlgoMode = ConvolutionLayer.AlgoMode.PREFER_FASTEST;
    private boolean miniBatch = true;
    private Layer layer;

    public NeuralNetConfiguration() {}

    public long getSeed() { return seed; }
    public IUpdater getUpdater() { return updater; }
    public WeightInit getWeightInit() { return weightInit; }
    /** The distribution of WeightInit.DISTRIBUTION (null otherwise). */
    public Distribution getDist() { return dist; }
    public void setDist(Distribution d) { this.dist = d; }
    public Activation getActivation() { return activation; }
    public double getBiasInit() { return biasInit; }
    public double getL2() { return l2; }
    public double getL2Bias() { return l2Bias; }
    public double getWeightDecay() { return weightDecay; }
    public double getWeightDecayBias() { return weightDecayBias; }
    public Double getDropOut() { return dropOut; }
    public ConvolutionMode getConvolutionMode() { return convolutionMode; }
    public double getL1() { return l1; }
    public double getL1Bias() { return l1Bias; }
    public GradientNormalization getGradientNormalization() { return gradientNormalization; }
    public double getGradientNormalizationThreshold() { return gradientNormalizationThreshold; }
    public OptimizationAlgorithm getOptimizationAlgo() { return optimizationAlgo; }
    public CacheMode getCacheMode() { return cacheMode; }
    public WorkspaceMode getTrainingWorkspaceMode() { return trainingWorkspaceMode; }
    public WorkspaceMode getInferenceWorkspaceMode() { return inferenceWorkspaceMode; }
    public ConvolutionLayer.AlgoMode getCudnnAlgoMode() { return cudnnAlgoMode; }
    public boolean isMiniBatch() { return miniBatch; }
    /** The layer configuration (set for a runtime layer's conf()). */
    public Layer getLayer() { return layer; }
    public void setLayer(Layer layer) { this.layer = layer; }
    public void setSeed(long seed) { this.seed = seed; }
    public void setUpdater(IUpdater u) { this.updater = u; }
    public void setWeightInit(WeightInit w) { this.weightInit = w; }
    public void setActivation(Activation a) { this.activation = a; }
    public void setBiasInit(double b) { this.biasInit = b; }
    public void setL2(double l2) { this.l2 = l2; }
    public void setL2Bias(double l2Bias) { this.l2Bias = l2Bias; }
    public void setWeightDecay(double wd) { this.weightDecay = wd; }
    public void setWeightDecayBias(double wd) { this.weightDecayBias = wd; }
    public void setDropOut(Double d) { this.dropOut = d; }
    public void setConvolutionMode(ConvolutionMode m) { this.convolutionMode = m; }

    /** DL4J's dropOut value is the RETAIN probability, in (0, 1]; anything else is an error saying so. */
    public static double checkRetainProbability(double retainProbability) {
        if (retainProbability <= 0 || retainProbability > 1) {
            throw new IllegalArgumentException("dropOut is the retain probability, in (0, 1]; got " + retainProbability);
        }
        return retainProbability;
    }

    /** Fills the settings a layer left unset from these defaults (recursing into wrappers such as FrozenLayer). */
    public void configureLayer(Layer l) { l.applyGlobalConfiguration(this); }

    /** A copy holding the defaults and the given layer. */
    public NeuralNetConfiguration withLayer(Layer l) {
        NeuralNetConfiguration c = clone();
        c.layer = l;
        return c;
    }

    @Override
    public NeuralNetConfiguration clone() { return JsonType.valueCopy(this); }   // deep, over the declared fields

    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    public String toJson() {
        ConfigTypes.ensureRegistered();
        return JsonMapper.toJson(this);
    }

    public static NeuralNetConfiguration fromJson(String json) {
        ConfigTypes.ensureRegistered();
        return JsonMapper.fromJson(json, NeuralNetConfiguration.class);
    }

    @Override
    public String toString() { return toJson(); }

    /** Builds a MultiLayerConfiguration, as DL4J's NeuralNetConfiguration.ListBuilder (see {@link LayerListBuilder}). */
    public static class ListBuilder extends LayerListBuilder<ListBuilder> {
        public ListBuilder(Builder global) { super(global); }
    }

    /** Builder of network-wide defaults; {@link #graphBuilder()} starts a ComputationGraph configuration. */
    public static class Builder implements Cloneable {
        private NeuralNetConfiguration c = new NeuralNetConfiguration();

        public Builder() { c.seed = System.currentTimeMillis(); }

        /** Seed of weight initialization and dropout. */
        public Builder seed(long seed) { c.seed = seed; return this; }
        public Builder seed(int seed) { return seed((long) seed); }
        public Builder updater(IUpdater updater) { c.updater = updater.clone(); return this; }
        public Builder weightInit(WeightInit w) { c.weightInit = w; return this; }
        /** Weights drawn from the distribution (WeightInit.DISTRIBUTION), as DL4J's weightInit(Distribution). */
        public Builder weightInit(Distribution d) { c.weightInit = WeightInit.DISTRIBUTION; c.dist = d; return this; }
        /** Same as {@link #weightInit(Distribution)} (DL4J's older name). */
        public Builder dist(Distribution d) { return weightInit(d); }
        /** A scheme given as an object (e.g. {@code new WeightInitDistribution(dist)}), as DL4J's weightInit(IWeightInit). */
        public Builder weightInit(org.pydl4j.nn.weights.IWeightInit w) { c.weightInit = w.scheme(); c.dist = w.distribution(); return this; }
        public Builder activation(Activation a) { c.activation = a; return this; }
        public Builder biasInit(double b) { c.biasInit = b; return this; }
        /** L2 regularization coefficient on weights: gradient += l2 * w, score += 0.5 * l2 * sum(w^2). */
        public Builder l2(double l2) { c.l2 = BaseLayer.checkCoefficient("l2", l2); return this; }
        /** L2 regularization coefficient on biases. */
        public Builder l2Bias(double l2Bias) { c.l2Bias = BaseLayer.checkCoefficient("l2Bias", l2Bias); return this; }
        /** Decoupled weight decay on weights, as DL4J's {@code WeightDecay(coeff, applyLR=true)}: after the updater, update += coeff * lr * w. */
        public Builder weightDecay(double coefficient) { c.weightDecay = BaseLayer.checkWeightDecay(coefficient); return this; }
        /** Decoupled weight decay on biases. */
        public Builder weightDecayBias(double coefficient) { c.weightDecayBias = BaseLayer.checkWeightDecay(coefficient); return this; }
        /** DL4J's two-argument form; only {@code applyLR = true} exists here (see {@link WeightDecay}). */
        public Builder weightDecay(double coefficient, boolean applyLR) { return weightDecay(new WeightDecay(coefficient, applyLR).coeff()); }
        public Builder weightDecayBias(double coefficient, boolean applyLR) { return weightDecayBias(new WeightDecay(coefficient, applyLR).coeff()); }
        /** The weights' regularization as DL4J's {@code regularization(List)}: replaces l1, l2 and weight decay (missing kinds become 0). */
        public Builder regularization(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularization", regularization, v -> c.l1 = v, v -> c.l2 = v, v -> c.weightDecay = v);
            return this;
        }
        /** The biases' regularization, as {@link #regularization(List)}. */
        public Builder regularizationBias(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularizationBias", regularization, v -> c.l1Bias = v, v -> c.l2Bias = v,
                    v -> c.weightDecayBias = v);
            return this;
        }
        /** Dropout for every layer's input: the RETAIN probability (inverted dropout, training only), as DL4J. */
        public Builder dropOut(double retainProbability) {
            c.dropOut = NeuralNetConfiguration.checkRetainProbability(retainProbability);
            return this;
        }
        public Builder convolutionMode(ConvolutionMode m) { c.convolutionMode = m; return this; }
        /** L1 regularization coefficient on weights: gradient += l1 * sign(w), score += l1 * sum|w|. */
        public Builder l1(double l1) { c.l1 = BaseLayer.checkCoefficient("l1", l1); return this; }
        public Builder l1Bias(double l1Bias) { c.l1Bias = BaseLayer.checkCoefficient("l1Bias", l1Bias); return this; }
        /** Gradient normalization or clipping of every layer (see {@link GradientNormalization}). */
        public Builder gradientNormalization(GradientNormalization g) { c.gradientNormalization = g; return this; }
        public Builder gradientNormalizationThreshold(double t) {
            c.gradientNormalizationThreshold = BaseLayer.checkCoefficient("gradientNormalizationThreshold", t);
            return this;
        }
        /** Only STOCHASTIC_GRADIENT_DESCENT (minibatch training with the updater) exists here; others are refused. */
        public Builder optimizationAlgo(OptimizationAlgorithm a) {
            if (a != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
                throw new UnsupportedOperationException("optimizationAlgo(" + a + "): only STOCHASTIC_GRADIENT_DESCENT is supported");
            }
            c.optimizationAlgo = a;
            return this;
        }
        /** Accepted (see {@link CacheMode}). */
        public Builder cacheMode(CacheMode m) { c.cacheMode = m; return this; }
        /** Accepted (see {@link WorkspaceMode}). */
        public Builder trainingWorkspaceMode(WorkspaceMode m) { c.trainingWorkspaceMode = m; return this; }
        public Builder inferenceWorkspaceMode(WorkspaceMode m) { c.inferenceWorkspaceMode = m; return this; }
        /** Default cuDNN algorithm mode of convolution layers (see {@link ConvolutionLayer.AlgoMode}). */
        public Builder cudnnAlgoMode(ConvolutionLayer.AlgoMode m) { c.cudnnAlgoMode = m; return this; }
        /** miniBatch(true) (the default): the loss is averaged over the minibatch; false is refused. */
        public Builder miniBatch(boolean miniBatch) {
            if (!miniBatch) throw new UnsupportedOperationException("miniBatch(false): losses are always averaged over the minibatch here");
            return this;
        }

        /** A copy of the defaults built so far. */
        public NeuralNetConfiguration build() { return c.clone(); }

        public ComputationGraphConfiguration.GraphBuilder graphBuilder() { return new ComputationGraphConfiguration.GraphBuilder(this); }

        /** Starts a layer stack (a MultiLayerNetwork configuration) with these defaults. */
        public ListBuilder list() { return new ListBuilder(clone()); }

        /** Starts a layer stack with the given layers at indices 0, 1, ... */
        public ListBuilder list(Layer... layers) {
            ListBuilder b = list();
            for (Layer l : layers) b.layer(l);
            return b;
        }

        @Override
        public Builder clone() {
            Builder b = new Builder();
            b.c = c.clone();
            return b;
        }
    }
}
