// The elementwise ops a training step runs every step: Adam's step and y += alpha * x (the parameter update) once
// per parameter array, and the residual additions (forward, and the gradients meeting at a branch). Backend's host
// defaults read and write element by element through INDArray accessors, about 2-12 ns per element: 40 ms of Adam
// per EfficientNet-Lite0 step (3.4M parameters, 149 arrays), 30 ms of additions. Here one pass over OpenMP threads,
// in double per element exactly as the defaults compute (a float sum is the rounded double one), rounded to float
// on store.
#include "common.h"

#include <omp.h>

#include <cmath>

namespace pydl4j {
namespace {

void adam_step(int64_t len, float* g, float* m, float* v, double b1, double b2, double eps, double alphat) {
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < len; i++) {
        const double gi = g[i];
        const double mi = b1 * m[i] + (1 - b1) * gi;
        const double vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = static_cast<float>(mi);
        v[i] = static_cast<float>(vi);
        g[i] = static_cast<float>(alphat * mi / (std::sqrt(vi) + eps));
    }
}

void axpy(int64_t len, double alpha, const float* x, float* y) {
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < len; i++) y[i] = static_cast<float>(y[i] + alpha * x[i]);
}

void add(int64_t len, const float* a, const float* b, float* y) {
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < len; i++) y[i] = a[i] + b[i];
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_adamStep(
        JNIEnv* env, jclass, jobject g, jobject m, jobject v, jint length, jdouble b1, jdouble b2, jdouble eps, jdouble alphat) {
    guarded(env, "adamStep", [&] {
        int64_t len = elements({length}, "length");
        float *pg = address(env, g, "gradient", len), *pm = address(env, m, "m", len), *pv = address(env, v, "v", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        adam_step(len, pg, pm, pv, b1, b2, eps, alphat);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_axpy(
        JNIEnv* env, jclass, jdouble alpha, jobject x, jobject y, jint length) {
    guarded(env, "axpy", [&] {
        int64_t len = elements({length}, "length");
        float *px = address(env, x, "x", len), *py = address(env, y, "y", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        axpy(len, alpha, px, py);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_add(
        JNIEnv* env, jclass, jobject a, jobject b, jobject y, jint length) {
    guarded(env, "add", [&] {
        int64_t len = elements({length}, "length");
        float *pa = address(env, a, "a", len), *pb = address(env, b, "b", len), *py = address(env, y, "output", len);
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        add(len, pa, pb, py);
    });
}

}  // extern "C"
