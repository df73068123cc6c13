// Convolution forward, backward data, backward filter (+ bias) with cuDNN. Algorithms are chosen once per shape
// with cudnnFind*Algorithm (benchmarks every algorithm) and cached in the context's ConvPlan. Groups (depthwise)
// and dilation are cuDNN descriptor settings; asymmetric padding (TF SAME) is not, so such inputs are padded
// explicitly into a device scratch copy and cuDNN runs with zero padding (backward data then crops).
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

size_t input_count(const Geometry& g) { return size_t(g.n) * g.c * g.h * g.w; }
size_t output_count(const Geometry& g) { return size_t(g.n) * g.o * g.oh * g.ow; }
size_t weight_count(const Geometry& g) { return size_t(g.o) * (g.c / g.groups) * g.kh * g.kw; }

// The input as cuDNN sees it: the uploaded buffer itself, or its explicitly zero-padded copy.
DeviceBuffer padded_input(Context& ctx, const ConvPlan& p, const Geometry& g, DeviceBuffer&& x) {
    if (!p.explicit_pad) return std::move(x);
    DeviceBuffer xp(ctx.alloc, size_t(g.n) * g.c * p.in_h * p.in_w * sizeof(float));
    launch_pad(ctx.stream, x.f(), xp.f(), g.n * g.c, g.h, g.w, g.pt, g.pl, p.in_h, p.in_w, 0.f);
    return xp;
}

void conv_forward(Context& ctx, const Geometry& g, const float* x, const float* w, const float* bias, float* y) {
    ConvPlan& p = plan_for(ctx, g);
    choose_forward(ctx, p, g);
    DeviceBuffer dx = padded_input(ctx, p, g, ctx.upload(x, input_count(g), "input"));
    DeviceBuffer dw = ctx.upload(w, weight_count(g), "weight");
    DeviceBuffer dy(ctx.alloc, output_count(g) * sizeof(float));
    DeviceBuffer ws(ctx.alloc, p.fwd_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.fwd_math);
    CK(cudnnConvolutionForward, ctx.cudnn, &one, p.x.d, dx.get(), p.w.d, dw.get(), p.conv.d, p.fwd_algo, ws.get(), p.fwd_ws,
       &zero, p.y.d, dy.get());
    if (bias != nullptr) {
        DeviceBuffer db = ctx.upload(bias, g.o, "bias");
        CK(cudnnAddTensor, ctx.cudnn, &one, p.bias.d, db.get(), &one, p.y.d, dy.get());
    }
    ctx.download(y, dy, output_count(g));
    ctx.sync();
}

void conv_backward_data(Context& ctx, const Geometry& g, const float* gy, const float* w, float* gx) {
    ConvPlan& p = plan_for(ctx, g);
    choose_backward_data(ctx, p, g);
    DeviceBuffer dgy = ctx.upload(gy, output_count(g), "gradOut");
    DeviceBuffer dw = ctx.upload(w, weight_count(g), "weight");
    DeviceBuffer dgx(ctx.alloc, size_t(g.n) * g.c * p.in_h * p.in_w * sizeof(float));
    DeviceBuffer ws(ctx.alloc, p.bwd_data_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.bwd_data_math);
    CK(cudnnConvolutionBackwardData, ctx.cudnn, &one, p.w.d, dw.get(), p.y.d, dgy.get(), p.conv.d, p.bwd_data_algo, ws.get(),
       p.bwd_data_ws, &zero, p.x.d, dgx.get());
    if (p.explicit_pad) {
        DeviceBuffer cropped(ctx.alloc, input_count(g) * sizeof(float));
        launch_crop(ctx.stream, dgx.f(), cropped.f(), g.n * g.c, g.h, g.w, g.pt, g.pl, p.in_h, p.in_w);
        ctx.download(gx, cropped, input_count(g));
        ctx.sync();
    } else {
        ctx.download(gx, dgx, input_count(g));
        ctx.sync();
    }
}

void conv_backward_weights(Context& ctx, const Geometry& g, const float* x, const float* gy, float* gw, float* gb) {
    ConvPlan& p = plan_for(ctx, g);
    choose_backward_filter(ctx, p, g);
    DeviceBuffer dx = padded_input(ctx, p, g, ctx.upload(x, input_count(g), "input"));
    DeviceBuffer dgy = ctx.upload(gy, output_count(g), "gradOut");
    DeviceBuffer dgw(ctx.alloc, weight_count(g) * sizeof(float));
    DeviceBuffer ws(ctx.alloc, p.bwd_filter_ws);
    const float one = 1.f, zero = 0.f;
    CK(cudnnSetConvolutionMathType, p.conv.d, p.bwd_filter_math);
    CK(cudnnConvolutionBackwardFilter, ctx.cudnn, &one, p.x.d, dx.get(), p.y.d, dgy.get(), p.conv.d, p.bwd_filter_algo, ws.get(),
       p.bwd_filter_ws, &zero, p.w.d, dgw.get());
    ctx.download(gw, dgw, weight_count(g));
    DeviceBuffer dgb;
    if (gb != nullptr) {
        dgb = DeviceBuffer(ctx.alloc, size_t(g.o) * sizeof(float));
        CK(cudnnConvolutionBackwardBias, ctx.cudnn, &one, p.y.d, dgy.get(), &zero, p.bias.d, dgb.get());
        ctx.download(gb, dgb, g.o);
    }
    ctx.sync();
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convForward(
        JNIEnv* env, jclass, jlong handle, jobject x, jobject w, jobject bias, jobject y, jintArray geometry) {
    guarded(env, "conv2d", [&] {
        Context* ctx = context(handle);
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input"), *pw = address(env, w, "weight"), *py = address(env, y, "output");
        float* pb = address_or_null(env, bias, "bias");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        conv_forward(*ctx, g, px, pw, pb, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convBackwardData(
        JNIEnv* env, jclass, jlong handle, jobject gy, jobject w, jobject gx, jintArray geometry) {
    guarded(env, "conv2dBackwardData", [&] {
        Context* ctx = context(handle);
        Geometry g = read_geometry(env, geometry);
        float *pgy = address(env, gy, "gradOut"), *pw = address(env, w, "weight"), *pgx = address(env, gx, "gradInput");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        conv_backward_data(*ctx, g, pgy, pw, pgx);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_convBackwardWeights(
        JNIEnv* env, jclass, jlong handle, jobject x, jobject gy, jobject gw, jobject gb, jintArray geometry) {
    guarded(env, "conv2dBackwardWeights", [&] {
        Context* ctx = context(handle);
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input"), *pgy = address(env, gy, "gradOut"), *pgw = address(env, gw, "gradWeight");
        float* pgb = address_or_null(env, gb, "gradBias");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        conv_backward_weights(*ctx, g, px, pgy, pgw, pgb);
    });
}

}  // extern "C"
