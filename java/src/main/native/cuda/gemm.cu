// Row-major gemm with column-major cuBLAS: C = alpha op(A) op(B) + beta C in row-major is
// C^T = alpha op(B)^T op(A)^T + beta C^T in column-major, where each row-major matrix already is its own
// transpose in column-major. So call Sgemm with (B, A) swapped and m, n exchanged.
#include "common.h"

namespace pydl4j_cuda {
namespace {

void gemm(Context& ctx, const float* a, bool trans_a, const float* b, bool trans_b, float* c, int m, int n, int k, float alpha,
          float beta) {
    size_t a_count = size_t(m) * k, b_count = size_t(k) * n, c_count = size_t(m) * n;
    DeviceBuffer da = ctx.upload(a, a_count, "A"), db = ctx.upload(b, b_count, "B");
    DeviceBuffer dc = beta != 0.f ? ctx.upload(c, c_count, "C") : DeviceBuffer(ctx.alloc, c_count * sizeof(float));
    int lda = trans_a ? m : k;  // row length of A as stored
    int ldb = trans_b ? k : n;
    CK(cublasSgemm, ctx.cublas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, db.f(),
       ldb, da.f(), lda, &beta, dc.f(), n);
    ctx.download(c, dc, c_count);
    ctx.sync();
}

}  // namespace
}  // namespace pydl4j_cuda

using namespace pydl4j_cuda;

extern "C" {

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cuda_CudaNative_gemm(
        JNIEnv* env, jclass, jlong handle, jobject a, jboolean transA, jobject b, jboolean transB, jobject c, jint m, jint n,
        jint k, jfloat alpha, jfloat beta) {
    guarded(env, "gemm", [&] {
        Context* ctx = context(handle);
        float *pa = address(env, a, "A"), *pb = address(env, b, "B"), *pc = address(env, c, "C");
        std::lock_guard<std::mutex> lock(ctx->mu);
        ctx->activate();
        gemm(*ctx, pa, transA, pb, transB, pc, m, n, k, alpha, beta);
    });
}

}  // extern "C"
