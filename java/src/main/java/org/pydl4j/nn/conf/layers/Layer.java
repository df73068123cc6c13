package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.NULLABLE_DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.STRING;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * A layer configuration, as DL4J's {@code org.deeplearning4j.nn.conf.layers.Layer}. Settings left null take the
 * network defaults when the graph is built ({@link #applyGlobalConfiguration}).
 */
public abstract class Layer implements Cloneable {
    /** The saved fields (see JsonType). */
    public static final JsonType<Layer> JSON = JsonType.declareAbstract(Layer.class)
            .field("layerName", STRING, o -> o.layerName, (o, v) -> o.layerName = v)
            .field("dropOut", NULLABLE_DOUBLE, o -> o.dropOut, (o, v) -> o.dropOut = v)
            .build();

    protected String layerName;
    /** Dropout retain probability applied to this layer's input in training; null: none. */
    protected Double dropOut;

    protected Layer() {}

    protected Layer(Builder<?> b) {
        this.layerName = b.layerName;
        this.dropOut = b.dropOut;
    }

    public String getLayerName() { return layerName; }
    public void setLayerName(String name) { this.layerName = name; }
    public Double getDropOut() { return dropOut; }
    public void setDropOut(Double retainProbability) { this.dropOut = retainProbability; }

    /** The type of this layer's output for the given input type (after any preprocessor). */
    public abstract InputType getOutputType(int layerIndex, InputType inputType);

    /** Sets nIn from the incoming type; when nIn is already set and override is false, a mismatch is an error. */
    public void setNIn(InputType inputType, boolean override) {}

    /** The preprocessor this layer needs in front of it for inputs of the given type (null: none). */
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) { return null; }

    /** Parameter shapes by key, in the order they are laid out in the flat parameter array. */
    public Map<String, long[]> paramShapes() { return new LinkedHashMap<>(); }

    public long numParams() {
        long n = 0;
        for (long[] s : paramShapes().values()) {
            long k = 1;
            for (long d : s) k *= d;
            n += k;
        }
        return n;
    }

    /** False for parameters not trained by gradient (batch norm running statistics, frozen layers). */
    public boolean isTrainableParam(String key) { return true; }

    /** Decoupled weight decay coefficient for a parameter (0: none), applied after the updater scaled by the learning rate. */
    public double getWeightDecayByParam(String key) { return 0; }

    /** L2 coefficient for a parameter (0: none). */
    public double getL2ByParam(String key) { return 0; }

    /** L1 coefficient for a parameter (0: none). */
    public double getL1ByParam(String key) { return 0; }

    /** The updater of a trainable parameter. */
    public IUpdater getUpdaterByParam(String key) { return null; }

    /** Initializes freshly allocated parameter views. */
    public void initializeParams(Map<String, INDArray> params, Random rng) {}

    /** Creates the runtime layer. conf holds the network defaults with this layer set. */
    public abstract org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex);

    /** Takes unset settings from the network defaults. */
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        if (dropOut == null) dropOut = g.getDropOut();
    }

    /** Checks that required settings are present; the error names the layer. */
    public void validate() {
        if (dropOut != null && (dropOut <= 0 || dropOut > 1)) {
            throw new IllegalArgumentException("layer '" + layerName + "': dropOut is the retain probability, in (0, 1]; got " + dropOut);
        }
    }

    /** "nIn->nOut" style description for summaries. */
    public String describeSizes() { return "-"; }

    @Override
    public Layer clone() { return JsonType.valueCopy(this); }   // deep, over the declared fields

    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return JsonType.valueString(this); }

    protected String nameForErrors() { return "layer '" + layerName + "' (" + getClass().getSimpleName() + ")"; }

    public abstract static class Builder<T extends Builder<T>> {
        protected String layerName;
        protected Double dropOut;

        @SuppressWarnings("unchecked")
        protected T self() { return (T) this; }

        public T name(String layerName) { this.layerName = layerName; return self(); }

        /** Dropout on this layer's input: the RETAIN probability (DL4J semantics), inverted, training only. */
        public T dropOut(double retainProbability) {
            this.dropOut = NeuralNetConfiguration.checkRetainProbability(retainProbability);
            return self();
        }
    }

    /** t as convolutional input; any other input type is an error naming this layer. */
    protected InputType.InputTypeConvolutional convolutionalInput(InputType t) {
        if (t.getType() != InputType.Type.CNN) throw new IllegalArgumentException(nameForErrors() + ": expects convolutional input, got " + t);
        return (InputType.InputTypeConvolutional) t;
    }

    /** Flat image input ({@code InputType.convolutionalFlat}) is reshaped to NCHW in front of an image layer. */
    protected static InputPreProcessor flatImagePreProcessor(InputType t) {
        if (t.getType() != InputType.Type.CNNFlat) return null;
        InputType.InputTypeConvolutionalFlat f = (InputType.InputTypeConvolutionalFlat) t;
        return new org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor(f.getHeight(), f.getWidth(), f.getDepth());
    }
}
