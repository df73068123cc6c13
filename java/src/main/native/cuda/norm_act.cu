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
    size_t count = size_t(n) * c * s;
    BnDescs d(n, c, s);
    DeviceBuffer dx = ctx.upload(x, count, "input");
    DeviceBuffer dgamma = ctx.upload(gamma, c, "gamma"), dbeta = ctx.upload(beta, c, "beta");
    DeviceBuffer dy(ctx.alloc, count * sizeof(float));
    const float one = 1.f, zero = 0.f;
    if (training) {
        // With averaging factor 1 the "running" outputs are this batch's mean and its UNBIASED variance (cuDNN
        // applies m/(m-1)); scaled back by (m-1)/m below. Java sends m == 1 to the reference backend.
        DeviceBuffer dmean(ctx.alloc, c * sizeof(float)), dvar(ctx.alloc, c * sizeof(float));
        // cuDNN blends (1 - factor) * old + factor * batch: zero the recycled buffers so stale NaNs cannot leak in.
        CK(cudaMemsetAsync, dmean.get(), 0, c * sizeof(float), ctx.stream);
        CK(cudaMemsetAsync, dvar.get(), 0, c * sizeof(float), ctx.stream);
        CK(cudnnBatchNormalizationForwardTraining, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d.data.d, dx.get(), d.data.d,
           dy.get(), d.channels.d, dgamma.get(), dbeta.get(), 1.0, dmean.get(), dvar.get(), static_cast<double>(eps), nullptr,
           nullptr);
        size_t m = size_t(n) * s;
        launch_scale(ctx.stream, dvar.f(), c, static_cast<float>(double(m - 1) / double(m)));
        ctx.download(mean, dmean, c);
        ctx.download(var, dvar, c);
    } else {
        DeviceBuffer dmean = ctx.upload(mean, c, "mean"), dvar = ctx.upload(var, c, "var");
        CK(cudnnBatchNormalizationForwardInference, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, d.data.d, dx.get(), d.data.d,
           dy.get(), d.channels.d, dgamma.get(), dbeta.get(), dmean.get(), dvar.get(), static_cast<double>(eps));
    }
    ctx.download(y, dy, count);
    ctx.sync();
}

void bn_backward(Context& ctx, int n, int c, int s, float eps, const float* x, const float* gy, const float* gamma,
                 const float* mean, const float* var, float* gx, float* ggamma, float* gbeta) {
    size_t count = size_t(n) * c * s;
    BnDescs d(n, c, s);
    DeviceBuffer dx = ctx.upload(x, count, "input"), dgy = ctx.upload(gy, count, "gradOut");
    DeviceBuffer dgamma = ctx.upload(gamma, c, "gamma"), dmean = ctx.upload(mean, c, "mean"), dvar = ctx.upload(var, c, "var");
    // cuDNN takes the saved statistics as mean and 1/sqrt(var + eps).
    DeviceBuffer dinv(ctx.alloc, c * sizeof(float));
    launch_inv_std(ctx.stream, dvar.f(), dinv.f(), c, eps);
    DeviceBuffer dgx(ctx.alloc, count * sizeof(float)), dgg(ctx.alloc, c * sizeof(float)), dgb(ctx.alloc, c * sizeof(float));
    const float one = 1.f, zero = 0.f;
    CK(cudnnBatchNormalizationBackward, ctx.cudnn, CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero, d.data.d, dx.get(),
       d.data.d, dgy.get(), d.data.d, dgx.get(), d.channels.d, dgamma.get(), dgg.get(), dgb.get(), static_cast<double>(eps),
       dmean.get(), dinv.get());
    ctx.download(gx, dgx, count);
    ctx.download(ggamma, dgg, c);
    ctx.download(gbeta, dgb, c);
    ctx.sync();
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

void act_forward(Context& ctx, int kind, int len, const float* x, float* y) {
    DeviceBuffer dx = ctx.upload(x, len, "input");
    DeviceBuffer dy(ctx.alloc, size_t(len) * sizeof(float));
    if (kind == ACT_LEAKYRELU) {
        launch_leaky_relu_forward(ctx.stream, dx.f(), dy.f(), len, kLeakySlope);
    } else {
        ActivationDesc a;
        set_activation(a, kind);
        TensorDesc t;
        t.set(1, 1, 1, len);
        const float one = 1.f, zero = 0.f;
        CK(cudnnActivationForward, ctx.cudnn, a.d, &one, t.d, dx.get(), &zero, t.d, dy.get());
    }
    ctx.download(y, dy, len);
    ctx.sync();
}

void act_backward(Context& ctx, int kind, int len, const float* x, const float* y, const float* gy, float* gx) {
    DeviceBuffer dx = ctx.upload(x, len, "input"), dgy = ctx.upload(gy, len, "gradOut");
    DeviceBuffer dgx(ctx.alloc, size_t(len) * sizeof(float));
    if (kind == ACT_LEAKYRELU) {
        launch_leaky_relu_backward(ctx.stream, dx.f(), dgy.f(), dgx.f(), len, kLeakySlope);
    } else {
        DeviceBuffer dy = ctx.upload(y, len, "output");
        ActivationDesc a;
        set_activation(a, kind);
        TensorDesc t;
        t.set(1, 1, 1, len);
        const float one = 1.f, zero = 0.f;
        CK(cudnnActivationBackward, ctx.cudnn, a.d, &one, t.d, dy.get(), t.d, dgy.get(), t.d, dx.get(), &zero, t.d, dgx.get());
    }
    ctx.download(gx, dgx, len);
    ctx.sync();
}

void softmax_forward(Context& ctx, int rows, int cols, const float* x, float* y) {
    size_t count = size_t(rows) * cols;
    DeviceBuffer dx = ctx.upload(x, count, "input");
    DeviceBuffer dy(ctx.alloc, count * sizeof(float));
    TensorDesc t;
    t.set(rows, cols, 1, 1);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSoftmaxForward, ctx.cudnn, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one, t.d, dx.get(), &zero, t.d, dy.get());
    ctx.download(y, dy, count);
    ctx.sync();
}

void softmax_backward(Context& ctx, int rows, int cols, const float* y, const float* gy, float* gx) {
    size_t count = size_t(rows) * cols;
    DeviceBuffer dy = ctx.upload(y, count, "output"), dgy = ctx.upload(gy, count, "gradOut");
    DeviceBuffer dgx(ctx.alloc, count * sizeof(float));
    TensorDesc t;
    t.set(rows, cols, 1, 1);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSoftmaxBackward, ctx.cudnn, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one, t.d, dy.get(), t.d, dgy.get(),
       &zero, t.d, dgx.get());
    ctx.download(gx, dgx, count);
    ctx.sync();
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_batchNormForward(
        JNIEnv* env, jclass, jlong handle, jboolean training, jobject x, jobject gamma, jobject beta, jobject mean,
        jobject var, jobject y, jint n, jint c, jint spatial, jfloat eps) {
    guarded(env, training ? "batchNormTraining" : "batchNormInference", [&] {
        Context* ctx = context(handle);
        float *px = address(env, x, "input"), *pg = address(env, gamma, "gamma"), *pb = address(env, beta, "beta");
        float *pm = address(env, mean, "mean"), *pv = address(env, var, "var"), *py = address(env, y, "output");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        bn_forward(*ctx, training, n, c, spatial, eps, px, pg, pb, pm, pv, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_batchNormBackward(
        JNIEnv* env, jclass, jlong handle, jobject x, jobject gy, jobject gamma, jobject mean, jobject var, jobject gx,
        jobject ggamma, jobject gbeta, jint n, jint c, jint spatial, jfloat eps) {
    guarded(env, "batchNormBackward", [&] {
        Context* ctx = context(handle);
        float *px = address(env, x, "input"), *pgy = address(env, gy, "gradOut"), *pg = address(env, gamma, "gamma");
        float *pm = address(env, mean, "mean"), *pv = address(env, var, "var"), *pgx = address(env, gx, "gradInput");
        float *pgg = address(env, ggamma, "gradGamma"), *pgb = address(env, gbeta, "gradBeta");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        bn_backward(*ctx, n, c, spatial, eps, px, pgy, pg, pm, pv, pgx, pgg, pgb);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_activationForward(
        JNIEnv* env, jclass, jlong handle, jint kind, jobject x, jobject y, jint length) {
    guarded(env, "activate", [&] {
        Context* ctx = context(handle);
        float *px = address(env, x, "input"), *py = address(env, y, "output");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        act_forward(*ctx, kind, length, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_activationBackward(
        JNIEnv* env, jclass, jlong handle, jint kind, jobject x, jobject y, jobject gy, jobject gx, jint length) {
    guarded(env, "activateBackward", [&] {
        Context* ctx = context(handle);
        float *px = address(env, x, "input"), *py = address(env, y, "output");
        float *pgy = address(env, gy, "gradOut"), *pgx = address(env, gx, "gradInput");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        act_backward(*ctx, kind, length, px, py, pgy, pgx);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_softmaxForward(
        JNIEnv* env, jclass, jlong handle, jobject x, jobject y, jint rows, jint cols) {
    guarded(env, "activate(SOFTMAX)", [&] {
        Context* ctx = context(handle);
        float *px = address(env, x, "input"), *py = address(env, y, "output");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        softmax_forward(*ctx, rows, cols, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_softmaxBackward(
        JNIEnv* env, jclass, jlong handle, jobject y, jobject gy, jobject gx, jint rows, jint cols) {
    guarded(env, "activateBackward(SOFTMAX)", [&] {
        Context* ctx = context(handle);
        float *py = address(env, y, "output"), *pgy = address(env, gy, "gradOut"), *pgx = address(env, gx, "gradInput");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        softmax_backward(*ctx, rows, cols, py, pgy, pgx);
    });
}

}  // extern "C"
