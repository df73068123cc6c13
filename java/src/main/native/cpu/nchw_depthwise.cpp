// Depthwise convolution on plain NCHW planes for training (forward, backward data, backward weights).
//
// Each image plane is copied once into a zero-padded buffer split by the stride into sh * sw phase planes
// (polyphase): phase (a, b) holds the padded input's rows a, a + sh, ... and columns b, b + sw, .... A kernel tap
// (ki, kj) reads one phase at a fixed offset, so over a "wide" output grid whose rows are as long as a phase row
// every tap is one contiguous run of loads, whatever the stride, dilation, padding and plane size; the valid
// columns are copied out afterwards (the others read padding and are dropped). Outputs are computed kTile at a
// time in registers across all taps: one store per output instead of a load and a store per tap. The kernels
// this replaces looped tap by tap over output rows 7-112 wide, where loop overhead and short vectors took most
// of the time (the depthwise ops were ~45% of an all-layers Lite0 fine-tuning step).
//
// Backward data is the same correlation run on the zero-padded output gradient with the taps of each phase,
// backward weights one dot product per tap between the output gradient (on the wide grid, zeros outside the
// valid columns) and the phase plane at the tap's offset. Sums: float within a plane, double across images.
#include "nchw_depthwise.h"

#include <omp.h>

#include <algorithm>
#include <vector>

namespace pydl4j {
namespace {

using Dim = int64_t;  // the Geometry fields' type
constexpr Dim kTile = 32;   // outputs per register block: 4 AVX2 vectors
constexpr Dim kLanes = 16;  // lanes per dot-product accumulator (backward weights: 4 taps x 2 vectors)

Dim ceil_div(Dim a, Dim b) { return (a + b - 1) / b; }

// Eight floats in a register (GCC vector extension: AVX2 here, whatever the target has elsewhere); V8u is the
// same read from or written to any float address. Plain arrays as accumulators were kept on the stack, stored and
// reloaded once per tap.
typedef float V8 __attribute__((vector_size(32)));
typedef float V8u __attribute__((vector_size(32), aligned(4), may_alias));

inline V8 load8(const float* p) { return *reinterpret_cast<const V8u*>(p); }
inline void store8(float* p, V8 v) { *reinterpret_cast<V8u*>(p) = v; }
inline V8 splat8(float v) { return V8{v, v, v, v, v, v, v, v}; }

// dst[0, n) = src[0, n) inline: rows here are 7-112 floats, where a memmove call per row (std::copy) cost as much
// as the copy (5% of a step's cycles); the attribute keeps GCC from turning the tail loop back into that call.
__attribute__((optimize("no-tree-loop-distribute-patterns")))
inline void copy_row(const float* src, Dim n, float* dst) {
    Dim j = 0;
    for (; j + 8 <= n; j += 8) store8(dst + j, load8(src + j));
    for (; j < n; j++) dst[j] = src[j];
}

// The phase planes of one geometry and where each tap reads them.
struct Phases {
    Dim sh, sw, hq, wq;  // stride; rows and columns of a phase plane
    Dim qi, qj;          // the largest tap offset, in phase rows and columns
    Dim count;           // sh * sw phases
    Dim len;             // floats per phase plane, with room for a tile read past the last wide output
    Dim out_len;         // the wide output grid (oh rows of wq) in whole tiles
    std::vector<Dim> tap_phase, tap_row, tap_col;

    explicit Phases(const Geometry& g) : sh(g.sh), sw(g.sw) {
        // the padded input: every row / column a tap reads, and every input row / column (all get a gradient)
        const Dim hp = std::max((g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1, g.pt + g.h);
        const Dim wp = std::max((g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1, g.pl + g.w);
        hq = ceil_div(hp, sh);
        wq = ceil_div(wp, sw);
        qi = (g.kh - 1) * g.dh / sh;
        qj = (g.kw - 1) * g.dw / sw;
        count = sh * sw;
        out_len = ceil_div(g.oh * wq, kTile) * kTile;
        // a tap reads [qi * wq + qj, + out_len) at most, and hq >= oh + qi, qj < wq
        len = (hq + 1) * wq + kTile;
        for (Dim ki = 0; ki < g.kh; ki++) {
            for (Dim kj = 0; kj < g.kw; kj++) {
                tap_phase.push_back((ki * g.dh % sh) * sw + kj * g.dw % sw);
                tap_row.push_back(ki * g.dh / sh);
                tap_col.push_back(kj * g.dw / sw);
            }
        }
    }

    Dim taps() const { return static_cast<Dim>(tap_phase.size()); }

    std::vector<float> zeroed() const { return std::vector<float>(static_cast<size_t>(count * len), 0.f); }

    // Where tap k reads in a buffer of count phase planes (fill).
    const float* source(const float* buf, Dim k) const { return buf + tap_phase[k] * len + tap_row[k] * wq + tap_col[k]; }

    // Copies the h x w plane x into count phase planes of the padded input (buf: count * len floats). Every plane
    // writes the same positions, so the padding is zeroed once, when buf is made (zeroed()), not per plane.
    void fill(const Geometry& g, const float* x, float* buf) const {
        for (Dim ih = 0; ih < g.h; ih++) {
            const Dim r = ih + g.pt;
            const float* xr = x + ih * g.w;
            float* row = buf + (r % sh) * sw * len + (r / sh) * wq;
            if (sw == 1) {
                copy_row(xr, g.w, row + g.pl);
            } else {
                for (Dim b = 0; b < sw; b++) {   // padded columns b, b + sw, ...: phase b's columns from 0
                    const Dim first = ((b - g.pl) % sw + sw) % sw;   // the first input column of phase b
                    float* dst = row + b * len + (first + g.pl) / sw;
                    for (Dim iw = first, j = 0; iw < g.w; iw += sw, j++) dst[j] = xr[iw];
                }
            }
        }
    }
};

// out[t] = init + sum_k wt[k] * src[k][t] for t in [0, len), len a multiple of kTile; a tile's sums stay in
// registers across the taps.
void correlate(const float* const* src, const float* wt, Dim taps, float init, float* out, Dim len) {
    static_assert(kTile == 32, "four vectors of eight");
    for (Dim t0 = 0; t0 < len; t0 += kTile) {
        V8 a0 = splat8(init), a1 = a0, a2 = a0, a3 = a0;
        for (Dim k = 0; k < taps; k++) {
            const float* s = src[k] + t0;
            const V8 wv = splat8(wt[k]);
            a0 += wv * load8(s);
            a1 += wv * load8(s + 8);
            a2 += wv * load8(s + 16);
            a3 += wv * load8(s + 24);
        }
        store8(out + t0, a0);
        store8(out + t0 + 8, a1);
        store8(out + t0 + 16, a2);
        store8(out + t0 + 24, a3);
    }
}

double lane_sum(V8 v) {
    double s = 0;
    for (int j = 0; j < 8; j++) s += v[j];
    return s;
}

// sums[q] += sum_t g[t] * s[q][t] for 4 taps at once (one load of g for four products), len a multiple of kLanes.
void dot4(const float* g, const float* const* s, Dim len, double* sums) {
    static_assert(kLanes == 16, "two vectors of eight");
    const V8 zero = splat8(0.f);
    V8 a0 = zero, b0 = zero, a1 = zero, b1 = zero, a2 = zero, b2 = zero, a3 = zero, b3 = zero;
    const float *s0 = s[0], *s1 = s[1], *s2 = s[2], *s3 = s[3];
    for (Dim t = 0; t < len; t += kLanes) {
        const V8 ga = load8(g + t), gb = load8(g + t + 8);
        a0 += ga * load8(s0 + t);
        b0 += gb * load8(s0 + t + 8);
        a1 += ga * load8(s1 + t);
        b1 += gb * load8(s1 + t + 8);
        a2 += ga * load8(s2 + t);
        b2 += gb * load8(s2 + t + 8);
        a3 += ga * load8(s3 + t);
        b3 += gb * load8(s3 + t + 8);
    }
    sums[0] += lane_sum(a0) + lane_sum(b0);
    sums[1] += lane_sum(a1) + lane_sum(b1);
    sums[2] += lane_sum(a2) + lane_sum(b2);
    sums[3] += lane_sum(a3) + lane_sum(b3);
}

}  // namespace

void dw_forward(const Geometry& g, const float* x, const float* w, const float* bias, float* y) {
    const Phases p(g);
    const Dim mult = g.o / g.c, taps = p.taps(), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
#pragma omp parallel
    {
        std::vector<float> buf = p.zeroed(), out(static_cast<size_t>(p.out_len));
        std::vector<const float*> src(static_cast<size_t>(taps));
#pragma omp for schedule(static)
        for (Dim item = 0; item < g.n * g.c; item++) {   // item = image * c + input channel
            const Dim i = item / g.c, ic = item % g.c;
            p.fill(g, x + item * in_plane, buf.data());
            for (Dim k = 0; k < taps; k++) src[k] = p.source(buf.data(), k);
            for (Dim oc = ic * mult; oc < (ic + 1) * mult; oc++) {
                correlate(src.data(), w + oc * taps, taps, bias ? bias[oc] : 0.f, out.data(), p.out_len);
                float* yp = y + (i * g.o + oc) * out_plane;
                for (Dim r = 0; r < g.oh; r++) copy_row(out.data() + r * p.wq, g.ow, yp + r * g.ow);
            }
        }
    }
}

// gx in phase (a, b) at phase position (i, j) = sum over the taps of that phase of w * gy[i - tap_row][j - tap_col].
// Only the phase positions of input pixels are computed: rows [i0, i1], columns [j0, j1], on a wide grid of rows
// wg long; the output gradient goes into a zero-padded plane whose columns are gy's [j0 - qj, j1] (wg of them) and
// rows gy's [i0 - qi, i1], so that every tap of every phase is one contiguous run of loads; the phases are then
// interleaved back into gx.
void dw_backward_data(const Geometry& g, const float* gy, const float* w, float* gx) {
    const Phases p(g);
    const Dim mult = g.o / g.c, taps = p.taps(), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
    const Dim i0 = g.pt / p.sh, i1 = (g.pt + g.h - 1) / p.sh, j0 = g.pl / p.sw, j1 = (g.pl + g.w - 1) / p.sw;
    const Dim wg = j1 - j0 + 1 + p.qj, rows = i1 - i0 + 1 + p.qi;
    const Dim grid = ceil_div((i1 - i0 + 1) * wg, kTile) * kTile;
    const Dim glen = (rows + 1) * wg + kTile;   // reads reach (qi * wg + qj) + grid at most
    // gy rows / columns that land in the padded plane
    const Dim r_lo = std::max<Dim>(0, i0 - p.qi), r_hi = std::min(g.oh, i1 + 1);
    const Dim c_lo = std::max<Dim>(0, j0 - p.qj), c_hi = std::min(g.ow, j1 + 1);
#pragma omp parallel
    {
        // zeroed once: every item writes the same positions of gyp (its padding stays zero)
        std::vector<float> gyp(static_cast<size_t>(mult * glen), 0.f), out(static_cast<size_t>(p.count * grid));
        std::vector<const float*> src(static_cast<size_t>(mult * taps));
        std::vector<float> wt(static_cast<size_t>(mult * taps));
        std::vector<char> used(static_cast<size_t>(p.count));
#pragma omp for schedule(static)
        for (Dim item = 0; item < g.n * g.c; item++) {
            const Dim i = item / g.c, ic = item % g.c;
            for (Dim m = 0; m < mult && c_hi > c_lo; m++) {
                const float* yp = gy + (i * g.o + ic * mult + m) * out_plane;
                float* dst = gyp.data() + m * glen + (p.qj - j0);   // gy (r, c) -> row r - i0 + qi, column c - j0 + qj
                for (Dim r = r_lo; r < r_hi; r++) {
                    copy_row(yp + r * g.ow + c_lo, c_hi - c_lo, dst + (r - i0 + p.qi) * wg + c_lo);
                }
            }
            for (Dim ph = 0; ph < p.count; ph++) {
                Dim cnt = 0;
                for (Dim m = 0; m < mult; m++) {
                    for (Dim k = 0; k < taps; k++) {
                        if (p.tap_phase[k] != ph) continue;
                        src[cnt] = gyp.data() + m * glen + (p.qi - p.tap_row[k]) * wg + (p.qj - p.tap_col[k]);
                        wt[cnt++] = w[(ic * mult + m) * taps + k];
                    }
                }
                used[ph] = cnt > 0;
                if (cnt > 0) correlate(src.data(), wt.data(), cnt, 0.f, out.data() + ph * grid, grid);
            }
            float* xp = gx + item * in_plane;
            for (Dim ih = 0; ih < g.h; ih++) {
                const Dim r = ih + g.pt;
                float* xr = xp + ih * g.w;
                const Dim row_phase = (r % p.sh) * p.sw;
                const Dim row = (r / p.sh - i0) * wg - j0;   // phase column j of this row: out[row + j]
                if (p.sw == 1) {
                    const float* from = out.data() + row_phase * grid + row + g.pl;
                    if (used[row_phase]) copy_row(from, g.w, xr);
                    else std::fill(xr, xr + g.w, 0.f);
                } else {
                    for (Dim b = 0; b < p.sw; b++) {
                        const Dim first = ((b - g.pl) % p.sw + p.sw) % p.sw, ph = row_phase + b;
                        const float* from = out.data() + ph * grid + row + (first + g.pl) / p.sw;
                        for (Dim iw = first, j = 0; iw < g.w; iw += p.sw, j++) xr[iw] = used[ph] ? from[j] : 0.f;
                    }
                }
            }
        }
    }
}

void dw_backward_weights(const Geometry& g, const float* x, const float* gy, float* gw, float* gb) {
    const Phases p(g);
    const Dim mult = g.o / g.c, taps = p.taps(), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
#pragma omp parallel
    {
        // zeroed once: every plane writes the same positions (the wide grid's padding columns stay zero)
        std::vector<float> buf = p.zeroed(), gyw(static_cast<size_t>(p.out_len), 0.f);
        std::vector<double> acc(static_cast<size_t>(taps + 3));
        const float* src[4];
#pragma omp for schedule(static)
        for (Dim oc = 0; oc < g.o; oc++) {
            std::fill(acc.begin(), acc.end(), 0.0);
            double b = 0;
            for (Dim i = 0; i < g.n; i++) {
                p.fill(g, x + (i * g.c + oc / mult) * in_plane, buf.data());
                // the output gradient on the wide grid: zeros where the wide outputs are padding
                const float* yp = gy + (i * g.o + oc) * out_plane;
                for (Dim r = 0; r < g.oh; r++) copy_row(yp + r * g.ow, g.ow, gyw.data() + r * p.wq);
                for (Dim k0 = 0; k0 < taps; k0 += 4) {
                    // a group of 4 taps; past the last tap, repeat it (sums land in acc's spare slots)
                    for (Dim q = 0; q < 4; q++) src[q] = p.source(buf.data(), std::min(k0 + q, taps - 1));
                    dot4(gyw.data(), src, p.out_len, acc.data() + k0);
                }
                if (gb) {
                    float s = 0.f;
#pragma omp simd reduction(+ : s)
                    for (Dim t = 0; t < out_plane; t++) s += yp[t];
                    b += s;
                }
            }
            for (Dim k = 0; k < taps; k++) gw[oc * taps + k] = static_cast<float>(acc[k]);
            if (gb) gb[oc] = static_cast<float>(b);
        }
    }
}

}  // namespace pydl4j
