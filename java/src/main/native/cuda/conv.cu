// Convolution forward, backward data, backward filter (+ bias) with cuDNN. Algorithms are chosen once per shape
// with cudnnFind*Algorithm (benchmarks every algorithm) and cached in the context's ConvPlan. Groups (depthwise)
// and dilation are cuDNN descriptor settings; asymmetric padding (TF SAME) is not, so such inputs are padded
// explicitly into a device scratch copy and cuDNN runs with zero padding (backward data then crops). Inputs and
// outputs are the caller's device arrays; workspaces and padded copies come from the context's allocator.
#include "common.h"

#include <algorithm>

namespace pydl4j_cuda {
namespace {

constexpr size_t kMaxWorkspace = size_t(2) << 30;  // 2 GiB: algorithms asking for more are skipped

// Without TF32 the descriptor stays at CUDNN_FMA_MATH (set in plan_for), which restricts cuDNN to FP32 FMA
// kernels whatever math type a search result reports; with TF32 each result's own math type is used.
cudnnMathType_t math_for(const Context& ctx, cudnnMathType_t found) { return ctx.allow_tf32 ? found : CUDNN_FMA_MATH; }

ConvPlan& plan_for(Context& ctx, const Geometry& g) {
    std::string key = g.key();
    auto it = ctx.conv_plans.find(key);
    if (it != ctx.conv_plans.end()) return *it->second;
    auto p = std::make_unique<ConvPlan>();
    p->explicit_pad = !g.symmetric_padding();
    p->in_h = p->explicit_pad ? g.h + g.pt + g.pb : g.h;
    p->in_w = p->explicit_pad ? g.w + g.pl + g.pr : g.w;
    int pad_h = p->explicit_pad ? 0 : g.pt, pad_w = p->explicit_pad ? 0 : g.pl;
    p->x.set(g.n, g.c, p->in_h, p->in_w);
    p->y.set(g.n, g.o, g.oh, g.ow);
    p->bias.set(1, g.o, 1, 1);
    CK(cudnnSetFilter4dDescriptor, p->w.d, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, g.o, g.c / g.groups, g.kh, g.kw);
    CK(cudnnSetConvolution2dDescriptor, p->conv.d, pad_h, pad_w, g.sh, g.sw, g.dh, g.dw, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT);
    CK(cudnnSetConvolutionGroupCount, p->conv.d, g.groups);
    CK(cudnnSetConvolutionMathType, p->conv.d, ctx.allow_tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH);
    int n, c, h, w;
    CK(cudnnGetConvolution2dForwardOutputDim, p->conv.d, p->x.d, p->w.d, &n, &c, &h, &w);
    if (n != g.n || c != g.o || h != g.oh || w != g.ow) {
        throw NativeError("cuDNN output shape [" + std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(h) + ","
                          + std::to_string(w) + "] differs from the expected one for geometry " + key);
    }
    ConvPlan& ref = *p;
    ctx.conv_plans.emplace(key, std::move(p));
    return ref;
}

// Picks the fastest successful result whose workspace fits (results come sorted by time).
template <typename Perf>
const Perf* pick(const Perf* results, int count, const char* what, const std::string& key) {
    for (int i = 0; i < count; ++i) {
        const Perf& r = results[i];
        if (r.status == CUDNN_STATUS_SUCCESS && r.memory <= kMaxWorkspace) return &r;
    }
    throw NativeError(std::string(what) + ": no usable cuDNN algorithm (of " + std::to_string(count) + " tried) for geometry " + key);
}

void choose_forward(Context& ctx, ConvPlan& p, const Geometry& g) {
    if (p.have_fwd) return;
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int count = 0;
    CK(cudnnFindConvolutionForwardAlgorithm, ctx.cudnn, p.x.d, p.w.d, p.conv.d, p.y.d, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, perf);
    const auto* r = pick(perf, count, "cudnnFindConvolutionForwardAlgorithm", g.key());
    p.fwd_algo = r->algo;
    p.fwd_math = math_for(ctx, r->mathType);
    p.fwd_ws = r->memory;
    p.have_fwd = true;
}

void choose_backward_data(Context& ctx, ConvPlan& p, const Geometry& g) {
    if (p.have_bwd_data) return;
    cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    int count = 0;
    CK(cudnnFindConvolutionBackwardDataAlgorithm, ctx.cudnn, p.w.d, p.y.d, p.conv.d, p.x.d, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
       &count, perf);
    const auto* r = pick(perf, count, "cudnnFindConvolutionBackwardDataAlgorithm", g.key());
    p.bwd_data_algo = r->algo;
    p.bwd_data_math = math_for(ctx, r->mathType);
    p.bwd_data_ws = r->memory;
    p.have_bwd_data = true;
}

void choose_backward_filter(Context& ctx, ConvPlan& p, const Geometry& g) {
    if (p.have_bwd_filter) return;
    cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    int count = 0;
    CK(cudnnFindConvolutionBackwardFilterAlgorithm, ctx.cudnn, p.x.d, p.y.d, p.conv.d, p.w.d,
       CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, perf);
    const auto* r = pick(perf, count, "cudnnFindConvolutionBackwardFilterAlgorithm", g.key());
    p.bwd_filter_algo = r->algo;
    p.bwd_filter_math = math_for(ctx, r->mathType);
    p.bwd_filter_ws = r->memory;
    p.have_bwd_filter = true;
}

size_t padded_input_count(const ConvPlan& p, const Geometry& g) { return size_t(g.n) * g.c * p.in_h * p.in_w; }

// The input as cuDNN sees it: x itself, or its explicitly zero-padded copy in scratch.
const float* padded_input(Context& ctx, const ConvPlan& p, const Geometry& g, const float* x, DeviceBuffer& scratch) {
    if (!p.explicit_pad) return x;
    scratch = DeviceBuffer(ctx.alloc, padded_input_count(p, g) * sizeof(float));
    launch_pad(ctx.stream, x, scratch.f(), g.n * g.c, g.h, g.w, g.pt, g.pl, p.in_h, p.in_w, 0.f);
    return scratch.f();
}

void conv_forward(Context& ctx, const Geometry& g, const float* x, const float* w, const float* bias, float* y) {
    ConvPlan& p = plan_for(ctx, g);
    choose_forward(ctx, p, g);
    DeviceBuffer padded;
    const float* px = padded_input(ctx, p, g, x, padded);
    DeviceBuffer ws(ctx.alloc, p.fwd_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.fwd_math);
    CK(cudnnConvolutionForward, ctx.cudnn, &one, p.x.d, px, p.w.d, w, p.conv.d, p.fwd_algo, ws.get(), p.fwd_ws, &zero, p.y.d, y);
    if (bias != nullptr) CK(cudnnAddTensor, ctx.cudnn, &one, p.bias.d, bias, &one, p.y.d, y);
}

void conv_backward_data(Context& ctx, const Geometry& g, const float* gy, const float* w, float* gx) {
    ConvPlan& p = plan_for(ctx, g);
    choose_backward_data(ctx, p, g);
    // With explicit padding cuDNN writes the gradient of the padded input, which is then cropped into gx.
    DeviceBuffer padded;
    if (p.explicit_pad) padded = DeviceBuffer(ctx.alloc, padded_input_count(p, g) * sizeof(float));
    float* pgx = p.explicit_pad ? padded.f() : gx;
    DeviceBuffer ws(ctx.alloc, p.bwd_data_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.bwd_data_math);
    CK(cudnnConvolutionBackwardData, ctx.cudnn, &one, p.w.d, w, p.y.d, gy, p.conv.d, p.bwd_data_algo, ws.get(), p.bwd_data_ws,
       &zero, p.x.d, pgx);
    if (p.explicit_pad) launch_crop(ctx.stream, pgx, gx, g.n * g.c, g.h, g.w, g.pt, g.pl, p.in_h, p.in_w);
}

void conv_backward_weights(Context& ctx, const Geometry& g, const float* x, const float* gy, float* gw, float* gb) {
    ConvPlan& p = plan_for(ctx, g);
    choose_backward_filter(ctx, p, g);
    DeviceBuffer padded;
    const float* px = padded_input(ctx, p, g, x, padded);
    DeviceBuffer ws(ctx.alloc, p.bwd_filter_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.bwd_filter_math);
    CK(cudnnConvolutionBackwardFilter, ctx.cudnn, &one, p.x.d, px, p.y.d, gy, p.conv.d, p.bwd_filter_algo, ws.get(),
       p.bwd_filter_ws, &zero, p.w.d, gw);
    if (gb != nullptr) CK(cudnnConvolutionBackwardBias, ctx.cudnn, &one, p.y.d, gy, &zero, p.bias.d, gb);
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convForward(
        JNIEnv* env, jclass, jlong handle, jlong x, jlong w, jlong bias, jlong y, jintArray geometry) {
    with_context(env, handle, "conv2d", [&](Context& ctx) {
        conv_forward(ctx, read_geometry(env, geometry), device_ptr(x, "input"), device_ptr(w, "weight"), device_ptr_or_null(bias),
                     device_ptr(y, "output"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convBackwardData(
        JNIEnv* env, jclass, jlong handle, jlong gy, jlong w, jlong gx, jintArray geometry) {
    with_context(env, handle, "conv2dBackwardData", [&](Context& ctx) {
        conv_backward_data(ctx, read_geometry(env, geometry), device_ptr(gy, "gradOut"), device_ptr(w, "weight"),
                           device_ptr(gx, "gradInput"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convBackwardWeights(
        JNIEnv* env, jclass, jlong handle, jlong x, jlong gy, jlong gw, jlong gb, jintArray geometry) {
    with_context(env, handle, "conv2dBackwardWeights", [&](Context& ctx) {
        conv_backward_weights(ctx, read_geometry(env, geometry), device_ptr(x, "input"), device_ptr(gy, "gradOut"),
                              device_ptr(gw, "gradWeight"), device_ptr_or_null(gb));
    });
}

}  // extern "C"
