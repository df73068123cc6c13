// Our own small CUDA kernels: explicit padding/cropping (asymmetric convolution padding), general pooling
// (asymmetric padding, dilation, windows of padding only: what cuDNN pooling cannot express), leaky ReLU,
// per-channel helpers of batch normalization, and the elementwise and updater kernels of elementwise.cu.
// One thread per element in grid-stride loops; float math throughout.
#include "common.h"

#include <cfloat>
#include <cmath>

namespace pydl4j_cuda {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(size_t n) {
    size_t b = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(b < 65535u * 32u ? b : 65535u * 32u);  // grid-stride loops cover the rest
}

#define GRID_STRIDE(i, n) for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < (n); i += size_t(gridDim.x) * blockDim.x)

__global__ void pad_kernel(const float* x, float* xp, size_t total, int h, int w, int pt, int pl, int hp, int wp, float fill) {
    GRID_STRIDE(i, total) {
        int col = static_cast<int>(i % wp);
        int row = static_cast<int>((i / wp) % hp);
        size_t plane = i / (size_t(wp) * hp);
        int ih = row - pt, iw = col - pl;
        xp[i] = (ih >= 0 && ih < h && iw >= 0 && iw < w) ? x[(plane * h + ih) * w + iw] : fill;
    }
}

__global__ void crop_kernel(const float* xp, float* x, size_t total, int h, int w, int pt, int pl, int hp, int wp) {
    GRID_STRIDE(i, total) {
        int col = static_cast<int>(i % w);
        int row = static_cast<int>((i / w) % h);
        size_t plane = i / (size_t(w) * h);
        x[i] = xp[(plane * hp + row + pt) * wp + col + pl];
    }
}

struct PoolArgs {
    int h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw;
};

// One thread per output: max (first maximum in row-major window order) or average over the in-bounds cells.
__global__ void pool_forward_kernel(bool max, const float* x, float* y, size_t total, PoolArgs a) {
    GRID_STRIDE(i, total) {
        int ow = static_cast<int>(i % a.ow);
        int oh = static_cast<int>((i / a.ow) % a.oh);
        size_t plane = i / (size_t(a.ow) * a.oh);
        const float* xp = x + plane * a.h * a.w;
        float acc = max ? -INFINITY : 0.f;
        int count = 0;
        for (int ky = 0; ky < a.kh; ++ky) {
            int ih = oh * a.sh - a.pt + ky * a.dh;
            if (ih < 0 || ih >= a.h) continue;
            for (int kx = 0; kx < a.kw; ++kx) {
                int iw = ow * a.sw - a.pl + kx * a.dw;
                if (iw < 0 || iw >= a.w) continue;
                float v = xp[ih * a.w + iw];
                if (max) { if (v > acc) acc = v; } else acc += v;
                ++count;
            }
        }
        y[i] = max ? acc : acc / (count > 0 ? count : 1);
    }
}

// One thread per output, scattering its gradient (gx must be zeroed): max routes to the first maximum of the
// window, average spreads over the in-bounds cells.
__global__ void pool_backward_kernel(bool max, const float* x, const float* gy, float* gx, size_t total, PoolArgs a) {
    GRID_STRIDE(i, total) {
        int ow = static_cast<int>(i % a.ow);
        int oh = static_cast<int>((i / a.ow) % a.oh);
        size_t plane = i / (size_t(a.ow) * a.oh);
        const float* xp = x + plane * a.h * a.w;
        float* gxp = gx + plane * a.h * a.w;
        float grad = gy[i];
        if (max) {
            int best = -1;
            float best_v = -INFINITY;
            for (int ky = 0; ky < a.kh; ++ky) {
                int ih = oh * a.sh - a.pt + ky * a.dh;
                if (ih < 0 || ih >= a.h) continue;
                for (int kx = 0; kx < a.kw; ++kx) {
                    int iw = ow * a.sw - a.pl + kx * a.dw;
                    if (iw < 0 || iw >= a.w) continue;
                    float v = xp[ih * a.w + iw];
                    if (best < 0 || v > best_v) { best = ih * a.w + iw; best_v = v; }
                }
            }
            if (best >= 0) atomicAdd(gxp + best, grad);
        } else {
            int count = 0;
            for (int ky = 0; ky < a.kh; ++ky) {
                int ih = oh * a.sh - a.pt + ky * a.dh;
                if (ih < 0 || ih >= a.h) continue;
                for (int kx = 0; kx < a.kw; ++kx) {
                    int iw = ow * a.sw - a.pl + kx * a.dw;
                    if (iw >= 0 && iw < a.w) ++count;
                }
            }
            if (count == 0) continue;
            float share = grad / count;
            for (int ky = 0; ky < a.kh; ++ky) {
                int ih = oh * a.sh - a.pt + ky * a.dh;
                if (ih < 0 || ih >= a.h) continue;
                for (int kx = 0; kx < a.kw; ++kx) {
                    int iw = ow * a.sw - a.pl + kx * a.dw;
                    if (iw >= 0 && iw < a.w) atomicAdd(gxp + ih * a.w + iw, share);
                }
            }
        }
    }
}

__global__ void leaky_forward_kernel(const float* x, float* y, size_t n, float slope) {
    GRID_STRIDE(i, n) { float v = x[i]; y[i] = v > 0.f ? v : slope * v; }
}

__global__ void leaky_backward_kernel(const float* x, const float* gy, float* gx, size_t n, float slope) {
    GRID_STRIDE(i, n) { gx[i] = x[i] > 0.f ? gy[i] : slope * gy[i]; }
}

__global__ void scale_kernel(float* x, size_t n, float factor) {
    GRID_STRIDE(i, n) { x[i] *= factor; }
}

__global__ void inv_std_kernel(const float* var, float* inv_std, size_t n, float eps) {
    GRID_STRIDE(i, n) { inv_std[i] = rsqrtf(var[i] + eps); }
}

// b is [n] or, when row_broadcast, one row of cols added to every row. Each element is read before it is
// written by the same thread, so y may be a.
__global__ void add_kernel(const float* a, const float* b, float* y, size_t n, size_t cols, bool row_broadcast) {
    GRID_STRIDE(i, n) { y[i] = a[i] + b[row_broadcast ? i % cols : i]; }
}

__global__ void axpy_kernel(float alpha, const float* x, float* y, size_t n) {
    GRID_STRIDE(i, n) { y[i] += alpha * x[i]; }
}

// Adam (DL4J's AdamUpdater): the gradient is replaced by the update; alphat carries the bias corrections.
__global__ void adam_step_kernel(float* g, float* m, float* v, size_t n, float b1, float b2, float eps, float alphat) {
    GRID_STRIDE(i, n) {
        float gi = g[i];
        float mi = b1 * m[i] + (1.f - b1) * gi;
        float vi = b2 * v[i] + (1.f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        g[i] = alphat * mi / (sqrtf(vi) + eps);
    }
}

// Nesterov momentum (DL4J's NesterovsUpdater): v' = mu v - lr g; the update is mu v - (1 + mu) v'.
__global__ void nesterovs_step_kernel(float* g, float* v, size_t n, float mu, float lr) {
    GRID_STRIDE(i, n) {
        float prev = v[i];
        float next = mu * prev - lr * g[i];
        v[i] = next;
        g[i] = mu * prev - (1.f + mu) * next;
    }
}

PoolArgs pool_args(const Geometry& g) {
    return PoolArgs{g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw};
}

}  // namespace

void launch_pad(cudaStream_t s, const float* x, float* xp, int nc, int h, int w, int pt, int pl, int hp, int wp, float fill) {
    size_t total = size_t(nc) * hp * wp;
    if (total == 0) return;
    pad_kernel<<<blocks_for(total), kThreads, 0, s>>>(x, xp, total, h, w, pt, pl, hp, wp, fill);
    CK_LAUNCH("pad_kernel");
}

void launch_crop(cudaStream_t s, const float* xp, float* x, int nc, int h, int w, int pt, int pl, int hp, int wp) {
    size_t total = size_t(nc) * h * w;
    if (total == 0) return;
    crop_kernel<<<blocks_for(total), kThreads, 0, s>>>(xp, x, total, h, w, pt, pl, hp, wp);
    CK_LAUNCH("crop_kernel");
}

void launch_pool_forward(cudaStream_t s, bool max, const float* x, float* y, const Geometry& g) {
    size_t total = size_t(g.n) * g.c * g.oh * g.ow;
    if (total == 0) return;
    pool_forward_kernel<<<blocks_for(total), kThreads, 0, s>>>(max, x, y, total, pool_args(g));
    CK_LAUNCH("pool_forward_kernel");
}

void launch_pool_backward(cudaStream_t s, bool max, const float* x, const float* gy, float* gx, const Geometry& g) {
    size_t in_total = size_t(g.n) * g.c * g.h * g.w, total = size_t(g.n) * g.c * g.oh * g.ow;
    CK(cudaMemsetAsync, gx, 0, in_total * sizeof(float), s);
    if (total == 0) return;
    pool_backward_kernel<<<blocks_for(total), kThreads, 0, s>>>(max, x, gy, gx, total, pool_args(g));
    CK_LAUNCH("pool_backward_kernel");
}

void launch_leaky_relu_forward(cudaStream_t s, const float* x, float* y, size_t n, float slope) {
    if (n == 0) return;
    leaky_forward_kernel<<<blocks_for(n), kThreads, 0, s>>>(x, y, n, slope);
    CK_LAUNCH("leaky_forward_kernel");
}

void launch_leaky_relu_backward(cudaStream_t s, const float* x, const float* gy, float* gx, size_t n, float slope) {
    if (n == 0) return;
    leaky_backward_kernel<<<blocks_for(n), kThreads, 0, s>>>(x, gy, gx, n, slope);
    CK_LAUNCH("leaky_backward_kernel");
}

void launch_scale(cudaStream_t s, float* x, size_t n, float factor) {
    if (n == 0) return;
    scale_kernel<<<blocks_for(n), kThreads, 0, s>>>(x, n, factor);
    CK_LAUNCH("scale_kernel");
}

__global__ void fill_kernel(float* x, size_t n, float value) {
    GRID_STRIDE(i, n) { x[i] = value; }
}

void launch_fill(cudaStream_t s, float* x, size_t n, float value) {
    if (n == 0) return;
    fill_kernel<<<blocks_for(n), kThreads, 0, s>>>(x, n, value);
    CK_LAUNCH("fill_kernel");
}

void launch_inv_std(cudaStream_t s, const float* var, float* inv_std, size_t n, float eps) {
    if (n == 0) return;
    inv_std_kernel<<<blocks_for(n), kThreads, 0, s>>>(var, inv_std, n, eps);
    CK_LAUNCH("inv_std_kernel");
}

void launch_add(cudaStream_t s, const float* a, const float* b, float* y, size_t n, size_t cols, bool row_broadcast) {
    if (n == 0) return;
    add_kernel<<<blocks_for(n), kThreads, 0, s>>>(a, b, y, n, cols, row_broadcast);
    CK_LAUNCH("add_kernel");
}

void launch_axpy(cudaStream_t s, float alpha, const float* x, float* y, size_t n) {
    if (n == 0) return;
    axpy_kernel<<<blocks_for(n), kThreads, 0, s>>>(alpha, x, y, n);
    CK_LAUNCH("axpy_kernel");
}

void launch_adam_step(cudaStream_t s, float* g, float* m, float* v, size_t n, float b1, float b2, float eps, float alphat) {
    if (n == 0) return;
    adam_step_kernel<<<blocks_for(n), kThreads, 0, s>>>(g, m, v, n, b1, b2, eps, alphat);
    CK_LAUNCH("adam_step_kernel");
}

void launch_nesterovs_step(cudaStream_t s, float* g, float* v, size_t n, float mu, float lr) {
    if (n == 0) return;
    nesterovs_step_kernel<<<blocks_for(n), kThreads, 0, s>>>(g, v, n, mu, lr);
    CK_LAUNCH("nesterovs_step_kernel");
}

}  // namespace pydl4j_cuda
