package org.pydl4j.nd.backend.cpu;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import org.junit.BeforeClass;
import org.junit.Test;

/** Native failures must surface as Java exceptions, never crash the JVM. */
public class CpuNativeErrorsTest {
    @BeforeClass
    public static void load() { new CpuBackend(); }

    @Test
    public void heapBufferIsRejected() {
        ByteBuffer heap = ByteBuffer.allocate(64);
        try {
            CpuNative.gemm(heap, false, heap, false, heap, 2, 2, 2, 1f, 0f);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("gemm") && e.getMessage().contains("direct"));
        }
    }

    @Test
    public void oneDnnErrorBecomesIllegalStateException() {
        ByteBuffer x = ByteBuffer.allocateDirect(4 * 16), y = ByteBuffer.allocateDirect(4 * 16);
        // output size 9x9 is inconsistent with a 4x4 input and 2x2/2 pooling: oneDNN refuses the descriptor
        int[] bad = {1, 1, 4, 4, 1, 9, 9, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1};
        try {
            CpuNative.poolForward(true, x, y, bad);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cpu backend pool2d"));
        }
        try {
            CpuNative.poolForward(true, x, y, new int[]{1, 2, 3});
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("geometry"));
        }
    }

    /** A freed, double-freed or made-up program handle is refused by the native side itself (its registry). */
    @Test
    public void staleProgramHandleIsAnExceptionNotAUseOfFreedMemory() {
        org.pydl4j.nd.backend.ProgramSpec spec = new org.pydl4j.nd.backend.ProgramSpec(org.pydl4j.nd.DataType.FLOAT,
                java.util.List.of(new long[]{1, 2, 4, 4}));
        spec.output(spec.activation(0, org.pydl4j.nd.activations.Activation.RELU));
        long handle = CpuNative.programCreate(CpuProgram.encode(spec));
        ByteBuffer[] in = {ByteBuffer.allocateDirect(4 * 32)}, out = {ByteBuffer.allocateDirect(4 * 32)};
        ByteBuffer[] none = {null};
        CpuNative.programRun(handle, in, none, none, out, null);
        CpuNative.programFree(handle);
        for (long stale : new long[]{handle, handle + 64, 12345L}) {
            try {
                CpuNative.programRun(stale, in, none, none, out, null);
                fail("expected IllegalStateException");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("program was freed"));
            }
            try {
                CpuNative.programFree(stale);
                fail("expected IllegalStateException");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("program was freed"));
            }
        }
    }
}
