package org.pydl4j.nd.backend.cuda;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of libpydl4j_cuda.so (sources in java/src/main/native/cuda). {@code ctx} is the native
 * context of one {@link CudaBackend} (device, stream, cuDNN/cuBLAS handles, caching allocator, algorithm cache).
 *
 * <p>Arrays live on the device: every {@code long} argument named like a tensor is a device address from
 * {@link #malloc} (plus a byte offset); 0 means "none" where an argument is optional (bias). Host memory is touched
 * only by {@link #upload} and {@link #download}. Ops are enqueued on the context's stream and return without
 * waiting; {@link #download} and {@link #synchronize} wait, and report a fault of an earlier kernel. Callers have
 * already checked every shape. Every CUDA, cuDNN or cuBLAS failure arrives as an IllegalStateException
 * "cuda backend OP: API: error".
 */
final class CudaNative {
    private CudaNative() {}

    // Activation arguments are org.pydl4j.nd.backend.NativeActivation codes.

    /** cuDNN, cuBLAS, CUDA runtime and driver versions; needs no GPU. */
    static native String version();

    /** Number of visible CUDA devices; throws IllegalStateException with the CUDA error when there is no driver. */
    static native int deviceCount();

    static native String deviceName(int device);

    /** Creates a context on the device; tf32 permits TF32 tensor-core math in cuDNN and cuBLAS. */
    static native long create(int device, boolean tf32);

    /** Waits for the stream, then frees every device block (in use or cached), the handles and the stream. */
    static native void destroy(long ctx);

    /** {bytes in use, bytes cached in the free lists, cudaMalloc calls so far, cached convolution plans}. */
    static native long[] allocatorStats(long ctx);

    // ---------------------------------------------------------------- memory

    /**
     * A device block of at least bytes bytes (bytes > 0) from the caching allocator, 256-byte aligned. When the device
     * is full the cache is emptied and the allocation retried once; then IllegalStateException
     * "cuda backend malloc: cudaMalloc: cudaErrorMemoryAllocation: ..." naming the request and the bytes in use.
     */
    static native long malloc(long ctx, long bytes);

    /** Returns a block to the cache (stream-ordered reuse, no synchronization). Safe from any Java thread. */
    static native void free(long ctx, long address);

    /** Copies bytes bytes from the start of a direct host buffer to the device address (stream-ordered). */
    static native void upload(long ctx, ByteBuffer host, long device, long bytes);

    /** Copies bytes bytes from the device address to the start of a direct host buffer and waits for them. */
    static native void download(long ctx, long device, ByteBuffer host, long bytes);

    /** Copies bytes bytes from one device address to another (stream-ordered; the ranges do not overlap). */
    static native void copy(long ctx, long src, long dst, long bytes);

    /** Waits for everything enqueued so far; reports an asynchronous fault of an earlier kernel. */
    static native void synchronize(long ctx);

    // ---------------------------------------------------------------- ops (device addresses)

    /** Row-major c = alpha * op(a) * op(b) + beta * c; c is [m, n], op(a) [m, k], op(b) [k, n]. */
    static native void gemm(long ctx, long a, boolean transA, long b, boolean transB, long c, int m, int n, int k, float alpha, float beta);

    /** geometry = {N, C, H, W, O, OH, OW, kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups}. */
    static native void convForward(long ctx, long x, long w, long bias, long y, int[] geometry);

    static native void convBackwardData(long ctx, long gy, long w, long gx, int[] geometry);

    /** gb may be 0 (no bias). */
    static native void convBackwardWeights(long ctx, long x, long gy, long gw, long gb, int[] geometry);

    static native void poolForward(long ctx, boolean max, long x, long y, int[] geometry);

    static native void poolBackward(long ctx, boolean max, long x, long gy, long gx, int[] geometry);

    /** training: mean and var are written (batch statistics, biased variance); otherwise they are read. */
    static native void batchNormForward(long ctx, boolean training, long x, long gamma, long beta, long mean, long var, long y,
                                        int n, int c, int spatial, float eps);

    static native void batchNormBackward(long ctx, long x, long gy, long gamma, long mean, long var, long gx, long gGamma, long gBeta,
                                         int n, int c, int spatial, float eps);

    static native void activationForward(long ctx, int kind, long x, long y, int length);

    static native void activationBackward(long ctx, int kind, long x, long y, long gy, long gx, int length);

    static native void softmaxForward(long ctx, long x, long y, int rows, int cols);

    static native void softmaxBackward(long ctx, long y, long gy, long gx, int rows, int cols);

    // ---------------------------------------------------------------- elementwise and updater kernels

    /** y = a + b over rows x cols floats; b is [rows * cols], or [cols] added to every row when rowBroadcast. y may be a. */
    static native void add(long ctx, long a, long b, long y, int rows, int cols, boolean rowBroadcast);

    /** y += alpha * x over length floats. */
    static native void axpy(long ctx, float alpha, long x, long y, int length);

    /** x *= factor over length floats. */
    static native void scale(long ctx, long x, float factor, int length);

    /** x = value over length floats. */
    static native void fill(long ctx, long x, float value, int length);

    /** Adam in place: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; g = alphat m / (sqrt(v) + eps). */
    static native void adamStep(long ctx, long g, long m, long v, int length, float b1, float b2, float eps, float alphat);

    /** Nesterov momentum in place: v' = mu v - lr g; g = mu v - (1 + mu) v'; v = v'. */
    static native void nesterovsStep(long ctx, long g, long v, int length, float mu, float lr);
}
