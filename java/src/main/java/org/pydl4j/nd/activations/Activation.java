package org.pydl4j.nd.activations;

/**
 * Activation functions, spelled as ND4J's {@code org.nd4j.linalg.activations.Activation}. HARDSIGMOID is ND4J's
 * min(1, max(0, 0.2x + 0.5)); HARDSWISH is x * relu6(x + 3) / 6 (MobileNetV3, ONNX HardSwish); SWISH is
 * x * sigmoid(x) (ND4J's SWISH). The cpu backend has oneDNN kernels for all of them; the cuda backend computes the last
 * three on the host. Parameters (LEAKYRELU's slope, HARDSIGMOID's alpha and beta): {@link ActivationSpec}.
 */
public enum Activation {
    IDENTITY, RELU, RELU6, SIGMOID, TANH, SOFTMAX, LEAKYRELU, HARDSIGMOID, HARDSWISH, SWISH
}
