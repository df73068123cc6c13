// Activations with parameters (leaky relu's slope, hard sigmoid's alpha and beta), registered once per distinct
// value and then known by code like the built-in ones, so every kernel that takes an activation code (eltwise,
// fused convolution, inference programs) applies them; the post-op form of an activation; and the
// squeeze-excitation gate y = x * s (per example and channel) as a oneDNN binary multiply with broadcast.
#include "common.h"

#include <stdexcept>
#include <vector>

namespace pydl4j {
namespace {

using namespace dnnl;

// Bounded: a hostile model with endless distinct slopes gets an error, not unbounded growth.
constexpr int kMaxRegistered = 4096;

struct Registered {
    int kind;
    float alpha, beta;
};

// Never destroyed, like every global of this library: exit() must not free what a running op may use (shutdown.cpp).
std::mutex& registry_mutex() {
    static std::mutex& m = *new std::mutex();
    return m;
}

std::vector<Registered>& registry() {
    static std::vector<Registered>& r = *new std::vector<Registered>();
    return r;
}

EltwiseAlg algorithm_of(const Registered& r) {
    switch (r.kind) {
        case ACT_LEAKYRELU: return {algorithm::eltwise_relu, r.alpha, 0.f, false};
        case ACT_HARDSIGMOID: return {algorithm::eltwise_linear, r.alpha, r.beta, false, algorithm::eltwise_clip, 0.f, 1.f};
        default: throw std::invalid_argument("activation code " + std::to_string(r.kind) + " takes no parameters");
    }
}

algorithm post_op_form(algorithm a) {
    // the *_use_dst_for_bwd variants differ only in backward; post-ops take the plain forms
    if (a == algorithm::eltwise_logistic_use_dst_for_bwd) return algorithm::eltwise_logistic;
    if (a == algorithm::eltwise_tanh_use_dst_for_bwd) return algorithm::eltwise_tanh;
    return a;
}

struct ChannelScale { binary prim; };
Cache<ChannelScale> channel_scale_cache;

void channel_scale(memory::dim n, memory::dim c, memory::dim hw, float* x, float* s, float* y) {
    memory::desc image({n, c, hw}, dt::f32, tag::abc), gate({n, c, 1}, dt::f32, tag::abc);
    std::string key = std::to_string(n) + 'x' + std::to_string(c) + 'x' + std::to_string(hw);
    auto& e = channel_scale_cache.get(key, [&] {
        binary::desc d(algorithm::binary_mul, image, gate, image);
        return ChannelScale{binary(binary::primitive_desc(d, cpu_engine()))};
    });
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC_0, plain(image, x)}, {DNNL_ARG_SRC_1, plain(gate, s)}, {DNNL_ARG_DST, plain(image, y)}});
    cpu_stream().wait();
}

}  // namespace

int register_activation(int kind, float alpha, float beta) {
    Registered r{kind, alpha, beta};
    algorithm_of(r);  // rejects kinds without parameters
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& all = registry();
    for (size_t i = 0; i < all.size(); i++) {
        if (all[i].kind == kind && all[i].alpha == alpha && all[i].beta == beta) return ACT_REGISTERED_BASE + static_cast<int>(i);
    }
    if (static_cast<int>(all.size()) >= kMaxRegistered) {
        throw std::invalid_argument("more than " + std::to_string(kMaxRegistered) + " distinct activation parameters");
    }
    all.push_back(r);
    return ACT_REGISTERED_BASE + static_cast<int>(all.size()) - 1;
}

EltwiseAlg registered_activation(int code) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& all = registry();
    int i = code - ACT_REGISTERED_BASE;
    if (i < 0 || i >= static_cast<int>(all.size())) throw std::invalid_argument("unknown activation code " + std::to_string(code));
    return algorithm_of(all[i]);
}

void append_eltwise_post_ops(post_ops& ops, const EltwiseAlg& a) {
    ops.append_eltwise(1.f, post_op_form(a.alg), a.alpha, a.beta);
    if (a.then_alg != algorithm::undef) ops.append_eltwise(1.f, post_op_form(a.then_alg), a.then_alpha, a.then_beta);
}

}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT jint JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_registerActivation(
        JNIEnv* env, jclass, jint kind, jfloat alpha, jfloat beta) {
    jint code = ACT_IDENTITY;
    guarded(env, "registerActivation", [&] { code = register_activation(kind, alpha, beta); });
    return code;
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_channelScale(
        JNIEnv* env, jclass, jobject x, jobject s, jobject y, jint n, jint c, jint hw) {
    guarded(env, "channelScale", [&] {
        int64_t all = elements({n, c, hw}, "image shape"), gates = elements({n, c}, "scale shape");
        float *px = address(env, x, "image", all), *ps = address(env, s, "scale", gates), *py = address(env, y, "output", all);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(n) * c * hw);
        channel_scale(n, c, hw, px, ps, py);
    });
}

}  // extern "C"
