package org.pydl4j.nd.backend;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
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
import org.pydl4j.nd.backend.cuda.CudaBackend;

/**
 * The cpu parity suite (same ops, same shapes) against the cuda backend, tolerance 1e-3 (max|cuda - ref| /
 * max|ref|). Needs a GPU: without a visible GPU/driver each test is skipped with the reason printed. When a GPU is
 * visible (/dev/nvidiactl or /proc/driver/nvidia) the backend must load, or the tests fail.
 * {@link CudaBackendLoadTest} covers loading on every machine.
 */
public class CudaParityTest {
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

    // ---------------------------------------------------------------- gemm

    @Test
    public void gemmVggClassifierShapes() {
        check.gemm(64, 25088, 128, 1.0, 0.0, 1);
        check.gemm(8, 4096, 4096, 0.5, 2.0, 2);
    }

    // ---------------------------------------------------------------- convolution

    @Test
    public void convVggBlock1() {
        check.conv("vgg [1,3,224,224]->64", new long[]{1, 3, 224, 224}, 64, same3x3(), true, false, 10);
        check.conv("vgg [1,64,224,224]->64", new long[]{1, 64, 224, 224}, 64, same3x3(), true, false, 11);
    }

    @Test
    public void convVggBlock3() { check.conv("vgg [2,256,56,56]->256", new long[]{2, 256, 56, 56}, 256, same3x3(), true, false, 12); }

    @Test
    public void convVggBlock5ForwardAndBackward() {
        check.conv("vgg [2,512,14,14]->512", new long[]{2, 512, 14, 14}, 512, same3x3(), true, true, 13);
    }

    @Test
    public void convVggBlock2Backward() {
        check.conv("vgg [1,128,56,56]->128", new long[]{1, 128, 56, 56}, 128, same3x3(), false, true, 14);
    }

    @Test
    public void convPointwise() {
        check.conv("1x1 [2,96,28,28]->32", new long[]{2, 96, 28, 28}, 32, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 20);
        check.conv("1x1/2 [2,64,28,28]->128", new long[]{2, 64, 28, 28}, 128, ConvParams.of(1, 1, 2, 2, 0, 0), true, true, 21);
    }

    @Test
    public void convDepthwiseTfSameStride2() {
        // asymmetric padding: the explicit-padding path (pad kernel, cuDNN with zero padding, crop kernel)
        check.conv("depthwise 3x3/2 [2,96,56,56]", new long[]{2, 96, 56, 56}, 96,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 96), true, true, 30);
        check.conv("depthwise 5x5/2 [2,40,28,28]", new long[]{2, 40, 28, 28}, 40,
                new ConvParams(5, 5, 2, 2, 1, 1, 2, 2, 1, 1, 40), true, true, 31);
        check.conv("depthwise 3x3/1 [2,144,28,28]", new long[]{2, 144, 28, 28}, 144,
                new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 144), true, true, 32);
    }

    @Test
    public void convGroupedStridedDilated() {
        check.conv("groups=4 3x3/2 [2,32,29,29]->64", new long[]{2, 32, 29, 29}, 64,
                new ConvParams(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4), true, true, 40);
        check.conv("dilation 2 [1,16,20,20]->8", new long[]{1, 16, 20, 20}, 8,
                new ConvParams(3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1), true, true, 41);
        check.conv("7x7/2 pad3 [2,3,64,64]->16", new long[]{2, 3, 64, 64}, 16, ConvParams.of(7, 7, 2, 2, 3, 3), true, true, 42);
    }

    @Test
    public void convWithoutBias() {
        long[] in = {2, 16, 14, 14};
        ConvParams p = same3x3();
        INDArray x = randn(50, in), w = randn(51, 0.1, 32, 16, 3, 3), gy = randn(52, 2, 32, 14, 14);
        check.assertParity("no-bias conv2d", cuda.conv2d(x, w, null, p), check.reference.conv2d(x, w, null, p));
        INDArray[] g = cuda.conv2dBackwardWeights(x, gy, w.shape(), false, p);
        assertNull(g[1]);
        check.assertParity("no-bias conv2dBackwardWeights W", g[0], check.reference.conv2dBackwardWeights(x, gy, w.shape(), false, p)[0]);
    }

    // ---------------------------------------------------------------- pooling

    @Test
    public void poolVggMax() {
        check.pool("max 2x2/2 [2,64,224,224]", new long[]{2, 64, 224, 224}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 60);
    }

    @Test
    public void poolVariants() {
        // asymmetric padding and windows of padding only: our own pooling kernels; the rest: cuDNN
        check.pool("max 3x3/2 pad(0,0,1,1) [2,16,28,28]", new long[]{2, 16, 28, 28}, PoolingType.MAX,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1), 61);
        check.pool("avg 3x3/1 pad1 (excl. padding) [2,32,28,28]", new long[]{2, 32, 28, 28}, PoolingType.AVG, ConvParams.of(3, 3, 1, 1, 1, 1), 62);
        check.pool("avg 2x2/2 [2,64,56,56]", new long[]{2, 64, 56, 56}, PoolingType.AVG, ConvParams.of(2, 2, 2, 2, 0, 0), 63);
        check.pool("avg global 7x7 [2,512,7,7]", new long[]{2, 512, 7, 7}, PoolingType.AVG, ConvParams.of(7, 7, 1, 1, 0, 0), 64);
        check.pool("max 2x2/2 [2,8,15,15]", new long[]{2, 8, 15, 15}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 66);
        check.pool("avg 3x3/3 pad(0,1,0,1) [1,4,12,10]", new long[]{1, 4, 12, 10}, PoolingType.AVG,
                new ConvParams(3, 3, 3, 3, 0, 1, 0, 1, 1, 1, 1), 67);
        check.pool("avg 2x2/1 pad2 [1,3,5,5]", new long[]{1, 3, 5, 5}, PoolingType.AVG, ConvParams.of(2, 2, 1, 1, 2, 2), 68);
        check.pool("max 3x3/2 pad(1,1,1,1) [2,64,112,112]", new long[]{2, 64, 112, 112}, PoolingType.MAX, ConvParams.of(3, 3, 2, 2, 1, 1), 65);
        check.pool("max 2x2/1 dilation 2 [1,4,9,9]", new long[]{1, 4, 9, 9}, PoolingType.MAX, new ConvParams(2, 2, 1, 1, 0, 0, 0, 0, 2, 2, 1), 69);
    }

    // ---------------------------------------------------------------- batch normalization

    @Test
    public void batchNorm4d() { check.batchNorm(new long[]{4, 32, 28, 28}, 70); }

    @Test
    public void batchNorm2d() { check.batchNorm(new long[]{8, 16}, 80); }

    @Test
    public void batchNormSingleValuePerChannel() { check.batchNorm(new long[]{1, 8}, 85); }

    // ---------------------------------------------------------------- activations

    @Test
    public void activations() {
        INDArray x = randn(90, 4.0, 4, 32, 28, 28);
        for (Activation f : Activation.values()) {
            if (f != Activation.SOFTMAX) check.activation(f, x, 91);
        }
        check.activation(Activation.SOFTMAX, randn(92, 3.0, 16, 1000), 93);
        check.activation(Activation.SOFTMAX, randn(94, 3.0, 2, 10), 95);
    }

    // ---------------------------------------------------------------- dispatch, validation, allocator

    @Test
    public void doubleArraysMatchReferenceExactly() {
        INDArray x = randn(100, 2, 4, 9, 9).castTo(DataType.DOUBLE), w = randn(101, 0.1, 6, 4, 3, 3).castTo(DataType.DOUBLE);
        INDArray y = cuda.conv2d(x, w, null, same3x3());
        assertEquals(DataType.DOUBLE, y.dataType());
        assertTrue(y.equalsWithEps(check.reference.conv2d(x, w, null, same3x3()), 0));
    }

    @Test
    public void viewsAreReadAtTheirOffset() {
        INDArray batch = randn(110, 4, 8, 10, 10), w = randn(111, 0.1, 8, 8, 3, 3);
        INDArray second = batch.get(org.pydl4j.nd.NDArrayIndex.interval(2, 4));
        check.assertParity("view conv2d", cuda.conv2d(second, w, null, same3x3()), check.reference.conv2d(second.dup(), w, null, same3x3()));
    }

    @Test
    public void shapesAreValidatedBeforeNativeCalls() {
        INDArray x = randn(120, 2, 3, 8, 8), w = randn(121, 4, 5, 3, 3);
        expectIllegalArgument("[4, 5, 3, 3]", () -> cuda.conv2d(x, w, null, same3x3()));
        expectIllegalArgument("[6, 64]", () -> cuda.conv2d(x.reshape(6, 64), w, null, same3x3()));
        INDArray w3 = randn(122, 4, 3, 3, 3);
        expectIllegalArgument("bias", () -> cuda.conv2d(x, w3, randn(123, 5), same3x3()));
        expectIllegalArgument("gradOut", () -> cuda.conv2dBackwardData(randn(124, 2, 4, 7, 7), w3, x.shape(), same3x3()));
        expectIllegalArgument("gemm", () -> cuda.gemm(randn(125, 3, 4), false, randn(126, 5, 6), false, Nd4j.zeros(DataType.FLOAT, 3, 6), 1, 0));
        expectIllegalArgument("softmax", () -> cuda.activate(Activation.SOFTMAX, x));
        expectIllegalArgument("gamma", () -> cuda.batchNormTraining(x, randn(127, 4), randn(128, 3), 1e-5));
        expectIllegalArgument("larger than padded input", () -> cuda.pool2d(x, PoolingType.MAX, ConvParams.of(9, 9, 1, 1, 0, 0)));
    }

    @Test
    public void cachingAllocatorAndPlansAreReused() {
        INDArray x = randn(130, 2, 16, 32, 32), w = randn(131, 0.1, 24, 16, 3, 3);
        cuda.conv2d(x, w, null, same3x3());
        long[] before = cuda.allocatorStats();
        for (int i = 0; i < 3; i++) cuda.conv2d(x, w, null, same3x3());
        long[] after = cuda.allocatorStats();
        assertEquals("repeated same-shape ops must not call cudaMalloc again", before[2], after[2]);
        assertEquals("one convolution plan per shape", before[3], after[3]);
        assertEquals("every buffer is back in the free lists between ops", 0, after[0]);
        assertTrue(after[1] > 0);
    }
}
