package org.pydl4j.nd.backend;

import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * What every JNI backend (cpu, cuda) does around its kernels, written once: the argument checks (in Java, before
 * any native call), the hand-over of DOUBLE and empty arrays to the {@link ReferenceBackend} (one implementation of
 * each op for those), and the allocation of results. Subclasses implement only the native calls, which always get
 * validated, non-empty FLOAT arrays and allocated outputs.
 */
public abstract class JniBackend implements Backend {
    protected final ReferenceBackend reference = new ReferenceBackend();

    protected static boolean isFloat(INDArray a) { return a.dataType() == DataType.FLOAT; }

    /** The 18-int geometry the native libraries read (native/common/jni_util.h, read_geometry_ints). */
    public static int[] geometry(ConvGeometry g, ConvParams p, int groups) {
        return new int[]{g.n, g.inC, g.inH, g.inW, g.outC, g.outH, g.outW, p.kH, p.kW, p.sH, p.sW,
                p.padTop, p.padLeft, p.padBottom, p.padRight, p.dH, p.dW, groups};
    }

    // ---------------------------------------------------------------- the native kernels

    protected abstract void nativeGemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c,
                                       int m, int n, int k, float alpha, float beta);

    protected abstract void nativeConv(INDArray input, INDArray weight, INDArray bias, INDArray out, int[] geometry);

    protected abstract void nativeConvBackwardData(INDArray gradOut, INDArray weight, INDArray gradIn, int[] geometry);

    protected abstract void nativeConvBackwardWeights(INDArray input, INDArray gradOut, INDArray gradW, INDArray gradB, int[] geometry);

    protected abstract void nativePool(boolean max, INDArray input, INDArray out, int[] geometry);

    protected abstract void nativePoolBackward(boolean max, INDArray input, INDArray gradOut, INDArray gradIn, int[] geometry);

    /** training: batch statistics written into mean/var; otherwise mean/var are read. */
    protected abstract void nativeBatchNorm(boolean training, INDArray input, INDArray gamma, INDArray beta, INDArray mean,
                                            INDArray var, INDArray out, BatchNormShape d, float eps);

    protected abstract void nativeBatchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var,
                                                    INDArray gradIn, INDArray gradGamma, INDArray gradBeta, BatchNormShape d, float eps);

    protected abstract void nativeSoftmax(INDArray x, INDArray y, int rows, int cols);

    protected abstract void nativeSoftmaxBackward(INDArray y, INDArray gradOut, INDArray gradIn, int rows, int cols);

    /** code: a {@link NativeActivation} code (never IDENTITY here). */
    protected abstract void nativeActivation(int code, INDArray x, INDArray y, int length);

    protected abstract void nativeActivationBackward(int code, INDArray x, INDArray y, INDArray gradOut, INDArray gradIn, int length);

    /**
     * Whether the kernels compute activation {@code f} (backward: its gradient); the rest go to the reference. The
     * default: the codes every native library knows ({@link NativeActivation#has}).
     */
    protected boolean hasKernel(Activation f, boolean backward) { return NativeActivation.has(f); }

    /** Pooling geometries the kernels take; the rest go to the reference. */
    protected boolean poolSupported(ConvParams p) { return true; }

    /** Batch-statistics normalization the kernels take; the rest go to the reference. */
    protected boolean batchNormTrainingSupported(BatchNormShape d) { return d.m > 0 && d.c > 0; }

    // ---------------------------------------------------------------- Backend, once for every JNI backend

    @Override
    public void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        long[] mnk = Checks.gemm(a, transA, b, transB, c);
        long m = mnk[0], n = mnk[1], k = mnk[2];
        if (!isFloat(a) || m == 0 || n == 0 || k == 0) {
            reference.gemm(a, transA, b, transB, c, alpha, beta);
            return;
        }
        nativeGemm(a, transA, b, transB, c, (int) m, (int) n, (int) k, (float) alpha, (float) beta);
    }

    @Override
    public INDArray conv2d(INDArray input, INDArray weight, INDArray bias, ConvParams p) {
        ConvGeometry g = Checks.conv2d("conv2d", input, weight, bias, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return reference.conv2d(input, weight, bias, p);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        nativeConv(input, weight, bias, out, geometry(g, p, p.groups));
        return out;
    }

    @Override
    public INDArray conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardData(gradOut, weight, inputShape, p);
        if (!isFloat(gradOut) || Checks.empty(inputShape) || Checks.empty(g.outShape())) {
            return reference.conv2dBackwardData(gradOut, weight, inputShape, p);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, inputShape.clone());
        nativeConvBackwardData(gradOut, weight, gx, geometry(g, p, p.groups));
        return gx;
    }

    @Override
    public INDArray[] conv2dBackwardWeights(INDArray input, INDArray gradOut, long[] weightShape, boolean withBias, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardWeights(input, gradOut, weightShape, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) {
            return reference.conv2dBackwardWeights(input, gradOut, weightShape, withBias, p);
        }
        INDArray gw = Nd4j.createUninitialized(DataType.FLOAT, weightShape.clone());
        INDArray gb = withBias ? Nd4j.createUninitialized(DataType.FLOAT, g.outC) : null;
        nativeConvBackwardWeights(input, gradOut, gw, gb, geometry(g, p, p.groups));
        return new INDArray[]{gw, gb};
    }

    @Override
    public INDArray pool2d(INDArray input, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2d", input, null, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape()) || !poolSupported(p)) {
            return reference.pool2d(input, type, p);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        nativePool(type == PoolingType.MAX, input, out, geometry(g, p, 1));
        return out;
    }

    @Override
    public INDArray pool2dBackward(INDArray input, INDArray gradOut, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2dBackward", input, gradOut, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape()) || !poolSupported(p)) {
            return reference.pool2dBackward(input, gradOut, type, p);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        nativePoolBackward(type == PoolingType.MAX, input, gradOut, gx, geometry(g, p, 1));
        return gx;
    }

    @Override
    public INDArray[] batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps) {
        BatchNormShape d = Checks.batchNormTraining(input, gamma, beta, eps);
        if (!isFloat(input) || !batchNormTrainingSupported(d)) return reference.batchNormTraining(input, gamma, beta, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, d.c), var = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        nativeBatchNorm(true, input, gamma, beta, mean, var, y, d, (float) eps);
        return new INDArray[]{y, mean, var};
    }

    @Override
    public INDArray batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormInference(input, gamma, beta, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormInference(input, gamma, beta, mean, var, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        nativeBatchNorm(false, input, gamma, beta, mean, var, y, d, (float) eps);
        return y;
    }

    @Override
    public INDArray[] batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray gGamma = Nd4j.createUninitialized(DataType.FLOAT, d.c), gBeta = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        nativeBatchNormBackward(input, gradOut, gamma, mean, var, gx, gGamma, gBeta, d, (float) eps);
        return new INDArray[]{gx, gGamma, gBeta};
    }

    @Override
    public INDArray[] batchNormTrainingActivated(INDArray input, INDArray gamma, INDArray beta, double eps, Activation f) {
        BatchNormShape d = Checks.batchNormTraining(input, gamma, beta, eps);
        Backend.requireBatchNormFusable(f);
        if (!isFloat(input) || !batchNormTrainingSupported(d) || !fusesBatchNormWith(f)) {
            return Backend.super.batchNormTrainingActivated(input, gamma, beta, eps, f);
        }
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, d.c), var = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        nativeBatchNormActivated(input, gamma, beta, mean, var, y, d, (float) eps, f);
        return new INDArray[]{y, mean, var};
    }

    @Override
    public INDArray[] batchNormBackwardActivated(INDArray input, INDArray output, INDArray gradOut, INDArray gamma,
                                                 INDArray beta, INDArray mean, INDArray var, double eps, Activation f) {
        BatchNormShape d = Checks.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        Checks.shape(output, input.shape(), "batchNormBackwardActivated output");
        Checks.sameLength("batchNormBackwardActivated beta", gamma, beta);
        Checks.sameType("batchNormBackwardActivated", input, output);
        Backend.requireBatchNormFusable(f);
        if (!isFloat(input) || d.m == 0 || d.c == 0 || !fusesBatchNormWith(f)) {
            return Backend.super.batchNormBackwardActivated(input, output, gradOut, gamma, beta, mean, var, eps, f);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray gGamma = Nd4j.createUninitialized(DataType.FLOAT, d.c), gBeta = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        nativeBatchNormBackwardActivated(input, output, gradOut, gamma, beta, mean, var, gx, gGamma, gBeta, d, (float) eps, f);
        return new INDArray[]{gx, gGamma, gBeta};
    }

    /** The fused kernel of {@link #batchNormTrainingActivated}; called only where {@link #fusesBatchNormWith} is true. */
    protected void nativeBatchNormActivated(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var,
                                            INDArray out, BatchNormShape d, float eps, Activation f) {
        throw new IllegalStateException(name() + ": no fused batch norm kernel");
    }

    /** The fused kernel of {@link #batchNormBackwardActivated}; called only where {@link #fusesBatchNormWith} is true. */
    protected void nativeBatchNormBackwardActivated(INDArray input, INDArray output, INDArray gradOut, INDArray gamma, INDArray beta,
                                                    INDArray mean, INDArray var, INDArray gradIn, INDArray gradGamma, INDArray gradBeta,
                                                    BatchNormShape d, float eps, Activation f) {
        throw new IllegalStateException(name() + ": no fused batch norm kernel");
    }

    @Override
    public INDArray activate(Activation f, INDArray x) {
        Checks.activate(f, x);
        if (!isFloat(x) || x.length() == 0 || f != Activation.SOFTMAX && !hasKernel(f, false)) return reference.activate(f, x);
        if (f == Activation.IDENTITY) return dup(x);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        if (f == Activation.SOFTMAX) nativeSoftmax(x, y, (int) x.size(0), (int) x.size(1));
        else nativeActivation(NativeActivation.code(f), x, y, (int) x.length());
        return y;
    }

    @Override
    public INDArray activateBackward(Activation f, INDArray x, INDArray y, INDArray gradOut) {
        Checks.activateBackward(f, x, y, gradOut);
        if (!isFloat(x) || x.length() == 0 || f != Activation.SOFTMAX && !hasKernel(f, true)) {
            return reference.activateBackward(f, x, y, gradOut);
        }
        if (f == Activation.IDENTITY) return dup(gradOut);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        if (f == Activation.SOFTMAX) nativeSoftmaxBackward(y, gradOut, gx, (int) x.size(0), (int) x.size(1));
        else nativeActivationBackward(NativeActivation.code(f), x, y, gradOut, gx, (int) x.length());
        return gx;
    }
}
