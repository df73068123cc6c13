#include "common.h"

#include <cublas_api.h>
#include <cudnn_version.h>

#include <sstream>

namespace pydl4j_cuda {

void fail_cuda(cudaError_t e, const char* api) {
    throw NativeError(std::string(api) + ": " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

void fail_cudnn(cudnnStatus_t s, const char* api) {
    char detail[512] = {0};
    cudnnGetLastErrorString(detail, sizeof detail);
    std::string text = std::string(api) + ": " + cudnnGetErrorString(s);
    if (detail[0] != '\0') text += std::string(" (") + detail + ")";
    throw NativeError(text);
}

const char* cublas_status_name(cublasStatus_t s) {
    switch (s) {
        case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
        case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
        case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
        case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
        case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
        case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
        default: return "unknown cuBLAS status";
    }
}

void fail_cublas(cublasStatus_t s, const char* api) {
    throw NativeError(std::string(api) + ": " + cublas_status_name(s) + " (" + std::to_string(static_cast<int>(s)) + ")");
}

// ---------------------------------------------------------------- caching allocator

size_t DeviceAllocator::bucket(size_t bytes) {
    constexpr size_t kMiB = size_t(1) << 20;
    if (bytes <= 512) return 512;
    if (bytes <= kMiB) {
        size_t b = 512;
        while (b < bytes) b <<= 1;
        return b;
    }
    return (bytes + kMiB - 1) / kMiB * kMiB;
}

void* DeviceAllocator::allocate(size_t bytes) {
    size_t b = bucket(bytes);
    auto it = free_.find(b);
    if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= b;
        live_.emplace(p, b);
        live_bytes_ += b;
        return p;
    }
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, b);
    if (e == cudaErrorMemoryAllocation && cached_bytes_ > 0) {
        cudaGetLastError();  // clear the (non-sticky) allocation error, give the cache back, retry once
        empty_cache();
        e = cudaMalloc(&p, b);
    }
    if (e != cudaSuccess) {
        cudaGetLastError();
        throw NativeError(std::string("cudaMalloc: ") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + " (requested "
                          + std::to_string(bytes) + " bytes, bucket " + std::to_string(b) + "; " + std::to_string(live_bytes_)
                          + " bytes in use by this backend)");
    }
    ++malloc_calls_;
    live_.emplace(p, b);
    live_bytes_ += b;
    return p;
}

bool DeviceAllocator::release(void* p) {
    auto it = live_.find(p);
    if (it == live_.end()) return false;  // not ours, or already released: never free foreign memory
    size_t b = it->second;
    live_.erase(it);
    live_bytes_ -= b;
    free_[b].push_back(p);
    cached_bytes_ += b;
    return true;
}

void DeviceAllocator::empty_cache() {
    cudaDeviceSynchronize();  // blocks may still be read by queued work of the stream
    for (auto& kv : free_) {
        for (void* p : kv.second) cudaFree(p);
    }
    free_.clear();
    cached_bytes_ = 0;
}

void DeviceAllocator::free_all() {
    empty_cache();
    for (auto& kv : live_) cudaFree(kv.first);
    live_.clear();
    live_bytes_ = 0;
}

// ---------------------------------------------------------------- context

Context::Context(int dev, bool tf32) : device(dev), allow_tf32(tf32) {
    CK(cudaSetDevice, device);
    CK(cudaStreamCreateWithFlags, &stream, cudaStreamNonBlocking);
    try {
        CK(cudnnCreate, &cudnn);
        CK(cudnnSetStream, cudnn, stream);
        CK(cublasCreate, &cublas);
        CK(cublasSetStream, cublas, stream);
        // Full FP32 by default: TF32 tensor cores (10-bit mantissa) are opt-in (-Dpydl4j.cuda.tf32=true).
        CK(cublasSetMathMode, cublas, allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH);
    } catch (...) {
        if (cublas != nullptr) cublasDestroy(cublas);
        if (cudnn != nullptr) cudnnDestroy(cudnn);
        cudaStreamDestroy(stream);
        throw;
    }
}

Context::~Context() {
    cudaSetDevice(device);
    cudaStreamSynchronize(stream);  // errors at teardown are ignored: destructors never throw
    conv_plans.clear();
    cublasDestroy(cublas);
    cudnnDestroy(cudnn);
    alloc.free_all();  // every block Java did not free yet, and the cache
    cudaStreamDestroy(stream);
}

void Context::activate() const { CK(cudaSetDevice, device); }

void Context::sync() { CK(cudaStreamSynchronize, stream); }

Context* context(jlong handle) {
    if (handle == 0) throw NativeError("the cuda backend context is closed");
    return reinterpret_cast<Context*>(handle);
}

}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT jstring JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_version(JNIEnv* env, jclass) {
    std::string text;
    try {
        int runtime = 0, driver = 0, major = 0, minor = 0, patch = 0;
        cudaRuntimeGetVersion(&runtime);
        cudaDriverGetVersion(&driver);  // 0 when no driver is installed
        cublasGetProperty(MAJOR_VERSION, &major);
        cublasGetProperty(MINOR_VERSION, &minor);
        cublasGetProperty(PATCH_LEVEL, &patch);
        size_t cudnn = cudnnGetVersion();
        std::ostringstream s;
        s << "cuDNN " << cudnn / 10000 << '.' << (cudnn % 10000) / 100 << '.' << cudnn % 100 << ", cuBLAS " << major << '.'
          << minor << '.' << patch << ", CUDA runtime " << runtime / 1000 << '.' << (runtime % 1000) / 10 << ", driver ";
        if (driver == 0) s << "none"; else s << driver / 1000 << '.' << (driver % 1000) / 10;
        s << " (built against cuDNN " << CUDNN_MAJOR << '.' << CUDNN_MINOR << '.' << CUDNN_PATCHLEVEL << ")";
        text = s.str();
    } catch (const std::exception& e) {
        throw_java(env, "version", e.what());
        return nullptr;
    }
    return env->NewStringUTF(text.c_str());
}

JNIEXPORT jint JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_deviceCount(JNIEnv* env, jclass) {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        cudaGetLastError();
        std::string msg = std::string("cudaGetDeviceCount: ") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e);
        if (e == cudaErrorInsufficientDriver) msg += " (is an NVIDIA driver for CUDA 13 installed? libcuda.so.1 must load)";
        throw_java(env, "deviceCount", msg.c_str());
        return 0;
    }
    return count;
}

JNIEXPORT jstring JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_deviceName(JNIEnv* env, jclass, jint device) {
    std::string text;
    guarded(env, "deviceName", [&] {
        cudaDeviceProp prop;
        CK(cudaGetDeviceProperties, &prop, device);
        text = std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", "
               + std::to_string(prop.totalGlobalMem >> 20) + " MiB)";
    });
    return env->ExceptionCheck() ? nullptr : env->NewStringUTF(text.c_str());
}

JNIEXPORT jlong JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_create(JNIEnv* env, jclass, jint device, jboolean tf32) {
    Context* ctx = nullptr;
    guarded(env, "create", [&] { ctx = new Context(device, tf32); });
    return reinterpret_cast<jlong>(ctx);
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_destroy(JNIEnv*, jclass, jlong handle) {
    delete reinterpret_cast<Context*>(handle);  // Java never calls into this context again
}

JNIEXPORT jlongArray JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_allocatorStats(JNIEnv* env, jclass, jlong handle) {
    jlong v[4] = {0, 0, 0, 0};
    with_context(env, handle, "allocatorStats", [&](Context& ctx) {
        v[0] = static_cast<jlong>(ctx.alloc.live_bytes());
        v[1] = static_cast<jlong>(ctx.alloc.cached_bytes());
        v[2] = static_cast<jlong>(ctx.alloc.malloc_calls());
        v[3] = static_cast<jlong>(ctx.conv_plans.size());
    });
    if (env->ExceptionCheck()) return nullptr;
    jlongArray out = env->NewLongArray(4);
    if (out != nullptr) env->SetLongArrayRegion(out, 0, 4, v);
    return out;
}

}  // extern "C"
