package org.pydl4j.nn.transferlearning;

import java.util.List;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.regularization.Regularization;
import org.pydl4j.nd.learning.regularization.RegularizationCoefficients;
import org.pydl4j.nd.learning.regularization.WeightDecay;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.weights.WeightInit;

/**
 * Settings that override those of a pretrained network when it is edited with {@link TransferLearning}, as DL4J's
 * FineTuneConfiguration. Only the settings given to the builder are applied:
 * <ul>
 * <li>to every layer that is not frozen (the retained ones have them overwritten: updater, l1, l2, weight decay
 * (weights and biases), activation,
 * weight init and bias init on layers with weights, dropout on every layer, convolution mode on convolution and
 * subsampling layers);</li>
 * <li>to the network defaults, so that layers added through the builder take them unless they set their own;
 * the seed becomes the network seed (initialization of new layers, dropout masks).</li>
 * </ul>
 * Frozen layers are never changed.
 */
public class FineTuneConfiguration {
    private IUpdater updater;
    private Long seed;
    private Double l1;
    private Double l1Bias;
    private Double l2;
    private Double l2Bias;
    private Double weightDecay;
    private Double weightDecayBias;
    private Double dropOut;
    private Activation activation;
    private WeightInit weightInit;
    private Double biasInit;
    private ConvolutionMode convolutionMode;

    protected FineTuneConfiguration() {}

    public IUpdater getUpdater() { return updater == null ? null : updater.clone(); }
    public Long getSeed() { return seed; }
    public Double getL1() { return l1; }
    public Double getL1Bias() { return l1Bias; }
    public Double getL2() { return l2; }
    public Double getL2Bias() { return l2Bias; }
    public Double getWeightDecay() { return weightDecay; }
    public Double getWeightDecayBias() { return weightDecayBias; }
    /** Dropout retain probability, or null when not set. */
    public Double getDropOut() { return dropOut; }
    public Activation getActivation() { return activation; }
    public WeightInit getWeightInit() { return weightInit; }
    public Double getBiasInit() { return biasInit; }
    public ConvolutionMode getConvolutionMode() { return convolutionMode; }

    /**
     * Overwrites the settings given to this configuration on one layer configuration. A FrozenLayer is left
     * unchanged (frozen layers keep their configuration).
     */
    public void applyToLayer(Layer layer) {
        if (layer == null || layer instanceof FrozenLayer) return;
        if (dropOut != null) layer.setDropOut(dropOut);
        if (layer instanceof BaseLayer) {
            BaseLayer b = (BaseLayer) layer;
            if (updater != null) b.setIUpdater(updater.clone());
            if (l1 != null) b.setL1(l1);
            if (l1Bias != null) b.setL1Bias(l1Bias);
            if (l2 != null) b.setL2(l2);
            if (l2Bias != null) b.setL2Bias(l2Bias);
            if (weightDecay != null) b.setWeightDecay(weightDecay);
            if (weightDecayBias != null) b.setWeightDecayBias(weightDecayBias);
            if (activation != null) b.setActivation(activation);
            if (weightInit != null) b.setWeightInit(weightInit);
            if (biasInit != null) b.setBiasInit(biasInit);
        }
        if (convolutionMode != null) {
            if (layer instanceof ConvolutionLayer) ((ConvolutionLayer) layer).setConvolutionMode(convolutionMode);
            if (layer instanceof SubsamplingLayer) ((SubsamplingLayer) layer).setConvolutionMode(convolutionMode);
        }
    }

    /** Overwrites the settings given to this configuration on network defaults (the builder is changed and returned). */
    public NeuralNetConfiguration.Builder applyToDefaults(NeuralNetConfiguration.Builder b) {
        if (seed != null) b.seed(seed);
        if (updater != null) b.updater(updater);
        if (l1 != null) b.l1(l1);
        if (l1Bias != null) b.l1Bias(l1Bias);
        if (l2 != null) b.l2(l2);
        if (l2Bias != null) b.l2Bias(l2Bias);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (weightDecayBias != null) b.weightDecayBias(weightDecayBias);
        if (dropOut != null) b.dropOut(dropOut);
        if (activation != null) b.activation(activation);
        if (weightInit != null) b.weightInit(weightInit);
        if (biasInit != null) b.biasInit(biasInit);
        if (convolutionMode != null) b.convolutionMode(convolutionMode);
        return b;
    }

    /** A builder holding the given network defaults (seed, updater, weight init, ...), unchanged. */
    static NeuralNetConfiguration.Builder builderOf(NeuralNetConfiguration c) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(c.getSeed())
                .updater(c.getUpdater())
                .weightInit(c.getWeightInit())
                .activation(c.getActivation())
                .biasInit(c.getBiasInit())
                .l1(c.getL1())
                .l1Bias(c.getL1Bias())
                .l2(c.getL2())
                .l2Bias(c.getL2Bias())
                .weightDecay(c.getWeightDecay())
                .weightDecayBias(c.getWeightDecayBias())
                .convolutionMode(c.getConvolutionMode());
        if (c.getDropOut() != null) b.dropOut(c.getDropOut());
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FineTuneConfiguration(");
        String sep = "";
        Object[][] fields = {{"updater", updater}, {"seed", seed}, {"l1", l1}, {"l1Bias", l1Bias}, {"l2", l2}, {"l2Bias", l2Bias}, {"weightDecay", weightDecay},
                {"weightDecayBias", weightDecayBias}, {"dropOut", dropOut},
                {"activation", activation}, {"weightInit", weightInit}, {"biasInit", biasInit}, {"convolutionMode", convolutionMode}};
        for (Object[] f : fields) {
            if (f[1] != null) {
                sb.append(sep).append(f[0]).append('=').append(f[1]);
                sep = ", ";
            }
        }
        return sb.append(')').toString();
    }

    /** {@code new FineTuneConfiguration.Builder().updater(new Nesterovs(5e-5)).seed(seed).build()}. */
    public static class Builder {
        private final FineTuneConfiguration c = new FineTuneConfiguration();

        public Builder() {}

        public Builder updater(IUpdater updater) {
            if (updater == null) throw new IllegalArgumentException("FineTuneConfiguration: updater is null");
            c.updater = updater.clone();
            return this;
        }

        public Builder seed(long seed) { c.seed = seed; return this; }
        public Builder seed(int seed) { return seed((long) seed); }
        public Builder l1(double l1) { c.l1 = BaseLayer.checkCoefficient("l1", l1); return this; }
        public Builder l1Bias(double l1Bias) { c.l1Bias = BaseLayer.checkCoefficient("l1Bias", l1Bias); return this; }
        public Builder l2(double l2) { c.l2 = BaseLayer.checkCoefficient("l2", l2); return this; }
        public Builder l2Bias(double l2Bias) { c.l2Bias = BaseLayer.checkCoefficient("l2Bias", l2Bias); return this; }
        /** Decoupled (AdamW-style) weight decay on the unfrozen layers' weights, as DL4J's {@code weightDecay}. */
        public Builder weightDecay(double coefficient) { c.weightDecay = BaseLayer.checkWeightDecay(coefficient); return this; }
        public Builder weightDecayBias(double coefficient) { c.weightDecayBias = BaseLayer.checkWeightDecay(coefficient); return this; }
        /** DL4J's two-argument form; only {@code applyLR = true} exists here (see {@link WeightDecay}). */
        public Builder weightDecay(double coefficient, boolean applyLR) { return weightDecay(new WeightDecay(coefficient, applyLR).coeff()); }
        public Builder weightDecayBias(double coefficient, boolean applyLR) { return weightDecayBias(new WeightDecay(coefficient, applyLR).coeff()); }
        /** The unfrozen layers' weight regularization, as DL4J's {@code regularization(List)}: sets l1, l2 and weight decay (missing kinds to 0). */
        public Builder regularization(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularization", regularization, v -> c.l1 = v, v -> c.l2 = v, v -> c.weightDecay = v);
            return this;
        }
        /** The unfrozen layers' bias regularization, as {@link #regularization(List)}. */
        public Builder regularizationBias(List<? extends Regularization> regularization) {
            RegularizationCoefficients.assign("regularizationBias", regularization, v -> c.l1Bias = v, v -> c.l2Bias = v,
                    v -> c.weightDecayBias = v);
            return this;
        }

        /** Dropout on each unfrozen layer's input: the RETAIN probability, in (0, 1] (DL4J semantics). */
        public Builder dropOut(double retainProbability) {
            c.dropOut = NeuralNetConfiguration.checkRetainProbability(retainProbability);
            return this;
        }

        public Builder activation(Activation a) { c.activation = a; return this; }
        public Builder weightInit(WeightInit w) { c.weightInit = w; return this; }
        public Builder biasInit(double b) { c.biasInit = b; return this; }
        public Builder convolutionMode(ConvolutionMode m) { c.convolutionMode = m; return this; }

        public FineTuneConfiguration build() {
            FineTuneConfiguration out = new FineTuneConfiguration();
            out.updater = c.updater == null ? null : c.updater.clone();
            out.seed = c.seed; out.l1 = c.l1; out.l1Bias = c.l1Bias; out.l2 = c.l2; out.l2Bias = c.l2Bias; out.weightDecay = c.weightDecay;
            out.weightDecayBias = c.weightDecayBias; out.dropOut = c.dropOut; out.activation = c.activation;
            out.weightInit = c.weightInit; out.biasInit = c.biasInit; out.convolutionMode = c.convolutionMode;
            return out;
        }
    }
}
