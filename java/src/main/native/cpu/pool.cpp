// Max / average (padding excluded) pooling with oneDNN pooling_v2 on plain NCHW. Max backward needs the
// forward's workspace (argmax positions), so it reruns the forward in training mode first.
#include "common.h"

namespace pydl4j {
namespace {

using namespace dnnl;

algorithm pool_algorithm(bool max) { return max ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding; }
memory::desc nchw(const memory::dims& d) { return memory::desc(d, dt::f32, tag::nchw); }

pooling_v2_forward::primitive_desc forward_pd(const Geometry& g, bool max, prop_kind kind) {
    pooling_v2_forward::desc d(kind, pool_algorithm(max), nchw(g.src_dims()), nchw(g.dst_dims()), g.strides(),
                               g.kernel(), g.dilation(), g.padding_l(), g.padding_r());
    return pooling_v2_forward::primitive_desc(d, cpu_engine());
}

struct PoolForward {
    pooling_v2_forward prim;
};

struct PoolBackward {
    pooling_v2_forward::primitive_desc fwd_pd;
    pooling_v2_forward fwd;  // training-mode forward that fills the workspace (max only)
    pooling_v2_backward prim;
};

PoolBackward make_backward(const Geometry& g, bool max) {
    auto fwd_pd = forward_pd(g, max, prop_kind::forward_training);
    pooling_v2_backward::desc d(pool_algorithm(max), nchw(g.src_dims()), nchw(g.dst_dims()), g.strides(),
                                g.kernel(), g.dilation(), g.padding_l(), g.padding_r());
    pooling_v2_backward::primitive_desc pd(d, cpu_engine(), fwd_pd);
    return PoolBackward{fwd_pd, pooling_v2_forward(fwd_pd), pooling_v2_backward(pd)};
}

Cache<PoolForward> forward_cache;
Cache<PoolBackward> backward_cache;

// oneDNN 2.6 falls back to a slow reference kernel for plain-NCHW pooling over large planes (VGG's 224x224).
// Windows that tile the rows exactly (kH == sH, no vertical padding or dilation, H == OH*kH) allow viewing
// [N,C,H,W] as [N, C*OH, kH, W]: same memory, same windows, small planes, and the jit kernel applies.
Geometry fold_rows(const Geometry& g) {
    if (g.kh != g.sh || g.pt != 0 || g.pb != 0 || g.dh != 1 || g.h != g.oh * g.kh || g.oh == 1) return g;
    Geometry f = g;
    f.c = f.o = g.c * g.oh;
    f.h = g.kh;
    f.oh = 1;
    return f;
}

std::string pool_key(const Geometry& g, bool max) { return g.key() + (max ? "max" : "avg"); }

void pool_forward(const Geometry& user_g, bool max, float* x, float* y) {
    Geometry g = fold_rows(user_g);
    auto& e = forward_cache.get(pool_key(g, max), [&] {
        return PoolForward{pooling_v2_forward(forward_pd(g, max, prop_kind::forward_inference))};
    });
    e.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(nchw(g.src_dims()), x)}, {DNNL_ARG_DST, plain(nchw(g.dst_dims()), y)}});
    cpu_stream().wait();
}

void pool_backward(const Geometry& user_g, bool max, float* x, float* gy, float* gx) {
    Geometry g = fold_rows(user_g);
    auto& e = backward_cache.get(pool_key(g, max), [&] { return make_backward(g, max); });
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, plain(nchw(g.dst_dims()), gy)},
                                         {DNNL_ARG_DIFF_SRC, plain(nchw(g.src_dims()), gx)}};
    if (max) {
        memory workspace = scratch(e.fwd_pd.workspace_desc(), SCRATCH_EXTRA);
        memory scratch_dst = scratch(nchw(g.dst_dims()), SCRATCH_OUT);
        e.fwd.execute(cpu_stream(), {{DNNL_ARG_SRC, plain(nchw(g.src_dims()), x)}, {DNNL_ARG_DST, scratch_dst},
                                     {DNNL_ARG_WORKSPACE, workspace}});
        args.emplace(DNNL_ARG_WORKSPACE, workspace);
        e.prim.execute(cpu_stream(), args);
    } else {
        e.prim.execute(cpu_stream(), args);
    }
    cpu_stream().wait();
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_poolForward(
        JNIEnv* env, jclass, jboolean max, jobject x, jobject y, jintArray geometry) {
    guarded(env, "pool2d", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *py = address(env, y, "output", g.dst_elements());
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(g.n) * g.c * g.h * g.w);
        pool_forward(g, max, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_poolBackward(
        JNIEnv* env, jclass, jboolean max, jobject x, jobject gy, jobject gx, jintArray geometry) {
    guarded(env, "pool2dBackward", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pgy = address(env, gy, "gradOut", g.dst_elements());
        float *pgx = address(env, gx, "gradInput", g.src_elements());
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(g.n) * g.c * g.h * g.w);
        pool_backward(g, max, px, pgy, pgx);
    });
}

}  // extern "C"
