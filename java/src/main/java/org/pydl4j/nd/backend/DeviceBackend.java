package org.pydl4j.nd.backend;

import org.pydl4j.nd.DataType;
import org.pydl4j.nd.Device;
import org.pydl4j.nd.DeviceAccess;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * A {@link JniBackend} whose kernels run on a {@link Device}: arrays stay in device memory between ops. This class
 * turns every op's arrays into device addresses, once for every device backend, with the access each argument
 * needs (inputs READ, results WRITE, in-place arguments READ_WRITE), so that values cross between host and device
 * only when the other side reads them. Subclasses implement the kernels on addresses ({@code k...} methods, the
 * arguments of the JniBackend natives with every array replaced by its address; 0 for an absent bias).
 *
 * <p>Elementwise ops and updater steps run here too, so a training step keeps parameters, gradients and updater
 * state on the device. DOUBLE and empty arrays still go to the host implementations.
 */
public abstract class DeviceBackend extends JniBackend {
    protected final Device device;

    protected DeviceBackend(Device device) { this.device = device; }

    /** The memory this backend's arrays live in. */
    public Device device() { return device; }

    private long in(INDArray a) { return a == null ? 0 : a.deviceAddress(device, DeviceAccess.READ); }

    private long out(INDArray a) { return a == null ? 0 : a.deviceAddress(device, DeviceAccess.WRITE); }

    private long inOut(INDArray a) { return a.deviceAddress(device, DeviceAccess.READ_WRITE); }

    private static void written(INDArray... arrays) {
        for (INDArray a : arrays) if (a != null) a.afterDeviceWrite();
    }

    // ---------------------------------------------------------------- kernels on device addresses

    protected abstract void kGemm(long a, boolean transA, long b, boolean transB, long c, int m, int n, int k, float alpha, float beta);

    protected abstract void kConv(long x, long w, long bias, long y, int[] geometry);

    protected abstract void kConvBackwardData(long gy, long w, long gx, int[] geometry);

    protected abstract void kConvBackwardWeights(long x, long gy, long gw, long gb, int[] geometry);

    protected abstract void kPool(boolean max, long x, long y, int[] geometry);

    protected abstract void kPoolBackward(boolean max, long x, long gy, long gx, int[] geometry);

    protected abstract void kBatchNorm(boolean training, long x, long gamma, long beta, long mean, long var, long y, int n, int c, int spatial, float eps);

    protected abstract void kBatchNormBackward(long x, long gy, long gamma, long mean, long var, long gx, long gGamma, long gBeta,
                                               int n, int c, int spatial, float eps);

    protected abstract void kActivation(int code, long x, long y, int length);

    protected abstract void kActivationBackward(int code, long x, long y, long gy, long gx, int length);

    protected abstract void kSoftmax(long x, long y, int rows, int cols);

    protected abstract void kSoftmaxBackward(long y, long gy, long gx, int rows, int cols);

    /** y = a + b over rows x cols; b is [cols] added to every row when rowBroadcast. */
    protected abstract void kAdd(long a, long b, long y, int rows, int cols, boolean rowBroadcast);

    protected abstract void kCopy(long src, long dst, long bytes);

    protected abstract void kAxpy(float alpha, long x, long y, int length);

    protected abstract void kScale(long x, float factor, int length);

    protected abstract void kFill(long x, float value, int length);

    protected abstract void kAdamStep(long g, long m, long v, int length, float b1, float b2, float eps, float alphat);

    protected abstract void kNesterovsStep(long g, long v, int length, float mu, float lr);

    // ---------------------------------------------------------------- JniBackend's natives, on addresses

    @Override
    protected final void nativeGemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, int m, int n, int k, float alpha, float beta) {
        long pa = in(a), pb = in(b), pc = beta == 0f ? out(c) : inOut(c);
        kGemm(pa, transA, pb, transB, pc, m, n, k, alpha, beta);
        written(c);
    }

    @Override
    protected final void nativeConv(INDArray input, INDArray weight, INDArray bias, INDArray out, int[] geometry) {
        kConv(in(input), in(weight), in(bias), out(out), geometry);
        written(out);
    }

    @Override
    protected final void nativeConvBackwardData(INDArray gradOut, INDArray weight, INDArray gradIn, int[] geometry) {
        kConvBackwardData(in(gradOut), in(weight), out(gradIn), geometry);
        written(gradIn);
    }

    @Override
    protected final void nativeConvBackwardWeights(INDArray input, INDArray gradOut, INDArray gradW, INDArray gradB, int[] geometry) {
        kConvBackwardWeights(in(input), in(gradOut), out(gradW), out(gradB), geometry);
        written(gradW, gradB);
    }

    @Override
    protected final void nativePool(boolean max, INDArray input, INDArray out, int[] geometry) {
        kPool(max, in(input), out(out), geometry);
        written(out);
    }

    @Override
    protected final void nativePoolBackward(boolean max, INDArray input, INDArray gradOut, INDArray gradIn, int[] geometry) {
        kPoolBackward(max, in(input), in(gradOut), out(gradIn), geometry);
        written(gradIn);
    }

    @Override
    protected final void nativeBatchNorm(boolean training, INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var,
                                         INDArray out, BatchNormShape d, float eps) {
        long pm = training ? out(mean) : in(mean), pv = training ? out(var) : in(var);
        kBatchNorm(training, in(input), in(gamma), in(beta), pm, pv, out(out), d.n, d.c, d.s, eps);
        written(out, training ? mean : null, training ? var : null);
    }

    @Override
    protected final void nativeBatchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var,
                                                 INDArray gradIn, INDArray gradGamma, INDArray gradBeta, BatchNormShape d, float eps) {
        kBatchNormBackward(in(input), in(gradOut), in(gamma), in(mean), in(var), out(gradIn), out(gradGamma), out(gradBeta),
                d.n, d.c, d.s, eps);
        written(gradIn, gradGamma, gradBeta);
    }

    @Override
    protected final void nativeSoftmax(INDArray x, INDArray y, int rows, int cols) {
        kSoftmax(in(x), out(y), rows, cols);
        written(y);
    }

    @Override
    protected final void nativeSoftmaxBackward(INDArray y, INDArray gradOut, INDArray gradIn, int rows, int cols) {
        kSoftmaxBackward(in(y), in(gradOut), out(gradIn), rows, cols);
        written(gradIn);
    }

    @Override
    protected final void nativeActivation(int code, INDArray x, INDArray y, int length) {
        kActivation(code, in(x), out(y), length);
        written(y);
    }

    @Override
    protected final void nativeActivationBackward(int code, INDArray x, INDArray y, INDArray gradOut, INDArray gradIn, int length) {
        kActivationBackward(code, in(x), in(y), in(gradOut), out(gradIn), length);
        written(gradIn);
    }

    // ---------------------------------------------------------------- elementwise ops and updater steps

    /** FLOAT and non-empty: the device kernels take it; anything else runs on the host. */
    private static boolean onDevice(INDArray a) { return isFloat(a) && a.length() > 0; }

    @Override
    public INDArray add(INDArray a, INDArray b) {
        boolean row = Checks.add(a, b);
        if (!onDevice(a)) return super.add(a, b);
        int rows = row ? (int) a.size(0) : 1, cols = row ? (int) a.size(1) : (int) a.length();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, a.shape());
        kAdd(in(a), in(b), out(y), rows, cols, row);
        written(y);
        return y;
    }

    @Override
    public void copy(INDArray src, INDArray dst) {
        Checks.sameLength("copy", dst, src);
        if (!onDevice(dst)) { super.copy(src, dst); return; }
        long ps = in(src);
        kCopy(ps, out(dst), dst.length() * 4);
        written(dst);
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        Checks.sameLength("axpy", y, x);
        if (!onDevice(y)) { super.axpy(alpha, x, y); return; }
        long px = in(x);
        kAxpy((float) alpha, px, inOut(y), (int) y.length());
        written(y);
    }

    @Override
    public void scale(INDArray x, double factor) {
        Checks.sameLength("scale", x);
        if (!onDevice(x)) { super.scale(x, factor); return; }
        kScale(inOut(x), (float) factor, (int) x.length());
        written(x);
    }

    @Override
    public void fill(INDArray x, double value) {
        Checks.sameLength("fill", x);
        if (!onDevice(x)) { super.fill(x, value); return; }
        kFill(out(x), (float) value, (int) x.length());
        written(x);
    }

    @Override
    public void adamStep(INDArray g, INDArray m, INDArray v, double b1, double b2, double eps, double alphat) {
        Checks.sameLength("adamStep", g, m, v);
        if (!onDevice(g)) { super.adamStep(g, m, v, b1, b2, eps, alphat); return; }
        kAdamStep(inOut(g), inOut(m), inOut(v), (int) g.length(), (float) b1, (float) b2, (float) eps, (float) alphat);
        written(g, m, v);
    }

    @Override
    public void nesterovsStep(INDArray g, INDArray v, double mu, double lr) {
        Checks.sameLength("nesterovsStep", g, v);
        if (!onDevice(g)) { super.nesterovsStep(g, v, mu, lr); return; }
        kNesterovsStep(inOut(g), inOut(v), (int) g.length(), (float) mu, (float) lr);
        written(g, v);
    }
}
