// Max / average (padding excluded) pooling. cuDNN pooling takes symmetric padding and no dilation; everything
// else (TF-SAME asymmetric padding, dilated windows, windows lying entirely in padding) runs on our own kernels
// (kernels.cu), which follow the reference semantics: first maximum, padding excluded from the average.
#include "common.h"

namespace pydl4j_cuda {
namespace {

bool cudnn_can_pool(const Geometry& g) {
    return g.symmetric_padding() && g.dh == 1 && g.dw == 1 && g.pt < g.kh && g.pl < g.kw;
}

// Descriptors for one cuDNN pooling call; output dims are checked against the Java geometry.
struct CudnnPool {
    PoolDesc pool;
    TensorDesc x, y;
    CudnnPool(const Geometry& g, bool max, bool backward) {
        cudnnPoolingMode_t mode = max ? (backward ? CUDNN_POOLING_MAX_DETERMINISTIC : CUDNN_POOLING_MAX)
                                      : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
        CK(cudnnSetPooling2dDescriptor, pool.d, mode, CUDNN_NOT_PROPAGATE_NAN, g.kh, g.kw, g.pt, g.pl, g.sh, g.sw);
        x.set(g.n, g.c, g.h, g.w);
        y.set(g.n, g.c, g.oh, g.ow);
        int n, c, h, w;
        CK(cudnnGetPooling2dForwardOutputDim, pool.d, x.d, &n, &c, &h, &w);
        if (n != g.n || c != g.c || h != g.oh || w != g.ow) {
            throw NativeError("cuDNN pooling output [" + std::to_string(h) + "x" + std::to_string(w)
                              + "] differs from the expected one for geometry " + g.key());
        }
    }
};

size_t out_count(const Geometry& g) { return size_t(g.n) * g.c * g.oh * g.ow; }

void pool_forward(Context& ctx, const Geometry& g, bool max, const float* x, float* y) {
    if (cudnn_can_pool(g)) {
        CudnnPool d(g, max, false);
        const float one = 1.f, zero = 0.f;
        CK(cudnnPoolingForward, ctx.cudnn, d.pool.d, &one, d.x.d, x, &zero, d.y.d, y);
    } else {
        launch_pool_forward(ctx.stream, max, x, y, g);
    }
}

void pool_backward(Context& ctx, const Geometry& g, bool max, const float* x, const float* gy, float* gx) {
    if (cudnn_can_pool(g)) {
        CudnnPool d(g, max, true);
        const float one = 1.f, zero = 0.f;
        // cuDNN's backward wants the forward output y as well, which the caller does not pass: recompute it.
        DeviceBuffer y(ctx.alloc, out_count(g) * sizeof(float));
        CK(cudnnPoolingForward, ctx.cudnn, d.pool.d, &one, d.x.d, x, &zero, d.y.d, y.get());
        CK(cudnnPoolingBackward, ctx.cudnn, d.pool.d, &one, d.y.d, y.get(), d.y.d, gy, d.x.d, x, &zero, d.x.d, gx);
    } else {
        launch_pool_backward(ctx.stream, max, x, gy, gx, g);
    }
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_poolForward(
        JNIEnv* env, jclass, jlong handle, jboolean max, jlong x, jlong y, jintArray geometry) {
    with_context(env, handle, "pool2d", [&](Context& ctx) {
        pool_forward(ctx, read_geometry(env, geometry), max, device_ptr(x, "input"), device_ptr(y, "output"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_poolBackward(
        JNIEnv* env, jclass, jlong handle, jboolean max, jlong x, jlong gy, jlong gx, jintArray geometry) {
    with_context(env, handle, "pool2dBackward", [&](Context& ctx) {
        pool_backward(ctx, read_geometry(env, geometry), max, device_ptr(x, "input"), device_ptr(gy, "gradOut"),
                      device_ptr(gx, "gradInput"));
    });
}

}  // extern "C"
