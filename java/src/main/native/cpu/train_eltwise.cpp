// The elementwise ops a training step runs every step: Adam's step and y += alpha * x (the parameter update) once
// per parameter array, and the residual additions (forward, and the gradients meeting at a branch). Backend's host
// defaults read and write element by element through INDArray accessors, about 2-12 ns per element: 40 ms of Adam
// per EfficientNet-Lite0 step (3.4M parameters, 149 arrays), 30 ms of additions. Here one pass over OpenMP threads,
// in double per element exactly as the defaults compute (a float sum is the rounded double one), rounded to float
// on store.
#include "common.h"

#include <omp.h>

#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

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

// One entry point: each buffer must hold length floats (their addresses go to body in order), then body(len,
// addresses) runs under the compute lock, single-threaded for small arrays.
template <typename F>
void over_floats(JNIEnv* env, const char* op, jint length, std::initializer_list<std::pair<jobject, const char*>> buffers,
                 F body) {
    guarded(env, op, [&] {
        int64_t len = elements({length}, "length");
        std::vector<float*> p;
        for (const auto& b : buffers) p.push_back(address(env, b.first, b.second, len));
        std::lock_guard<std::mutex> lock(compute_mutex());
        SmallWork small(static_cast<size_t>(length));
        body(len, p.data());
    });
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_adamStep(
        JNIEnv* env, jclass, jobject g, jobject m, jobject v, jint length, jdouble b1, jdouble b2, jdouble eps, jdouble alphat) {
    over_floats(env, "adamStep", length, {{g, "gradient"}, {m, "m"}, {v, "v"}},
                [&](int64_t len, float** p) { adam_step(len, p[0], p[1], p[2], b1, b2, eps, alphat); });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_axpy(
        JNIEnv* env, jclass, jdouble alpha, jobject x, jobject y, jint length) {
    over_floats(env, "axpy", length, {{x, "x"}, {y, "y"}}, [&](int64_t len, float** p) { axpy(len, alpha, p[0], p[1]); });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_add(
        JNIEnv* env, jclass, jobject a, jobject b, jobject y, jint length) {
    over_floats(env, "add", length, {{a, "a"}, {b, "b"}, {y, "output"}},
                [&](int64_t len, float** p) { add(len, p[0], p[1], p[2]); });
}

}  // extern "C"
