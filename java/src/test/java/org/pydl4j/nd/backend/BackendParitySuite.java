package org.pydl4j.nd.backend;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.pydl4j.nd.backend.ParityCheck.expectIllegalArgument;
import static org.pydl4j.nd.backend.ParityCheck.randn;
import static org.pydl4j.nd.backend.ParityCheck.same3x3;

import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;

/**
 * The parity tests every native backend runs against the reference oracle, at the same realistic shapes and seeds
 * (VGG-16 blocks at small batch, EfficientNet-style depthwise with TF-SAME padding, 1x1, grouped/strided/dilated,
 * pooling, batch norm, activations, gemm). A subclass supplies the {@link ParityCheck} of its backend (and so the
 * tolerance) and adds the tests of what only its backend has.
 */
public abstract class BackendParitySuite {
    /** The check of the backend under test. */
    protected abstract ParityCheck check();

    private Backend backend() { return check().backend; }

    private Backend reference() { return check().reference; }

    // ---------------------------------------------------------------- gemm

    @Test
    public void gemmVggClassifierShapes() {
        check().gemm(64, 25088, 128, 1.0, 0.0, 1);   // flattened pool5 -> dense
        check().gemm(8, 4096, 4096, 0.5, 2.0, 2);    // fc7 at small batch, with accumulation into C
    }

    // ---------------------------------------------------------------- convolution

    @Test
    public void convVggBlock1() {
        check().conv("vgg [1,3,224,224]->64", new long[]{1, 3, 224, 224}, 64, same3x3(), true, false, 10);
        check().conv("vgg [1,64,224,224]->64", new long[]{1, 64, 224, 224}, 64, same3x3(), true, false, 11);
    }

    @Test
    public void convVggBlock3() { check().conv("vgg [2,256,56,56]->256", new long[]{2, 256, 56, 56}, 256, same3x3(), true, false, 12); }

    @Test
    public void convVggBlock5ForwardAndBackward() {
        check().conv("vgg [2,512,14,14]->512", new long[]{2, 512, 14, 14}, 512, same3x3(), true, true, 13);
    }

    @Test
    public void convVggBlock2Backward() {
        check().conv("vgg [1,128,56,56]->128", new long[]{1, 128, 56, 56}, 128, same3x3(), false, true, 14);
    }

    @Test
    public void convPointwise() {
        check().conv("1x1 [2,96,28,28]->32", new long[]{2, 96, 28, 28}, 32, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 20);
        check().conv("1x1/2 [2,64,28,28]->128", new long[]{2, 64, 28, 28}, 128, ConvParams.of(1, 1, 2, 2, 0, 0), true, true, 21);
    }

    @Test
    public void convDepthwiseTfSameStride2() {
        // EfficientNet: 3x3/2 depthwise on an even input, TF SAME pads (top,left,bottom,right) = (0,0,1,1); on cuda
        // asymmetric padding takes the explicit-padding path (pad kernel, cuDNN with zero padding, crop kernel).
        check().conv("depthwise 3x3/2 [2,96,56,56]", new long[]{2, 96, 56, 56}, 96,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 96), true, true, 30);
        // 5x5/2 with (1,1,2,2) and a stride-1 depthwise at symmetric padding.
        check().conv("depthwise 5x5/2 [2,40,28,28]", new long[]{2, 40, 28, 28}, 40,
                new ConvParams(5, 5, 2, 2, 1, 1, 2, 2, 1, 1, 40), true, true, 31);
        check().conv("depthwise 3x3/1 [2,144,28,28]", new long[]{2, 144, 28, 28}, 144,
                new ConvParams(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 144), true, true, 32);
    }

    @Test
    public void convEfficientNetTrainingShapes() {
        // the cpu backend's NCHW training kernels (depthwise, 1x1 products): multiplier 2 with dilation and odd
        // sizes, a 5x5 depthwise at 7x7 (Lite0 stage 5), stride-2 5x5 with TF SAME padding, 1x1 expand/project
        check().conv("depthwise x2 dilated [2,16,15,15]->32", new long[]{2, 16, 15, 15}, 32,
                new ConvParams(3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 16), true, true, 33);
        check().conv("depthwise 5x5/1 [4,192,7,7]", new long[]{4, 192, 7, 7}, 192,
                new ConvParams(5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 192), true, true, 34);
        check().conv("depthwise 5x5/2 [3,24,15,13]", new long[]{3, 24, 15, 13}, 24,
                new ConvParams(5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 24), true, true, 35);
        check().conv("1x1 expand [4,40,14,14]->240", new long[]{4, 40, 14, 14}, 240, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 36);
        check().conv("1x1 project [3,240,7,9]->40", new long[]{3, 240, 7, 9}, 40, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 37);
        // one image: fewer images than threads takes the per-image multi-threaded products
        check().conv("1x1 one image [1,24,10,10]->48", new long[]{1, 24, 10, 10}, 48, ConvParams.of(1, 1, 1, 1, 0, 0), true, true, 38);
    }

    @Test
    public void convGroupedStridedDilated() {
        check().conv("groups=4 3x3/2 [2,32,29,29]->64", new long[]{2, 32, 29, 29}, 64,
                new ConvParams(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4), true, true, 40);
        check().conv("dilation 2 [1,16,20,20]->8", new long[]{1, 16, 20, 20}, 8,
                new ConvParams(3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1), true, true, 41);
        check().conv("7x7/2 pad3 [2,3,64,64]->16", new long[]{2, 3, 64, 64}, 16, ConvParams.of(7, 7, 2, 2, 3, 3), true, true, 42);
    }

    @Test
    public void convWithoutBias() {
        long[] in = {2, 16, 14, 14};
        ConvParams p = same3x3();
        INDArray x = randn(50, in), w = randn(51, 0.1, 32, 16, 3, 3), gy = randn(52, 2, 32, 14, 14);
        check().assertParity("no-bias conv2d", backend().conv2d(x, w, null, p), reference().conv2d(x, w, null, p));
        INDArray[] g = backend().conv2dBackwardWeights(x, gy, w.shape(), false, p);
        assertNull(g[1]);
        check().assertParity("no-bias conv2dBackwardWeights W", g[0], reference().conv2dBackwardWeights(x, gy, w.shape(), false, p)[0]);
    }

    // ---------------------------------------------------------------- pooling

    @Test
    public void poolVggMax() {
        check().pool("max 2x2/2 [2,64,224,224]", new long[]{2, 64, 224, 224}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 60);
    }

    @Test
    public void poolVariants() {
        check().pool("max 3x3/2 pad(0,0,1,1) [2,16,28,28]", new long[]{2, 16, 28, 28}, PoolingType.MAX,
                new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1), 61);
        check().pool("avg 3x3/1 pad1 (excl. padding) [2,32,28,28]", new long[]{2, 32, 28, 28}, PoolingType.AVG, ConvParams.of(3, 3, 1, 1, 1, 1), 62);
        check().pool("avg 2x2/2 [2,64,56,56]", new long[]{2, 64, 56, 56}, PoolingType.AVG, ConvParams.of(2, 2, 2, 2, 0, 0), 63);
        check().pool("avg global 7x7 [2,512,7,7]", new long[]{2, 512, 7, 7}, PoolingType.AVG, ConvParams.of(7, 7, 1, 1, 0, 0), 64);
        // odd size: the last row/column is dropped, so the native row-folding shortcut must not apply
        check().pool("max 2x2/2 [2,8,15,15]", new long[]{2, 8, 15, 15}, PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0), 66);
        check().pool("avg 3x3/3 pad(0,1,0,1) [1,4,12,10]", new long[]{1, 4, 12, 10}, PoolingType.AVG,
                new ConvParams(3, 3, 3, 3, 0, 1, 0, 1, 1, 1, 1), 67);
        // padding as wide as the window: windows of padding only (oneDNN and cuDNN reject these; the backends'
        // own code handles them)
        check().pool("avg 2x2/1 pad2 [1,3,5,5]", new long[]{1, 3, 5, 5}, PoolingType.AVG, ConvParams.of(2, 2, 1, 1, 2, 2), 68);
        check().pool("max 3x3/2 pad(1,1,1,1) [2,64,112,112]", new long[]{2, 64, 112, 112}, PoolingType.MAX, ConvParams.of(3, 3, 2, 2, 1, 1), 65);
    }

    // ---------------------------------------------------------------- batch normalization

    @Test
    public void batchNorm4d() { check().batchNorm(new long[]{4, 32, 28, 28}, 70); }

    @Test
    public void batchNorm2d() { check().batchNorm(new long[]{8, 16}, 80); }

    @Test
    public void batchNormLargePlanes() { check().batchNorm(new long[]{3, 24, 56, 56}, 90); }

    @Test
    public void batchNormRelu6Fused() { check().batchNormActivated(new long[]{4, 32, 28, 28}, Activation.RELU6, 91); }

    @Test
    public void batchNormReluFusedLargePlanes() { check().batchNormActivated(new long[]{3, 24, 56, 56}, Activation.RELU, 92); }

    @Test
    public void batchNormRelu6Fused2d() { check().batchNormActivated(new long[]{64, 16}, Activation.RELU6, 93); }

    /** Only clamps fuse into batch norm: anything else is refused, not silently run apart or wrongly. */
    @Test
    public void batchNormFusedRefusesOtherActivations() {
        Backend b = check().backend;
        INDArray x = randn(94, 2, 3, 4, 4), g = randn(95, 3), bt = randn(96, 3);
        expectIllegalArgument("TANH", () -> b.batchNormTrainingActivated(x, g, bt, 1e-5, Activation.TANH));
        expectIllegalArgument("SIGMOID", () -> b.batchNormBackwardActivated(x, x, x, g, bt, bt, bt, 1e-5, Activation.SIGMOID));
    }

    // ---------------------------------------------------------------- activations

    @Test
    public void activations() {
        INDArray x = randn(90, 4.0, 4, 32, 28, 28);   // scale 4 so RELU6 saturates and sigmoid/tanh reach their tails
        for (Activation f : Activation.values()) {
            if (f != Activation.SOFTMAX) check().activation(f, x, 91);
        }
        check().activation(Activation.SOFTMAX, randn(92, 3.0, 16, 1000), 93);
        check().activation(Activation.SOFTMAX, randn(94, 3.0, 2, 10), 95);
    }

    /** Activations with parameters (ONNX LeakyRelu alpha, HardSigmoid alpha/beta: PyTorch's 1/6, a negative slope). */
    @Test
    public void activationsWithParameters() {
        INDArray x = randn(96, 4.0, 2, 24, 14, 14);
        for (ActivationSpec f : new ActivationSpec[]{ActivationSpec.leakyRelu(0.2), ActivationSpec.leakyRelu(-0.5),
                ActivationSpec.hardSigmoid(1.0 / 6, 0.5), ActivationSpec.hardSigmoid(-0.3, 0.25)}) {
            check().activation(f, x, 97);
        }
    }

    /** The squeeze-excitation gate at MobileNetV3 / EfficientNet-B0 shapes and a tiny one. */
    @Test
    public void channelScale() {
        check().channelScale(new long[]{4, 72, 28, 28}, 98);
        check().channelScale(new long[]{2, 960, 7, 7}, 99);
        check().channelScale(new long[]{1, 3, 1, 1}, 100);
        expectIllegalArgument("channelScale scale", () -> backend().channelScale(randn(1, 2, 3, 4, 4), randn(2, 2, 4)));
    }

    // ---------------------------------------------------------------- elementwise ops and updater steps

    @Test
    public void addSameShapeAndRowBroadcast() {
        INDArray a = randn(130, 2, 16, 14, 14), b = randn(131, 2, 16, 14, 14);
        check().assertParity("add residual [2,16,14,14]", backend().add(a, b), reference().add(a, b));
        INDArray z = randn(132, 8, 4096), bias = randn(133, 1, 4096);
        check().assertParity("add bias [8,4096]+[1,4096]", backend().add(z, bias), reference().add(z, bias));
        check().assertParity("add bias [8,4096]+[4096]", backend().add(z, bias.reshape(4096)), reference().add(z, bias.reshape(4096)));
        expectIllegalArgument("neither", () -> backend().add(z, randn(134, 1, 4095)));
    }

    /** Updater steps on views at offsets into one state array, as ComputationGraphUpdater lays them out. */
    @Test
    public void updaterStepsMatchReference() {
        int n = 3000;
        INDArray[] got = updaterRun(backend(), n), want = updaterRun(reference(), n);
        String[] names = {"adam update", "adam m", "adam v", "nesterovs update", "nesterovs v (last 10 filled)", "sgd update", "params after axpy"};
        for (int i = 0; i < got.length; i++) check().assertParity(names[i], got[i], want[i]);
        expectIllegalArgument("elements", () -> backend().axpy(1, randn(135, 5), randn(136, 6)));
    }

    private static INDArray[] updaterRun(Backend be, int n) {
        INDArray state = randn(140, 0.1, 3 * n).muli(randn(141, 3 * n));   // m, v (v must be >= 0), velocity
        for (int i = n; i < 2 * n; i++) state.putLinear(i, Math.abs(state.getDoubleLinear(i)));
        INDArray m = state.get(org.pydl4j.nd.NDArrayIndex.interval(0, n)), v = state.get(org.pydl4j.nd.NDArrayIndex.interval(n, 2 * n));
        INDArray vel = state.get(org.pydl4j.nd.NDArrayIndex.interval(2 * n, 3 * n));
        INDArray g1 = randn(142, n), g2 = randn(143, n), g3 = randn(144, n), params = randn(145, 1, n);
        for (int step = 0; step < 3; step++) {   // repeated steps: the device copies are reused between them
            be.adamStep(g1, m, v, 0.9, 0.999, 1e-8, 1e-3);
            be.nesterovsStep(g2, vel, 0.9, 0.01);
            be.scale(g3, 0.5);
            be.axpy(-1, g1, params);
        }
        be.fill(state.get(org.pydl4j.nd.NDArrayIndex.interval(3 * n - 10, 3 * n)), 0.25);   // a view at an offset
        return new INDArray[]{g1, m, v, g2, vel, g3, params};
    }

    // ---------------------------------------------------------------- dispatch and validation

    @Test
    public void doubleArraysMatchReferenceExactly() {
        INDArray x = randn(100, 2, 4, 9, 9).castTo(DataType.DOUBLE), w = randn(101, 0.1, 6, 4, 3, 3).castTo(DataType.DOUBLE);
        INDArray y = backend().conv2d(x, w, null, same3x3());
        assertEquals(DataType.DOUBLE, y.dataType());
        assertTrue(y.equalsWithEps(reference().conv2d(x, w, null, same3x3()), 0));
    }

    @Test
    public void viewsAreReadAtTheirOffset() {
        INDArray batch = randn(110, 4, 8, 10, 10), w = randn(111, 0.1, 8, 8, 3, 3);
        INDArray second = batch.get(org.pydl4j.nd.NDArrayIndex.interval(2, 4));
        check().assertParity("view conv2d", backend().conv2d(second, w, null, same3x3()),
                reference().conv2d(second.dup(), w, null, same3x3()));
    }

    @Test
    public void shapesAreValidatedBeforeNativeCalls() {
        Backend b = backend();
        INDArray x = randn(120, 2, 3, 8, 8), w = randn(121, 4, 5, 3, 3);
        expectIllegalArgument("[4, 5, 3, 3]", () -> b.conv2d(x, w, null, same3x3()));
        expectIllegalArgument("[6, 64]", () -> b.conv2d(x.reshape(6, 64), w, null, same3x3()));
        INDArray w3 = randn(122, 4, 3, 3, 3);
        expectIllegalArgument("bias", () -> b.conv2d(x, w3, randn(123, 5), same3x3()));
        expectIllegalArgument("gradOut", () -> b.conv2dBackwardData(randn(124, 2, 4, 7, 7), w3, x.shape(), same3x3()));
        expectIllegalArgument("gemm", () -> b.gemm(randn(125, 3, 4), false, randn(126, 5, 6), false, Nd4j.zeros(DataType.FLOAT, 3, 6), 1, 0));
        expectIllegalArgument("softmax", () -> b.activate(Activation.SOFTMAX, x));
        expectIllegalArgument("gamma", () -> b.batchNormTraining(x, randn(127, 4), randn(128, 3), 1e-5));
        expectIllegalArgument("larger than padded input", () -> b.pool2d(x, PoolingType.MAX, ConvParams.of(9, 9, 1, 1, 0, 0)));
    }
}
