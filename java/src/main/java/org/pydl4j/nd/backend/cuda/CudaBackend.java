package org.pydl4j.nd.backend.cuda;

import java.io.File;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.backend.BatchNormShape;
import org.pydl4j.nd.backend.Checks;
import org.pydl4j.nd.backend.ConvGeometry;
import org.pydl4j.nd.backend.JniBackend;
import org.pydl4j.nd.backend.NativeLoader;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * cuDNN (convolution forward/backward with per-shape algorithm search, pooling, batch norm, activations, softmax)
 * and cuBLAS (gemm) through JNI ({@code libpydl4j_cuda.so}, sources in java/src/main/native/cuda), for FLOAT
 * arrays. DOUBLE arrays (gradient checks) and empty arrays go to the {@link ReferenceBackend}, as in the cpu
 * backend. Every shape is checked here, with {@link ConvGeometry}/{@link Checks}, before the native call.
 *
 * <p><b>Scope of this first version:</b> {@link INDArray} lives in host (direct, off-heap) memory, so every op
 * copies its inputs host to device and its results device to host, and waits for the GPU before returning.
 * Device memory comes from a caching allocator (size-bucketed free lists), so steady-state ops do not call
 * cudaMalloc; each instance owns one CUDA stream, one cuDNN and one cuBLAS handle. Device-resident arrays (keeping
 * activations and weights on the GPU between ops) are not implemented yet; until then the PCIe copies dominate
 * small ops.
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
public final class CudaBackend extends JniBackend {
    private static final String LIBRARY = "pydl4j_cuda";
    /** Loaded in this order from the user's directories: each one's dependencies come before it. */
    private static final String[] DEPENDENCIES = {"libcublasLt.so.13", "libcublas.so.13", "libcudnn.so.9"};
    private static final Cleaner CLEANER = Cleaner.create();

    private final String version;
    private final String deviceName;
    private final Handle handle;

    /** The native context, destroyed by {@link #close()} or when the backend becomes unreachable. */
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

    /**
     * Loads libpydl4j_cuda.so and creates a context on the selected device. Throws IllegalStateException
     * "no CUDA device visible: ..." when there is no driver or GPU, and one naming the missing library when
     * libpydl4j_cuda.so, cuDNN or cuBLAS cannot load.
     */
    public CudaBackend() {
        loadLibraries();
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
        deviceName = CudaNative.deviceName(device);
        handle = new Handle(CudaNative.create(device, Boolean.getBoolean("pydl4j.cuda.tf32")));
        CLEANER.register(this, handle);
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

    /** Frees the stream, handles and cached device memory now; later calls throw IllegalStateException. */
    public void close() { handle.run(); }

    // ---------------------------------------------------------------- kernels (JniBackend does checks and fallbacks)

    @Override
    protected void nativeGemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, int m, int n, int k, float alpha, float beta) {
        CudaNative.gemm(handle.get(), a.buffer(), transA, b.buffer(), transB, c.buffer(), m, n, k, alpha, beta);
    }

    @Override
    protected void nativeConv(INDArray input, INDArray weight, INDArray bias, INDArray out, int[] geometry) {
        CudaNative.convForward(handle.get(), input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), out.buffer(), geometry);
    }

    @Override
    protected void nativeConvBackwardData(INDArray gradOut, INDArray weight, INDArray gradIn, int[] geometry) {
        CudaNative.convBackwardData(handle.get(), gradOut.buffer(), weight.buffer(), gradIn.buffer(), geometry);
    }

    @Override
    protected void nativeConvBackwardWeights(INDArray input, INDArray gradOut, INDArray gradW, INDArray gradB, int[] geometry) {
        CudaNative.convBackwardWeights(handle.get(), input.buffer(), gradOut.buffer(), gradW.buffer(),
                gradB == null ? null : gradB.buffer(), geometry);
    }

    @Override
    protected void nativePool(boolean max, INDArray input, INDArray out, int[] geometry) {
        CudaNative.poolForward(handle.get(), max, input.buffer(), out.buffer(), geometry);
    }

    @Override
    protected void nativePoolBackward(boolean max, INDArray input, INDArray gradOut, INDArray gradIn, int[] geometry) {
        CudaNative.poolBackward(handle.get(), max, input.buffer(), gradOut.buffer(), gradIn.buffer(), geometry);
    }

    /** m == 1: one value per channel, variance 0; cuDNN's unbiased running variance would divide by m - 1 = 0. */
    @Override
    protected boolean batchNormTrainingSupported(BatchNormShape d) { return d.m > 1 && d.c > 0; }

    @Override
    protected void nativeBatchNorm(boolean training, INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var,
                                   INDArray out, BatchNormShape d, float eps) {
        CudaNative.batchNormForward(handle.get(), training, input.buffer(), gamma.buffer(), beta.buffer(), mean.buffer(), var.buffer(),
                out.buffer(), d.n, d.c, d.s, eps);
    }

    @Override
    protected void nativeBatchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var,
                                           INDArray gradIn, INDArray gradGamma, INDArray gradBeta, BatchNormShape d, float eps) {
        CudaNative.batchNormBackward(handle.get(), input.buffer(), gradOut.buffer(), gamma.buffer(), mean.buffer(), var.buffer(),
                gradIn.buffer(), gradGamma.buffer(), gradBeta.buffer(), d.n, d.c, d.s, eps);
    }

    @Override
    protected void nativeSoftmax(INDArray x, INDArray y, int rows, int cols) {
        CudaNative.softmaxForward(handle.get(), x.buffer(), y.buffer(), rows, cols);
    }

    @Override
    protected void nativeSoftmaxBackward(INDArray y, INDArray gradOut, INDArray gradIn, int rows, int cols) {
        CudaNative.softmaxBackward(handle.get(), y.buffer(), gradOut.buffer(), gradIn.buffer(), rows, cols);
    }

    @Override
    protected void nativeActivation(int code, INDArray x, INDArray y, int length) {
        CudaNative.activationForward(handle.get(), code, x.buffer(), y.buffer(), length);
    }

    @Override
    protected void nativeActivationBackward(int code, INDArray x, INDArray y, INDArray gradOut, INDArray gradIn, int length) {
        CudaNative.activationBackward(handle.get(), code, x.buffer(), y.buffer(), gradOut.buffer(), gradIn.buffer(), length);
    }
}
