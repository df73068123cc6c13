#include "common.h"

#include <omp.h>

#include <cstdlib>
#include <new>
#include <sstream>
#include <stdexcept>

namespace pydl4j {

dnnl::engine& cpu_engine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

dnnl::stream& cpu_stream() {
    static dnnl::stream stream(cpu_engine());
    return stream;
}

std::mutex& compute_mutex() {
    static std::mutex mu;
    return mu;
}

float* address(JNIEnv* env, jobject buffer, const char* what) {
    if (buffer == nullptr) throw std::invalid_argument(std::string(what) + ": null buffer");
    void* p = env->GetDirectBufferAddress(buffer);
    if (p == nullptr) throw std::invalid_argument(std::string(what) + ": not a direct buffer");
    return static_cast<float*>(p);
}

float* address_or_null(JNIEnv* env, jobject buffer, const char* what) {
    return buffer == nullptr ? nullptr : address(env, buffer, what);
}

namespace {
// Below this many elements an op runs on one thread (about 256 KiB of floats: microseconds of work).
constexpr size_t kSmallWorkElements = 64 * 1024;
}  // namespace

SmallWork::SmallWork(size_t elements) {
    if (elements < kSmallWorkElements) {
        saved_ = omp_get_max_threads();
        omp_set_num_threads(1);
    }
}

SmallWork::~SmallWork() {
    if (saved_ > 0) omp_set_num_threads(saved_);
}

void throw_java(JNIEnv* env, const char* op, const char* message) {
    if (env->ExceptionCheck()) return;  // a Java exception is already pending; keep it
    jclass cls = env->FindClass("java/lang/IllegalStateException");
    if (cls == nullptr) return;  // FindClass left NoClassDefFoundError pending
    std::string text = std::string("cpu backend ") + op + ": " + message;
    env->ThrowNew(cls, text.c_str());
}

std::string Geometry::key() const {
    std::ostringstream s;
    s << n << ',' << c << ',' << h << ',' << w << ',' << o << ',' << oh << ',' << ow << ',' << kh << ',' << kw
      << ',' << sh << ',' << sw << ',' << pt << ',' << pl << ',' << pb << ',' << pr << ',' << dh << ',' << dw
      << ',' << groups;
    return s.str();
}

Geometry read_geometry(JNIEnv* env, jintArray values) {
    if (values == nullptr || env->GetArrayLength(values) != kGeometryLength) {
        throw std::invalid_argument("geometry must hold " + std::to_string(kGeometryLength) + " ints");
    }
    jint v[kGeometryLength];
    env->GetIntArrayRegion(values, 0, kGeometryLength, v);
    return Geometry{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                    v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17]};
}

Reorder Reorder::make(const memory::desc& from, const memory::desc& to) {
    Reorder r{std::nullopt, from, to};
    if (from != to) {
        dnnl::reorder::primitive_desc pd(cpu_engine(), from, cpu_engine(), to);
        r.prim.emplace(pd);
    }
    return r;
}

memory plain(const memory::desc& md, float* ptr) { return memory(md, cpu_engine(), ptr); }

namespace {
struct ScratchBuffer {
    void* data = nullptr;
    size_t bytes = 0;
};
ScratchBuffer scratch_buffers[SCRATCH_SLOTS];
}  // namespace

memory scratch(const memory::desc& md, ScratchSlot slot) {
    ScratchBuffer& b = scratch_buffers[slot];
    size_t need = md.get_size();
    if (need > b.bytes) {
        std::free(b.data);
        b.data = nullptr;
        b.bytes = 0;
        size_t rounded = (need + 4095) / 4096 * 4096;  // aligned_alloc wants a multiple of the alignment
        b.data = std::aligned_alloc(4096, rounded);
        if (b.data == nullptr) throw std::bad_alloc();
        b.bytes = rounded;
    }
    return memory(md, cpu_engine(), b.data);
}

memory reorder_in(const Reorder& r, float* user, ScratchSlot slot) {
    memory src = plain(r.from, user);
    if (!r.prim) return src;
    memory dst = scratch(r.to, slot);
    r.prim->execute(cpu_stream(), src, dst);
    return dst;
}

memory output_memory(const Reorder& r, float* user, ScratchSlot slot) {
    // Output reorders go from the primitive's layout (from) to the user's plain layout (to).
    return r.prim ? scratch(r.from, slot) : plain(r.to, user);
}

void finish_out(const Reorder& r, memory produced, float* user) {
    if (!r.prim) return;
    memory dst = plain(r.to, user);
    r.prim->execute(cpu_stream(), produced, dst);
}

}  // namespace pydl4j
