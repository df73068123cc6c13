package org.pydl4j.nn.api;

import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * A runtime layer, as DL4J's {@code org.deeplearning4j.nn.api.Layer}: its parameters are views into the owning
 * network's flat parameter array (writes through {@link #setParam} or into {@link #getParam} change the network).
 */
public interface Layer extends Model {
    /** The network defaults with this layer's configuration ({@code conf().getLayer()}). */
    NeuralNetConfiguration conf();

    /** This layer's configuration (same as {@code conf().getLayer()}). */
    org.pydl4j.nn.conf.layers.Layer layerConf();

    /** The vertex / layer name. */
    String getName();

    /** Position of the layer in the network's topological order of layers. */
    int getIndex();

    /** A parameter by key ("W", "b", "gamma", "beta", "mean", "var"), shaped; a live view. */
    INDArray getParam(String key);

    /** Copies values (same length) into a parameter. */
    void setParam(String key, INDArray value);

    /** All parameters by key, in order; live views. */
    Map<String, INDArray> paramTable();

    /** Gradients by key after a backward pass; live views of the network's gradient array. */
    Map<String, INDArray> gradientTable();

    /** True when the layer is frozen (its parameters never change in training). */
    default boolean isFrozen() { return false; }

    /** Forward pass; training enables dropout and batch statistics. Keeps what backprop needs. */
    INDArray activate(INDArray input, boolean training);

    /**
     * Backward pass after {@link #activate}: writes parameter gradients into the gradient views and returns the
     * gradient with respect to the input (null when needInputGradient is false).
     */
    INDArray backpropGradient(INDArray epsilon, boolean needInputGradient);

    /** Seed of the next dropout masks (set by the network per iteration so masks are reproducible). */
    void setDropoutSeed(long seed);

    /** Releases cached activations. */
    void clear();
}
