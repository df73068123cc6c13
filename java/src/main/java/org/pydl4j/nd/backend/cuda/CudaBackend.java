package org.pydl4j.nd.backend.cuda;

import java.io.File;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.pydl4j.nd.backend.NativeLoader;
import org.pydl4j.nd.backend.PoolingType;
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
public final class CudaBackend implements Backend {
    private static final String LIBRARY = "pydl4j_cuda";
    /** Loaded in this order from the user's directories: each one's dependencies come before it. */
    private static final String[] DEPENDENCIES = {"libcublasLt.so.13", "libcublas.so.13", "libcudnn.so.9"};
    private static final Cleaner CLEANER = Cleaner.create();

    private final ReferenceBackend reference = new ReferenceBackend();
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
        CudaNative.gemm(handle.get(), a.buffer(), transA, b.buffer(), transB, c.buffer(), (int) m, (int) n, (int) k,
                (float) alpha, (float) beta);
    }

    // ---------------------------------------------------------------- convolution

    /** The int[] geometry of CudaNative (common.h read_geometry). */
    private static int[] geometry(ConvGeometry g, ConvParams p, int groups) {
        return new int[]{g.n, g.inC, g.inH, g.inW, g.outC, g.outH, g.outW, p.kH, p.kW, p.sH, p.sW,
                p.padTop, p.padLeft, p.padBottom, p.padRight, p.dH, p.dW, groups};
    }

    @Override
    public INDArray conv2d(INDArray input, INDArray weight, INDArray bias, ConvParams p) {
        ConvGeometry g = Checks.conv2d("conv2d", input, weight, bias, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return reference.conv2d(input, weight, bias, p);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CudaNative.convForward(handle.get(), input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), out.buffer(),
                geometry(g, p, p.groups));
        return out;
    }

    @Override
    public INDArray conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardData(gradOut, weight, inputShape, p);
        if (!isFloat(gradOut) || Checks.empty(inputShape) || Checks.empty(g.outShape())) {
            return reference.conv2dBackwardData(gradOut, weight, inputShape, p);
        }
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, inputShape.clone());
        CudaNative.convBackwardData(handle.get(), gradOut.buffer(), weight.buffer(), gx.buffer(), geometry(g, p, p.groups));
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
        CudaNative.convBackwardWeights(handle.get(), input.buffer(), gradOut.buffer(), gw.buffer(), gb == null ? null : gb.buffer(),
                geometry(g, p, p.groups));
        return new INDArray[]{gw, gb};
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public INDArray pool2d(INDArray input, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2d", input, null, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return reference.pool2d(input, type, p);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.outShape());
        CudaNative.poolForward(handle.get(), type == PoolingType.MAX, input.buffer(), out.buffer(), geometry(g, p, 1));
        return out;
    }

    @Override
    public INDArray pool2dBackward(INDArray input, INDArray gradOut, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2dBackward", input, gradOut, type, p);
        if (!isFloat(input) || Checks.empty(input.shape()) || Checks.empty(g.outShape())) return reference.pool2dBackward(input, gradOut, type, p);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        CudaNative.poolBackward(handle.get(), type == PoolingType.MAX, input.buffer(), gradOut.buffer(), gx.buffer(), geometry(g, p, 1));
        return gx;
    }

    // ---------------------------------------------------------------- batch normalization

    @Override
    public INDArray[] batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps) {
        BatchNormShape d = Checks.batchNormTraining(input, gamma, beta, eps);
        // m == 1: one value per channel, variance 0; cuDNN's unbiased running variance would divide by m - 1 = 0.
        if (!isFloat(input) || d.m <= 1 || d.c == 0) return reference.batchNormTraining(input, gamma, beta, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, d.c), var = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        CudaNative.batchNormForward(handle.get(), true, input.buffer(), gamma.buffer(), beta.buffer(), mean.buffer(), var.buffer(),
                y.buffer(), d.n, d.c, d.s, (float) eps);
        return new INDArray[]{y, mean, var};
    }

    @Override
    public INDArray batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormInference(input, gamma, beta, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormInference(input, gamma, beta, mean, var, eps);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        CudaNative.batchNormForward(handle.get(), false, input.buffer(), gamma.buffer(), beta.buffer(), mean.buffer(), var.buffer(),
                y.buffer(), d.n, d.c, d.s, (float) eps);
        return y;
    }

    @Override
    public INDArray[] batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        if (!isFloat(input) || d.m == 0 || d.c == 0) return reference.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        INDArray gGamma = Nd4j.createUninitialized(DataType.FLOAT, d.c), gBeta = Nd4j.createUninitialized(DataType.FLOAT, d.c);
        CudaNative.batchNormBackward(handle.get(), input.buffer(), gradOut.buffer(), gamma.buffer(), mean.buffer(), var.buffer(),
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
            CudaNative.softmaxForward(handle.get(), x.buffer(), y.buffer(), (int) x.size(0), (int) x.size(1));
        } else {
            CudaNative.activationForward(handle.get(), NativeActivation.code(f), x.buffer(), y.buffer(), (int) x.length());
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
            CudaNative.softmaxBackward(handle.get(), y.buffer(), gradOut.buffer(), gx.buffer(), (int) x.size(0), (int) x.size(1));
        } else {
            CudaNative.activationBackward(handle.get(), NativeActivation.code(f), x.buffer(), y.buffer(), gradOut.buffer(), gx.buffer(), (int) x.length());
        }
        return gx;
    }
}
