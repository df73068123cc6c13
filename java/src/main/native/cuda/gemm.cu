// Row-major gemm with column-major cuBLAS: C = alpha op(A) op(B) + beta C in row-major is
// C^T = alpha op(B)^T op(A)^T + beta C^T in column-major, where each row-major matrix already is its own
// transpose in column-major. So call Sgemm with (B, A) swapped and m, n exchanged.
#include "common.h"

namespace pydl4j_cuda {
namespace {

void gemm(Context& ctx, const float* a, bool trans_a, const float* b, bool trans_b, float* c, int m, int n, int k, float alpha,
          float beta) {
    int lda = trans_a ? m : k;  // row length of A as stored
    int ldb = trans_b ? k : n;
    CK(cublasSgemm, ctx.cublas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b, ldb,
       a, lda, &beta, c, n);
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_gemm(
        JNIEnv* env, jclass, jlong handle, jlong a, jboolean transA, jlong b, jboolean transB, jlong c, jint m, jint n, jint k,
        jfloat alpha, jfloat beta) {
    with_context(env, handle, "gemm", [&](Context& ctx) {
        gemm(ctx, device_ptr(a, "A"), transA, device_ptr(b, "B"), transB, device_ptr(c, "C"), m, n, k, alpha, beta);
    });
}

}  // extern "C"
