package org.pydl4j.nn.conf.formats;

import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * One DL4J layer object being read, for {@link Dl4jLayerCodec#read}: typed access to its fields (absent or
 * malformed values give the default) and the settings most layers share. Errors name the vertex.
 */
public interface Dl4jLayerReader {
    /** The vertex (layer) name. */
    String vertex();

    /** The raw field value (JSON tree: Map, List, String, Number, Boolean or null). */
    Object get(String key);

    long asLong(String key, long dflt);

    double asDouble(String key, double dflt);

    boolean asBool(String key, boolean dflt);

    /** An int array field; missing: the defaults; one value: repeated to the defaults' length. */
    int[] ints(String key, int... dflt);

    /** The activation with its parameters ("activationFn" or the old "activationFunction"); null when absent. */
    ActivationSpec activation();

    LossFunctions.LossFunction loss();

    /** The dropout retain probability; null for none. */
    Double dropout();

    ConvolutionMode convolutionMode();

    /** Layer name and dropout: what every layer has. */
    <B extends Layer.Builder<B>> B common(B b);

    /** {@link #common} plus what layers with weights have: nIn/nOut, activation, weight and bias init, updater, l2. */
    <B extends BaseLayer.Builder<B>> B base(B b);

    /** Kernel, stride, padding, dilation, bias and convolution mode of a convolution. */
    void convolution(ConvolutionLayer.BaseConvBuilder<?> b);

    /** Records a fact about this vertex that its parameter layout needs (batch norm: "lockGammaBeta", "gamma", "beta", "useLogStd"). */
    void note(String key, Object value);

    /** An error saying that this layer with the given option is not supported. */
    IllegalArgumentException unsupported(String what);
}
