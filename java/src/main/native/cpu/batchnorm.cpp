// Batch normalization (training, inference, backward) with oneDNN on plain NCHW. [N,C] and [N,C,H,W] both
// arrive as [N,C,S,1] with S = H*W, which is the same memory and the same per-channel statistics.
#include "common.h"

#include <cstdint>
#include <cstring>

namespace pydl4j {
namespace {

using namespace dnnl;

struct BnShape {
    memory::dim n, c, spatial;
    float eps;
    memory::desc data() const { return memory::desc({n, c, spatial, 1}, dt::f32, tag::nchw); }
    memory::desc channels() const { return memory::desc({c}, dt::f32, tag::x); }
    std::string key() const {
        uint32_t eps_bits;  // exact: to_string would round small epsilons together
        std::memcpy(&eps_bits, &eps, sizeof eps_bits);
        return std::to_string(n) + ',' + std::to_string(c) + ',' + std::to_string(spatial) + ',' + std::to_string(eps_bits);
    }
};

const auto kScaleShift = normalization_flags::use_scale | normalization_flags::use_shift;

batch_normalization_forward::primitive_desc forward_pd(const BnShape& s, bool training) {
    auto flags = training ? kScaleShift : kScaleShift | normalization_flags::use_global_stats;
    batch_normalization_forward::desc d(training ? prop_kind::forward_training : prop_kind::forward_inference,
                                        s.data(), s.eps, flags);
    return batch_normalization_forward::primitive_desc(d, cpu_engine());
}

struct BnForward {
    batch_normalization_forward prim;
};

struct BnBackward {
    batch_normalization_backward prim;
};

BnBackward make_backward(const BnShape& s) {
    auto hint = forward_pd(s, true);
    batch_normalization_backward::desc d(prop_kind::backward, s.data(), s.data(), s.eps, kScaleShift);
    return BnBackward{batch_normalization_backward(batch_normalization_backward::primitive_desc(d, cpu_engine(), hint))};
}

Cache<BnForward> training_cache, inference_cache;
Cache<BnBackward> backward_cache;

// training: mean and var are outputs (batch statistics); inference: they are inputs.
void bn_forward(const BnShape& s, bool training, float* x, float* gamma, float* beta, float* mean, float* var, float* y) {
    auto& cache = training ? training_cache : inference_cache;
    auto& e = cache.get(s.key(), [&] { return BnForward{batch_normalization_forward(forward_pd(s, training))}; });
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(s.data(), x)}, {DNNL_ARG_DST, plain(s.data(), y)},
                                  {DNNL_ARG_SCALE, plain(s.channels(), gamma)}, {DNNL_ARG_SHIFT, plain(s.channels(), beta)},
                                  {DNNL_ARG_MEAN, plain(s.channels(), mean)}, {DNNL_ARG_VARIANCE, plain(s.channels(), var)}});
    cpu_stream().wait();
}

void bn_backward(const BnShape& s, float* x, float* gy, float* gamma, float* mean, float* var, float* gx,
                 float* ggamma, float* gbeta) {
    auto& e = backward_cache.get(s.key(), [&] { return make_backward(s); });
    // oneDNN 2.6 insists on a SHIFT argument whenever use_shift is set, although backward never reads it.
    memory unused_shift(s.channels(), cpu_engine());
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(s.data(), x)}, {DNNL_ARG_DIFF_DST, plain(s.data(), gy)},
                                  {DNNL_ARG_SCALE, plain(s.channels(), gamma)}, {DNNL_ARG_SHIFT, unused_shift},
                                  {DNNL_ARG_MEAN, plain(s.channels(), mean)}, {DNNL_ARG_VARIANCE, plain(s.channels(), var)},
                                  {DNNL_ARG_DIFF_SRC, plain(s.data(), gx)},
                                  {DNNL_ARG_DIFF_SCALE, plain(s.channels(), ggamma)},
                                  {DNNL_ARG_DIFF_SHIFT, plain(s.channels(), gbeta)}});
    cpu_stream().wait();
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_batchNormForward(
        JNIEnv* env, jclass, jboolean training, jobject x, jobject gamma, jobject beta, jobject mean, jobject var,
        jobject y, jint n, jint c, jint spatial, jfloat eps) {
    guarded(env, training ? "batchNormTraining" : "batchNormInference", [&] {
        BnShape s{n, c, spatial, eps};
        int64_t all = elements({n, c, spatial}, "batch norm shape"), ch = elements({c}, "channels");
        float *px = address(env, x, "input", all), *pg = address(env, gamma, "gamma", ch), *pb = address(env, beta, "beta", ch);
        float *pm = address(env, mean, "mean", ch), *pv = address(env, var, "var", ch), *py = address(env, y, "output", all);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(n) * c * spatial);
        bn_forward(s, training, px, pg, pb, pm, pv, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_batchNormBackward(
        JNIEnv* env, jclass, jobject x, jobject gy, jobject gamma, jobject mean, jobject var, jobject gx,
        jobject ggamma, jobject gbeta, jint n, jint c, jint spatial, jfloat eps) {
    guarded(env, "batchNormBackward", [&] {
        BnShape s{n, c, spatial, eps};
        int64_t all = elements({n, c, spatial}, "batch norm shape"), ch = elements({c}, "channels");
        float *px = address(env, x, "input", all), *pgy = address(env, gy, "gradOut", all), *pg = address(env, gamma, "gamma", ch);
        float *pm = address(env, mean, "mean", ch), *pv = address(env, var, "var", ch), *pgx = address(env, gx, "gradInput", all);
        float *pgg = address(env, ggamma, "gradGamma", ch), *pgb = address(env, gbeta, "gradBeta", ch);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(n) * c * spatial);
        bn_backward(s, px, pgy, pg, pm, pv, pgx, pgg, pgb);
    });
}

}  // extern "C"
