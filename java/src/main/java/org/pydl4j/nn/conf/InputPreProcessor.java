package org.pydl4j.nn.conf;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.inputs.InputType;

/** Reshapes activations between vertices (and gradients back), as DL4J's InputPreProcessor. Stateless. */
public interface InputPreProcessor extends Cloneable {
    INDArray preProcess(INDArray input, int miniBatchSize);

    /** Gradient with respect to the preprocessor's input, given the gradient with respect to its output. */
    INDArray backprop(INDArray output, int miniBatchSize);

    InputType getOutputType(InputType inputType);

    InputPreProcessor clone();
}
