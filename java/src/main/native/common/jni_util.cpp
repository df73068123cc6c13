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
