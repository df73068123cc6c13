package org.pydl4j.nd.backend.cpu;

import java.util.concurrent.ConcurrentHashMap;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.NativeActivation;

/**
 * The native code of an activation for libpydl4j_cpu: the built-in code for default parameters, else the code the
 * library registered for these parameters (once per distinct value; the float32 values the kernels use).
 */
final class CpuActivationCodes {
    private CpuActivationCodes() {}

    private static final ConcurrentHashMap<ActivationSpec, Integer> REGISTERED = new ConcurrentHashMap<>();

    /** Every activation but SOFTMAX (which has its own kernels). HARDSIGMOID's gradient is left to the host. */
    static boolean has(Activation f, boolean backward) {
        return f != Activation.SOFTMAX && !(backward && f == Activation.HARDSIGMOID);
    }

    static int code(ActivationSpec a) {
        if (a.isDefault()) return NativeActivation.code(a.kind());
        return REGISTERED.computeIfAbsent(a, s -> CpuNative.registerActivation(NativeActivation.code(s.kind()), (float) s.alpha(), (float) s.beta()));
    }
}
