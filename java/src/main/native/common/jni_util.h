// JNI helpers shared by libpydl4j_cpu (native/cpu) and libpydl4j_cuda (native/cuda): direct-buffer addresses,
// the C++-exception -> Java-exception bridge and the convolution/pooling geometry the Java side passes as int[].
// Each library wraps throw_java/guarded with its own backend name (see cpu/common.h, cuda/common.h).
#pragma once

#include <jni.h>

#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>

namespace pydl4j_jni {

// Activation codes of every native library, as org.pydl4j.nd.backend.NativeActivation (Java) numbers them;
// IDENTITY only for fused ops. HARDSIGMOID, HARDSWISH and SWISH: libpydl4j_cpu only (the cuda backend leaves them to
// the host); codes from ACT_REGISTERED_BASE on name activations with parameters registered with libpydl4j_cpu.
enum ActivationKind { ACT_IDENTITY = -1, ACT_RELU = 0, ACT_RELU6 = 1, ACT_SIGMOID = 2, ACT_TANH = 3, ACT_LEAKYRELU = 4,
                      ACT_HARDSIGMOID = 5, ACT_HARDSWISH = 6, ACT_SWISH = 7, ACT_REGISTERED_BASE = 64 };

// Address of a Java direct buffer; throws std::invalid_argument if the buffer is null or not direct.
float* address(JNIEnv* env, jobject buffer, const char* what);
// Same, but a null buffer gives nullptr (optional arguments such as bias).
float* address_or_null(JNIEnv* env, jobject buffer, const char* what);

// Elements of a tensor of these dimensions; throws std::invalid_argument naming what for a negative dimension or
// more than 2^40 elements (never a wrapped-around size).
int64_t elements(std::initializer_list<int64_t> dims, const char* what);
// Address of a direct buffer that holds at least `floats` floats, else std::invalid_argument naming what, its
// capacity and the need: a native op never reads or writes past the memory Java gave it, whatever the caller says.
float* address(JNIEnv* env, jobject buffer, const char* what, int64_t floats);
// Same, but a null buffer gives nullptr.
float* address_or_null(JNIEnv* env, jobject buffer, const char* what, int64_t floats);

// Throws a Java IllegalStateException "<backend> <op>: <message>" unless one is already pending; call only from a
// catch block.
void throw_java(JNIEnv* env, const char* backend, const char* op, const char* message);

// Runs body, turning any C++ exception into a Java IllegalStateException so that the JVM never crashes.
template <typename F>
void guarded(JNIEnv* env, const char* backend, const char* op, F body) {
    try {
        body();
    } catch (const std::exception& e) {
        throw_java(env, backend, op, e.what());
    } catch (...) {
        throw_java(env, backend, op, "unknown native error");
    }
}

// Geometry of a convolution or pooling as the Java side encodes it (CpuNative.java, CudaNative.java): 18 ints in
// field order. Dim is the integer type the library computes with (oneDNN's memory::dim, or int for cuDNN).
constexpr int kGeometryLength = 18;

template <typename Dim>
struct GeometryFields {
    Dim n, c, h, w, o, oh, ow, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups;

    // Sets every field from kGeometryLength ints in field order.
    void assign(const jint* v) {
        Dim* fields[kGeometryLength] = {&n, &c, &h, &w, &o, &oh, &ow, &kh, &kw, &sh, &sw, &pt, &pl, &pb, &pr, &dh, &dw, &groups};
        for (int i = 0; i < kGeometryLength; i++) *fields[i] = v[i];
    }

    // The fields comma-separated: a cache key for primitives/plans of this shape.
    std::string key() const {
        std::ostringstream s;
        s << n << ',' << c << ',' << h << ',' << w << ',' << o << ',' << oh << ',' << ow << ',' << kh << ',' << kw
          << ',' << sh << ',' << sw << ',' << pt << ',' << pl << ',' << pb << ',' << pr << ',' << dh << ',' << dw
          << ',' << groups;
        return s.str();
    }
};

// Copies the geometry int[] into out; throws std::invalid_argument if it is null or not kGeometryLength long.
void read_geometry_ints(JNIEnv* env, jintArray values, jint (&out)[kGeometryLength]);

// Decodes the geometry int[] into G (a GeometryFields subclass).
template <typename G>
G read_geometry_as(JNIEnv* env, jintArray values) {
    jint v[kGeometryLength];
    read_geometry_ints(env, values, v);
    G g{};
    g.assign(v);
    return g;
}

}  // namespace pydl4j_jni
