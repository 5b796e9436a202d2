/* gemm_avx512.c — the AVX-512 micro-kernel: an 8×32 tile of C held in 16 zmm registers,
 * one broadcast of A and two loads of B per 16 FMAs. Compiled for AVX-512 by a target
 * attribute (the rest of the build stays generic x86-64); gemm.c calls it only when
 * the CPU has AVX-512F. */
#include "gemm_kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))

/* relu?(alpha·acc + beta·c + bias) for 16 lanes; relu keeps x > 0 and NaN (the
   "not less or equal, unordered" compare is true for both), zeroes the rest, −0 too. */
TARGET static inline void store16(float *c, __m512 acc, const float *bias,
                                  const GemmStore *st) {
  __m512 v = _mm512_mul_ps(acc, _mm512_set1_ps(st->alpha));
  if (st->beta != 0) v = _mm512_fmadd_ps(_mm512_set1_ps(st->beta), _mm512_loadu_ps(c), v);
  if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias));
  if (st->relu) {
    __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ);
    v = _mm512_maskz_mov_ps(keep, v);
  }
  _mm512_storeu_ps(c, v);
}

#define ROW_FMA(r)                                     \
  do {                                                 \
    __m512 ar = _mm512_set1_ps(a[r]);                  \
    c##r##0 = _mm512_fmadd_ps(ar, b0, c##r##0);        \
    c##r##1 = _mm512_fmadd_ps(ar, b1, c##r##1);        \
  } while (0)
#define ROW_STORE(r)                                                     \
  do {                                                                   \
    store16(c + (r) * ldc, c##r##0, st->bias, st);                       \
    store16(c + (r) * ldc + 16, c##r##1, st->bias ? st->bias + 16 : 0, st); \
  } while (0)

TARGET void gemm_kernel_avx512(int64_t kc, const float *a, const float *b, int64_t ldb,
                               float *c, int64_t ldc, const GemmStore *st) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00,
         c61 = c00, c70 = c00, c71 = c00;
  for (int64_t k = 0; k < kc; k++) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    ROW_FMA(0);
    ROW_FMA(1);
    ROW_FMA(2);
    ROW_FMA(3);
    ROW_FMA(4);
    ROW_FMA(5);
    ROW_FMA(6);
    ROW_FMA(7);
    a += GEMM_AVX512_MR;
    b += ldb;
  }
  ROW_STORE(0);
  ROW_STORE(1);
  ROW_STORE(2);
  ROW_STORE(3);
  ROW_STORE(4);
  ROW_STORE(5);
  ROW_STORE(6);
  ROW_STORE(7);
}
#endif
