package org.pydl4j.nd.activations;

/** Activation functions, spelled as ND4J's {@code org.nd4j.linalg.activations.Activation}. */
public enum Activation {
    IDENTITY, RELU, RELU6, SIGMOID, TANH, SOFTMAX, LEAKYRELU
}
