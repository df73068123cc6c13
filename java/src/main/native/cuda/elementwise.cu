// JNI entry points of the elementwise and updater kernels (kernels.cu): add, axpy, scale and the in-place Adam
// and Nesterov momentum steps, so that training updates stay on the device. Lengths are float counts; negative
// counts are rejected, 0 launches nothing.
#include "common.h"

namespace pydl4j_cuda {
namespace {

size_t count_of(jint length, const char* what) {
    if (length < 0) throw NativeError(std::string(what) + " must not be negative, got " + std::to_string(length));
    return static_cast<size_t>(length);
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_add(
        JNIEnv* env, jclass, jlong handle, jlong a, jlong b, jlong y, jint rows, jint cols, jboolean rowBroadcast) {
    with_context(env, handle, "add", [&](Context& ctx) {
        size_t n = count_of(rows, "rows") * count_of(cols, "cols");
        launch_add(ctx.stream, device_ptr(a, "a"), device_ptr(b, "b"), device_ptr(y, "y"), n, size_t(cols), rowBroadcast);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_axpy(
        JNIEnv* env, jclass, jlong handle, jfloat alpha, jlong x, jlong y, jint length) {
    with_context(env, handle, "axpy", [&](Context& ctx) {
        launch_axpy(ctx.stream, alpha, device_ptr(x, "x"), device_ptr(y, "y"), count_of(length, "length"));
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_scale(
        JNIEnv* env, jclass, jlong handle, jlong x, jfloat factor, jint length) {
    with_context(env, handle, "scale", [&](Context& ctx) {
        launch_scale(ctx.stream, device_ptr(x, "x"), count_of(length, "length"), factor);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_fill(
        JNIEnv* env, jclass, jlong handle, jlong x, jfloat value, jint length) {
    with_context(env, handle, "fill", [&](Context& ctx) {
        launch_fill(ctx.stream, device_ptr(x, "x"), count_of(length, "length"), value);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_adamStep(
        JNIEnv* env, jclass, jlong handle, jlong g, jlong m, jlong v, jint length, jfloat b1, jfloat b2, jfloat eps,
        jfloat alphat) {
    with_context(env, handle, "adamStep", [&](Context& ctx) {
        launch_adam_step(ctx.stream, device_ptr(g, "gradient"), device_ptr(m, "m"), device_ptr(v, "v"), count_of(length, "length"),
                         b1, b2, eps, alphat);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_nesterovsStep(
        JNIEnv* env, jclass, jlong handle, jlong g, jlong v, jint length, jfloat mu, jfloat lr) {
    with_context(env, handle, "nesterovsStep", [&](Context& ctx) {
        launch_nesterovs_step(ctx.stream, device_ptr(g, "gradient"), device_ptr(v, "v"), count_of(length, "length"), mu, lr);
    });
}

}  // extern "C"
