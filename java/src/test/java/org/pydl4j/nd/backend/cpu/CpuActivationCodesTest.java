package org.pydl4j.nd.backend.cpu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.NativeActivation;

/**
 * The cpu library's activation codes: the ONNX activations have kernels of their own (not the host's loop), and
 * activations with parameters get one registered code per distinct value, which the library then knows.
 */
public class CpuActivationCodesTest {
    @BeforeClass
    public static void load() { new CpuBackend(); }

    @Test
    public void onnxActivationsHaveCpuKernels() {
        for (Activation f : new Activation[]{Activation.HARDSIGMOID, Activation.HARDSWISH, Activation.SWISH}) {
            assertTrue(f + " forward", CpuActivationCodes.has(f, false));
            assertFalse(f + " is not one every native library knows (cuda falls back to the host)", NativeActivation.has(f));
        }
        assertTrue(CpuActivationCodes.has(Activation.SWISH, true));
        assertTrue(CpuActivationCodes.has(Activation.HARDSWISH, true));
        assertFalse("hard sigmoid's gradient is the host's (a two-step chain has no oneDNN backward)", CpuActivationCodes.has(Activation.HARDSIGMOID, true));
        assertFalse(CpuActivationCodes.has(Activation.SOFTMAX, false));
    }

    @Test
    public void parametersGetOneRegisteredCodeEach() {
        assertEquals(NativeActivation.LEAKYRELU, CpuActivationCodes.code(ActivationSpec.of(Activation.LEAKYRELU)));
        assertEquals(NativeActivation.HARDSIGMOID, CpuActivationCodes.code(ActivationSpec.hardSigmoid(0.2, 0.5)));
        int a = CpuActivationCodes.code(ActivationSpec.leakyRelu(0.3));
        int b = CpuActivationCodes.code(ActivationSpec.hardSigmoid(1.0 / 6, 0.5));
        assertTrue("registered codes start at 64: " + a, a >= 64 && b >= 64);
        assertNotEquals(a, b);
        assertEquals(a, CpuActivationCodes.code(ActivationSpec.leakyRelu(0.3)));
        // the native registry deduplicates too (a second Java map, e.g. after a class reload, gets the same code)
        assertEquals(a, CpuNative.registerActivation(NativeActivation.LEAKYRELU, 0.3f, 0f));
    }

    @Test
    public void nativeRejectsParametersForKindsWithout() {
        try {
            CpuNative.registerActivation(NativeActivation.RELU, 0.5f, 0f);
            throw new AssertionError("RELU with a parameter registered");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("takes no parameters"));
        }
    }
}
