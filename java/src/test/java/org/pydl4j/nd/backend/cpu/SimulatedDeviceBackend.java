package org.pydl4j.nd.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.pydl4j.nd.backend.DeviceBackend;
import org.pydl4j.nd.backend.NativeLoader;

/**
 * A {@link DeviceBackend} over a {@link SimulatedDevice}: the same Java path as the cuda backend (addresses,
 * accesses, copies), with the cpu backend's native kernels run on the simulated device memory and the elementwise
 * kernels written out here. Lets every machine test device residency end to end.
 */
public final class SimulatedDeviceBackend extends DeviceBackend {
    public SimulatedDeviceBackend() {
        super(new SimulatedDevice());
        NativeLoader.load("pydl4j_cpu");
    }

    @Override
    public String name() { return "simulated-device"; }

    SimulatedDevice sim() { return (SimulatedDevice) device; }

    private ByteBuffer mem(long address, long floats) { return address == 0 ? null : sim().memory(address, floats * 4); }

    private FloatBuffer floats(long address, long n) { return mem(address, n).asFloatBuffer(); }

    /** {N, C, H, W, O, OH, OW, kH, kW, ..., groups}: element counts of x, w, y. */
    private static long[] convSizes(int[] g) {
        long n = g[0], c = g[1], h = g[2], w = g[3], o = g[4], oh = g[5], ow = g[6], kh = g[7], kw = g[8], groups = g[17];
        return new long[]{n * c * h * w, o * (c / groups) * kh * kw, n * o * oh * ow, o};
    }

    @Override
    protected void kGemm(long a, boolean transA, long b, boolean transB, long c, int m, int n, int k, float alpha, float beta) {
        CpuNative.gemm(mem(a, (long) m * k), transA, mem(b, (long) k * n), transB, mem(c, (long) m * n), m, n, k, alpha, beta);
    }

    @Override
    protected void kConv(long x, long w, long bias, long y, int[] g) {
        long[] s = convSizes(g);
        NchwKernels.convForward(mem(x, s[0]), mem(w, s[1]), mem(bias, s[3]), mem(y, s[2]), g);
    }

    @Override
    protected void kConvBackwardData(long gy, long w, long gx, int[] g) {
        long[] s = convSizes(g);
        NchwKernels.convBackwardData(mem(gy, s[2]), mem(w, s[1]), mem(gx, s[0]), g);
    }

    @Override
    protected void kConvBackwardWeights(long x, long gy, long gw, long gb, int[] g) {
        long[] s = convSizes(g);
        NchwKernels.convBackwardWeights(mem(x, s[0]), mem(gy, s[2]), mem(gw, s[1]), mem(gb, s[3]), g);
    }

    @Override
    protected boolean poolSupported(org.pydl4j.nd.backend.ConvParams p) { return CpuBackend.oneDnnPools(p); }

    @Override
    protected void kPool(boolean max, long x, long y, int[] g) {
        long[] s = convSizes(g);
        CpuNative.poolForward(max, mem(x, s[0]), mem(y, s[2]), g);
    }

    @Override
    protected void kPoolBackward(boolean max, long x, long gy, long gx, int[] g) {
        long[] s = convSizes(g);
        CpuNative.poolBackward(max, mem(x, s[0]), mem(gy, s[2]), mem(gx, s[0]), g);
    }

    @Override
    protected void kBatchNorm(boolean training, long x, long gamma, long beta, long mean, long var, long y, int n, int c, int spatial, float eps) {
        long all = (long) n * c * spatial;
        NchwKernels.batchNormForward(training, mem(x, all), mem(gamma, c), mem(beta, c), mem(mean, c), mem(var, c), mem(y, all), n, c, spatial, eps);
    }

    @Override
    protected void kBatchNormBackward(long x, long gy, long gamma, long mean, long var, long gx, long gGamma, long gBeta,
                                      int n, int c, int spatial, float eps) {
        long all = (long) n * c * spatial;
        NchwKernels.batchNormBackward(mem(x, all), mem(gy, all), mem(gamma, c), mem(mean, c), mem(var, c), mem(gx, all),
                mem(gGamma, c), mem(gBeta, c), n, c, spatial, eps);
    }

    @Override
    protected void kActivation(int code, long x, long y, int length) { CpuNative.eltwiseForward(code, mem(x, length), mem(y, length), length); }

    @Override
    protected void kActivationBackward(int code, long x, long y, long gy, long gx, int length) {
        CpuNative.eltwiseBackward(code, mem(x, length), mem(y, length), mem(gy, length), mem(gx, length), length);
    }

    @Override
    protected void kSoftmax(long x, long y, int rows, int cols) {
        CpuNative.softmaxForward(mem(x, (long) rows * cols), mem(y, (long) rows * cols), rows, cols);
    }

    @Override
    protected void kSoftmaxBackward(long y, long gy, long gx, int rows, int cols) {
        long n = (long) rows * cols;
        CpuNative.softmaxBackward(mem(y, n), mem(gy, n), mem(gx, n), rows, cols);
    }

    // The elementwise kernels, as the CUDA kernels compute them (float arithmetic).

    @Override
    protected void kAdd(long a, long b, long y, int rows, int cols, boolean rowBroadcast) {
        long n = (long) rows * cols;
        FloatBuffer fa = floats(a, n), fb = floats(b, rowBroadcast ? cols : n), fy = floats(y, n);
        for (int i = 0; i < n; i++) fy.put(i, fa.get(i) + fb.get(rowBroadcast ? i % cols : i));
    }

    @Override
    protected void kCopy(long src, long dst, long bytes) { mem(dst, bytes / 4).put(mem(src, bytes / 4)); }

    @Override
    protected void kAxpy(float alpha, long x, long y, int length) {
        FloatBuffer fx = floats(x, length), fy = floats(y, length);
        for (int i = 0; i < length; i++) fy.put(i, fy.get(i) + alpha * fx.get(i));
    }

    @Override
    protected void kScale(long x, float factor, int length) {
        FloatBuffer fx = floats(x, length);
        for (int i = 0; i < length; i++) fx.put(i, fx.get(i) * factor);
    }

    @Override
    protected void kFill(long x, float value, int length) {
        FloatBuffer fx = floats(x, length);
        for (int i = 0; i < length; i++) fx.put(i, value);
    }

    @Override
    protected void kAdamStep(long g, long m, long v, int length, float b1, float b2, float eps, float alphat) {
        FloatBuffer fg = floats(g, length), fm = floats(m, length), fv = floats(v, length);
        for (int i = 0; i < length; i++) {
            float gi = fg.get(i), mi = b1 * fm.get(i) + (1 - b1) * gi, vi = b2 * fv.get(i) + (1 - b2) * gi * gi;
            fm.put(i, mi);
            fv.put(i, vi);
            fg.put(i, alphat * mi / ((float) Math.sqrt(vi) + eps));
        }
    }

    @Override
    protected void kNesterovsStep(long g, long v, int length, float mu, float lr) {
        FloatBuffer fg = floats(g, length), fv = floats(v, length);
        for (int i = 0; i < length; i++) {
            float vPrev = fv.get(i), vNew = mu * vPrev - lr * fg.get(i);
            fv.put(i, vNew);
            fg.put(i, mu * vPrev - (1 + mu) * vNew);
        }
    }
}
