// Batch normalization (cuDNN spatial mode), activations (cuDNN relu / clipped relu (RELU6) / sigmoid / tanh, our
// kernel for leaky ReLU, whose cuDNN form does not exist) and softmax along dimension 1 (cuDNN, accurate mode).
// [N,C] and [N,C,H,W] batch norm inputs both arrive as [N,C,S,1] with S = H*W: same memory, same statistics.
#include "common.h"

namespace pydl4j_cuda {
namespace {

struct BnDescs {
    TensorDesc data, channels;
    BnDescs(int n, int c, int s) {
        data.set(n, c, s, 1);
        CK(cudnnDeriveBNTensorDescriptor, channels.d, data.d, CUDNN_BATCHNORM_SPATIAL);
    }
};

// training: mean and var are outputs (batch mean, biased variance); inference: they are inputs.
void bn_forward(Context& ctx, bool training, int n, int c, int s, float eps, const float* x, const float* gamma,
                const float* beta, float* mean, float* var, float* y) {
    BnDescs d(n, c, s);
    const float one = 1.f, zero = 0.f;
    if (training) {
        // With averaging factor 1 the "running" outputs are this batch's mean and its UNBIASED variance (cuDNN
        // applies m/(m-1)); scaled back by (m-1)/m below. Java sends m == 1 to the reference backend.
        // cuDNN blends (1 - factor) * old + factor * batch: zero the outputs first so stale NaNs cannot leak in.
        CK(cudaMemsetAsync, mean, 0, c * sizeof(float), ctx.stream);
        CK(cudaMemsetAsync, var, 0, c * sizeof(float), ctx.stream);
        CK(cudnnBatchNormalizationForwardTraining, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d.data.d, x, d.data.d, y,
           d.channels.d, gamma, beta, 1.0, mean, var, static_cast<double>(eps), nullptr, nullptr);
        size_t m = size_t(n) * s;
        launch_scale(ctx.stream, var, c, static_cast<float>(double(m - 1) / double(m)));
    } else {
        CK(cudnnBatchNormalizationForwardInference, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d.data.d, x, d.data.d, y,
           d.channels.d, gamma, beta, mean, var, static_cast<double>(eps));
    }
}

void bn_backward(Context& ctx, int n, int c, int s, float eps, const float* x, const float* gy, const float* gamma,
                 const float* mean, const float* var, float* gx, float* ggamma, float* gbeta) {
    BnDescs d(n, c, s);
    // cuDNN takes the saved statistics as mean and 1/sqrt(var + eps).
    DeviceBuffer inv_std(ctx.alloc, c * sizeof(float));
    launch_inv_std(ctx.stream, var, inv_std.f(), c, eps);
    const float one = 1.f, zero = 0.f;
    CK(cudnnBatchNormalizationBackward, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero, d.data.d, x, d.data.d, gy,
       d.data.d, gx, d.channels.d, gamma, ggamma, gbeta, static_cast<double>(eps), mean, inv_std.f());
}

using namespace pydl4j_jni;   // ActivationKind codes, shared with the cpu library and NativeActivation.java
constexpr float kLeakySlope = 0.01f;

void set_activation(ActivationDesc& a, int kind) {
    switch (kind) {
        case ACT_RELU: CK(cudnnSetActivationDescriptor, a.d, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0); return;
        case ACT_RELU6: CK(cudnnSetActivationDescriptor, a.d, CUDNN_ACTIVATION_CLIPPED_RELU, CUDNN_NOT_PROPAGATE_NAN, 6.0); return;
        case ACT_SIGMOID: CK(cudnnSetActivationDescriptor, a.d, CUDNN_ACTIVATION_SIGMOID, CUDNN_NOT_PROPAGATE_NAN, 0.0); return;
        case ACT_TANH: CK(cudnnSetActivationDescriptor, a.d, CUDNN_ACTIVATION_TANH, CUDNN_NOT_PROPAGATE_NAN, 0.0); return;
        default: throw NativeError("unknown activation code " + std::to_string(kind));
    }
}

// cuDNN's descriptors of an elementwise activation over len floats (one 1x1xlen tensor).
struct ActivationOp {
    ActivationDesc a;
    TensorDesc t;
    ActivationOp(int kind, int len) {
        set_activation(a, kind);
        t.set(1, 1, 1, len);
    }
};

void act_forward(Context& ctx, int kind, int len, const float* x, float* y) {
    if (kind == ACT_LEAKYRELU) {
        launch_leaky_relu_forward(ctx.stream, x, y, len, kLeakySlope);
        return;
    }
    ActivationOp op(kind, len);
    const float one = 1.f, zero = 0.f;
    CK(cudnnActivationForward, ctx.cudnn, op.a.d, &one, op.t.d, x, &zero, op.t.d, y);
}

void act_backward(Context& ctx, int kind, int len, const float* x, const float* y, const float* gy, float* gx) {
    if (kind == ACT_LEAKYRELU) {
        launch_leaky_relu_backward(ctx.stream, x, gy, gx, len, kLeakySlope);
        return;
    }
    ActivationOp op(kind, len);
    const float one = 1.f, zero = 0.f;
    CK(cudnnActivationBackward, ctx.cudnn, op.a.d, &one, op.t.d, y, op.t.d, gy, op.t.d, x, &zero, op.t.d, gx);
}

// Softmax along dimension 1 of a [rows, cols] matrix: cols is cuDNN's channel dimension.
void softmax_forward(Context& ctx, int rows, int cols, const float* x, float* y) {
    TensorDesc t;
    t.set(rows, cols, 1, 1);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSoftmaxForward, ctx.cudnn, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one, t.d, x, &zero, t.d, y);
}

void softmax_backward(Context& ctx, int rows, int cols, const float* y, const float* gy, float* gx) {
    TensorDesc t;
    t.set(rows, cols, 1, 1);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSoftmaxBackward, ctx.cudnn, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one, t.d, y, t.d, gy, &zero, t.d, gx);
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_batchNormForward(
        JNIEnv* env, jclass, jlong handle, jboolean training, jlong x, jlong gamma, jlong beta, jlong mean, jlong var, jlong y,
        jint n, jint c, jint spatial, jfloat eps) {
    with_context(env, handle, training ? "batchNormTraining" : "batchNormInference", [&](Context& ctx) {
        bn_forward(ctx, training, n, c, spatial, eps, device_ptr(x, "input"), device_ptr(gamma, "gamma"), device_ptr(beta, "beta"),
                   device_ptr(mean, "mean"), device_ptr(var, "var"), device_ptr(y, "output"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_batchNormBackward(
        JNIEnv* env, jclass, jlong handle, jlong x, jlong gy, jlong gamma, jlong mean, jlong var, jlong gx, jlong ggamma,
        jlong gbeta, jint n, jint c, jint spatial, jfloat eps) {
    with_context(env, handle, "batchNormBackward", [&](Context& ctx) {
        bn_backward(ctx, n, c, spatial, eps, device_ptr(x, "input"), device_ptr(gy, "gradOut"), device_ptr(gamma, "gamma"),
                    device_ptr(mean, "mean"), device_ptr(var, "var"), device_ptr(gx, "gradInput"), device_ptr(ggamma, "gradGamma"),
                    device_ptr(gbeta, "gradBeta"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_activationForward(
        JNIEnv* env, jclass, jlong handle, jint kind, jlong x, jlong y, jint length) {
    with_context(env, handle, "activate", [&](Context& ctx) {
        act_forward(ctx, kind, length, device_ptr(x, "input"), device_ptr(y, "output"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_activationBackward(
        JNIEnv* env, jclass, jlong handle, jint kind, jlong x, jlong y, jlong gy, jlong gx, jint length) {
    with_context(env, handle, "activateBackward", [&](Context& ctx) {
        act_backward(ctx, kind, length, device_ptr(x, "input"), device_ptr(y, "output"), device_ptr(gy, "gradOut"),
                     device_ptr(gx, "gradInput"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_softmaxForward(
        JNIEnv* env, jclass, jlong handle, jlong x, jlong y, jint rows, jint cols) {
    with_context(env, handle, "activate(SOFTMAX)", [&](Context& ctx) {
        softmax_forward(ctx, rows, cols, device_ptr(x, "input"), device_ptr(y, "output"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_softmaxBackward(
        JNIEnv* env, jclass, jlong handle, jlong y, jlong gy, jlong gx, jint rows, jint cols) {
    with_context(env, handle, "activateBackward(SOFTMAX)", [&](Context& ctx) {
        softmax_backward(ctx, rows, cols, device_ptr(y, "output"), device_ptr(gy, "gradOut"), device_ptr(gx, "gradInput"));
    });
}

}  // extern "C"
