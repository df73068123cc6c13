// Shared helpers of libpydl4j_cpu: the oneDNN engine/stream, buffer access, the primitive cache, geometry
// decoding and the C++-exception -> Java-exception bridge. Java validates every shape before calling in, so
// the native side trusts sizes and only guards against library errors.
#pragma once

#include <jni.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "jni_util.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace pydl4j {

using dnnl::memory;
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Serializes native compute: every op already uses all cores through OpenMP/OpenBLAS, and one lock keeps the
// shared cached primitives and the single stream safe when several Java threads call in.
std::mutex& compute_mutex();

// Direct-buffer addresses (native/common/jni_util.h); throw std::invalid_argument for a null or heap buffer.
using pydl4j_jni::address;
using pydl4j_jni::address_or_null;
using pydl4j_jni::elements;

// Runs tiny ops on the calling thread alone. oneDNN parallelizes every op over OpenMP; for a [32, 5] softmax the
// fork/join costs far more than the work, and on a small machine it also fights OpenBLAS's spinning threads for
// the cores (a dense-layer training step went from 0.3 ms to 6 ms). Restores the thread count on exit.
class SmallWork {
public:
    explicit SmallWork(size_t elements);
    ~SmallWork();
    SmallWork(const SmallWork&) = delete;
    SmallWork& operator=(const SmallWork&) = delete;

private:
    int saved_ = 0;
};

// Throws a Java IllegalStateException "cpu backend <op>: <message>"; call only from a catch block.
inline void throw_java(JNIEnv* env, const char* op, const char* message) {
    pydl4j_jni::throw_java(env, "cpu backend", op, message);
}

// One native call in flight (shutdown.cpp): throws once the JVM's shutdown hook closed the gate, so that no op
// runs while exit() tears the libraries down.
class NativeCall {
public:
    NativeCall();
    ~NativeCall();
    NativeCall(const NativeCall&) = delete;
    NativeCall& operator=(const NativeCall&) = delete;
};

// Runs body as one native call, turning any C++ exception (dnnl::error, std::exception, ...) into a Java
// IllegalStateException so that the JVM never crashes.
template <typename F>
void guarded(JNIEnv* env, const char* op, F body) {
    pydl4j_jni::guarded(env, "cpu backend", op, [&] {
        NativeCall call;
        body();
    });
}

// Geometry of a convolution or pooling, decoded from the int[] the Java side passes (see CpuNative.java).
struct Geometry : pydl4j_jni::GeometryFields<memory::dim> {
    memory::dims src_dims() const { return {n, c, h, w}; }
    memory::dims dst_dims() const { return {n, o, oh, ow}; }
    memory::dims strides() const { return {sh, sw}; }
    memory::dims kernel() const { return {kh, kw}; }
    // oneDNN counts dilation from 0 (0 = dense), the Java side from 1.
    memory::dims dilation() const { return {dh - 1, dw - 1}; }
    memory::dims padding_l() const { return {pt, pl}; }
    memory::dims padding_r() const { return {pb, pr}; }
    // Elements of the plain NCHW input/output and OIHW weights, checked (jni_util elements); weight_elements also
    // refuses groups that do not divide the channels (weight shapes divide by groups).
    int64_t src_elements() const { return pydl4j_jni::elements({n, c, h, w}, "input shape"); }
    int64_t dst_elements() const { return pydl4j_jni::elements({n, o, oh, ow}, "output shape"); }
    int64_t weight_elements() const {
        if (groups < 1 || c % groups != 0 || o % groups != 0) throw std::invalid_argument("groups must divide the channels");
        return pydl4j_jni::elements({o, c / groups, kh, kw}, "weight shape");
    }
};
using pydl4j_jni::kGeometryLength;
inline Geometry read_geometry(JNIEnv* env, jintArray values) {
    return pydl4j_jni::read_geometry_as<Geometry>(env, values);
}

// A reorder between a user (plain) layout and the layout a primitive chose; empty when they agree.
struct Reorder {
    std::optional<dnnl::reorder> prim;
    memory::desc from, to;
    static Reorder make(const memory::desc& from, const memory::desc& to);
};

// Reusable native buffers for reordered copies and workspaces, one per slot, grown to the largest request and
// kept: fresh multi-hundred-MB allocations per call cost more in page faults than the reorders themselves.
// Only used under compute_mutex(); an op gives each simultaneously live buffer its own slot.
enum ScratchSlot { SCRATCH_IN0 = 0, SCRATCH_IN1 = 1, SCRATCH_OUT = 2, SCRATCH_EXTRA = 3, SCRATCH_SLOTS = 4 };
memory scratch(const memory::desc& md, ScratchSlot slot);

// Wraps user memory for input into a primitive: the user buffer itself or a reordered copy in a scratch slot.
memory reorder_in(const Reorder& r, float* user, ScratchSlot slot);
// Gives the primitive an output memory; call finish_out afterwards to copy it into the user buffer.
memory output_memory(const Reorder& r, float* user, ScratchSlot slot);
void finish_out(const Reorder& r, memory produced, float* user);

memory plain(const memory::desc& md, float* ptr);

using pydl4j_jni::ActivationKind;
using pydl4j_jni::ACT_IDENTITY;
using pydl4j_jni::ACT_RELU;
using pydl4j_jni::ACT_RELU6;
using pydl4j_jni::ACT_SIGMOID;
using pydl4j_jni::ACT_TANH;
using pydl4j_jni::ACT_LEAKYRELU;
using pydl4j_jni::ACT_HARDSIGMOID;
using pydl4j_jni::ACT_HARDSWISH;
using pydl4j_jni::ACT_SWISH;
using pydl4j_jni::ACT_REGISTERED_BASE;

// The oneDNN eltwise algorithm of an activation code (not IDENTITY); backward_from_dst: derivative from y. A second
// step (then_alg, not undef) follows the first: HARDSIGMOID is linear(alpha, beta) then clip(0, 1); such chains have
// no backward kernel (the Java side computes their gradient).
struct EltwiseAlg {
    dnnl::algorithm alg;
    float alpha, beta;
    bool backward_from_dst;
    dnnl::algorithm then_alg = dnnl::algorithm::undef;
    float then_alpha = 0.f, then_beta = 0.f;
};
EltwiseAlg eltwise_alg(int kind);

// activations.cpp: the code of an activation with parameters (kind LEAKYRELU or HARDSIGMOID), registered once per
// distinct (kind, alpha, beta); eltwise_alg knows it from then on.
int register_activation(int kind, float alpha, float beta);
// The algorithm of a registered code; throws for an unknown one.
EltwiseAlg registered_activation(int code);
// Appends an activation's step(s) as post-ops (the plain forms of the *_use_dst_for_bwd algorithms).
void append_eltwise_post_ops(dnnl::post_ops& ops, const EltwiseAlg& a);

// Creates objects once per key. Entries live for the process: shapes in a network are few and fixed. The map is
// never destroyed (no destructor runs at exit() while another thread may still use an entry; shutdown.cpp).
template <typename T>
class Cache {
public:
    T& get(const std::string& key, const std::function<T()>& make) {
        auto it = map_.find(key);
        if (it != map_.end()) return *it->second;
        auto entry = std::make_unique<T>(make());
        T& ref = *entry;
        map_.emplace(key, std::move(entry));
        return ref;
    }

private:
    std::unordered_map<std::string, std::unique_ptr<T>>& map_ = *new std::unordered_map<std::string, std::unique_ptr<T>>();
};

}  // namespace pydl4j
