// Row-major sgemm through OpenBLAS, plus a version string for diagnostics.
#include "common.h"

#include <cblas.h>

using namespace pydl4j;

extern "C" {

// c[m,n] = alpha * op(a) * op(b) + beta * c; a is [m,k] ([k,m] when transA), b is [k,n] ([n,k] when transB).
JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_gemm(
        JNIEnv* env, jclass, jobject a, jboolean trans_a, jobject b, jboolean trans_b, jobject c,
        jint m, jint n, jint k, jfloat alpha, jfloat beta) {
    guarded(env, "gemm", [&] {
        float *pa = address(env, a, "a", elements({m, k}, "a")), *pb = address(env, b, "b", elements({k, n}, "b"));
        float *pc = address(env, c, "c", elements({m, n}, "c"));
        std::lock_guard<std::mutex> lock(compute_mutex());
        cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, pa, trans_a ? m : k, pb, trans_b ? k : n, beta, pc, n);
    });
}

static const char* isa_name(dnnl::cpu_isa isa) {
    switch (isa) {
        case dnnl::cpu_isa::avx2: return "avx2";
        case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
        case dnnl::cpu_isa::avx512_core: return "avx512_core";
        case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
        default: return "other";
    }
}

JNIEXPORT jstring JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_version(JNIEnv* env, jclass) {
    jstring result = nullptr;
    guarded(env, "version", [&] {
        const dnnl_version_t* v = dnnl_version();
        std::string s = "oneDNN " + std::to_string(v->major) + '.' + std::to_string(v->minor) + '.' +
                        std::to_string(v->patch) + " (isa " + isa_name(dnnl::get_effective_cpu_isa()) + "), " +
                        openblas_get_config() + ", " + std::to_string(openblas_get_num_threads()) + " BLAS threads";
        result = env->NewStringUTF(s.c_str());
    });
    return result;
}

}  // extern "C"
