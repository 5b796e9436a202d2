/* gemm_avx2.c — the AVX2+FMA micro-kernel: a 6×16 tile of C held in 12 ymm registers,
 * one broadcast of A and two loads of B per 12 FMAs. Compiled for AVX2+FMA by a target
 * attribute (the rest of the build stays generic x86-64); gemm.c calls it only when
 * the CPU has AVX2 and FMA. */
#include "gemm_kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

/* relu?(alpha·acc + beta·c + bias) for 8 lanes; relu keeps x > 0 and NaN (the
   "not less or equal, unordered" compare is true for both), zeroes the rest, −0 too. */
TARGET static inline void store8(float *c, __m256 acc, const float *bias,
                                 const GemmStore *st) {
  __m256 v = _mm256_mul_ps(acc, _mm256_set1_ps(st->alpha));
  if (st->beta != 0) v = _mm256_fmadd_ps(_mm256_set1_ps(st->beta), _mm256_loadu_ps(c), v);
  if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
  if (st->relu) v = _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NLE_UQ));
  _mm256_storeu_ps(c, v);
}

#define ROW_FMA(r)                                     \
  do {                                                 \
    __m256 ar = _mm256_broadcast_ss(a + (r));          \
    c##r##0 = _mm256_fmadd_ps(ar, b0, c##r##0);        \
    c##r##1 = _mm256_fmadd_ps(ar, b1, c##r##1);        \
  } while (0)
#define ROW_STORE(r)                                                   \
  do {                                                                 \
    store8(c + (r) * ldc, c##r##0, st->bias, st);                      \
    store8(c + (r) * ldc + 8, c##r##1, st->bias ? st->bias + 8 : 0, st); \
  } while (0)

TARGET void gemm_kernel_avx2(int64_t kc, const float *a, const float *b, int64_t ldb,
                             float *c, int64_t ldc, const GemmStore *st) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t k = 0; k < kc; k++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    ROW_FMA(0);
    ROW_FMA(1);
    ROW_FMA(2);
    ROW_FMA(3);
    ROW_FMA(4);
    ROW_FMA(5);
    a += GEMM_AVX2_MR;
    b += ldb;
  }
  ROW_STORE(0);
  ROW_STORE(1);
  ROW_STORE(2);
  ROW_STORE(3);
  ROW_STORE(4);
  ROW_STORE(5);
}
#endif

#if defined(__x86_64__)
/* dst[k·width + r] = src[r·ld + k] for r < rows, k < kb: rows of a row-major matrix
   become the columns of a packed panel (op(A) not transposed, op(B) transposed), 8×8
   blocks at a time with the usual unpack/shuffle/permute transpose. rows is a multiple
   of 8; the last kb % 8 columns go one by one. */
TARGET void gemm_pack_transpose(const float *src, int64_t ld, int rows, int64_t kb, float *dst,
                                int width) {
  for (int r = 0; r < rows; r += 8) {
    const float *s = src + r * ld;
    int64_t k = 0;
    for (; k + 8 <= kb; k += 8) {
      __m256 r0 = _mm256_loadu_ps(s + 0 * ld + k), r1 = _mm256_loadu_ps(s + 1 * ld + k),
             r2 = _mm256_loadu_ps(s + 2 * ld + k), r3 = _mm256_loadu_ps(s + 3 * ld + k),
             r4 = _mm256_loadu_ps(s + 4 * ld + k), r5 = _mm256_loadu_ps(s + 5 * ld + k),
             r6 = _mm256_loadu_ps(s + 6 * ld + k), r7 = _mm256_loadu_ps(s + 7 * ld + k);
      __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1),
             t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3),
             t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
             t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
      __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
             u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
             u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
             u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      float *d = dst + k * width + r;
      _mm256_storeu_ps(d + 0 * width, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(d + 1 * width, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(d + 2 * width, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(d + 3 * width, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(d + 4 * width, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(d + 5 * width, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(d + 6 * width, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(d + 7 * width, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (; k < kb; k++)
      for (int i = 0; i < 8; i++) dst[k * width + r + i] = s[i * ld + k];
  }
}
#endif
