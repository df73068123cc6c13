package org.pydl4j.nd.backend;

import org.pydl4j.nd.activations.Activation;

/**
 * The activation codes the native libraries understand (ActivationKind in native/common/jni_util.h), one mapping
 * for every JNI backend.
 */
public final class NativeActivation {
    private NativeActivation() {}

    public static final int IDENTITY = -1, RELU = 0, RELU6 = 1, SIGMOID = 2, TANH = 3, LEAKYRELU = 4;
    /** Known to the cpu library only (the cuda backend computes them on the host). */
    public static final int HARDSIGMOID = 5, HARDSWISH = 6, SWISH = 7;

    /** Whether every native library has an elementwise kernel for {@code f} (else backends use the host's). */
    public static boolean has(Activation f) {
        return f == Activation.IDENTITY || f == Activation.RELU || f == Activation.RELU6 || f == Activation.SIGMOID
                || f == Activation.TANH || f == Activation.LEAKYRELU;
    }

    /** The code of an elementwise activation; SOFTMAX has its own kernels and no code. */
    public static int code(Activation f) {
        switch (f) {
            case IDENTITY: return IDENTITY;
            case RELU: return RELU;
            case RELU6: return RELU6;
            case SIGMOID: return SIGMOID;
            case TANH: return TANH;
            case LEAKYRELU: return LEAKYRELU;
            case HARDSIGMOID: return HARDSIGMOID;
            case HARDSWISH: return HARDSWISH;
            case SWISH: return SWISH;
            default: throw new IllegalArgumentException("no elementwise kernel for " + f);
        }
    }
}
