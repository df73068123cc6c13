package org.pydl4j.nn.gradient;

import java.util.Map;
import org.pydl4j.nd.INDArray;

/** Gradients of a network, as DL4J's Gradient: by variable ("layer_key") and flattened. */
public interface Gradient {
    Map<String, INDArray> gradientForVariable();

    /** All gradients flattened in parameter order. */
    INDArray gradient();

    INDArray getGradientFor(String variable);
}
