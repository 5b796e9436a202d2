/* gemm_avx512.c — the AVX-512 micro-kernels: an 8×32 tile of C held in 16 zmm registers
 * (one broadcast of A and two loads of B per 16 FMAs), and a 16×16 one (16 zmm) for C of at most
 * 16 columns (the MLP's last layer). Both mask their columns, so a tile at C's right edge
 * reads op(B) in place and writes C directly. Compiled for AVX-512 by a target attribute
 * (the rest of the build stays generic x86-64); gemm.c calls them only when the CPU has
 * AVX-512F. */
#include "gemm_kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))

/* lanes [0, n) of 16, n clamped to [0, 16] */
static inline __mmask16 lanes(int n) {
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

/* relu?(alpha·acc + beta·c + bias) into the lanes m of c; relu keeps x > 0 and NaN (the
   "not less or equal, unordered" compare is true for both), zeroes the rest, −0 too. */
TARGET static inline void store16(float *c, __mmask16 m, __m512 acc, const float *bias,
                                  const GemmStore *st) {
  __m512 v = _mm512_mul_ps(acc, _mm512_set1_ps(st->alpha));
  if (st->beta != 0)
    v = _mm512_fmadd_ps(_mm512_set1_ps(st->beta), _mm512_maskz_loadu_ps(m, c), v);
  if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias));
  if (st->relu) {
    __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ);
    v = _mm512_maskz_mov_ps(keep, v);
  }
  _mm512_mask_storeu_ps(c, m, v);
}

#define ROW_FMA2(r)                                    \
  do {                                                 \
    __m512 ar = _mm512_set1_ps(a[r]);                  \
    c##r##0 = _mm512_fmadd_ps(ar, b0, c##r##0);        \
    c##r##1 = _mm512_fmadd_ps(ar, b1, c##r##1);        \
  } while (0)
#define ROW_STORE2(r)                                                         \
  do {                                                                        \
    store16(c + (r) * ldc, m0, c##r##0, st->bias, st);                        \
    if (m1) store16(c + (r) * ldc + 16, m1, c##r##1, st->bias ? st->bias + 16 : 0, st); \
  } while (0)

TARGET void gemm_kernel_avx512(int64_t kc, const float *a, const float *b, int64_t ldb,
                               float *c, int64_t ldc, const GemmStore *st) {
  __mmask16 m0 = lanes(st->cols), m1 = lanes(st->cols - 16);
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00,
         c61 = c00, c70 = c00, c71 = c00;
  for (int64_t k = 0; k < kc; k++) {
    __m512 b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16);
    ROW_FMA2(0);
    ROW_FMA2(1);
    ROW_FMA2(2);
    ROW_FMA2(3);
    ROW_FMA2(4);
    ROW_FMA2(5);
    ROW_FMA2(6);
    ROW_FMA2(7);
    a += GEMM_AVX512_MR;
    b += ldb;
  }
  ROW_STORE2(0);
  ROW_STORE2(1);
  ROW_STORE2(2);
  ROW_STORE2(3);
  ROW_STORE2(4);
  ROW_STORE2(5);
  ROW_STORE2(6);
  ROW_STORE2(7);
}

#define ROW_FMA1(r) c##r = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), b0, c##r)
#define ROW_STORE1(r) store16(c + (r) * ldc, m0, c##r, st->bias, st)

TARGET void gemm_kernel_avx512_n16(int64_t kc, const float *a, const float *b, int64_t ldb,
                                   float *c, int64_t ldc, const GemmStore *st) {
  __mmask16 m0 = lanes(st->cols);
  __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0,
         c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
  for (int64_t k = 0; k < kc; k++) {
    __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
    ROW_FMA1(0);
    ROW_FMA1(1);
    ROW_FMA1(2);
    ROW_FMA1(3);
    ROW_FMA1(4);
    ROW_FMA1(5);
    ROW_FMA1(6);
    ROW_FMA1(7);
    ROW_FMA1(8);
    ROW_FMA1(9);
    ROW_FMA1(10);
    ROW_FMA1(11);
    ROW_FMA1(12);
    ROW_FMA1(13);
    ROW_FMA1(14);
    ROW_FMA1(15);
    a += GEMM_AVX512_N16_MR;
    b += ldb;
  }
  ROW_STORE1(0);
  ROW_STORE1(1);
  ROW_STORE1(2);
  ROW_STORE1(3);
  ROW_STORE1(4);
  ROW_STORE1(5);
  ROW_STORE1(6);
  ROW_STORE1(7);
  ROW_STORE1(8);
  ROW_STORE1(9);
  ROW_STORE1(10);
  ROW_STORE1(11);
  ROW_STORE1(12);
  ROW_STORE1(13);
  ROW_STORE1(14);
  ROW_STORE1(15);
}
#endif
