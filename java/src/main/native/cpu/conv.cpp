// Convolution forward, backward data and backward weights with oneDNN. The primitives pick their own (blocked)
// layouts via format_tag::any; user tensors are plain NCHW / OIHW (goihw when grouped) and are reordered in and
// out. Primitive descriptors and reorders are cached per geometry.
#include "common.h"

namespace pydl4j {
namespace {

using namespace dnnl;

memory::desc any_md(const memory::dims& d) { return memory::desc(d, dt::f32, tag::any); }

memory::dims weight_dims(const Geometry& g) {
    if (g.groups == 1) return {g.o, g.c, g.kh, g.kw};
    return {g.groups, g.o / g.groups, g.c / g.groups, g.kh, g.kw};
}

// OIHW with O = groups * (O / groups) is exactly goihw in memory, so grouped weights need no copy.
memory::desc user_weight_md(const Geometry& g) {
    return memory::desc(weight_dims(g), dt::f32, g.groups == 1 ? tag::oihw : tag::goihw);
}
memory::desc user_src_md(const Geometry& g) { return memory::desc(g.src_dims(), dt::f32, tag::nchw); }
memory::desc user_dst_md(const Geometry& g) { return memory::desc(g.dst_dims(), dt::f32, tag::nchw); }
memory::desc bias_md(const Geometry& g) { return memory::desc({g.o}, dt::f32, tag::x); }

convolution_forward::primitive_desc forward_pd(const Geometry& g, bool with_bias) {
    auto d = with_bias
        ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
              any_md(g.src_dims()), any_md(weight_dims(g)), bias_md(g), any_md(g.dst_dims()),
              g.strides(), g.dilation(), g.padding_l(), g.padding_r())
        : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
              any_md(g.src_dims()), any_md(weight_dims(g)), any_md(g.dst_dims()),
              g.strides(), g.dilation(), g.padding_l(), g.padding_r());
    return convolution_forward::primitive_desc(d, cpu_engine());
}

struct ConvForward {
    convolution_forward prim;
    Reorder src, wei, dst;  // dst goes primitive layout -> user layout
};

ConvForward make_forward(const Geometry& g, bool with_bias) {
    auto pd = forward_pd(g, with_bias);
    return ConvForward{convolution_forward(pd), Reorder::make(user_src_md(g), pd.src_desc()),
                       Reorder::make(user_weight_md(g), pd.weights_desc()),
                       Reorder::make(pd.dst_desc(), user_dst_md(g))};
}

// Inference convolution with bias and activation applied by the kernel itself (oneDNN eltwise post-op): one
// pass over the output instead of three (conv, bias, activation), no intermediate tensor.

ConvForward make_forward_fused(const Geometry& g, bool with_bias, int act) {
    auto d = with_bias
        ? convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
              any_md(g.src_dims()), any_md(weight_dims(g)), bias_md(g), any_md(g.dst_dims()),
              g.strides(), g.dilation(), g.padding_l(), g.padding_r())
        : convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
              any_md(g.src_dims()), any_md(weight_dims(g)), any_md(g.dst_dims()),
              g.strides(), g.dilation(), g.padding_l(), g.padding_r());
    primitive_attr attr;
    if (act != ACT_IDENTITY) {
        EltwiseAlg a = eltwise_alg(act);
        post_ops ops;
        append_eltwise_post_ops(ops, a);
        attr.set_post_ops(ops);
    }
    convolution_forward::primitive_desc pd(d, attr, cpu_engine());
    return ConvForward{convolution_forward(pd), Reorder::make(user_src_md(g), pd.src_desc()),
                       Reorder::make(user_weight_md(g), pd.weights_desc()),
                       Reorder::make(pd.dst_desc(), user_dst_md(g))};
}

struct ConvBackwardData {
    convolution_backward_data prim;
    Reorder diff_dst, wei, diff_src;
};

ConvBackwardData make_backward_data(const Geometry& g) {
    auto hint = forward_pd(g, false);
    convolution_backward_data::desc d(algorithm::convolution_direct, any_md(g.src_dims()), any_md(weight_dims(g)),
                                      any_md(g.dst_dims()), g.strides(), g.dilation(), g.padding_l(),
                                      g.padding_r());
    convolution_backward_data::primitive_desc pd(d, cpu_engine(), hint);
    return ConvBackwardData{convolution_backward_data(pd), Reorder::make(user_dst_md(g), pd.diff_dst_desc()),
                            Reorder::make(user_weight_md(g), pd.weights_desc()),
                            Reorder::make(pd.diff_src_desc(), user_src_md(g))};
}

struct ConvBackwardWeights {
    convolution_backward_weights prim;
    Reorder src, diff_dst, diff_wei;
};

ConvBackwardWeights make_backward_weights(const Geometry& g, bool with_bias) {
    auto hint = forward_pd(g, with_bias);
    auto d = with_bias
        ? convolution_backward_weights::desc(algorithm::convolution_direct, any_md(g.src_dims()),
              any_md(weight_dims(g)), bias_md(g), any_md(g.dst_dims()), g.strides(), g.dilation(),
              g.padding_l(), g.padding_r())
        : convolution_backward_weights::desc(algorithm::convolution_direct, any_md(g.src_dims()),
              any_md(weight_dims(g)), any_md(g.dst_dims()), g.strides(), g.dilation(), g.padding_l(),
              g.padding_r());
    convolution_backward_weights::primitive_desc pd(d, cpu_engine(), hint);
    return ConvBackwardWeights{convolution_backward_weights(pd), Reorder::make(user_src_md(g), pd.src_desc()),
                               Reorder::make(user_dst_md(g), pd.diff_dst_desc()),
                               Reorder::make(pd.diff_weights_desc(), user_weight_md(g))};
}

Cache<ConvForward> forward_cache, fused_cache;
Cache<ConvBackwardData> backward_data_cache;
Cache<ConvBackwardWeights> backward_weights_cache;

void run_forward(ConvForward& e, const Geometry& g, float* x, float* w, float* bias, float* y) {
    bool with_bias = bias != nullptr;
    memory src = reorder_in(e.src, x, SCRATCH_IN0), wei = reorder_in(e.wei, w, SCRATCH_IN1);
    memory dst = output_memory(e.dst, y, SCRATCH_OUT);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
    if (with_bias) args.emplace(DNNL_ARG_BIAS, plain(bias_md(g), bias));
    e.prim.execute(cpu_stream(), args);
    finish_out(e.dst, dst, y);
    cpu_stream().wait();
}

void conv_forward(const Geometry& g, float* x, float* w, float* bias, float* y) {
    bool with_bias = bias != nullptr;
    auto& e = forward_cache.get(g.key() + (with_bias ? "+b" : ""), [&] { return make_forward(g, with_bias); });
    run_forward(e, g, x, w, bias, y);
}

void conv_forward_fused(const Geometry& g, float* x, float* w, float* bias, float* y, int act) {
    bool with_bias = bias != nullptr;
    if (act != ACT_IDENTITY) eltwise_alg(act);  // rejects unknown codes before anything is cached
    auto& e = fused_cache.get(g.key() + (with_bias ? "+b" : "") + ":act" + std::to_string(act),
                              [&] { return make_forward_fused(g, with_bias, act); });
    run_forward(e, g, x, w, bias, y);
}

void conv_backward_data(const Geometry& g, float* gy, float* w, float* gx) {
    auto& e = backward_data_cache.get(g.key(), [&] { return make_backward_data(g); });
    memory diff_dst = reorder_in(e.diff_dst, gy, SCRATCH_IN0), wei = reorder_in(e.wei, w, SCRATCH_IN1);
    memory diff_src = output_memory(e.diff_src, gx, SCRATCH_OUT);
    e.prim.execute(cpu_stream(), {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, diff_src}});
    finish_out(e.diff_src, diff_src, gx);
    cpu_stream().wait();
}

void conv_backward_weights(const Geometry& g, float* x, float* gy, float* gw, float* gb) {
    bool with_bias = gb != nullptr;
    auto& e = backward_weights_cache.get(g.key() + (with_bias ? "+b" : ""),
                                         [&] { return make_backward_weights(g, with_bias); });
    memory src = reorder_in(e.src, x, SCRATCH_IN0), diff_dst = reorder_in(e.diff_dst, gy, SCRATCH_IN1);
    memory diff_wei = output_memory(e.diff_wei, gw, SCRATCH_OUT);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, diff_wei}};
    if (with_bias) args.emplace(DNNL_ARG_DIFF_BIAS, plain(bias_md(g), gb));
    e.prim.execute(cpu_stream(), args);
    finish_out(e.diff_wei, diff_wei, gw);
    cpu_stream().wait();
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_convForward(
        JNIEnv* env, jclass, jobject x, jobject w, jobject bias, jobject y, jintArray geometry) {
    guarded(env, "conv2d", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pw = address(env, w, "weight", g.weight_elements());
        float *pb = address_or_null(env, bias, "bias", g.o), *py = address(env, y, "output", g.dst_elements());
        std::lock_guard<std::mutex> lock(compute_mutex());
        conv_forward(g, px, pw, pb, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_convForwardFused(
        JNIEnv* env, jclass, jobject x, jobject w, jobject bias, jobject y, jintArray geometry, jint act) {
    guarded(env, "conv2dFused", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pw = address(env, w, "weight", g.weight_elements());
        float *pb = address_or_null(env, bias, "bias", g.o), *py = address(env, y, "output", g.dst_elements());
        std::lock_guard<std::mutex> lock(compute_mutex());
        conv_forward_fused(g, px, pw, pb, py, act);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_convBackwardData(
        JNIEnv* env, jclass, jobject gy, jobject w, jobject gx, jintArray geometry) {
    guarded(env, "conv2dBackwardData", [&] {
        Geometry g = read_geometry(env, geometry);
        float *pgy = address(env, gy, "gradOut", g.dst_elements()), *pw = address(env, w, "weight", g.weight_elements());
        float *pgx = address(env, gx, "gradInput", g.src_elements());
        std::lock_guard<std::mutex> lock(compute_mutex());
        conv_backward_data(g, pgy, pw, pgx);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_convBackwardWeights(
        JNIEnv* env, jclass, jobject x, jobject gy, jobject gw, jobject gb, jintArray geometry) {
    guarded(env, "conv2dBackwardWeights", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pgy = address(env, gy, "gradOut", g.dst_elements());
        float *pgw = address(env, gw, "gradWeight", g.weight_elements()), *pgb = address_or_null(env, gb, "gradBias", g.o);
        std::lock_guard<std::mutex> lock(compute_mutex());
        conv_backward_weights(g, px, pgy, pgw, pgb);
    });
}

}  // extern "C"
