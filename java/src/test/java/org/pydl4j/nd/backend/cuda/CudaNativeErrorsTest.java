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
 * Native failures (cuDNN rejecting a descriptor, heap buffers, unknown device addresses, a closed context) must
 * surface as Java exceptions naming the op and the API, never crash the JVM. Needs a GPU; skipped with the reason
 * printed when none is visible.
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
    public void heapBufferUploadIsRejected() {
        long device = CudaNative.malloc(ctx, 64);
        try {
            CudaNative.upload(ctx, ByteBuffer.allocate(64), device, 64);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend upload") && e.getMessage().contains("direct"));
        } finally {
            CudaNative.free(ctx, device);
        }
    }

    @Test
    public void freeOfUnknownAddressIsRejected() {
        long device = CudaNative.malloc(ctx, 64);
        try {
            CudaNative.free(ctx, device + 4);  // not the start of a block
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend free") && e.getMessage().contains("not a live block"));
        }
        CudaNative.free(ctx, device);
        try {
            CudaNative.free(ctx, device);  // twice
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cuda backend free"));
        }
    }

    @Test
    public void cudnnErrorBecomesIllegalStateException() {
        long x = CudaNative.malloc(ctx, 4 * 16), y = CudaNative.malloc(ctx, 4 * 81);
        try {
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
                CudaNative.convForward(ctx, x, x, 0, y, zero);
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
            // the context is still usable after the failures
            CudaNative.synchronize(ctx);
        } finally {
            CudaNative.free(ctx, x);
            CudaNative.free(ctx, y);
        }
    }

    @Test
    public void closedContextIsRejected() {
        try {
            CudaNative.activationForward(0, 0, 0, 0, 4);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("closed"));
        }
    }
}
