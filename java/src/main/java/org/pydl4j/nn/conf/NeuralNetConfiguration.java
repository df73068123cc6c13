package org.pydl4j.nn.conf;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.json.JsonMapper;

/**
 * Network-wide defaults (and, for a runtime layer's {@code conf()}, that layer's configuration), as DL4J's
 * NeuralNetConfiguration. Layers that leave a setting unset take it from here when the graph is built.
 * Defaults as DL4J: updater Sgd(1e-3), weight init XAVIER, activation SIGMOID, bias 0, no l2, no dropout,
 * ConvolutionMode.Truncate.
 */
public class NeuralNetConfiguration {
    private long seed;
    private IUpdater updater = new Sgd();
    private WeightInit weightInit = WeightInit.XAVIER;
    private Activation activation = Activation.SIGMOID;
    private double biasInit = 0.0;
    private double l2 = 0.0;
    private double l2Bias = 0.0;
    private Double dropOut;
    private ConvolutionMode convolutionMode = ConvolutionMode.Truncate;
    private Layer layer;

    public NeuralNetConfiguration() {}

    public long getSeed() { return seed; }
    public IUpdater getUpdater() { return updater; }
    public WeightInit getWeightInit() { return weightInit; }
    public Activation getActivation() { return activation; }
    public double getBiasInit() { return biasInit; }
    public double getL2() { return l2; }
    public double getL2Bias() { return l2Bias; }
    public Double getDropOut() { return dropOut; }
    public ConvolutionMode getConvolutionMode() { return convolutionMode; }
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
    public NeuralNetConfiguration clone() { return JsonMapper.deepCopy(this); }

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

    /** Builder of network-wide defaults; {@link #graphBuilder()} starts a ComputationGraph configuration. */
    public static class Builder implements Cloneable {
        private final NeuralNetConfiguration c = new NeuralNetConfiguration();

        public Builder() { c.seed = System.currentTimeMillis(); }

        /** Seed of weight initialization and dropout. */
        public Builder seed(long seed) { c.seed = seed; return this; }
        public Builder seed(int seed) { return seed((long) seed); }
        public Builder updater(IUpdater updater) { c.updater = updater.clone(); return this; }
        public Builder weightInit(WeightInit w) { c.weightInit = w; return this; }
        public Builder activation(Activation a) { c.activation = a; return this; }
        public Builder biasInit(double b) { c.biasInit = b; return this; }
        /** L2 regularization coefficient on weights: gradient += l2 * w, score += 0.5 * l2 * sum(w^2). */
        public Builder l2(double l2) { c.l2 = l2; return this; }
        /** L2 regularization coefficient on biases. */
        public Builder l2Bias(double l2Bias) { c.l2Bias = l2Bias; return this; }
        /** Dropout for every layer's input: the RETAIN probability (inverted dropout, training only), as DL4J. */
        public Builder dropOut(double retainProbability) {
            c.dropOut = NeuralNetConfiguration.checkRetainProbability(retainProbability);
            return this;
        }
        public Builder convolutionMode(ConvolutionMode m) { c.convolutionMode = m; return this; }

        /** A copy of the defaults built so far. */
        public NeuralNetConfiguration build() { return c.clone(); }

        public ComputationGraphConfiguration.GraphBuilder graphBuilder() { return new ComputationGraphConfiguration.GraphBuilder(this); }

        @Override
        public Builder clone() {
            Builder b = new Builder();
            NeuralNetConfiguration copy = c.clone();
            b.c.seed = copy.seed; b.c.updater = copy.updater; b.c.weightInit = copy.weightInit; b.c.activation = copy.activation;
            b.c.biasInit = copy.biasInit; b.c.l2 = copy.l2; b.c.l2Bias = copy.l2Bias; b.c.dropOut = copy.dropOut;
            b.c.convolutionMode = copy.convolutionMode;
            return b;
        }
    }
}
