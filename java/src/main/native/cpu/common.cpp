#include "common.h"

#include <omp.h>

#include <cstdlib>
#include <new>
#include <stdexcept>

namespace pydl4j {

// The engine and the stream are never destroyed: exit() would run their destructors while another thread may still
// be inside a primitive on them (issue 11: oneDNN called through the freed stream's vtable; see shutdown.cpp).
dnnl::engine& cpu_engine() {
    static dnnl::engine& engine = *new dnnl::engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

dnnl::stream& cpu_stream() {
    static dnnl::stream& stream = *new dnnl::stream(cpu_engine());
    return stream;
}

std::mutex& compute_mutex() {
    static std::mutex& mu = *new std::mutex();  // never destroyed (see shutdown.cpp)
    return mu;
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
