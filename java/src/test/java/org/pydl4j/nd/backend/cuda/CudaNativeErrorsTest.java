package org.pydl4j.nd.backend.cuda;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.ByteBuffer;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Native failures (cuDNN rejecting a descriptor, heap buffers, a closed context) must surface as Java exceptions
 * naming the op and the API, never crash the JVM. Needs a GPU; skipped with the reason printed when none is visible.
 */
public class CudaNativeErrorsTest {
    private static long ctx;

    @BeforeClass
    public static void load() {
        boolean gpu = new File("/dev/nvidiactl").exists() || new File("/proc/driver/nvidia/gpus").exists();
        try {
            new CudaBackend().close();  // loads the library, checks the device
        } catch (IllegalStateException e) {
            if (!gpu) {
                System.out.println("CudaNativeErrorsTest skipped: no GPU/driver visible: " + e.getMessage());
                Assume.assumeTrue("no GPU/driver visible: " + e.getMessage(), false);
            }
            throw e;
        }
        ctx = CudaNative.create(0, false);
    }

    @AfterClass
    public static void close() {
        if (ctx != 0) CudaNative.destroy(ctx);
    }

    @Test
    public void heapBufferIsRejected() {
        ByteBuffer heap = ByteBuffer.allocate(64);
        try {
            CudaNative.gemm(ctx, heap, false, heap, false, heap, 2, 2, 2, 1f, 0f);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend gemm") && e.getMessage().contains("direct"));
        }
    }

    @Test
    public void cudnnErrorBecomesIllegalStateException() {
        ByteBuffer x = ByteBuffer.allocateDirect(4 * 16), y = ByteBuffer.allocateDirect(4 * 81);
        // a 9x9 output is inconsistent with a 4x4 input and 2x2/2 pooling: the geometry check names it
        int[] bad = {1, 1, 4, 4, 1, 9, 9, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1};
        try {
            CudaNative.poolForward(ctx, true, x, y, bad);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend pool2d"));
        }
        // a filter with zero output channels: cuDNN itself refuses the descriptor
        int[] zero = {1, 1, 4, 4, 0, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1};
        try {
            CudaNative.convForward(ctx, x, x, null, y, zero);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend conv2d: cudnn"));
        }
        try {
            CudaNative.poolForward(ctx, true, x, y, new int[]{1, 2, 3});
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("geometry"));
        }
    }

    @Test
    public void closedContextIsRejected() {
        ByteBuffer x = ByteBuffer.allocateDirect(16);
        try {
            CudaNative.activationForward(0, 0, x, x, 4);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("closed"));
        }
    }
}
