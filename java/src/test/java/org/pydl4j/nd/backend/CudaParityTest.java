package org.pydl4j.nd.backend;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.pydl4j.nd.backend.ParityCheck.expectIllegalArgument;
import static org.pydl4j.nd.backend.ParityCheck.randn;
import static org.pydl4j.nd.backend.ParityCheck.same3x3;

import java.io.File;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.Location;
import org.pydl4j.nd.backend.cuda.CudaBackend;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.ZooTransferTest;
import org.pydl4j.nd.backend.cpu.DeviceResidencyTest;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/**
 * The shared {@link BackendParitySuite} (the cpu suite's ops and shapes) against the cuda backend, tolerance 1e-3
 * (max|cuda - ref| / max|ref|), plus what only cuda has (dilated pooling, the caching allocator, arrays kept on the GPU,
 * the DL4J lesson's recipe trained on the GPU). Needs a GPU: without a visible GPU/driver each test is skipped with the reason printed. When a GPU is
 * visible (/dev/nvidiactl or /proc/driver/nvidia) the backend must load, or the tests fail.
 * {@link CudaBackendLoadTest} covers loading on every machine.
 */
public class CudaParityTest extends BackendParitySuite {
    private static final double TOLERANCE = 1e-3;
    private static CudaBackend cuda;
    private static ParityCheck check;
    private static String skipReason;
    private static RuntimeException loadFailure;

    /** Evidence of an NVIDIA GPU/driver on this machine, independent of our library; null when there is none. */
    static String gpuEvidence() {
        for (String p : new String[]{"/dev/nvidiactl", "/dev/nvidia0", "/proc/driver/nvidia/gpus"}) {
            if (new File(p).exists()) return p;
        }
        return null;
    }

    @BeforeClass
    public static void load() {
        try {
            cuda = new CudaBackend();
            check = new ParityCheck(cuda, TOLERANCE);
            System.out.println("cuda backend on " + cuda.deviceName() + ": " + cuda.nativeVersion());
        } catch (IllegalStateException e) {
            loadFailure = e;
            String evidence = gpuEvidence();
            if (e.getMessage().startsWith("no CUDA device visible") && evidence == null) {
                skipReason = "skipped: " + e.getMessage();
            } else if (evidence == null) {
                skipReason = "skipped: no GPU/driver visible (no /dev/nvidiactl, /dev/nvidia0 or /proc/driver/nvidia);"
                        + " the cuda backend also failed to load: " + e.getMessage();
            }
            // else: a GPU is visible, so the failure is real and every test reports it
            if (skipReason != null) System.out.println("CudaParityTest " + skipReason);
        }
    }

    @AfterClass
    public static void summary() {
        if (check != null) System.out.print(check.summary());
        if (cuda != null) cuda.close();
    }

    @Before
    public void needGpu() {
        Assume.assumeTrue(skipReason, skipReason == null);
        if (cuda == null) throw new AssertionError("a GPU is visible (" + gpuEvidence() + ") but the cuda backend failed to load", loadFailure);
    }

    @Override
    protected ParityCheck check() { return check; }

    // ---------------------------------------------------------------- pooling and batch normalization

    @Test
    public void poolDilated() {
        check.pool("max 2x2/1 dilation 2 [1,4,9,9]", new long[]{1, 4, 9, 9}, PoolingType.MAX, new ConvParams(2, 2, 1, 1, 0, 0, 0, 0, 2, 2, 1), 69);
    }

    @Test
    public void batchNormSingleValuePerChannel() { check.batchNorm(new long[]{1, 8}, 85); }

    // ---------------------------------------------------------------- allocator and residency

    @Test
    public void cachingAllocatorAndPlansAreReused() {
        INDArray x = randn(130, 2, 16, 32, 32), w = randn(131, 0.1, 24, 16, 3, 3);
        cuda.conv2d(x, w, null, same3x3()).close();
        long[] before = cuda.allocatorStats();
        for (int i = 0; i < 3; i++) cuda.conv2d(x, w, null, same3x3()).close();
        long[] after = cuda.allocatorStats();
        assertEquals("repeated same-shape ops must not call cudaMalloc again", before[2], after[2]);
        assertEquals("one convolution plan per shape", before[3], after[3]);
        assertEquals("closed results give their device memory back; x and w stay resident", before[0], after[0]);
        assertTrue(after[1] > 0);
    }

    /** Runs body with cuda as the current backend, restoring the previous one afterwards. */
    private static void onCuda(Runnable body) {
        Backend previous = Backends.current();
        try {
            Backends.use(cuda);
            body.run();
        } finally {
            Backends.use(previous);
        }
    }

    /** After the first batch, a network's forward pass uploads only its input and downloads only what is read. */
    @Test
    public void featurizingKeepsActivationsOnTheGpu() {
        ComputationGraph net = VGG16.builder().inputShape(new int[]{3, 32, 32}).build().init();
        INDArray x1 = ParityCheck.uniform(14, 0, 1, 2, 3, 32, 32), x2 = ParityCheck.uniform(15, 0, 1, 2, 3, 32, 32);
        INDArray want = net.outputSingle(x2).dup();   // the current (cpu or reference) backend
        onCuda(() -> {
            net.outputSingle(x1).close();
            long[] s0 = cuda.device().transferStats();
            INDArray got = net.outputSingle(x2);
            long[] s1 = cuda.device().transferStats();
            assertEquals("uploads: only the input", s0[0] + 1, s1[0]);
            assertEquals("downloads before reading", s0[2], s1[2]);
            assertEquals(Location.DEVICE, got.location());
            check.assertParity("VGG-16 32x32 output on cuda", got, want);
        });
    }

    /** Training steps of EfficientNet-Lite0 keep parameters, gradients and updater state on the GPU. */
    @Test
    public void trainingStepsStayOnTheGpu() {
        onCuda(() -> {
            ComputationGraph net = EfficientNetLite.builder(0).resolution(64).numClasses(5).build().init();
            long[] perStep = DeviceResidencyTest.stepTransfers(net, DeviceResidencyTest.smallBatch(64), cuda.device());
            assertTrue("bytes up per step: " + perStep[1], perStep[1] < 1024);
            assertTrue("bytes down per step: " + perStep[3], perStep[3] < 1024);
        });
    }

    /** The DL4J lesson's recipe trains on cuda and gives the host backend's losses. */
    @Test
    public void lessonRecipeTrainsOnCuda() {
        double[] host = ZooTransferTest.runLessonRecipe();
        double[][] gpu = new double[1][];
        onCuda(() -> gpu[0] = ZooTransferTest.runLessonRecipe());
        assertEquals("loss before", host[0], gpu[0][0], 1e-3 * Math.abs(host[0]));
        assertEquals("loss after", host[1], gpu[0][1], 1e-3 * Math.abs(host[0]));
    }
}
