// Device memory of a context: malloc/free from its caching allocator, and the only host <-> device copies
// (upload, download), and device-to-device copies. All copies are ordered on the context's stream, so an upload followed by an op needs no
// synchronization; download waits for its bytes (and so for every op enqueued before it).
#include "common.h"

#include <sstream>

namespace pydl4j_cuda {
namespace {

// The start of a direct host buffer of at least bytes bytes.
void* host_span(JNIEnv* env, jobject buffer, jlong bytes) {
    void* p = address(env, buffer, "host buffer");
    jlong capacity = env->GetDirectBufferCapacity(buffer);
    if (bytes < 0 || bytes > capacity) {
        throw NativeError("cannot copy " + std::to_string(bytes) + " bytes with a host buffer of " + std::to_string(capacity) + " bytes");
    }
    return p;
}

std::string hex(jlong address) {
    std::ostringstream s;
    s << "0x" << std::hex << static_cast<unsigned long long>(address);
    return s.str();
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT jlong JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_malloc(JNIEnv* env, jclass, jlong handle, jlong bytes) {
    jlong block = 0;
    with_context(env, handle, "malloc", [&](Context& ctx) {
        if (bytes <= 0) throw NativeError("bytes must be positive, got " + std::to_string(bytes));
        block = reinterpret_cast<jlong>(ctx.alloc.allocate(static_cast<size_t>(bytes)));
    });
    return block;
}

// Bookkeeping only (no CUDA call), so it works from a Cleaner thread even after a kernel fault; it needs the
// mutex because ops running on other threads allocate and release scratch blocks.
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_free(JNIEnv* env, jclass, jlong handle, jlong block) {
    guarded(env, "free", [&] {
        Context* ctx = context(handle);
        std::lock_guard<std::mutex> lock(ctx->mu);
        if (!ctx->alloc.release(reinterpret_cast<void*>(block))) {
            throw NativeError("address " + hex(block) + " is not a live block of this context"
                              " (freed twice, not the start of a block, or from another context)");
        }
    });
}

// From pageable host memory (a plain direct ByteBuffer) cudaMemcpyAsync returns once the bytes are staged, so the
// caller may reuse the host buffer at once; the copy to the device completes in stream order.
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_upload(
        JNIEnv* env, jclass, jlong handle, jobject host, jlong device, jlong bytes) {
    with_context(env, handle, "upload", [&](Context& ctx) {
        void* src = host_span(env, host, bytes);
        float* dst = device_ptr(device, "device address");
        if (bytes > 0) CK(cudaMemcpyAsync, dst, src, static_cast<size_t>(bytes), cudaMemcpyHostToDevice, ctx.stream);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_download(
        JNIEnv* env, jclass, jlong handle, jlong device, jobject host, jlong bytes) {
    with_context(env, handle, "download", [&](Context& ctx) {
        void* dst = host_span(env, host, bytes);
        const float* src = device_ptr(device, "device address");
        if (bytes > 0) CK(cudaMemcpyAsync, dst, src, static_cast<size_t>(bytes), cudaMemcpyDeviceToHost, ctx.stream);
        ctx.sync();
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_copy(
        JNIEnv* env, jclass, jlong handle, jlong src, jlong dst, jlong bytes) {
    with_context(env, handle, "copy", [&](Context& ctx) {
        const float* from = device_ptr(src, "source address");
        float* to = device_ptr(dst, "destination address");
        if (bytes < 0) throw NativeError("bytes must be >= 0, got " + std::to_string(bytes));
        if (bytes > 0) CK(cudaMemcpyAsync, to, from, static_cast<size_t>(bytes), cudaMemcpyDeviceToDevice, ctx.stream);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_synchronize(JNIEnv* env, jclass, jlong handle) {
    with_context(env, handle, "synchronize", [&](Context& ctx) { ctx.sync(); });
}

}  // extern "C"
