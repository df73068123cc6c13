package org.pydl4j.nd.activations;

/**
 * Activation functions, spelled as ND4J's {@code org.nd4j.linalg.activations.Activation}. HARDSIGMOID is ND4J's
 * min(1, max(0, 0.2x + 0.5)); HARDSWISH is x * relu6(x + 3) / 6 (MobileNetV3, ONNX HardSwish); SWISH is
 * x * sigmoid(x) (ND4J's SWISH). The last three have no native kernel: backends compute them on the host.
 */
public enum Activation {
    IDENTITY, RELU, RELU6, SIGMOID, TANH, SOFTMAX, LEAKYRELU, HARDSIGMOID, HARDSWISH, SWISH
}
