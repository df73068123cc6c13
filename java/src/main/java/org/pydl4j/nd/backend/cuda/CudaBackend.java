package org.pydl4j.nd.backend.cuda;

import java.io.File;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.pydl4j.nd.Device;
import org.pydl4j.nd.backend.BatchNormShape;
import org.pydl4j.nd.backend.DeviceBackend;
import org.pydl4j.nd.backend.NativeLoader;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * cuDNN (convolution forward/backward with per-shape algorithm search, pooling, batch norm, activations, softmax),
 * cuBLAS (gemm) and our own kernels (elementwise additions, updater steps) through JNI ({@code libpydl4j_cuda.so},
 * sources in java/src/main/native/cuda), for FLOAT arrays. DOUBLE arrays (gradient checks) and empty arrays go to
 * the {@link ReferenceBackend}, as in the cpu backend. Every shape is checked in Java before the native call.
 *
 * <p>Arrays live on the GPU: an array gets a device copy the first time an op here uses it, and keeps it; results
 * are written on the device only, and reach host memory when host code reads them (see {@link Device} and
 * {@link DeviceBackend}). So a forward pass uploads its input and, once, the parameters, and downloads only what
 * the caller reads. Ops are queued on one CUDA stream per backend and do not wait for the GPU; reading a result
 * waits. Device memory comes from a caching allocator (size-bucketed free lists): steady-state ops do not call
 * cudaMalloc. Each instance owns one stream, one cuDNN and one cuBLAS handle.
 *
 * <p>Math is full FP32 by default (cuDNN FMA math, cuBLAS default math). {@code -Dpydl4j.cuda.tf32=true} permits
 * TF32 tensor cores (faster, ~1e-3 relative error). {@code -Dpydl4j.cuda.device=N} picks the device (default 0).
 *
 * <p>Libraries: libpydl4j_cuda.so links the CUDA runtime statically and needs {@code libcudnn.so.9} and
 * {@code libcublas.so.13} (with libcublasLt.so.13), found through the run path baked in at build time (the
 * build/cuda-deps directories of install-deps.sh), the system library path, or the directories listed in
 * {@code -Dpydl4j.cuda.libdir} / {@code PYDL4J_CUDA_LIBDIR} (path-separated), which are loaded first. At run
 * time an NVIDIA driver for CUDA 13 (libcuda.so.1) and a GPU must be visible.
 */
public final class CudaBackend extends DeviceBackend {
    private static final String LIBRARY = "pydl4j_cuda";
    /** Loaded in this order from the user's directories: each one's dependencies come before it. */
    private static final String[] DEPENDENCIES = {"libcublasLt.so.13", "libcublas.so.13", "libcudnn.so.9"};
    private static final Cleaner CLEANER = Cleaner.create();

    private final String version;
    private final String deviceName;
    private final Handle handle;

    /** The native context, destroyed by {@link #close()} or once neither the backend nor any device copy can be reached. */
    private static final class Handle implements Runnable {
        private volatile long ctx;

        Handle(long ctx) { this.ctx = ctx; }

        long get() {
            long c = ctx;
            if (c == 0) throw new IllegalStateException("cuda backend is closed");
            return c;
        }

        @Override
        public synchronized void run() {
            long c = ctx;
            ctx = 0;
            if (c != 0) CudaNative.destroy(c);
        }
    }

    /** The device memory of one context: the context's caching allocator and stream. */
    private static final class CudaDevice extends Device {
        private final Handle handle;
        private final String name;

        CudaDevice(Handle handle, String name) {
            this.handle = handle;
            this.name = name;
        }

        @Override protected long malloc(long bytes) { return CudaNative.malloc(handle.get(), bytes); }

        @Override protected void mfree(long address) {
            synchronized (handle) {   // not while another thread destroys the context
                if (handle.ctx != 0) CudaNative.free(handle.ctx, address);   // after that, destroy freed everything
            }
        }

        @Override protected void copyToDevice(ByteBuffer host, long address, long bytes) { CudaNative.upload(handle.get(), host, address, bytes); }

        @Override protected void copyToHost(long address, ByteBuffer host, long bytes) { CudaNative.download(handle.get(), address, host, bytes); }

        @Override public String describe() { return name; }
    }

    /** A loaded library and a context on the selected device, made before the backend (its Device needs both). */
    private static final class Opened {
        final String version, deviceName;
        final Handle handle;

        Opened(String version, String deviceName, Handle handle) {
            this.version = version;
            this.deviceName = deviceName;
            this.handle = handle;
        }
    }

    /**
     * Loads libpydl4j_cuda.so and creates a context on the selected device. Throws IllegalStateException
     * "no CUDA device visible: ..." when there is no driver or GPU, and one naming the missing library when
     * libpydl4j_cuda.so, cuDNN or cuBLAS cannot load.
     */
    public CudaBackend() { this(open()); }

    private CudaBackend(Opened o) {
        super(new CudaDevice(o.handle, "cuda device " + o.deviceName));
        version = o.version;
        deviceName = o.deviceName;
        handle = o.handle;
        // The context lives as long as its device memory can be reached: arrays with a device copy keep it (through
        // their copy's Device) even after this backend object is dropped.
        CLEANER.register(device, handle);
    }

    private static Opened open() {
        loadLibraries();
        String version;
        try {
            version = CudaNative.version();
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("libpydl4j_cuda.so loaded but lacks its entry points: " + e.getMessage(), e);
        }
        int count;
        try {
            count = CudaNative.deviceCount();
        } catch (IllegalStateException e) {
            String why = e.getMessage().replaceFirst("^cuda backend deviceCount: ", "");
            throw new IllegalStateException("no CUDA device visible: " + why + " [" + version + "]", e);
        }
        if (count < 1) throw new IllegalStateException("no CUDA device visible: cudaGetDeviceCount found 0 devices [" + version + "]");
        int device = Integer.getInteger("pydl4j.cuda.device", 0);
        if (device < 0 || device >= count) {
            throw new IllegalStateException("pydl4j.cuda.device=" + device + " but only " + count + " CUDA device(s) are visible");
        }
        String name = CudaNative.deviceName(device);
        return new Opened(version, name, new Handle(CudaNative.create(device, Boolean.getBoolean("pydl4j.cuda.tf32"))));
    }

    private static void loadLibraries() {
        String dirs = System.getProperty("pydl4j.cuda.libdir");
        if (dirs == null || dirs.isEmpty()) dirs = System.getenv("PYDL4J_CUDA_LIBDIR");
        if (dirs != null && !dirs.isEmpty()) {
            List<String> missing = new ArrayList<>();
            for (String lib : DEPENDENCIES) {
                File found = null;
                for (String d : dirs.split(File.pathSeparator)) {
                    File f = new File(d, lib);
                    if (f.isFile()) { found = f; break; }
                }
                if (found == null) { missing.add(lib); continue; }
                try {
                    System.load(found.getAbsolutePath());
                } catch (UnsatisfiedLinkError e) {
                    throw new IllegalStateException("cuda backend: cannot load " + found + ": " + e.getMessage(), e);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("cuda backend: " + missing + " not found in pydl4j.cuda.libdir/PYDL4J_CUDA_LIBDIR=" + dirs);
            }
        }
        try {
            NativeLoader.load(LIBRARY);
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("cuda backend: cannot load libpydl4j_cuda.so (it needs libcudnn.so.9 and libcublas.so.13:"
                    + " run java/src/main/native/cuda/install-deps.sh before building, or point -Dpydl4j.cuda.libdir at them): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String name() { return "cuda"; }

    /** The cuDNN, cuBLAS, CUDA runtime and driver versions in use. */
    public String nativeVersion() { return version; }

    /** The device this backend runs on, e.g. "NVIDIA H100 80GB HBM3 (sm_90, 81079 MiB)". */
    public String deviceName() { return deviceName; }

    /** {device bytes in use, bytes cached in the allocator's free lists, cudaMalloc calls so far, cached conv plans}. */
    public long[] allocatorStats() { return CudaNative.allocatorStats(handle.get()); }

    /**
     * Copies every array whose newest values are on the GPU back to host memory, then frees the stream, handles and
     * all device memory; the arrays stay usable on other backends, later ops here throw IllegalStateException.
     */
    public void close() {
        if (handle.ctx == 0) return;
        device.close();
        handle.run();
    }

    /** Waits for every op queued so far; reports an asynchronous GPU fault of an earlier op. */
    public void synchronize() { CudaNative.synchronize(handle.get()); }

    // ---------------------------------------------------------------- kernels on device addresses (DeviceBackend does the rest)

    @Override
    protected void kGemm(long a, boolean transA, long b, boolean transB, long c, int m, int n, int k, float alpha, float beta) {
        CudaNative.gemm(handle.get(), a, transA, b, transB, c, m, n, k, alpha, beta);
    }

    @Override
    protected void kConv(long x, long w, long bias, long y, int[] geometry) { CudaNative.convForward(handle.get(), x, w, bias, y, geometry); }

    @Override
    protected void kConvBackwardData(long gy, long w, long gx, int[] geometry) { CudaNative.convBackwardData(handle.get(), gy, w, gx, geometry); }

    @Override
    protected void kConvBackwardWeights(long x, long gy, long gw, long gb, int[] geometry) {
        CudaNative.convBackwardWeights(handle.get(), x, gy, gw, gb, geometry);
    }

    @Override
    protected void kPool(boolean max, long x, long y, int[] geometry) { CudaNative.poolForward(handle.get(), max, x, y, geometry); }

    @Override
    protected void kPoolBackward(boolean max, long x, long gy, long gx, int[] geometry) {
        CudaNative.poolBackward(handle.get(), max, x, gy, gx, geometry);
    }

    /** m == 1: one value per channel, variance 0; cuDNN's unbiased running variance would divide by m - 1 = 0. */
    @Override
    protected boolean batchNormTrainingSupported(BatchNormShape d) { return d.m > 1 && d.c > 0; }

    @Override
    protected void kBatchNorm(boolean training, long x, long gamma, long beta, long mean, long var, long y, int n, int c, int spatial, float eps) {
        CudaNative.batchNormForward(handle.get(), training, x, gamma, beta, mean, var, y, n, c, spatial, eps);
    }

    @Override
    protected void kBatchNormBackward(long x, long gy, long gamma, long mean, long var, long gx, long gGamma, long gBeta,
                                      int n, int c, int spatial, float eps) {
        CudaNative.batchNormBackward(handle.get(), x, gy, gamma, mean, var, gx, gGamma, gBeta, n, c, spatial, eps);
    }

    @Override
    protected void kActivation(int code, long x, long y, int length) { CudaNative.activationForward(handle.get(), code, x, y, length); }

    @Override
    protected void kActivationBackward(int code, long x, long y, long gy, long gx, int length) {
        CudaNative.activationBackward(handle.get(), code, x, y, gy, gx, length);
    }

    @Override
    protected void kSoftmax(long x, long y, int rows, int cols) { CudaNative.softmaxForward(handle.get(), x, y, rows, cols); }

    @Override
    protected void kSoftmaxBackward(long y, long gy, long gx, int rows, int cols) { CudaNative.softmaxBackward(handle.get(), y, gy, gx, rows, cols); }

    @Override
    protected void kAdd(long a, long b, long y, int rows, int cols, boolean rowBroadcast) {
        CudaNative.add(handle.get(), a, b, y, rows, cols, rowBroadcast);
    }

    @Override
    protected void kCopy(long src, long dst, long bytes) { CudaNative.copy(handle.get(), src, dst, bytes); }

    @Override
    protected void kAxpy(float alpha, long x, long y, int length) { CudaNative.axpy(handle.get(), alpha, x, y, length); }

    @Override
    protected void kScale(long x, float factor, int length) { CudaNative.scale(handle.get(), x, factor, length); }

    @Override
    protected void kFill(long x, float value, int length) { CudaNative.fill(handle.get(), x, value, length); }

    @Override
    protected void kAdamStep(long g, long m, long v, int length, float b1, float b2, float eps, float alphat) {
        CudaNative.adamStep(handle.get(), g, m, v, length, b1, b2, eps, alphat);
    }

    @Override
    protected void kNesterovsStep(long g, long v, int length, float mu, float lr) { CudaNative.nesterovsStep(handle.get(), g, v, length, mu, lr); }
}
