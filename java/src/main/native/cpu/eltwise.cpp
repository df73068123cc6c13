// Activations: oneDNN eltwise (relu, relu6, sigmoid, tanh, leaky relu, hard sigmoid, hard swish, swish) over the array viewed as 1-d, and
// softmax along dimension 1 of a 2-d array. Identity is handled in Java.
#include "common.h"

#include <stdexcept>

namespace pydl4j {

EltwiseAlg eltwise_alg(int kind) {
    switch (kind) {
        case ACT_RELU: return {dnnl::algorithm::eltwise_relu, 0.f, 0.f, false};
        case ACT_RELU6: return {dnnl::algorithm::eltwise_clip, 0.f, 6.f, false};
        case ACT_SIGMOID: return {dnnl::algorithm::eltwise_logistic_use_dst_for_bwd, 0.f, 0.f, true};
        case ACT_TANH: return {dnnl::algorithm::eltwise_tanh_use_dst_for_bwd, 0.f, 0.f, true};
        case ACT_LEAKYRELU: return {dnnl::algorithm::eltwise_relu, 0.01f, 0.f, false};
        case ACT_HARDSIGMOID:
            return {dnnl::algorithm::eltwise_linear, 0.2f, 0.5f, false, dnnl::algorithm::eltwise_clip, 0.f, 1.f};
        case ACT_HARDSWISH: return {dnnl::algorithm::eltwise_hardswish, 0.f, 0.f, false};
        case ACT_SWISH: return {dnnl::algorithm::eltwise_swish, 1.f, 0.f, false};
        default:
            if (kind >= ACT_REGISTERED_BASE) return registered_activation(kind);
            throw std::invalid_argument("unknown activation code " + std::to_string(kind));
    }
}

namespace {

using namespace dnnl;

memory::desc flat(memory::dim len) { return memory::desc({len}, dt::f32, tag::a); }

eltwise_forward::primitive_desc eltwise_forward_pd(const EltwiseAlg& a, memory::dim len) {
    eltwise_forward::desc d(prop_kind::forward_training, a.alg, flat(len), a.alpha, a.beta);
    return eltwise_forward::primitive_desc(d, cpu_engine());
}

struct EltwiseForward { eltwise_forward prim; std::optional<eltwise_forward> then; };
struct EltwiseBackward { eltwise_backward prim; };

Cache<EltwiseForward> eltwise_forward_cache;
Cache<EltwiseBackward> eltwise_backward_cache;

std::string eltwise_key(int kind, memory::dim len) { return std::to_string(kind) + ':' + std::to_string(len); }

void eltwise_fwd(int kind, memory::dim len, float* x, float* y) {
    auto& e = eltwise_forward_cache.get(eltwise_key(kind, len), [&] {
        EltwiseAlg a = eltwise_alg(kind);
        EltwiseForward f{eltwise_forward(eltwise_forward_pd(a, len)), std::nullopt};
        if (a.then_alg != algorithm::undef) {
            f.then = eltwise_forward(eltwise_forward_pd({a.then_alg, a.then_alpha, a.then_beta, false}, len));
        }
        return f;
    });
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(flat(len), x)}, {DNNL_ARG_DST, plain(flat(len), y)}});
    // the second step in place (oneDNN 2.6's eltwise primitive does not apply eltwise post-ops correctly)
    if (e.then) e.then->execute(cpu_stream(), {{DNNL_ARG_SRC, plain(flat(len), y)}, {DNNL_ARG_DST, plain(flat(len), y)}});
    cpu_stream().wait();
}

void eltwise_bwd(int kind, memory::dim len, float* x, float* y, float* gy, float* gx) {
    EltwiseAlg a = eltwise_alg(kind);
    if (a.then_alg != algorithm::undef) throw std::invalid_argument("activation code " + std::to_string(kind) + " has no backward kernel");
    auto& e = eltwise_backward_cache.get(eltwise_key(kind, len), [&] {
        eltwise_backward::desc d(a.alg, flat(len), flat(len), a.alpha, a.beta);
        eltwise_backward::primitive_desc pd(d, cpu_engine(), eltwise_forward_pd(a, len));
        return EltwiseBackward{eltwise_backward(pd)};
    });
    int data_arg = a.backward_from_dst ? DNNL_ARG_DST : DNNL_ARG_SRC;
    e.prim.execute(cpu_stream(), {{data_arg, plain(flat(len), a.backward_from_dst ? y : x)},
                                  {DNNL_ARG_DIFF_DST, plain(flat(len), gy)}, {DNNL_ARG_DIFF_SRC, plain(flat(len), gx)}});
    cpu_stream().wait();
}

memory::desc matrix(memory::dim rows, memory::dim cols) { return memory::desc({rows, cols}, dt::f32, tag::ab); }

softmax_forward::primitive_desc softmax_forward_pd(memory::dim rows, memory::dim cols) {
    softmax_forward::desc d(prop_kind::forward_training, matrix(rows, cols), 1);
    return softmax_forward::primitive_desc(d, cpu_engine());
}

struct SoftmaxForward { softmax_forward prim; };
struct SoftmaxBackward { softmax_backward prim; };

Cache<SoftmaxForward> softmax_forward_cache;
Cache<SoftmaxBackward> softmax_backward_cache;

std::string matrix_key(memory::dim rows, memory::dim cols) { return std::to_string(rows) + 'x' + std::to_string(cols); }

void softmax_fwd(memory::dim rows, memory::dim cols, float* x, float* y) {
    auto& e = softmax_forward_cache.get(matrix_key(rows, cols), [&] {
        return SoftmaxForward{softmax_forward(softmax_forward_pd(rows, cols))};
    });
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(matrix(rows, cols), x)}, {DNNL_ARG_DST, plain(matrix(rows, cols), y)}});
    cpu_stream().wait();
}

void softmax_bwd(memory::dim rows, memory::dim cols, float* y, float* gy, float* gx) {
    auto& e = softmax_backward_cache.get(matrix_key(rows, cols), [&] {
        softmax_backward::desc d(matrix(rows, cols), matrix(rows, cols), 1);
        softmax_backward::primitive_desc pd(d, cpu_engine(), softmax_forward_pd(rows, cols));
        return SoftmaxBackward{softmax_backward(pd)};
    });
    auto md = matrix(rows, cols);
    e.prim.execute(cpu_stream(), {{DNNL_ARG_DST, plain(md, y)}, {DNNL_ARG_DIFF_DST, plain(md, gy)},
                                  {DNNL_ARG_DIFF_SRC, plain(md, gx)}});
    cpu_stream().wait();
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_eltwiseForward(
        JNIEnv* env, jclass, jint kind, jobject x, jobject y, jint length) {
    guarded(env, "activate", [&] {
        int64_t len = elements({length}, "length");
        float *px = address(env, x, "input", len), *py = address(env, y, "output", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        eltwise_fwd(kind, length, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_eltwiseBackward(
        JNIEnv* env, jclass, jint kind, jobject x, jobject y, jobject gy, jobject gx, jint length) {
    guarded(env, "activateBackward", [&] {
        int64_t len = elements({length}, "length");
        float *px = address(env, x, "input", len), *py = address(env, y, "output", len);
        float *pgy = address(env, gy, "gradOut", len), *pgx = address(env, gx, "gradInput", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        eltwise_bwd(kind, length, px, py, pgy, pgx);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_softmaxForward(
        JNIEnv* env, jclass, jobject x, jobject y, jint rows, jint cols) {
    guarded(env, "activate(SOFTMAX)", [&] {
        int64_t len = elements({rows, cols}, "softmax shape");
        float *px = address(env, x, "input", len), *py = address(env, y, "output", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(rows) * cols);
        softmax_fwd(rows, cols, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_softmaxBackward(
        JNIEnv* env, jclass, jobject y, jobject gy, jobject gx, jint rows, jint cols) {
    guarded(env, "activateBackward(SOFTMAX)", [&] {
        int64_t len = elements({rows, cols}, "softmax shape");
        float *py = address(env, y, "output", len), *pgy = address(env, gy, "gradOut", len), *pgx = address(env, gx, "gradInput", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(rows) * cols);
        softmax_bwd(rows, cols, py, pgy, pgx);
    });
}

}  // extern "C"
