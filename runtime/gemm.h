/* gemm.h — nn's own matrix-product kernels (stand-in until the blocked SIMD kernels land:
 * every entry is the portable kernel of matmul.c). */
#ifndef NN_GEMM_H
#define NN_GEMM_H

#include <stdint.h>

void gemm_own(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
              const float *A, const float *B, float beta, float *C);
const char *gemm_own_isa(void);

#endif
