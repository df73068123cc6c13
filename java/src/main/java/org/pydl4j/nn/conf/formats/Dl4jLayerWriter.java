package org.pydl4j.nn.conf.formats;

import java.util.List;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;

/** One DL4J layer object being written, for {@link Dl4jLayerCodec#write}. */
public interface Dl4jLayerWriter {
    /** Puts a field (a JSON tree value: Map, List, String, Number, Boolean or null). */
    void put(String key, Object value);

    /** Activation, weight and bias init, updater, l2 and, for feed-forward layers, nin/nout. */
    void base(BaseLayer l);

    /** Kernel, stride, padding, dilation, convolution mode, bias and data format of a convolution. */
    void convolution(ConvolutionLayer c);

    /** DL4J's JSON for an activation function with its parameters; one DL4J cannot express is an error naming it. */
    Object activation(ActivationSpec a);

    /** DL4J's JSON for a loss function. */
    Object loss(LossFunctions.LossFunction f);

    List<Object> ints(int[] values);
}
