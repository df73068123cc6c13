package org.pydl4j.nd.backend.cpu;

import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.BatchNormShape;
import org.pydl4j.nd.backend.Checks;
import org.pydl4j.nd.backend.ConvGeometry;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.InferenceProgram;
import org.pydl4j.nd.backend.InterpretedProgram;
import org.pydl4j.nd.backend.JniBackend;
import org.pydl4j.nd.backend.NativeLoader;
import org.pydl4j.nd.backend.ProgramSpec;

/**
 * oneDNN (convolution, pooling, batch norm, activations) and OpenBLAS (gemm) through JNI, for FLOAT arrays. DOUBLE
 * arrays (gradient checks) and empty arrays go to the reference backend (see {@link JniBackend}), which is exact enough and keeps one
 * implementation of each op. Every shape is checked here, before the native call.
 */
public final class CpuBackend extends JniBackend {
    private static final String LIBRARY = "pydl4j_cpu";
    private final String version;

    /** Loads libpydl4j_cpu.so; throws IllegalStateException when it (or oneDNN/OpenBLAS) cannot load. */
    public CpuBackend() {
        NativeLoader.load(LIBRARY);
        try {
            version = CpuNative.version();
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("libpydl4j_cpu.so loaded but lacks its entry points: " + e.getMessage(), e);
        }
        CpuShutdownGate.install();
    }

    @Override
    public String name() { return "cpu"; }

    /** The oneDNN and OpenBLAS versions in use. */
    public String nativeVersion() { return version; }

    // ---------------------------------------------------------------- kernels (JniBackend does checks and fallbacks)

    @Override
    protected void nativeGemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, int m, int n, int k, float alpha, float beta) {
        CpuNative.gemm(a.bufferForRead(), transA, b.bufferForRead(), transB, c.buffer(), m, n, k, alpha, beta);
    }

    @Override
    protected void nativeConv(INDArray input, INDArray weight, INDArray bias, INDArray out, int[] geometry) {
        NchwKernels.convForward(input.bufferForRead(), weight.bufferForRead(), bias == null ? null : bias.bufferForRead(), out.buffer(), geometry);
    }

    @Override
    protected void nativeConvBackwardData(INDArray gradOut, INDArray weight, INDArray gradIn, int[] geometry) {
        NchwKernels.convBackwardData(gradOut.bufferForRead(), weight.bufferForRead(), gradIn.buffer(), geometry);
    }

    @Override
    protected void nativeConvBackwardWeights(INDArray input, INDArray gradOut, INDArray gradW, INDArray gradB, int[] geometry) {
        NchwKernels.convBackwardWeights(input.bufferForRead(), gradOut.bufferForRead(), gradW.buffer(), gradB == null ? null : gradB.buffer(), geometry);
    }

    /**
     * Padding at least as wide as the (dilated) window lets some windows hold only padding; oneDNN rejects that
     * (0/0 for average pooling), the reference defines it, and no real network does it: leave it to the reference.
     */
    @Override
    protected boolean poolSupported(ConvParams p) { return oneDnnPools(p); }

    /** oneDNN rejects pooling whose padding reaches a whole (dilated) window; those go to the reference. */
    static boolean oneDnnPools(ConvParams p) {
        int effH = (p.kH - 1) * p.dH + 1, effW = (p.kW - 1) * p.dW + 1;
        return !(p.padTop >= effH || p.padBottom >= effH || p.padLeft >= effW || p.padRight >= effW);
    }

    @Override
    protected void nativePool(boolean max, INDArray input, INDArray out, int[] geometry) {
        CpuNative.poolForward(max, input.bufferForRead(), out.buffer(), geometry);
    }

    @Override
    protected void nativePoolBackward(boolean max, INDArray input, INDArray gradOut, INDArray gradIn, int[] geometry) {
        CpuNative.poolBackward(max, input.bufferForRead(), gradOut.bufferForRead(), gradIn.buffer(), geometry);
    }

    @Override
    protected void nativeBatchNorm(boolean training, INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var,
                                   INDArray out, BatchNormShape d, float eps) {
        NchwKernels.batchNormForward(training, input.bufferForRead(), gamma.bufferForRead(), beta.bufferForRead(), training ? mean.buffer() : mean.bufferForRead(),
                training ? var.buffer() : var.bufferForRead(), out.buffer(), d.n, d.c, d.s, eps);
    }

    @Override
    protected void nativeBatchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var,
                                           INDArray gradIn, INDArray gradGamma, INDArray gradBeta, BatchNormShape d, float eps) {
        NchwKernels.batchNormBackward(input.bufferForRead(), gradOut.bufferForRead(), gamma.bufferForRead(), mean.bufferForRead(), var.bufferForRead(),
                gradIn.buffer(), gradGamma.buffer(), gradBeta.buffer(), d.n, d.c, d.s, eps);
    }

    /** Batch norm + RELU / RELU6 in one kernel (nchw_train.cpp) while the NCHW kernels are on. */
    @Override
    public boolean fusesBatchNormWith(Activation f) { return NchwKernels.ENABLED && Backend.batchNormFuses(f); }

    @Override
    protected void nativeBatchNormActivated(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var,
                                            INDArray out, BatchNormShape d, float eps, Activation f) {
        NchwKernels.batchNormActivated(f, input.bufferForRead(), gamma.bufferForRead(), beta.bufferForRead(), mean.buffer(), var.buffer(),
                out.buffer(), d.n, d.c, d.s, eps);
    }

    @Override
    protected void nativeBatchNormBackwardActivated(INDArray input, INDArray output, INDArray gradOut, INDArray gamma, INDArray beta,
                                                    INDArray mean, INDArray var, INDArray gradIn, INDArray gradGamma, INDArray gradBeta,
                                                    BatchNormShape d, float eps, Activation f) {
        // the kernel recomputes the clamp's pre-activation from input, gamma, beta and the statistics instead of
        // reading output (one tensor fewer through memory); output is the same values, as the forward kernel wrote them
        NchwKernels.batchNormBackwardActivated(f, input.bufferForRead(), beta.bufferForRead(), gradOut.bufferForRead(), gamma.bufferForRead(),
                mean.bufferForRead(), var.bufferForRead(), gradIn.buffer(), gradGamma.buffer(), gradBeta.buffer(), d.n, d.c, d.s, eps);
    }

    @Override
    protected void nativeSoftmax(INDArray x, INDArray y, int rows, int cols) {
        CpuNative.softmaxForward(x.bufferForRead(), y.buffer(), rows, cols);
    }

    @Override
    protected void nativeSoftmaxBackward(INDArray y, INDArray gradOut, INDArray gradIn, int rows, int cols) {
        CpuNative.softmaxBackward(y.bufferForRead(), gradOut.bufferForRead(), gradIn.buffer(), rows, cols);
    }

    @Override
    protected void nativeActivation(int code, INDArray x, INDArray y, int length) {
        CpuNative.eltwiseForward(code, x.bufferForRead(), y.buffer(), length);
    }

    @Override
    protected void nativeActivationBackward(int code, INDArray x, INDArray y, INDArray gradOut, INDArray gradIn, int length) {
        CpuNative.eltwiseBackward(code, x.bufferForRead(), y.bufferForRead(), gradOut.bufferForRead(), gradIn.buffer(), length);
    }

    // ---------------------------------------------------------------- every-step elementwise ops (train_eltwise.cpp)

    /** Same-shape additions (residuals) natively; a row added to every row goes to the host default. */
    @Override
    public INDArray add(INDArray a, INDArray b) {
        boolean row = Checks.add(a, b);
        if (row || !isFloat(a) || a.length() == 0) return super.add(a, b);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, a.shape());
        CpuNative.add(a.bufferForRead(), b.bufferForRead(), y.buffer(), Math.toIntExact(a.length()));
        return y;
    }

    @Override
    public void adamStep(INDArray g, INDArray m, INDArray v, double b1, double b2, double eps, double alphat) {
        Checks.sameLength("adamStep", g, m, v);
        if (!isFloat(g) || g.length() == 0) {
            reference.adamStep(g, m, v, b1, b2, eps, alphat);
            return;
        }
        CpuNative.adamStep(g.buffer(), m.buffer(), v.buffer(), Math.toIntExact(g.length()), b1, b2, eps, alphat);
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        Checks.sameLength("axpy", y, x);
        if (!isFloat(y) || y.length() == 0) {
            reference.axpy(alpha, x, y);
            return;
        }
        CpuNative.axpy(alpha, x.bufferForRead(), y.buffer(), Math.toIntExact(y.length()));
    }

    // ---------------------------------------------------------------- cpu only: fused convolution, compiled inference

    /** FLOAT programs run natively (program.cpp), others op by op on the reference kernels. */
    @Override
    public InferenceProgram compile(ProgramSpec spec) {
        if (spec.dataType() != DataType.FLOAT) return new InterpretedProgram(this, spec);
        return new CpuProgram(spec);
    }

    @Override
    public INDArray conv2dFused(INDArray input, INDArray weight, INDArray bias, ConvParams p, Activation act) {
        Backend.requireFusable(act, "conv2dFused");
        return conv2dFused(input, weight, bias, p, ActivationSpec.of(act));
    }

    @Override
    public INDArray conv2dFused(INDArray input, INDArray weight, INDArray bias, ConvParams p, ActivationSpec act) {
        Backend.requireFusable(act.kind(), "conv2dFused");
        ConvGeometry g = Checks.conv2d("conv2dFused", input, weight, bias, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) {
            INDArray z = reference.conv2d(input, weight, bias, p);
            if (act.kind() == Activation.IDENTITY) return z;
            INDArray y = reference.activate(act, z);
            z.close();
            return y;
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CpuNative.convForwardFused(input.bufferForRead(), weight.bufferForRead(), bias == null ? null : bias.bufferForRead(), out.buffer(),
                geometry(g, p, p.groups), CpuActivationCodes.code(act));
        return out;
    }

    // ---------------------------------------------------------------- cpu only: activations with parameters, channel scaling

    @Override
    protected boolean hasKernel(Activation f, boolean backward) { return CpuActivationCodes.has(f, backward); }

    @Override
    public INDArray activate(ActivationSpec f, INDArray x) {
        if (f.isDefault()) return activate(f.kind(), x);
        Checks.activate(f.kind(), x);
        if (!isFloat(x) || x.length() == 0) return reference.activate(f, x);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        nativeActivation(CpuActivationCodes.code(f), x, y, (int) x.length());
        return y;
    }

    @Override
    public INDArray activateBackward(ActivationSpec f, INDArray x, INDArray y, INDArray gradOut) {
        if (f.isDefault()) return activateBackward(f.kind(), x, y, gradOut);
        Checks.activateBackward(f.kind(), x, y, gradOut);
        if (!isFloat(x) || x.length() == 0 || !hasKernel(f.kind(), true)) return reference.activateBackward(f, x, y, gradOut);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        nativeActivationBackward(CpuActivationCodes.code(f), x, y, gradOut, gx, (int) x.length());
        return gx;
    }

    @Override
    public INDArray channelScale(INDArray x, INDArray s) {
        Checks.channelScale(x, s);
        if (!isFloat(x) || x.length() == 0) return reference.channelScale(x, s);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        CpuNative.channelScale(x.bufferForRead(), s.bufferForRead(), y.buffer(), (int) x.size(0), (int) x.size(1), (int) (x.size(2) * x.size(3)));
        return y;
    }
}
