package org.pydl4j.nd.backend.cuda;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of libpydl4j_cuda.so (sources in java/src/main/native/cuda). {@code ctx} is the native
 * context of one {@link CudaBackend} (device, stream, cuDNN/cuBLAS handles, caching allocator, algorithm cache).
 * Buffers are direct FLOAT host buffers; callers have already checked every shape. Every CUDA, cuDNN or cuBLAS
 * failure arrives as an IllegalStateException "cuda backend OP: API: error".
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

    static native void destroy(long ctx);

    /** {bytes in use, bytes cached in the free lists, cudaMalloc calls so far, cached convolution plans}. */
    static native long[] allocatorStats(long ctx);

    static native void gemm(long ctx, ByteBuffer a, boolean transA, ByteBuffer b, boolean transB, ByteBuffer c,
                            int m, int n, int k, float alpha, float beta);

    /** geometry = {N, C, H, W, O, OH, OW, kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups}. */
    static native void convForward(long ctx, ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int[] geometry);

    static native void convBackwardData(long ctx, ByteBuffer gy, ByteBuffer w, ByteBuffer gx, int[] geometry);

    static native void convBackwardWeights(long ctx, ByteBuffer x, ByteBuffer gy, ByteBuffer gw, ByteBuffer gb, int[] geometry);

    static native void poolForward(long ctx, boolean max, ByteBuffer x, ByteBuffer y, int[] geometry);

    static native void poolBackward(long ctx, boolean max, ByteBuffer x, ByteBuffer gy, ByteBuffer gx, int[] geometry);

    /** training: mean and var are written (batch statistics, biased variance); otherwise they are read. */
    static native void batchNormForward(long ctx, boolean training, ByteBuffer x, ByteBuffer gamma, ByteBuffer beta,
                                        ByteBuffer mean, ByteBuffer var, ByteBuffer y, int n, int c, int spatial, float eps);

    static native void batchNormBackward(long ctx, ByteBuffer x, ByteBuffer gy, ByteBuffer gamma, ByteBuffer mean, ByteBuffer var,
                                         ByteBuffer gx, ByteBuffer gGamma, ByteBuffer gBeta, int n, int c, int spatial, float eps);

    static native void activationForward(long ctx, int kind, ByteBuffer x, ByteBuffer y, int length);

    static native void activationBackward(long ctx, int kind, ByteBuffer x, ByteBuffer y, ByteBuffer gy, ByteBuffer gx, int length);

    static native void softmaxForward(long ctx, ByteBuffer x, ByteBuffer y, int rows, int cols);

    static native void softmaxBackward(long ctx, ByteBuffer y, ByteBuffer gy, ByteBuffer gx, int rows, int cols);
}
