package org.pydl4j.nd.backend;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.cpu.CpuBackend;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * Every op of the cpu backend against the reference oracle at realistic shapes (VGG-16 blocks at small batch,
 * EfficientNet-style depthwise with TF-SAME padding, 1x1, grouped/strided/dilated, batch norm, activations, gemm).
 * Error measure: max|cpu - ref| / max|ref| over the whole tensor, which must stay below 1e-4.
 */
public class CpuParityTest {
    private static final double TOLERANCE = 1e-4;
    private static Backend cpu;
    private static final Backend REF = new ReferenceBackend();
    private static final Map<String, Double> ERRORS = new TreeMap<>();

    @BeforeClass
    public static void load() { cpu = new CpuBackend(); }

    @AfterClass
    public static void summary() {
        StringBuilder sb = new StringBuilder("cpu vs reference, max relative error:\n");
        ERRORS.forEach((k, v) -> sb.append(String.format("  %-60s %.3e%n", k, v)));
        System.out.print(sb);
    }

    // ---------------------------------------------------------------- helpers

    static INDArray randn(long seed, double scale, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Random r = new Random(seed);
        for (int i = 0; i < a.length(); i++) a.putLinear(i, scale * r.nextGaussian());
        return a;
    }

    static INDArray randn(long seed, long... shape) { return randn(seed, 1.0, shape); }

    static INDArray uniform(long seed, double lo, double hi, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Random r = new Random(seed);
        for (int i = 0; i < a.length(); i++) a.putLinear(i, lo + (hi - lo) * r.nextDouble());
        return a;
    }

    /** max|a - b| / max|b| (b the reference), recorded for the summary and asserted below TOLERANCE. */
    static void assertParity(String what, INDArray actual, INDArray expected) {
        assertArrayEquals(what + " shape", expected.shape(), actual.shape());
        assertEquals(what + " type", expected.dataType(), actual.dataType());
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.length(); i++) {
            double a = actual.getDoubleLinear(i), b = expected.getDoubleLinear(i);
            if (!Double.isFinite(a)) fail(what + ": non-finite value " + a + " at " + i);
            maxDiff = Math.max(maxDiff, Math.abs(a - b));
            maxRef = Math.max(maxRef, Math.abs(b));
        }
        double err = maxDiff / Math.max(maxRef, 1e-30);
        synchronized (ERRORS) { ERRORS.merge(what, err, Math::max); }
        assertTrue(what + ": relative error " + err + " >= " + TOLERANCE, err < TOLERANCE);
    }

    /** Forward with bias, backward data and backward weights (+bias) of one convolution. */
    private static void checkConv(String name, long[] in, long outC, ConvParams p, boolean forward, boolean backward, long seed) {
        long[] w = {outC, in[1] / p.groups, p.kH, p.kW};
        INDArray x = randn(seed, in), wt = randn(seed + 1, 0.1, w), b = randn(seed + 2, outC);
        if (forward) assertParity(name + " conv2d", cpu.conv2d(x, wt, b, p), REF.conv2d(x, wt, b, p));
        if (backward) {
            INDArray gy = randn(seed + 3, p.outShape(in, outC));
            assertParity(name + " conv2dBackwardData", cpu.conv2dBackwardData(gy, wt, in, p), REF.conv2dBackwardData(gy, wt, in, p));
            INDArray[] c = cpu.conv2dBackwardWeights(x, gy, w, true, p), r = REF.conv2dBackwardWeights(x, gy, w, true, p);
            assertParity(name + " conv2dBackwardWeights W", c[0], r[0]);
            assertParity(name + " conv2dBackwardWeights b", c[1], r[1]);
        }
    }

    private static ConvParams same3x3() { return ConvParams.of(3, 3, 1, 1, 1, 1); }

    // ---------------------------------------------------------------- gemm

    private static void checkGemm(int m, int k, int n, double alpha, double beta, long seed) {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                INDArray a = ta == 1 ? randn(seed, k, m) : randn(seed, m, k);
                INDArray b = tb == 1 ? randn(seed + 1, n, k) : randn(seed + 1, k, n);
                INDArray c0 = randn(seed + 2, m, n);
                INDArray cc = c0.dup(), cr = c0.dup();
                cpu.gemm(a, ta == 1, b, tb == 1, cc, alpha, beta);
                REF.gemm(a, ta == 1, b, tb == 1, cr, alpha, beta);
                assertParity(String.format("gemm %dx%dx%d transA=%b transB=%b", m, k, n, ta == 1, tb == 1), cc, cr);
            }
        }
    }

    @Test
    public void gemmVggClassifierShapes() {
        checkGemm(64, 25088, 128, 1.0, 0.0, 1);   // flattened pool5 -> dense
        checkGemm(8, 4096, 4096, 0.5, 2.0, 2);    // fc7 at small batch, with accumulation into C
    }

    // ---------------------------------------------------------------- convolution

    @Test
    public void convVggBlock1() {
        checkConv("vgg [1,3,224,224]->64", new long[]{1, 3, 224, 224}, 64, same3x3(), true, false, 10);
        checkConv("vgg [1,64,224,224]->64", new long[]{1, 64, 224, 224}, 64, same3x3(), true, false, 11);
    }

    @Test
    public void convVggBlock3() { checkConv("vgg [2,256,56,56]->256", new long[]{2, 256, 56, 56}, 256, same3x3(), true, false, 12); }

    @Test
    public void convVggBlock5ForwardAndBackward() {
        checkConv("vgg [2,512,14,14]->512", new long[]{2, 512, 14, 14}, 512, same3x3(), true, true, 13);
    }

    @Test
    public void convVggBlock2Backward() {
        checkConv("vgg [1,128,56,56]->128", new long[]{1, 128, 56, 56}, 128, same3x3(), false, true, 14);
    }

    @Test
    public void convPointwise() {
        checkConv("1x1 [2,96,28,28]->32", new long[]{2, 96, 28, 28}, 32, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 20);
        checkConv("1x1/2 [2,64,28,28]->128", new long[]{2, 64, 28, 28}, 128, ConvParams.of(1, 1, 2, 2, 0, 0), true, true, 21);
    }

    @Test
    public void convDepthwiseTfSameStride2() {
        // EfficientNet: 3x3/2 depthwise on an even input, TF SAME pads (top,left,bottom,right) = (0,0,1,1).
        checkConv("depthwise 3x3/2 [2,96,56,56]", new long[]{2, 96, 56, 56}, 96,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 96), true, true, 30);
        // 5x5/2 with (1,1,2,2) and a stride-1 depthwise at symmetric padding.
        checkConv("depthwise 5x5/2 [2,40,28,28]", new long[]{2, 40, 28, 28}, 40,
                new ConvParams(5, 5, 2, 2, 1, 1, 2, 2, 1, 1, 40), true, true, 31);
        checkConv("depthwise 3x3/1 [2,144,28,28]", new long[]{2, 144, 28, 28}, 144,
                new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 144), true, true, 32);
    }

    @Test
    public void convGroupedStridedDilated() {
        checkConv("groups=4 3x3/2 [2,32,29,29]->64", new long[]{2, 32, 29, 29}, 64,
                new ConvParams(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4), true, true, 40);
        checkConv("dilation 2 [1,16,20,20]->8", new long[]{1, 16, 20, 20}, 8,
                new ConvParams(3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1), true, true, 41);
        checkConv("7x7/2 pad3 [2,3,64,64]->16", new long[]{2, 3, 64, 64}, 16, ConvParams.of(7, 7, 2, 2, 3, 3), true, true, 42);
    }

    @Test
    public void convWithoutBias() {
        long[] in = {2, 16, 14, 14};
        ConvParams p = same3x3();
        INDArray x = randn(50, in), w = randn(51, 0.1, 32, 16, 3, 3), gy = randn(52, 2, 32, 14, 14);
        assertParity("no-bias conv2d", cpu.conv2d(x, w, null, p), REF.conv2d(x, w, null, p));
        INDArray[] g = cpu.conv2dBackwardWeights(x, gy, w.shape(), false, p);
        assertNull(g[1]);
        assertParity("no-bias conv2dBackwardWeights W", g[0], REF.conv2dBackwardWeights(x, gy, w.shape(), false, p)[0]);
    }

    // ---------------------------------------------------------------- fused convolution (inference)

    /** conv2dFused (oneDNN post-op) against the reference (conv2d, then activate) for every fusable activation. */
    private static void checkFused(String name, long[] in, long outC, ConvParams p, boolean withBias, long seed) {
        long[] w = {outC, in[1] / p.groups, p.kH, p.kW};
        INDArray x = randn(seed, in), wt = randn(seed + 1, 0.2, w), b = withBias ? randn(seed + 2, outC) : null;
        for (Activation a : Activation.values()) {
            if (a == Activation.SOFTMAX) continue;
            assertParity(name + " conv2dFused " + a, cpu.conv2dFused(x, wt, b, p, a), REF.conv2dFused(x, wt, b, p, a));
        }
    }

    @Test
    public void convFusedVggAndPointwise() {
        checkFused("vgg [2,64,56,56]->64", new long[]{2, 64, 56, 56}, 64, same3x3(), true, 90);
        checkFused("stem 3x3/2 [2,3,64,64]->32", new long[]{2, 3, 64, 64}, 32, new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1), true, 91);
        checkFused("1x1 [2,96,28,28]->24 no bias", new long[]{2, 96, 28, 28}, 24, ConvParams.of(1, 1, 1, 1, 0, 0), false, 92);
    }

    @Test
    public void convFusedDepthwise() {
        checkFused("depthwise 3x3/2 [2,96,56,56]", new long[]{2, 96, 56, 56}, 96, new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 96), true, 93);
        checkFused("depthwise 5x5/1 [2,40,14,14] no bias", new long[]{2, 40, 14, 14}, 40, new ConvParams(5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 40), false, 94);
    }

    @Test
    public void convFusedRejectsSoftmaxAndBadBias() {
        INDArray x = randn(95, 1, 4, 8, 8), w = randn(96, 8, 4, 3, 3);
        try {
            cpu.conv2dFused(x, w, null, same3x3(), Activation.SOFTMAX);
            fail("softmax accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("SOFTMAX"));
        }
        try {
            cpu.conv2dFused(x, w, randn(97, 7), same3x3(), Activation.RELU);
            fail("bias of the wrong length accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("bias"));
        }
    }

    // ---------------------------------------------------------------- inference programs

    /** A native program against the same spec run op by op on the reference, twice (buffers reused). */
    @Test
    public void inferenceProgramMatchesReference() {
        long[] in = {2, 3, 32, 32};
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, java.util.List.of(in, new long[]{2, 16, 16, 16}));
        int stem = spec.conv(0, new long[]{16, 3, 3, 3}, true, new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1), Activation.RELU6);
        int expand = spec.conv(stem, new long[]{48, 16, 1, 1}, false, ConvParams.of(1, 1, 1, 1, 0, 0), Activation.RELU6);
        int dw = spec.conv(expand, new long[]{48, 1, 3, 3}, true, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 48), Activation.RELU6);
        int project = spec.conv(dw, new long[]{16, 48, 1, 1}, true, ConvParams.of(1, 1, 1, 1, 0, 0), Activation.IDENTITY);
        int residual = spec.add(project, stem);
        int withSide = spec.add(residual, 1);                                           // a second external input
        int vgg = spec.conv(withSide, new long[]{32, 16, 3, 3}, true, same3x3(), Activation.RELU);   // Winograd-eligible
        int pool = spec.pool(vgg, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0));
        int act = spec.activation(pool, Activation.TANH);
        int gap = spec.pool(act, PoolingType.AVG, ConvParams.of(8, 8, 1, 1, 0, 0));
        spec.output(gap);
        spec.output(residual);   // an output that is also read later
        spec.output(pool);
        int n = spec.nodes().size();
        INDArray[] w = new INDArray[n], b = new INDArray[n];
        for (int k = 0; k < n; k++) {
            ProgramSpec.Node node = spec.nodes().get(k);
            if (node.op != ProgramSpec.Op.CONV) continue;
            w[k] = randn(200 + k, 0.3, node.weightShape);
            if (node.flag) b[k] = randn(300 + k, 0.1, node.weightShape[0]);
        }
        INDArray[] inputs = {randn(400, in), randn(401, 2, 16, 16, 16)};
        try (InferenceProgram native_ = cpu.compile(spec); InferenceProgram oracle = REF.compile(spec)) {
            assertTrue("cpu compiles natively", !(native_ instanceof InterpretedProgram));
            for (int run = 0; run < 3; run++) {
                if (run == 2) w[6].muli(-0.5);   // changed weights must be picked up (no stale transformed copy)
                INDArray[] got = native_.run(inputs, w, b), want = oracle.run(inputs, w, b);
                String[] names = {"gap", "residual", "pool"};
                for (int i = 0; i < 3; i++) assertParity("program run " + run + " " + names[i], got[i], want[i]);
            }
            assertTrue(native_.workingBytes() > 0);
        }
    }

    @Test
    public void inferenceProgramChecksItsArguments() {
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, java.util.List.<long[]>of(new long[]{1, 4, 8, 8}));
        int c = spec.conv(0, new long[]{8, 4, 3, 3}, true, same3x3(), Activation.RELU);
        spec.output(c);
        try (InferenceProgram p = cpu.compile(spec)) {
            try {
                p.run(new INDArray[]{randn(1, 1, 4, 8, 9)}, new INDArray[]{randn(2, 8, 4, 3, 3)}, new INDArray[]{randn(3, 8)});
                fail("wrong input shape accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("program input 0"));
            }
            try {
                p.run(new INDArray[]{randn(1, 1, 4, 8, 8)}, new INDArray[]{randn(2, 8, 4, 3, 3)}, new INDArray[]{null});
                fail("missing bias accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("bias"));
            }
        }
        try {
            spec.add(0, c);
            fail("add of different shapes accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("differ"));
        }
    }

    // ---------------------------------------------------------------- pooling

    private static void checkPool(String name, long[] in, PoolingType type, ConvParams p, long seed) {
        INDArray x = randn(seed, in);
        INDArray y = REF.pool2d(x, type, p);
        assertParity(name + " pool2d", cpu.pool2d(x, type, p), y);
        INDArray gy = randn(seed + 1, y.shape());
        assertParity(name + " pool2dBackward", cpu.pool2dBackward(x, gy, type, p), REF.pool2dBackward(x, gy, type, p));
    }

    @Test
    public void poolVggMax() { checkPool("max 2x2/2 [2,64,224,224]", new long[]{2, 64, 224, 224}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 60); }

    @Test
    public void poolVariants() {
        checkPool("max 3x3/2 pad(0,0,1,1) [2,16,28,28]", new long[]{2, 16, 28, 28}, PoolingType.MAX,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1), 61);
        checkPool("avg 3x3/1 pad1 (excl. padding) [2,32,28,28]", new long[]{2, 32, 28, 28}, PoolingType.AVG, ConvParams.of(3, 3, 1, 1, 1, 1), 62);
        checkPool("avg 2x2/2 [2,64,56,56]", new long[]{2, 64, 56, 56}, PoolingType.AVG, ConvParams.of(2, 2, 2, 2, 0, 0), 63);
        checkPool("avg global 7x7 [2,512,7,7]", new long[]{2, 512, 7, 7}, PoolingType.AVG, ConvParams.of(7, 7, 1, 1, 0, 0), 64);
        // odd size: the last row/column is dropped, so the native row-folding shortcut must not apply
        checkPool("max 2x2/2 [2,8,15,15]", new long[]{2, 8, 15, 15}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 66);
        checkPool("avg 3x3/3 pad(0,1,0,1) [1,4,12,10]", new long[]{1, 4, 12, 10}, PoolingType.AVG,
                new ConvParams(3, 3, 3, 3, 0, 1, 0, 1, 1, 1, 1), 67);
        // padding as wide as the window: windows of padding only (oneDNN rejects these; the cpu backend defers)
        checkPool("avg 2x2/1 pad2 [1,3,5,5]", new long[]{1, 3, 5, 5}, PoolingType.AVG, ConvParams.of(2, 2, 1, 1, 2, 2), 68);
        checkPool("max 3x3/2 pad(1,1,1,1) [2,64,112,112]", new long[]{2, 64, 112, 112}, PoolingType.MAX, ConvParams.of(3, 3, 2, 2, 1, 1), 65);
    }

    // ---------------------------------------------------------------- batch normalization

    private static void checkBatchNorm(long[] shape, long seed) {
        String name = "batchnorm " + Arrays.toString(shape);
        int c = (int) shape[1];
        INDArray x = randn(seed, 2.0, shape).addi(0.5), gamma = randn(seed + 1, c), beta = randn(seed + 2, c);
        double eps = 1e-5;
        INDArray[] ct = cpu.batchNormTraining(x, gamma, beta, eps), rt = REF.batchNormTraining(x, gamma, beta, eps);
        assertParity(name + " training y", ct[0], rt[0]);
        assertParity(name + " training mean", ct[1], rt[1]);
        assertParity(name + " training var", ct[2], rt[2]);
        INDArray mean = randn(seed + 3, c), var = uniform(seed + 4, 0.5, 2.0, c);
        assertParity(name + " inference", cpu.batchNormInference(x, gamma, beta, mean, var, eps),
                REF.batchNormInference(x, gamma, beta, mean, var, eps));
        INDArray gy = randn(seed + 5, shape);
        INDArray[] cb = cpu.batchNormBackward(x, gy, gamma, rt[1], rt[2], eps), rb = REF.batchNormBackward(x, gy, gamma, rt[1], rt[2], eps);
        assertParity(name + " backward dx", cb[0], rb[0]);
        assertParity(name + " backward dgamma", cb[1], rb[1]);
        assertParity(name + " backward dbeta", cb[2], rb[2]);
    }

    @Test
    public void batchNorm4d() { checkBatchNorm(new long[]{4, 32, 28, 28}, 70); }

    @Test
    public void batchNorm2d() { checkBatchNorm(new long[]{8, 16}, 80); }

    // ---------------------------------------------------------------- activations

    private static void checkActivation(Activation f, INDArray x, long seed) {
        String name = f + " " + Arrays.toString(x.shape());
        INDArray y = REF.activate(f, x);
        assertParity(name + " forward", cpu.activate(f, x), y);
        INDArray gy = randn(seed, x.shape());
        assertParity(name + " backward", cpu.activateBackward(f, x, y, gy), REF.activateBackward(f, x, y, gy));
    }

    @Test
    public void activations() {
        INDArray x = randn(90, 4.0, 4, 32, 28, 28);   // scale 4 so RELU6 saturates and sigmoid/tanh reach their tails
        for (Activation f : Activation.values()) {
            if (f != Activation.SOFTMAX) checkActivation(f, x, 91);
        }
        checkActivation(Activation.SOFTMAX, randn(92, 3.0, 16, 1000), 93);
        checkActivation(Activation.SOFTMAX, randn(94, 3.0, 2, 10), 95);
    }

    // ---------------------------------------------------------------- dispatch and validation

    @Test
    public void doubleArraysMatchReferenceExactly() {
        INDArray x = randn(100, 2, 4, 9, 9).castTo(DataType.DOUBLE), w = randn(101, 0.1, 6, 4, 3, 3).castTo(DataType.DOUBLE);
        ConvParams p = same3x3();
        INDArray y = cpu.conv2d(x, w, null, p);
        assertEquals(DataType.DOUBLE, y.dataType());
        assertTrue(y.equalsWithEps(REF.conv2d(x, w, null, p), 0));
        INDArray a = randn(102, 5, 7).castTo(DataType.DOUBLE), c = Nd4j.zeros(DataType.DOUBLE, 5, 5);
        cpu.gemm(a, false, a, true, c, 1, 0);
        INDArray cr = Nd4j.zeros(DataType.DOUBLE, 5, 5);
        REF.gemm(a, false, a, true, cr, 1, 0);
        assertTrue(c.equalsWithEps(cr, 0));
    }

    @Test
    public void viewsAreReadAtTheirOffset() {
        INDArray batch = randn(110, 4, 8, 10, 10), w = randn(111, 0.1, 8, 8, 3, 3);
        INDArray second = batch.get(org.pydl4j.nd.NDArrayIndex.interval(2, 4));
        assertParity("view conv2d", cpu.conv2d(second, w, null, same3x3()), REF.conv2d(second.dup(), w, null, same3x3()));
    }

    private static void expectIllegalArgument(String mustMention, Runnable r) {
        try {
            r.run();
            fail("expected IllegalArgumentException mentioning " + mustMention);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() + " should mention " + mustMention, e.getMessage().contains(mustMention));
        }
    }

    @Test
    public void shapesAreValidatedBeforeNativeCalls() {
        INDArray x = randn(120, 2, 3, 8, 8), w = randn(121, 4, 5, 3, 3);
        expectIllegalArgument("[4, 5, 3, 3]", () -> cpu.conv2d(x, w, null, same3x3()));
        expectIllegalArgument("[6, 64]", () -> cpu.conv2d(x.reshape(6, 64), w, null, same3x3()));
        INDArray w3 = randn(122, 4, 3, 3, 3);
        expectIllegalArgument("bias", () -> cpu.conv2d(x, w3, randn(123, 5), same3x3()));
        expectIllegalArgument("gradOut", () -> cpu.conv2dBackwardData(randn(124, 2, 4, 7, 7), w3, x.shape(), same3x3()));
        expectIllegalArgument("gemm", () -> cpu.gemm(randn(125, 3, 4), false, randn(126, 5, 6), false, Nd4j.zeros(DataType.FLOAT, 3, 6), 1, 0));
        expectIllegalArgument("mixed", () -> cpu.gemm(randn(125, 3, 4), false, randn(126, 4, 6).castTo(DataType.DOUBLE), false, Nd4j.zeros(DataType.FLOAT, 3, 6), 1, 0));
        expectIllegalArgument("softmax", () -> cpu.activate(Activation.SOFTMAX, x));
        expectIllegalArgument("gamma", () -> cpu.batchNormTraining(x, randn(127, 4), randn(128, 3), 1e-5));
        expectIllegalArgument("pool2dBackward gradOut", () -> cpu.pool2dBackward(x, randn(129, 2, 3, 5, 5), PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0)));
        expectIllegalArgument("larger than padded input", () -> cpu.pool2d(x, PoolingType.MAX, ConvParams.of(9, 9, 1, 1, 0, 0)));
    }

    @Test
    public void selectableThroughBackends() {
        Backend b = Backends.load("cpu");
        assertEquals("cpu", b.name());
        assertTrue(((CpuBackend) b).nativeVersion().contains("oneDNN"));
    }
}
