// Training kernels on the plain NCHW layout the Java side keeps: batch normalization with batch statistics (forward
// and backward), depthwise convolution (forward, backward data, backward weights: nchw_depthwise.cpp) and 1x1 stride-1 convolution as
// OpenBLAS products. oneDNN 2.6 has no fast path for these on plain layouts: its NCHW batch norm (ncsp_bnorm) took
// 1.5 s for one [8,96,112,112] backward, its 5x5 depthwise backward-weights falls back to im2col + gemm per
// channel, and every blocked-layout kernel costs two reorders per tensor per call; a fine-tuning step spent more
// time there than in the convolutions themselves. Each kernel reads and writes each tensor once or twice, in
// order. Sums run in float vectors along a row and in double across rows (mean and variance of 400k values).
#include "common.h"
#include "nchw_depthwise.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace pydl4j {
namespace {

using Dim = long long;

// ---------------------------------------------------------------- batch normalization, batch statistics

float row_sum(const float* p, Dim len) {
    float acc = 0.f;
#pragma omp simd reduction(+ : acc)
    for (Dim i = 0; i < len; i++) acc += p[i];
    return acc;
}

// An activation applied inside batch norm (training): y = min(max(bn(x), lo), hi), so RELU is [0, inf) and RELU6
// [0, 6]. Its derivative is 1 where lo < y < hi and 0 elsewhere, read off the output: the backward pass needs
// neither the pre-activation tensor nor a separate activation layer's pass over memory. {-inf, inf}: none.
struct Clamp {
    float lo, hi;
    bool active() const { return !(std::isinf(lo) && lo < 0 && std::isinf(hi) && hi > 0); }
};

// The per-channel affine map of batch norm, y = x * scale + shift, from the stored float statistics. The forward
// pass writes y = clamp(fma(x, scale, shift)), and the backward pass recomputes the same fma from x to find where
// the clamp passed the gradient (lo < y < hi), instead of reading y: one tensor fewer streamed through each of
// its two passes. One function and one rounding (fma) in both places, so both see the same pre-activation values.
struct Affine {
    float scale, shift;
    Affine(float gamma, float beta, float mean, float var, float eps)
        : scale(static_cast<float>(gamma / std::sqrt(static_cast<double>(var) + eps))), shift(beta - mean * scale) {}
};

// x, y: [n, c, s]; mean and var (biased, the one that normalizes) are written. The statistics take one pass over
// x: sums of x - k and (x - k)^2 with k the channel's first value (near the mean, so the difference of squares
// does not cancel; float along a row, double across rows), then one pass writes y.
template <bool kClamp>
void bn_train_forward(Dim n, Dim c, Dim s, float eps, const float* x, const float* gamma, const float* beta,
                      float* mean, float* var, float* y, Clamp clamp) {
    const double count = static_cast<double>(n) * s;
#pragma omp parallel for schedule(dynamic, 1)
    for (Dim ch = 0; ch < c; ch++) {
        const float k = x[ch * s];
        double sum = 0, sq = 0;
        for (Dim i = 0; i < n; i++) {
            const float* xr = x + (i * c + ch) * s;
            float a = 0.f, b = 0.f;
#pragma omp simd reduction(+ : a, b)
            for (Dim t = 0; t < s; t++) {
                const float d = xr[t] - k;
                a += d;
                b += d * d;
            }
            sum += a;
            sq += b;
        }
        const double shifted_mean = sum / count;
        const double v = std::max(0.0, sq / count - shifted_mean * shifted_mean);
        const float mu = static_cast<float>(k + shifted_mean);
        mean[ch] = mu;
        var[ch] = static_cast<float>(v);
        const Affine a(gamma[ch], beta[ch], mu, var[ch], eps);
        const float scale = a.scale, shift = a.shift;
        const float lo = clamp.lo, hi = clamp.hi;
        for (Dim i = 0; i < n; i++) {
            const float* xr = x + (i * c + ch) * s;
            float* yr = y + (i * c + ch) * s;
            if (kClamp) {
#pragma omp simd
                for (Dim t = 0; t < s; t++) yr[t] = std::min(std::max(std::fma(xr[t], scale, shift), lo), hi);
            } else {
#pragma omp simd
                for (Dim t = 0; t < s; t++) yr[t] = std::fma(xr[t], scale, shift);
            }
        }
    }
}

// dgamma = sum(g * xhat), dbeta = sum(g), gx = gamma / std * (g - dbeta / m - xhat * dgamma / m), where g is gy,
// or with a clamp gy masked by lo < y < hi, y = fma(x, scale, shift) recomputed as the forward pass made it (Affine;
// beta only then).
template <bool kClamp>
void bn_backward(Dim n, Dim c, Dim s, float eps, const float* x, const float* gy, const float* beta, Clamp clamp,
                 const float* gamma, const float* mean, const float* var, float* gx, float* ggamma, float* gbeta) {
    const double count = static_cast<double>(n) * s;
    const float lo = clamp.lo, hi = clamp.hi;
#pragma omp parallel for schedule(dynamic, 1)
    for (Dim ch = 0; ch < c; ch++) {
        const float mu = mean[ch];
        const Affine a(gamma[ch], kClamp ? beta[ch] : 0.f, mu, var[ch], eps);
        const float scale = a.scale, shift = a.shift;
        const double inv_std = 1.0 / std::sqrt(static_cast<double>(var[ch]) + eps);
        double sum_gy = 0, sum_gy_xc = 0;
        for (Dim i = 0; i < n; i++) {
            const Dim row = (i * c + ch) * s;
            const float* xr = x + row;
            const float* gr = gy + row;
            float sa = 0.f, sb = 0.f;
#pragma omp simd reduction(+ : sa, sb)
            for (Dim k = 0; k < s; k++) {
                float g = gr[k];
                if (kClamp) {
                    const float z = std::fma(xr[k], scale, shift);
                    g = z > lo && z < hi ? g : 0.f;
                }
                sa += g;
                sb += g * (xr[k] - mu);
            }
            sum_gy += sa;
            sum_gy_xc += sb;
        }
        const double dgamma = sum_gy_xc * inv_std;
        ggamma[ch] = static_cast<float>(dgamma);
        gbeta[ch] = static_cast<float>(sum_gy);
        // gx = k * (g - mean(g)) - k * (x - mu) * inv_std^2 * mean(g * (x - mu)) with k = gamma * inv_std
        const float k = static_cast<float>(gamma[ch] * inv_std);
        const float mean_gy = static_cast<float>(sum_gy / count);
        const float coef = static_cast<float>(sum_gy_xc / count * inv_std * inv_std);
        for (Dim i = 0; i < n; i++) {
            const Dim row = (i * c + ch) * s;
            const float* xr = x + row;
            const float* gr = gy + row;
            float* out = gx + row;
#pragma omp simd
            for (Dim t = 0; t < s; t++) {
                float g = gr[t];
                if (kClamp) {
                    const float z = std::fma(xr[t], scale, shift);
                    g = z > lo && z < hi ? g : 0.f;
                }
                out[t] = k * (g - mean_gy - (xr[t] - mu) * coef);
            }
        }
    }
}

// ---------------------------------------------------------------- 1x1 stride-1 convolution as matrix products
// Per image, NCHW is a [c, s] matrix: y_i = W x_i, gx_i = W^T gy_i, gW = sum_i gy_i x_i^T. With at least as many
// images as threads, the images are shared out over OpenMP threads and each product runs single-threaded in
// OpenBLAS: one product per image with OpenBLAS's own threads meant a thread hand-off per image (thousands per
// step), which on a loaded machine costs a scheduler time slice each.

// OpenBLAS on the calling thread only, for the scope (all native calls hold compute_mutex, so nothing else runs).
class BlasSingleThread {
public:
    BlasSingleThread() : saved_(openblas_get_num_threads()) { openblas_set_num_threads(1); }
    ~BlasSingleThread() { openblas_set_num_threads(saved_); }
    BlasSingleThread(const BlasSingleThread&) = delete;
    BlasSingleThread& operator=(const BlasSingleThread&) = delete;

private:
    int saved_;
};

bool images_in_parallel(Dim n) { return omp_get_max_threads() > 1 && n >= omp_get_max_threads(); }

void pw_forward_image(const Geometry& g, const float* x, const float* w, const float* bias, float* y, Dim i) {
    const Dim s = g.h * g.w;
    float* yi = y + i * g.o * s;
    if (bias) {
        for (Dim oc = 0; oc < g.o; oc++) std::fill(yi + oc * s, yi + (oc + 1) * s, bias[oc]);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g.o, s, g.c, 1.f, w, g.c, x + i * g.c * s, s,
                bias ? 1.f : 0.f, yi, s);
}

void pw_forward(const Geometry& g, const float* x, const float* w, const float* bias, float* y) {
    if (images_in_parallel(g.n)) {
        BlasSingleThread one;
#pragma omp parallel for schedule(static)
        for (Dim i = 0; i < g.n; i++) pw_forward_image(g, x, w, bias, y, i);
    } else {
        for (Dim i = 0; i < g.n; i++) pw_forward_image(g, x, w, bias, y, i);
    }
}

void pw_backward_data_image(const Geometry& g, const float* gy, const float* w, float* gx, Dim i) {
    const Dim s = g.h * g.w;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g.c, s, g.o, 1.f, w, g.c, gy + i * g.o * s, s, 0.f,
                gx + i * g.c * s, s);
}

void pw_backward_data(const Geometry& g, const float* gy, const float* w, float* gx) {
    if (images_in_parallel(g.n)) {
        BlasSingleThread one;
#pragma omp parallel for schedule(static)
        for (Dim i = 0; i < g.n; i++) pw_backward_data_image(g, gy, w, gx, i);
    } else {
        for (Dim i = 0; i < g.n; i++) pw_backward_data_image(g, gy, w, gx, i);
    }
}

// acc (+)= gy_i x_i^T over images [from, to)
void pw_weight_products(const Geometry& g, const float* x, const float* gy, float* acc, Dim from, Dim to) {
    const Dim s = g.h * g.w;
    for (Dim i = from; i < to; i++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g.o, g.c, s, 1.f, gy + i * g.o * s, s, x + i * g.c * s,
                    s, i == from ? 0.f : 1.f, acc, g.c);
    }
}

void pw_backward_weights(const Geometry& g, const float* x, const float* gy, float* gw, float* gb) {
    const Dim s = g.h * g.w, wlen = g.o * g.c;
    if (images_in_parallel(g.n)) {
        // one partial sum per thread, added up at the end
        const int threads = omp_get_max_threads();
        std::vector<float> partial(static_cast<size_t>(threads - 1) * wlen);
        BlasSingleThread one;
#pragma omp parallel num_threads(threads)
        {
            const int t = omp_get_thread_num(), nt = omp_get_num_threads();
            const Dim from = g.n * t / nt, to = g.n * (t + 1) / nt;
            float* acc = t == 0 ? gw : partial.data() + (t - 1) * wlen;
            if (to > from) pw_weight_products(g, x, gy, acc, from, to);
            else std::fill(acc, acc + wlen, 0.f);
#pragma omp barrier
#pragma omp for schedule(static)
            for (Dim k = 0; k < wlen; k++) {
                float sum = gw[k];
                for (int p = 1; p < nt; p++) sum += partial[(p - 1) * wlen + k];
                gw[k] = sum;
            }
        }
    } else {
        pw_weight_products(g, x, gy, gw, 0, g.n);
    }
    if (gb) {
#pragma omp parallel for schedule(static)
        for (Dim oc = 0; oc < g.o; oc++) {
            double b = 0;
            for (Dim i = 0; i < g.n; i++) b += row_sum(gy + (i * g.o + oc) * s, s);
            gb[oc] = static_cast<float>(b);
        }
    }
}

// A clamp from Java: lo < hi, neither NaN (NchwKernels.clampOf makes them; refuse anything else).
Clamp checked_clamp(float lo, float hi) {
    if (std::isnan(lo) || std::isnan(hi) || !(lo < hi)) throw std::invalid_argument("batch norm clamp [" + std::to_string(lo) + ", " + std::to_string(hi) + "] is not an interval");
    return Clamp{lo, hi};
}

// The kernels index by the geometry alone: refuse one that is not what the kind assumes (Java chose the kind,
// NchwKernels.convKind), or whose output size does not follow from input, kernel, stride and padding.
void check_kind(int kind, const Geometry& g) {
    auto out = [](long long in, long long k, long long s, long long pad, long long d) { return (in + pad - (k - 1) * d - 1) / s + 1; };
    bool sizes = g.n > 0 && g.c > 0 && g.o > 0 && g.kh > 0 && g.kw > 0 && g.sh > 0 && g.sw > 0 && g.dh > 0 && g.dw > 0
        && g.pt >= 0 && g.pl >= 0 && g.pb >= 0 && g.pr >= 0
        && g.oh == out(g.h, g.kh, g.sh, g.pt + g.pb, g.dh) && g.ow == out(g.w, g.kw, g.sw, g.pl + g.pr, g.dw);
    bool depthwise = kind == 0 && g.groups == g.c && g.o % g.c == 0;
    bool pointwise = kind == 1 && g.groups == 1 && g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0
        && g.pl == 0 && g.pb == 0 && g.pr == 0;
    if (!sizes || !(depthwise || pointwise)) throw std::invalid_argument("geometry does not fit NCHW kernel " + std::to_string(kind));
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

// lo, hi: the activation clamped into the output (Clamp; -inf, inf for none).
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_nchwBatchNormTraining(
        JNIEnv* env, jclass, jobject x, jobject gamma, jobject beta, jobject mean, jobject var, jobject y, jint n,
        jint c, jint spatial, jfloat eps, jfloat lo, jfloat hi) {
    guarded(env, "batchNormTraining", [&] {
        int64_t all = elements({n, c, spatial}, "batch norm shape"), ch = elements({c}, "channels");
        float *px = address(env, x, "input", all), *pg = address(env, gamma, "gamma", ch), *pb = address(env, beta, "beta", ch);
        float *pm = address(env, mean, "mean", ch), *pv = address(env, var, "var", ch), *py = address(env, y, "output", all);
        const Clamp clamp = checked_clamp(lo, hi);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(n) * c * spatial);
        if (clamp.active()) bn_train_forward<true>(n, c, spatial, eps, px, pg, pb, pm, pv, py, clamp);
        else bn_train_forward<false>(n, c, spatial, eps, px, pg, pb, pm, pv, py, clamp);
    });
}

// beta: the forward pass's, for the clamp's derivative (bn_backward recomputes the clamped pre-activation); null
// when the clamp is none.
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_nchwBatchNormBackward(
        JNIEnv* env, jclass, jobject x, jobject beta, jobject gy, jobject gamma, jobject mean, jobject var, jobject gx,
        jobject ggamma, jobject gbeta, jint n, jint c, jint spatial, jfloat eps, jfloat lo, jfloat hi) {
    guarded(env, "batchNormBackward", [&] {
        int64_t all = elements({n, c, spatial}, "batch norm shape"), ch = elements({c}, "channels");
        float *px = address(env, x, "input", all), *pgy = address(env, gy, "gradOut", all), *pg = address(env, gamma, "gamma", ch);
        float *pm = address(env, mean, "mean", ch), *pv = address(env, var, "var", ch), *pgx = address(env, gx, "gradInput", all);
        float *pgg = address(env, ggamma, "gradGamma", ch), *pgb = address(env, gbeta, "gradBeta", ch);
        const Clamp clamp = checked_clamp(lo, hi);
        float* pb = clamp.active() ? address(env, beta, "beta", ch) : nullptr;
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(n) * c * spatial);
        if (clamp.active()) bn_backward<true>(n, c, spatial, eps, px, pgy, pb, clamp, pg, pm, pv, pgx, pgg, pgb);
        else bn_backward<false>(n, c, spatial, eps, px, pgy, pb, clamp, pg, pm, pv, pgx, pgg, pgb);
    });
}

// kind: 0 depthwise, 1 pointwise (1x1, stride 1, no padding, one group); the Java side chose it from the geometry.
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_nchwConvForward(
        JNIEnv* env, jclass, jint kind, jobject x, jobject w, jobject bias, jobject y, jintArray geometry) {
    guarded(env, "conv2d", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pw = address(env, w, "weight", g.weight_elements());
        float *pb = address_or_null(env, bias, "bias", g.o), *py = address(env, y, "output", g.dst_elements());
        check_kind(kind, g);
        std::lock_guard<std::mutex> lock(compute_mutex());
        if (kind == 0) dw_forward(g, px, pw, pb, py);
        else pw_forward(g, px, pw, pb, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_nchwConvBackwardData(
        JNIEnv* env, jclass, jint kind, jobject gy, jobject w, jobject gx, jintArray geometry) {
    guarded(env, "conv2dBackwardData", [&] {
        Geometry g = read_geometry(env, geometry);
        float *pgy = address(env, gy, "gradOut", g.dst_elements()), *pw = address(env, w, "weight", g.weight_elements());
        float *pgx = address(env, gx, "gradInput", g.src_elements());
        check_kind(kind, g);
        std::lock_guard<std::mutex> lock(compute_mutex());
        if (kind == 0) dw_backward_data(g, pgy, pw, pgx);
        else pw_backward_data(g, pgy, pw, pgx);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_nchwConvBackwardWeights(
        JNIEnv* env, jclass, jint kind, jobject x, jobject gy, jobject gw, jobject gb, jintArray geometry) {
    guarded(env, "conv2dBackwardWeights", [&] {
        Geometry g = read_geometry(env, geometry);
        float *px = address(env, x, "input", g.src_elements()), *pgy = address(env, gy, "gradOut", g.dst_elements());
        float *pgw = address(env, gw, "gradWeight", g.weight_elements()), *pgb = address_or_null(env, gb, "gradBias", g.o);
        check_kind(kind, g);
        std::lock_guard<std::mutex> lock(compute_mutex());
        if (kind == 0) dw_backward_weights(g, px, pgy, pgw, pgb);
        else pw_backward_weights(g, px, pgy, pgw, pgb);
    });
}

}  // extern "C"
