// Shared helpers of libpydl4j_cuda: the per-backend context (device, stream, cuDNN and cuBLAS handles, caching
// device allocator, convolution plans), checked calls that turn every CUDA/cuDNN/cuBLAS error into a C++
// exception naming the API, and the C++-exception -> Java-exception bridge. Java validates every shape before
// calling in, so the native side trusts sizes and only guards against library errors and null addresses.
//
// Data flow: arrays live on the device. Java holds device addresses (jlong) of blocks from the context's caching
// allocator (malloc/free in memory.cu) and moves host data only through upload/download. Every op takes device
// addresses, enqueues its kernels on the context's single stream and returns without waiting; download and
// synchronize wait, and are where an asynchronous fault of an earlier kernel is reported. Because all work of a
// context is on one stream, a block freed (or a scratch buffer released) while queued work still reads it can be
// handed out again at once: whatever the next owner enqueues runs after that work.
#pragma once

#include <jni.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "jni_util.h"

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace pydl4j_cuda {

// An error from a CUDA/cuDNN/cuBLAS call or a bad argument; the message names the API and its error string.
struct NativeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void fail_cuda(cudaError_t e, const char* api);
void fail_cudnn(cudnnStatus_t s, const char* api);
void fail_cublas(cublasStatus_t s, const char* api);
const char* cublas_status_name(cublasStatus_t s);

inline void check(cudaError_t e, const char* api) { if (e != cudaSuccess) fail_cuda(e, api); }
inline void check(cudnnStatus_t s, const char* api) { if (s != CUDNN_STATUS_SUCCESS) fail_cudnn(s, api); }
inline void check(cublasStatus_t s, const char* api) { if (s != CUBLAS_STATUS_SUCCESS) fail_cublas(s, api); }

// CK(cudnnConvolutionForward, handle, ...) calls the API and throws NativeError("cudnnConvolutionForward: ...").
#define CK(fn, ...) ::pydl4j_cuda::check(fn(__VA_ARGS__), #fn)
// After a kernel launch: launch-configuration errors surface here, asynchronous faults at the next sync.
#define CK_LAUNCH(name) ::pydl4j_cuda::check(cudaGetLastError(), name)

// Caching device allocator: freed blocks go to a free list keyed by their bucket size and are handed out again
// for requests of the same bucket, so a network's fixed shapes stop calling cudaMalloc after the first batch.
// Buckets: powers of two up to 1 MiB (512 B minimum), multiples of 1 MiB above. All use is on one stream, so a
// block returned to the list may be reused by the next op without synchronizing. On cudaMalloc failure the
// cached blocks are released and the allocation retried once. Not thread-safe by itself: every caller holds the
// owning Context's `mu` (the JNI entry points lock it; Java's free may come from a Cleaner thread).
class DeviceAllocator {
public:
    ~DeviceAllocator() { free_all(); }
    void* allocate(size_t bytes);
    // Returns a block handed out by allocate to its free list; false (and nothing done) for any other address.
    bool release(void* p);
    void empty_cache();  // cudaFree every cached (not live) block
    void free_all();     // cudaFree every block, live and cached; only when no queued work can use them
    size_t live_bytes() const { return live_bytes_; }
    size_t cached_bytes() const { return cached_bytes_; }
    size_t malloc_calls() const { return malloc_calls_; }
    static size_t bucket(size_t bytes);

private:
    std::map<size_t, std::vector<void*>> free_;
    std::unordered_map<void*, size_t> live_;
    size_t live_bytes_ = 0, cached_bytes_ = 0, malloc_calls_ = 0;
};

// A device buffer from the context's allocator, returned to the free list when it goes out of scope.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    DeviceBuffer(DeviceAllocator& a, size_t bytes) : alloc_(&a), bytes_(bytes), ptr_(bytes ? a.allocate(bytes) : nullptr) {}
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& o) noexcept : alloc_(o.alloc_), bytes_(o.bytes_), ptr_(o.ptr_) { o.ptr_ = nullptr; }
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            if (ptr_ != nullptr) alloc_->release(ptr_);
            alloc_ = o.alloc_; bytes_ = o.bytes_; ptr_ = o.ptr_;
            o.ptr_ = nullptr;
        }
        return *this;
    }
    ~DeviceBuffer() { if (ptr_ != nullptr) alloc_->release(ptr_); }
    float* f() const { return static_cast<float*>(ptr_); }
    void* get() const { return ptr_; }
    size_t bytes() const { return bytes_; }

private:
    DeviceAllocator* alloc_ = nullptr;
    size_t bytes_ = 0;
    void* ptr_ = nullptr;
};

// RAII owners of cuDNN descriptors.
struct TensorDesc {
    cudnnTensorDescriptor_t d = nullptr;
    TensorDesc() { CK(cudnnCreateTensorDescriptor, &d); }
    ~TensorDesc() { cudnnDestroyTensorDescriptor(d); }
    TensorDesc(const TensorDesc&) = delete;
    TensorDesc& operator=(const TensorDesc&) = delete;
    void set(int n, int c, int h, int w) { CK(cudnnSetTensor4dDescriptor, d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, c, h, w); }
};
struct FilterDesc {
    cudnnFilterDescriptor_t d = nullptr;
    FilterDesc() { CK(cudnnCreateFilterDescriptor, &d); }
    ~FilterDesc() { cudnnDestroyFilterDescriptor(d); }
    FilterDesc(const FilterDesc&) = delete;
    FilterDesc& operator=(const FilterDesc&) = delete;
};
struct ConvDesc {
    cudnnConvolutionDescriptor_t d = nullptr;
    ConvDesc() { CK(cudnnCreateConvolutionDescriptor, &d); }
    ~ConvDesc() { cudnnDestroyConvolutionDescriptor(d); }
    ConvDesc(const ConvDesc&) = delete;
    ConvDesc& operator=(const ConvDesc&) = delete;
};
struct PoolDesc {
    cudnnPoolingDescriptor_t d = nullptr;
    PoolDesc() { CK(cudnnCreatePoolingDescriptor, &d); }
    ~PoolDesc() { cudnnDestroyPoolingDescriptor(d); }
    PoolDesc(const PoolDesc&) = delete;
    PoolDesc& operator=(const PoolDesc&) = delete;
};
struct ActivationDesc {
    cudnnActivationDescriptor_t d = nullptr;
    ActivationDesc() { CK(cudnnCreateActivationDescriptor, &d); }
    ~ActivationDesc() { cudnnDestroyActivationDescriptor(d); }
    ActivationDesc(const ActivationDesc&) = delete;
    ActivationDesc& operator=(const ActivationDesc&) = delete;
};

// Geometry of a convolution or pooling, decoded from the int[] the Java side passes (see CudaNative.java).
struct Geometry : pydl4j_jni::GeometryFields<int> {
    bool symmetric_padding() const { return pt == pb && pl == pr; }
};
using pydl4j_jni::kGeometryLength;
inline Geometry read_geometry(JNIEnv* env, jintArray values) {
    return pydl4j_jni::read_geometry_as<Geometry>(env, values);
}

// Descriptors and chosen algorithms of one convolution shape, built on first use and kept for the context's life
// (a network has few distinct shapes). Asymmetric padding is applied explicitly (padded copy of the input), so
// cuDNN then sees zero padding; `explicit_pad` says so.
struct ConvPlan {
    bool explicit_pad = false;
    int in_h = 0, in_w = 0;  // the (possibly padded) input height/width cuDNN sees
    TensorDesc x, y, bias;
    FilterDesc w;
    ConvDesc conv;
    bool have_fwd = false, have_bwd_data = false, have_bwd_filter = false;
    cudnnConvolutionFwdAlgo_t fwd_algo{};
    cudnnConvolutionBwdDataAlgo_t bwd_data_algo{};
    cudnnConvolutionBwdFilterAlgo_t bwd_filter_algo{};
    cudnnMathType_t fwd_math{}, bwd_data_math{}, bwd_filter_math{};
    size_t fwd_ws = 0, bwd_data_ws = 0, bwd_filter_ws = 0;
};

// One per CudaBackend instance: everything runs on `stream`, serialized by `mu` (which also guards `alloc` and
// `conv_plans`).
struct Context {
    int device = 0;
    bool allow_tf32 = false;
    cudaStream_t stream = nullptr;
    cudnnHandle_t cudnn = nullptr;
    cublasHandle_t cublas = nullptr;
    DeviceAllocator alloc;
    std::mutex mu;
    std::unordered_map<std::string, std::unique_ptr<ConvPlan>> conv_plans;  // algorithm choice per shape

    Context(int device, bool allow_tf32);
    // Waits for the stream, then frees every device block (live or cached), the handles and the stream.
    ~Context();
    // Makes this context's device current for the calling thread (JNI calls come from any Java thread).
    void activate() const;
    // Waits for everything enqueued on the stream; throws the fault of an earlier kernel, if any.
    void sync();
};

Context* context(jlong handle);

// A device address from Java (a malloc'd block plus a byte offset). Throws for 0 (a missing array would otherwise
// fault a kernel asynchronously and poison the whole CUDA context); the _or_null form is for optional arguments.
inline float* device_ptr(jlong address, const char* what) {
    if (address == 0) throw NativeError(std::string(what) + ": null device address");
    return reinterpret_cast<float*>(address);
}
inline float* device_ptr_or_null(jlong address) { return reinterpret_cast<float*>(address); }

// Direct-buffer addresses (native/common/jni_util.h); throw std::invalid_argument for a null or heap buffer.
using pydl4j_jni::address;

// Throws a Java IllegalStateException "cuda backend <op>: <message>"; call only from a catch block.
inline void throw_java(JNIEnv* env, const char* op, const char* message) {
    pydl4j_jni::throw_java(env, "cuda backend", op, message);
}

// Runs body, turning any C++ exception (NativeError, bad_alloc, ...) into a Java
// IllegalStateException so that the JVM never crashes.
template <typename F>
void guarded(JNIEnv* env, const char* op, F body) {
    pydl4j_jni::guarded(env, "cuda backend", op, body);
}

// The frame of every entry point that uses a context: guarded, under the context's mutex, with its device
// current on the calling thread; body(Context&) enqueues the work.
template <typename F>
void with_context(JNIEnv* env, jlong handle, const char* op, F body) {
    guarded(env, op, [&] {
        Context* ctx = context(handle);
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        body(*ctx);
    });
}

// Small kernels (kernels.cu). All take the context's stream; lengths of 0 launch nothing.
void launch_pad(cudaStream_t s, const float* x, float* xp, int nc, int h, int w, int pt, int pl, int hp, int wp, float fill);
void launch_crop(cudaStream_t s, const float* xp, float* x, int nc, int h, int w, int pt, int pl, int hp, int wp);
void launch_pool_forward(cudaStream_t s, bool max, const float* x, float* y, const Geometry& g);
void launch_pool_backward(cudaStream_t s, bool max, const float* x, const float* gy, float* gx, const Geometry& g);
void launch_leaky_relu_forward(cudaStream_t s, const float* x, float* y, size_t n, float slope);
void launch_leaky_relu_backward(cudaStream_t s, const float* x, const float* gy, float* gx, size_t n, float slope);
void launch_scale(cudaStream_t s, float* x, size_t n, float factor);
void launch_fill(cudaStream_t s, float* x, size_t n, float value);
void launch_inv_std(cudaStream_t s, const float* var, float* inv_std, size_t n, float eps);
// Elementwise and updater kernels (see CudaNative.java): y = a + b (b broadcast over rows of length cols when
// row_broadcast; y may be a), y += alpha x, Adam and Nesterov momentum steps in place.
void launch_add(cudaStream_t s, const float* a, const float* b, float* y, size_t n, size_t cols, bool row_broadcast);
void launch_axpy(cudaStream_t s, float alpha, const float* x, float* y, size_t n);
void launch_adam_step(cudaStream_t s, float* g, float* m, float* v, size_t n, float b1, float b2, float eps, float alphat);
void launch_nesterovs_step(cudaStream_t s, float* g, float* v, size_t n, float mu, float lr);

}  // namespace pydl4j_cuda
