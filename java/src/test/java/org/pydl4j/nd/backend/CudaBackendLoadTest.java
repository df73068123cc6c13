package org.pydl4j.nd.backend;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.pydl4j.nd.backend.cuda.CudaBackend;

/** Selecting the cuda backend works where a GPU is visible and fails with a clear message (not a crash) elsewhere. */
public class CudaBackendLoadTest {
    /** With a GPU the backend loads through Backends; without one, Backends.load says why instead of crashing. */
    @Test
    public void backendsLoadIsClearEverywhere() {
        String evidence = CudaParityTest.gpuEvidence();
        try {
            Backend b = Backends.load("cuda");
            assertEquals("cuda", b.name());
            ((CudaBackend) b).close();
            System.out.println("Backends.load(\"cuda\") works here (" + evidence + ")");
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            System.out.println("Backends.load(\"cuda\") on this machine: " + m);
            assertFalse("a GPU is visible (" + evidence + ") but the cuda backend did not load: " + m, evidence != null);
            assertTrue(m, m.startsWith("backend 'cuda' cannot load: "));
            assertTrue(m, m.contains("no CUDA device visible: cudaGetDeviceCount: ")
                    || m.contains("cannot load libpydl4j_cuda.so") || m.contains("not found in pydl4j.cuda.libdir"));
        }
    }
}
