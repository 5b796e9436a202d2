/* gemm.h — nn's own matrix-product kernels (issue 11): GotoBLAS/BLIS-style blocked gemm
 * with packed panels and register-blocked micro-kernels for AVX-512, AVX2+FMA and
 * portable C, chosen at run time; split over both cores with par_for.
 *
 * Row-major throughout. op(A) is [M, K]: A itself, or A stored as [K, M] when trans_a.
 * op(B) is [K, N]: B itself, or B stored as [N, K] when trans_b. C is [M, N].
 * Results do not depend on the number of threads: every C element is summed over K in
 * the same order (the same K blocks, the same lanes) whatever the split.
 */
#ifndef NN_GEMM_H
#define NN_GEMM_H

#include <stdint.h>

/* C = alpha·op(A)·op(B) + beta·C: exactly t_gemm_naive's contract (beta = 0 ignores what
   C held, NaN included; beta = 1 accumulates). */
void gemm_own(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
              const float *A, const float *B, float beta, float *C);

typedef enum { GEMM_ACT_NONE, GEMM_ACT_RELU } GemmAct;

/* C = act(op(A)·op(B) + bias), the fused dense forward: bias [N] (or NULL) is added to
   every row and the activation applied as each tile is stored. ReLU is F_RELU's: NaN
   stays NaN, −0 becomes +0. C's previous contents are ignored. */
void gemm_own_bias_act(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K,
                       const float *A, const float *B, const float *bias, GemmAct act,
                       float *C);

/* The dispatching twin of gemm_own_bias_act (matmul.c), as t_gemm is gemm_own's: the
   same result as t_gemm followed by the bias add and the activation as separate ops,
   whichever kernel t_gemm would choose for the product. */
void t_gemm_bias_act(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, const float *A,
                     const float *B, const float *bias, GemmAct act, float *C);

/* The micro-kernel that runs here: "avx512", "avx2" or "portable". The best the CPU
   has, or a lower one asked for with NN_GEMM_ISA=portable|avx2|avx512 (read at the first
   product; one the CPU lacks falls back to the best below it). */
const char *gemm_own_isa(void);

/* Tests and benchmarks: switch to `isa` ("avx512", "avx2", "portable"; the same fallback
   as NN_GEMM_ISA) and return what now runs. Not while another thread runs a product. */
const char *gemm_own_force_isa(const char *isa);

#endif
