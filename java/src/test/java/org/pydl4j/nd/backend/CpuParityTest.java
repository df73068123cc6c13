package org.pydl4j.nd.backend;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.pydl4j.nd.backend.ParityCheck.expectIllegalArgument;
import static org.pydl4j.nd.backend.ParityCheck.randn;
import static org.pydl4j.nd.backend.ParityCheck.same3x3;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.cpu.CpuBackend;

/**
 * Every op of the cpu backend against the reference oracle: the shared {@link BackendParitySuite} (realistic shapes,
 * same as {@link CudaParityTest}) plus what only the cpu backend has (fused convolutions, inference programs).
 * Error measure ({@link ParityCheck}): max|cpu - ref| / max|ref| over the whole tensor, below 1e-4.
 */
public class CpuParityTest extends BackendParitySuite {
    private static final double TOLERANCE = 1e-4;
    private static Backend cpu;
    private static ParityCheck check;

    @BeforeClass
    public static void load() {
        cpu = new CpuBackend();
        check = new ParityCheck(cpu, TOLERANCE);
    }

    @AfterClass
    public static void summary() { if (check != null) System.out.print(check.summary()); }

    @Override
    protected ParityCheck check() { return check; }

    // ---------------------------------------------------------------- fused convolution (inference)

    /** conv2dFused (oneDNN post-op) against the reference (conv2d, then activate) for every fusable activation. */
    private static void checkFused(String name, long[] in, long outC, ConvParams p, boolean withBias, long seed) {
        long[] w = {outC, in[1] / p.groups, p.kH, p.kW};
        INDArray x = randn(seed, in), wt = randn(seed + 1, 0.2, w), b = withBias ? randn(seed + 2, outC) : null;
        INDArray z = check.reference.conv2d(x, wt, b, p);   // the reference conv once; each activation on top of it
        java.util.List<ActivationSpec> acts = new java.util.ArrayList<>(java.util.List.of(PARAMETERIZED));   // registered codes: post-op chains
        for (Activation a : Activation.values()) if (Backend.isFusable(a)) acts.add(ActivationSpec.of(a));   // all but SOFTMAX
        for (ActivationSpec a : acts) {
            INDArray want = a.kind() == Activation.IDENTITY ? z : check.reference.activate(a, z);
            check.assertParity(name + " conv2dFused " + a, a.isDefault() ? cpu.conv2dFused(x, wt, b, p, a.kind()) : cpu.conv2dFused(x, wt, b, p, a), want);
        }
    }

    private static final ActivationSpec[] PARAMETERIZED = {ActivationSpec.leakyRelu(0.2), ActivationSpec.hardSigmoid(1.0 / 6, 0.5),
        ActivationSpec.hardSigmoid(-0.3, 0.25)};

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

    /**
     * The polyphase depthwise training kernels (native/cpu/nchw_depthwise.cpp) at geometries Lite0 does not have:
     * a rectangular kernel with odd left padding and an input row no output reads (its gradient is zero), a
     * multiplier with stride 3, dilation and stride together (taps in one phase only, the other phases' gradient
     * zero), padding wider than the kernel, and different strides per axis.
     */
    @Test
    public void convDepthwiseEdgeGeometries() {
        check.conv("depthwise 3x5/2 pad(1,1,0,2) [2,8,17,16]", new long[]{2, 8, 17, 16}, 8,
                new ConvParams(3, 5, 2, 2, 1, 1, 0, 2, 1, 1, 8), true, true, 120);
        check.conv("depthwise x2 3x3/3 [2,6,20,19]->12", new long[]{2, 6, 20, 19}, 12,
                new ConvParams(3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 6), true, true, 121);
        check.conv("depthwise 3x3/2 dilated 2 [1,4,13,13]", new long[]{1, 4, 13, 13}, 4,
                new ConvParams(3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 4), true, true, 122);
        check.conv("depthwise 3x3/1 pad 3 [1,4,6,5]", new long[]{1, 4, 6, 5}, 4,
                new ConvParams(3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 4), true, true, 123);
        check.conv("depthwise 2x4 stride (1,2) [3,5,9,11]", new long[]{3, 5, 9, 11}, 5,
                new ConvParams(2, 4, 1, 2, 0, 1, 1, 2, 1, 1, 5), true, true, 124);
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
        try (InferenceProgram native_ = cpu.compile(spec); InferenceProgram oracle = check.reference.compile(spec)) {
            assertTrue("cpu compiles natively", !(native_ instanceof InterpretedProgram));
            java.nio.ByteBuffer outside = null;
            for (int run = 0; run < 6; run++) {
                // changed weights must be picked up (no stale transformed copy), however they were changed
                if (run == 2) w[6].muli(-0.5);                                        // an engine op
                if (run == 3) w[1].slice(5).muli(2.0);                                // a view of the weights
                if (run == 4) outside = w[3].exportBuffer();                          // handed to numpy ...
                if (run == 5) outside.putFloat(4 * 7, outside.getFloat(4 * 7) + 1f);  // ... which writes behind our back
                INDArray[] got = native_.run(inputs, w, b), want = oracle.run(inputs, w, b);
                String[] names = {"gap", "residual", "pool"};
                for (int i = 0; i < 3; i++) check.assertParity("program run " + run + " " + names[i], got[i], want[i]);
            }
            assertTrue(native_.workingBytes() > 0);
        }
    }

    /**
     * Depthwise fusion (program.cpp): a 1x1 convolution and the depthwise convolution after it run as one oneDNN
     * primitive where the expanded plane is 56x56 or larger. Against the reference: stride 1, stride 2 with
     * TensorFlow's "same" padding (none before, one after), a 5x5 kernel with symmetric padding at stride 2 (more
     * padding after than the post-op uses); a pair whose 1x1 output is also a program output, and one whose depthwise
     * convolution has no bias, and one reading the program input (its plain layout), stay two primitives. Changed
     * depthwise weights are picked up.
     */
    @Test
    public void inferenceProgramFusesDepthwiseAfterPointwise() {
        long[] in = {2, 8, 56, 56};
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, java.util.List.<long[]>of(in));
        ConvParams pointwise = ConvParams.of(1, 1, 1, 1, 0, 0);
        int e0 = spec.conv(0, new long[]{16, 8, 1, 1}, true, pointwise, Activation.RELU6);   // reads the program input
        int d0 = spec.conv(e0, new long[]{16, 1, 3, 3}, true, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16), Activation.RELU6);
        int stem = spec.conv(0, new long[]{8, 8, 1, 1}, true, pointwise, Activation.RELU6);
        int e1 = spec.conv(stem, new long[]{24, 8, 1, 1}, false, pointwise, Activation.RELU6);
        int d1 = spec.conv(e1, new long[]{24, 1, 3, 3}, true, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 24), Activation.RELU6);
        int p1 = spec.conv(d1, new long[]{8, 24, 1, 1}, true, pointwise, Activation.IDENTITY);
        int e2 = spec.conv(p1, new long[]{16, 8, 1, 1}, true, pointwise, Activation.RELU6);
        int d2 = spec.conv(e2, new long[]{16, 1, 3, 3}, true, new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 16), Activation.RELU6);
        int e3 = spec.conv(p1, new long[]{16, 8, 1, 1}, true, pointwise, Activation.HARDSWISH);
        int d3 = spec.conv(e3, new long[]{16, 1, 5, 5}, true, new ConvParams(5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 16), Activation.IDENTITY);
        int e4 = spec.conv(p1, new long[]{16, 8, 1, 1}, true, pointwise, Activation.RELU6);
        int d4 = spec.conv(e4, new long[]{16, 1, 3, 3}, true, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16), Activation.RELU6);
        int e5 = spec.conv(p1, new long[]{16, 8, 1, 1}, true, pointwise, Activation.RELU6);
        int d5 = spec.conv(e5, new long[]{16, 1, 3, 3}, false, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16), Activation.RELU6);
        int[] outs = {d0, d2, d3, e4, d4, d5};
        for (int o : outs) spec.output(o);
        int n = spec.nodes().size();
        INDArray[] w = new INDArray[n], b = new INDArray[n];
        for (int k = 0; k < n; k++) {
            ProgramSpec.Node node = spec.nodes().get(k);
            w[k] = randn(500 + k, 0.3, node.weightShape);
            if (node.flag) b[k] = randn(600 + k, 0.1, node.weightShape[0]);
        }
        INDArray[] inputs = {randn(700, in)};
        try (InferenceProgram native_ = cpu.compile(spec); InferenceProgram oracle = check.reference.compile(spec)) {
            String[] lines = native_.describe().split("\n");
            for (int fused : new int[]{d1, d2, d3}) {
                int node = fused - spec.numInputs();
                assertTrue(native_.describe(), lines[node].endsWith("fused into node " + (node - 1)));
            }
            for (int separate : new int[]{d0, d4, d5}) {
                assertTrue(native_.describe(), !lines[separate - spec.numInputs()].contains("fused"));
            }
            for (int run = 0; run < 3; run++) {
                if (run == 2) w[d2 - spec.numInputs()].muli(-0.5);   // a fused depthwise node's weights change
                INDArray[] got = native_.run(inputs, w, b), want = oracle.run(inputs, w, b);
                for (int i = 0; i < outs.length; i++) check.assertParity("fused program run " + run + " output " + i, got[i], want[i]);
            }
        }
    }

    /**
     * The activations ONNX imports bring (HardSwish, Swish, HardSigmoid with PyTorch's alpha, LeakyRelu with a slope)
     * inside a native program, as conv post-ops (HardSigmoid: a two-step chain) and as activation nodes, against the
     * reference; a squeeze-excitation-like block (1x1 convs, gates) at MobileNetV3's shapes.
     */
    @Test
    public void inferenceProgramWithOnnxActivations() {
        long[] in = {2, 16, 14, 14};
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, java.util.List.<long[]>of(in));
        int expand = spec.conv(0, new long[]{72, 16, 1, 1}, true, ConvParams.of(1, 1, 1, 1, 0, 0), Activation.HARDSWISH);
        int dw = spec.conv(expand, new long[]{72, 1, 3, 3}, true, new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 72), Activation.IDENTITY);
        int swish = spec.activation(dw, Activation.SWISH);
        int gate = spec.conv(swish, new long[]{72, 72, 1, 1}, true, ConvParams.of(1, 1, 1, 1, 0, 0), ActivationSpec.hardSigmoid(1.0 / 6, 0.5));
        int project = spec.conv(gate, new long[]{16, 72, 1, 1}, false, ConvParams.of(1, 1, 1, 1, 0, 0), Activation.IDENTITY);
        int hs = spec.activation(project, ActivationSpec.hardSigmoid(0.25, 0.4));
        int leaky = spec.activation(spec.add(hs, 0), ActivationSpec.leakyRelu(0.2));
        int hsDefault = spec.activation(leaky, Activation.HARDSIGMOID);
        spec.output(hsDefault);
        spec.output(gate);
        int n = spec.nodes().size();
        INDArray[] w = new INDArray[n], b = new INDArray[n];
        for (int k = 0; k < n; k++) {
            ProgramSpec.Node node = spec.nodes().get(k);
            if (node.op != ProgramSpec.Op.CONV) continue;
            w[k] = randn(500 + k, 0.5, node.weightShape);
            if (node.flag) b[k] = randn(600 + k, 0.5, node.weightShape[0]);
        }
        INDArray[] inputs = {randn(700, 3.0, in)};
        try (InferenceProgram native_ = cpu.compile(spec); InferenceProgram oracle = check.reference.compile(spec)) {
            assertTrue("cpu compiles natively", !(native_ instanceof InterpretedProgram));
            for (int run = 0; run < 2; run++) {
                INDArray[] got = native_.run(inputs, w, b), want = oracle.run(inputs, w, b);
                check.assertParity("onnx-activation program run " + run + " out", got[0], want[0]);
                check.assertParity("onnx-activation program run " + run + " gate", got[1], want[1]);
            }
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

    // ---------------------------------------------------------------- dispatch and validation

    @Test
    public void doubleGemmMatchesReferenceExactly() {
        INDArray a = randn(102, 5, 7).castTo(DataType.DOUBLE), c = Nd4j.zeros(DataType.DOUBLE, 5, 5);
        cpu.gemm(a, false, a, true, c, 1, 0);
        INDArray cr = Nd4j.zeros(DataType.DOUBLE, 5, 5);
        check.reference.gemm(a, false, a, true, cr, 1, 0);
        assertTrue(c.equalsWithEps(cr, 0));
    }

    @Test
    public void mixedTypesAndPoolGradientsAreValidated() {
        INDArray x = randn(120, 2, 3, 8, 8);
        expectIllegalArgument("mixed", () -> cpu.gemm(randn(125, 3, 4), false, randn(126, 4, 6).castTo(DataType.DOUBLE), false, Nd4j.zeros(DataType.FLOAT, 3, 6), 1, 0));
        expectIllegalArgument("pool2dBackward gradOut", () -> cpu.pool2dBackward(x, randn(129, 2, 3, 5, 5), PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0)));
    }

    @Test
    public void selectableThroughBackends() {
        Backend b = Backends.load("cpu");
        assertEquals("cpu", b.name());
        assertTrue(((CpuBackend) b).nativeVersion().contains("oneDNN"));
    }
}
