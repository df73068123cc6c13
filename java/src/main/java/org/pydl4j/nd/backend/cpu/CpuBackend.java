package org.pydl4j.nd.backend.cpu;

import java.util.Arrays;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.BatchNormShape;
import org.pydl4j.nd.backend.Checks;
import org.pydl4j.nd.backend.NativeActivation;
import org.pydl4j.nd.backend.ConvGeometry;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.InferenceProgram;
import org.pydl4j.nd.backend.InterpretedProgram;
import org.pydl4j.nd.backend.NativeLoader;
import org.pydl4j.nd.backend.ProgramSpec;
import org.pydl4j.nd.backend.PoolingType;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * oneDNN (convolution, pooling, batch norm, activations) and OpenBLAS (gemm) through JNI, for FLOAT arrays. DOUBLE
 * arrays (gradient checks) and empty arrays go to the {@link ReferenceBackend}, which is exact enough and keeps one
 * implementation of each op. Every shape is checked here, before the native call.
 */
public final class CpuBackend implements Backend {
    private static final String LIBRARY = "pydl4j_cpu";
    private final ReferenceBackend reference = new ReferenceBackend();
    private final String version;

    /** Loads libpydl4j_cpu.so; throws IllegalStateException when it (or oneDNN/OpenBLAS) cannot load. */
    public CpuBackend() {
        NativeLoader.load(LIBRARY);
        try {
            version = CpuNative.version();
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("libpydl4j_cpu.so loaded but lacks its entry points: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() { return "cpu"; }

    /** The oneDNN and OpenBLAS versions in use. */
    public String nativeVersion() { return version; }

    private static boolean isFloat(INDArray a) { return a.dataType() == DataType.FLOAT; }

    // ---------------------------------------------------------------- gemm

    @Override
    public void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        long[] mnk = Checks.gemm(a, transA, b, transB, c);
        long m = mnk[0], n = mnk[1], k = mnk[2];
        if (!isFloat(a) || m == 0 || n == 0 || k == 0) {
            reference.gemm(a, transA, b, transB, c, alpha, beta);
            return;
        }
        CpuNative.gemm(a.buffer(), transA, b.buffer(), transB, c.buffer(), (int) m, (int) n, (int) k, (float) alpha, (float) beta);
    }

    // ---------------------------------------------------------------- convolution

    /** The int[] geometry of CpuNative (common.h read_geometry). */
    static int[] geometry(ConvGeometry g, ConvParams p, int groups) {
        return new int[]{g.n, g.inC, g.inH, g.inW, g.outC, g.outH, g.outW, p.kH, p.kW, p.sH, p.sW,
                p.padTop, p.padLeft, p.padBottom, p.padRight, p.dH, p.dW, groups};
    }

    @Override
    public INDArray conv2d(INDArray input, INDArray weight, INDArray bias, ConvParams p) {
        ConvGeometry g = Checks.conv2d("conv2d", input, weight, bias, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return reference.conv2d(input, weight, bias, p);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CpuNative.convForward(input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), out.buffer(),
                geometry(g, p, p.groups));
        return out;
    }

    /** FLOAT programs run natively (program.cpp), others op by op on the reference kernels. */
    @Override
    public InferenceProgram compile(ProgramSpec spec) {
        if (spec.dataType() != DataType.FLOAT) return new InterpretedProgram(this, spec);
        return new CpuProgram(spec);
    }

    @Override
    public INDArray conv2dFused(INDArray input, INDArray weight, INDArray bias, ConvParams p, Activation act) {
        Backend.requireFusable(act, "conv2dFused");
        ConvGeometry g = Checks.conv2d("conv2dFused", input, weight, bias, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return Backend.super.conv2dFused(input, weight, bias, p, act);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CpuNative.convForwardFused(input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), out.buffer(),
                geometry(g, p, p.groups), NativeActivation.code(act));
        return out;
    }

    @Override
    public INDArray conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardData(gradOut, weight, inputShape, p);
        if (!isFloat(gradOut) || Checks.empty(inputShape) || Checks.empty(g.outShape())) {
            return reference.conv2dBackwardData(gradOut, weight, inputShape, p);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, inputShape.clone());
        CpuNative.convBackwardData(gradOut.buffer(), weight.buffer(), gx.buffer(), geometry(g, p, p.groups));
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
        CpuNative.convBackwardWeights(input.buffer(), gradOut.buffer(), gw.buffer(), gb == null ? null : gb.buffer(),
                geometry(g, p, p.groups));
        return new INDArray[]{gw, gb};
    }

    // ---------------------------------------------------------------- pooling

    /**
     * Padding at least as wide as the (dilated) window lets some windows hold only padding; oneDNN rejects that
     * (0/0 for average pooling), the reference defines it, and no real network does it: leave it to the reference.
     */
    private static boolean windowsInPadding(ConvParams p) {
        int effH = (p.kH - 1) * p.dH + 1, effW = (p.kW - 1) * p.dW + 1;
        return p.padTop >= effH || p.padBottom >= effH || p.padLeft >= effW || p.padRight >= effW;
    }

    @Override
    public INDArray pool2d(INDArray input, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2d", input, null, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape()) || windowsInPadding(p)) return reference.pool2d(input, type, p);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CpuNative.poolForward(type == PoolingType.MAX, input.buffer(), out.buffer(), geometry(g, p, 1));
        return out;
    }

    @Override
    public INDArray pool2dBackward(INDArray input, INDArray gradOut, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2dBackward", input, gradOut, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape()) || windowsInPadding(p)) {
            return reference.pool2dBackward(input, gradOut, type, p);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        CpuNative.poolBackward(type == PoolingType.MAX, input.buffer(), gradOut.buffer(), gx.buffer(), geometry(g, p, 1));
        return gx;
    }

    // ---------------------------------------------------------------- batch normalization

    @Override
    public INDArray[] batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps) {
        BatchNormShape d = Checks.batchNormTraining(input, gamma, beta, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormTraining(input, gamma, beta, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, d.c), var = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        CpuNative.batchNormForward(true, input.buffer(), gamma.buffer(), beta.buffer(), mean.buffer(), var.buffer(), y.buffer(),
                d.n, d.c, d.s, (float) eps);
        return new INDArray[]{y, mean, var};
    }

    @Override
    public INDArray batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormInference(input, gamma, beta, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormInference(input, gamma, beta, mean, var, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        CpuNative.batchNormForward(false, input.buffer(), gamma.buffer(), beta.buffer(), mean.buffer(), var.buffer(), y.buffer(),
                d.n, d.c, d.s, (float) eps);
        return y;
    }

    @Override
    public INDArray[] batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray gGamma = Nd4j.createUninitialized(DataType.FLOAT, d.c), gBeta = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        CpuNative.batchNormBackward(input.buffer(), gradOut.buffer(), gamma.buffer(), mean.buffer(), var.buffer(),
                gx.buffer(), gGamma.buffer(), gBeta.buffer(), d.n, d.c, d.s, (float) eps);
        return new INDArray[]{gx, gGamma, gBeta};
    }

    // ---------------------------------------------------------------- activations

    @Override
    public INDArray activate(Activation f, INDArray x) {
        Checks.activate(f, x);
        if (!isFloat(x) || x.length() == 0) return reference.activate(f, x);
        if (f == Activation.IDENTITY) return x.dup();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        if (f == Activation.SOFTMAX) {
            CpuNative.softmaxForward(x.buffer(), y.buffer(), (int) x.size(0), (int) x.size(1));
        } else {
            CpuNative.eltwiseForward(NativeActivation.code(f), x.buffer(), y.buffer(), (int) x.length());
        }
        return y;
    }

    @Override
    public INDArray activateBackward(Activation f, INDArray x, INDArray y, INDArray gradOut) {
        Checks.activateBackward(f, x, y, gradOut);
        if (!isFloat(x) || x.length() == 0) return reference.activateBackward(f, x, y, gradOut);
        if (f == Activation.IDENTITY) return gradOut.dup();
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        if (f == Activation.SOFTMAX) {
            CpuNative.softmaxBackward(y.buffer(), gradOut.buffer(), gx.buffer(), (int) x.size(0), (int) x.size(1));
        } else {
            CpuNative.eltwiseBackward(NativeActivation.code(f), x.buffer(), y.buffer(), gradOut.buffer(), gx.buffer(), (int) x.length());
        }
        return gx;
    }
}
