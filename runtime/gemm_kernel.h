/* gemm_kernel.h — what gemm.c's driver and the ISA files' micro-kernels share (internal). */
#ifndef NN_GEMM_KERNEL_H
#define NN_GEMM_KERNEL_H

#include <stdint.h>

/* How a micro-kernel stores its tile: C = relu?(alpha·acc + beta·C + bias). beta = 0
   never reads C (it may hold NaN); bias [NR] or NULL; relu as F_RELU (NaN stays NaN, −0
   becomes +0). cols: the tile's columns that exist (NR but at C's right edge); only a
   masking kernel (Isa.masked in gemm.c) is given fewer than NR, and then neither reads
   op(B) nor writes C past them. */
typedef struct {
  float alpha, beta;
  const float *bias;
  int relu;
  int cols;
} GemmStore;

/* One MR×NR tile: acc = Σ_k a[k, :]ᵀ · b[k, :] in k order, then stored by st.
   a: [kc, MR] (a packed micro-panel of op(A), rows of the tile side by side),
   b: [kc, NR] at row stride ldb (a packed micro-panel of op(B), ldb = NR, or op(B)
      itself when B is not transposed, ldb = N),
   c: [MR, NR] at row stride ldc. */
typedef void GemmKernel(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
                        int64_t ldc, const GemmStore *st);

#if defined(__x86_64__)
enum {
  GEMM_AVX512_MR = 8, GEMM_AVX512_NR = 32, /* gemm_kernel_avx512 */
  GEMM_AVX512_N16_MR = 16,                 /* gemm_kernel_avx512_n16: 16×16, C of ≤ 16 columns */
  GEMM_AVX2_MR = 6, GEMM_AVX2_NR = 16      /* gemm_kernel_avx2 */
};
GemmKernel gemm_kernel_avx512, gemm_kernel_avx512_n16, gemm_kernel_avx2;
/* dst[k·width + r] = src[r·ld + k], r < rows (a multiple of 8), k < kb; AVX2 */
void gemm_pack_transpose(const float *src, int64_t ld, int rows, int64_t kb, float *dst,
                         int width);
#endif

#endif
