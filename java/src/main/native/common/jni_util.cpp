#include "jni_util.h"

#include <stdexcept>

namespace pydl4j_jni {

float* address(JNIEnv* env, jobject buffer, const char* what) {
    if (buffer == nullptr) throw std::invalid_argument(std::string(what) + ": null buffer");
    void* p = env->GetDirectBufferAddress(buffer);
    if (p == nullptr) throw std::invalid_argument(std::string(what) + ": not a direct buffer");
    return static_cast<float*>(p);
}

float* address_or_null(JNIEnv* env, jobject buffer, const char* what) {
    return buffer == nullptr ? nullptr : address(env, buffer, what);
}

int64_t elements(std::initializer_list<int64_t> dims, const char* what) {
    constexpr int64_t kLimit = int64_t{1} << 40;
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0) throw std::invalid_argument(std::string(what) + ": negative dimension " + std::to_string(d));
        if (d != 0 && n > kLimit / d) throw std::invalid_argument(std::string(what) + ": more than 2^40 elements");
        n *= d;
    }
    return n;
}

float* address(JNIEnv* env, jobject buffer, const char* what, int64_t floats) {
    float* p = address(env, buffer, what);
    jlong bytes = env->GetDirectBufferCapacity(buffer);
    if (floats < 0 || bytes < 0 || bytes / static_cast<jlong>(sizeof(float)) < floats) {
        throw std::invalid_argument(std::string(what) + ": buffer of " + std::to_string(bytes) + " bytes, the op needs " +
                                    std::to_string(floats) + " floats (" + std::to_string(floats * 4) + " bytes)");
    }
    return p;
}

float* address_or_null(JNIEnv* env, jobject buffer, const char* what, int64_t floats) {
    return buffer == nullptr ? nullptr : address(env, buffer, what, floats);
}

void throw_java(JNIEnv* env, const char* backend, const char* op, const char* message) {
    if (env->ExceptionCheck()) return;  // a Java exception is already pending; keep it
    jclass cls = env->FindClass("java/lang/IllegalStateException");
    if (cls == nullptr) return;  // FindClass left NoClassDefFoundError pending
    std::string text = std::string(backend) + " " + op + ": " + message;
    env->ThrowNew(cls, text.c_str());
}

void read_geometry_ints(JNIEnv* env, jintArray values, jint (&out)[kGeometryLength]) {
    if (values == nullptr || env->GetArrayLength(values) != kGeometryLength) {
        throw std::invalid_argument("geometry must hold " + std::to_string(kGeometryLength) + " ints");
    }
    env->GetIntArrayRegion(values, 0, kGeometryLength, out);
}

}  // namespace pydl4j_jni
