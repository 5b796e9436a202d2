/* conv.c — the kernels of conv2d (im2col over a block of samples + one gemm per block or
 * per sample), max pooling and batch normalisation, each with its naive oracle; see
 * conv.h for the layouts. Loops over samples, planes and channels run through par_for
 * (parallel.h); each output element is computed by one thread in a fixed order, so
 * results do not depend on the thread count. */
#include "conv.h"

#include <math.h>
#include <string.h>

#include "parallel.h"
#include "tensor.h"

/* The loops below are written to vectorise (contiguous rows, fixed-width partial sums);
   -O2's "very cheap" vectoriser declines loops of unknown length, so this file asks for
   -O3, and the hottest loops get AVX2/AVX-512 clones chosen at load (ifunc). The C
   standard mode keeps FMA contraction off, so every clone computes the same bits. */
#if defined(__GNUC__) && !defined(__clang__)
/* and im2col's rows of 14–28 floats stay inline loops, not memcpy/memset calls (which
   took 7% of a Fashion CNN epoch) */
#pragma GCC optimize("O3", "no-tree-loop-distribute-patterns")
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VEC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VEC_CLONES
#endif

/* Partial sums of a reduction: LANES running sums in GCC's vector type (which the
   auto-vectoriser need not discover), added in lane order at the end: a fixed order, so
   the same digits on every ISA and thread count. */
#define LANES 16
typedef float Lanes __attribute__((vector_size(LANES * sizeof(float))));

int64_t conv_out_size(int64_t n, int64_t k, int64_t stride, int64_t pad) {
  int64_t span = n + 2 * pad - k;
  return span < 0 ? 0 : span / stride + 1;
}

/* Column matrices of up to this many floats (16 MiB): a whole batch of 64 of the
   Fashion CNN's second layer (144 rows × 64·196 columns, 7 MiB) is one block, so each
   layer is one large gemm; much larger inputs go in blocks of samples. */
#define CONV_BLOCK_FLOATS ((int64_t)1 << 22)

int64_t conv_block(const ConvShape *s) {
  int64_t per = (s->C * s->k * s->k + s->F) * s->OH * s->OW;
  int64_t nb = CONV_BLOCK_FLOATS / (per > 0 ? per : 1);
  if (nb < 1) nb = 1;
  return nb < s->B ? nb : s->B;
}

/* Small layers (F·C·k·k below this) use one gemm per sample: a product of K = 64·784 ≫
   M·N = 16·9 (the Fashion CNN's first layer's dw) ran at 7 GFLOP/s in OpenBLAS against
   41 for 64 products of K = 784, and its forward [16, 9]·[9, 64·784] at 55 against 75;
   at 32·144 (the second layer) the batched products were faster (62–74 against 51–54). */
#define CONV_BATCHED_MIN 2048

int conv_batched(const ConvShape *s) { return s->F * s->C * s->k * s->k >= CONV_BATCHED_MIN; }

int64_t conv_col_floats(const ConvShape *s) {
  return conv_block(s) * s->C * s->k * s->k * s->OH * s->OW;
}

int64_t conv_out_floats(const ConvShape *s) {
  return conv_batched(s) ? conv_block(s) * s->F * s->OH * s->OW : 0;
}

/* The output columns ow whose input column ow·s − p + j lies inside [0, W):
   [*lo, *hi). */
static void inside(int64_t j, int64_t stride, int64_t pad, int64_t W, int64_t OW, int64_t *lo,
                   int64_t *hi) {
  int64_t a = pad - j; /* ow·s >= a */
  *lo = a <= 0 ? 0 : (a + stride - 1) / stride;
  int64_t b = W + pad - j; /* ow·s < b */
  *hi = b <= 0 ? 0 : (b + stride - 1) / stride;
  if (*hi > OW) *hi = OW;
  if (*lo > *hi) *lo = *hi;
}

/* im2col of one sample x [C, H, W] into the columns of col whose rows are ld floats
   apart: col[(c·k + i)·k + j][oh·OW + ow] (conv.h); ld = OH·OW for one sample alone,
   m·OH·OW for the sample's slice of a block of m. */
static void im2col_ld(const ConvShape *s, const float *x, float *col, int64_t ld) {
  int64_t k = s->k, st = s->stride, p = s->pad, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  for (int64_t c = 0; c < s->C; c++)
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < k; j++) {
        float *row = col + ((c * k + i) * k + j) * ld;
        int64_t lo, hi;
        inside(j, st, p, W, OW, &lo, &hi);
        for (int64_t oh = 0; oh < OH; oh++) {
          float *r = row + oh * OW;
          int64_t ih = oh * st - p + i;
          if (ih < 0 || ih >= H) {
            for (int64_t ow = 0; ow < OW; ow++) r[ow] = 0;
            continue;
          }
          int64_t at = (c * H + ih) * W - p + j; /* x index of ow = 0 (may be outside) */
          for (int64_t ow = 0; ow < lo; ow++) r[ow] = 0;
          if (st == 1)
            for (int64_t ow = lo; ow < hi; ow++) r[ow] = x[at + ow];
          else
            for (int64_t ow = lo; ow < hi; ow++) r[ow] = x[at + ow * st];
          for (int64_t ow = hi; ow < OW; ow++) r[ow] = 0;
        }
      }
}

/* The adjoint of im2col_ld: dx [C, H, W] += each column entry at the pixel it came from. */
static void col2im_ld(const ConvShape *s, const float *col, int64_t ld, float *dx) {
  int64_t k = s->k, st = s->stride, p = s->pad, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  for (int64_t c = 0; c < s->C; c++)
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < k; j++) {
        const float *row = col + ((c * k + i) * k + j) * ld;
        int64_t lo, hi;
        inside(j, st, p, W, OW, &lo, &hi);
        for (int64_t oh = 0; oh < OH; oh++) {
          int64_t ih = oh * st - p + i;
          if (ih < 0 || ih >= H) continue;
          const float *r = row + oh * OW;
          int64_t at = (c * H + ih) * W - p + j; /* dx index of ow = 0 (may be outside) */
          if (st == 1)
            for (int64_t ow = lo; ow < hi; ow++) dx[at + ow] += r[ow];
          else
            for (int64_t ow = lo; ow < hi; ow++) dx[at + ow * st] += r[ow];
        }
      }
}

/* ---- one block of m samples, split over samples by par_for ---- */

typedef struct Block {
  const ConvShape *s;
  int64_t m;                   /* samples in the block */
  const float *x, *b, *dy;     /* x, dy: the block's first sample */
  float *y, *dx, *col, *yt;    /* col: batched [C·k·k, m·P] or per sample [m, C·k·k, P];
                                  yt [F, m·P] */
} Block;

/* im2col of the block's samples in the layout conv_batched(s) picks */
static void im2col_part(void *ctx, int64_t lo, int64_t hi) {
  const Block *k = ctx;
  const ConvShape *s = k->s;
  int64_t CHW = s->C * s->H * s->W, P = s->OH * s->OW, CKK = s->C * s->k * s->k;
  for (int64_t n = lo; n < hi; n++)
    if (conv_batched(s)) im2col_ld(s, k->x + n * CHW, k->col + n * P, k->m * P);
    else im2col_ld(s, k->x + n * CHW, k->col + n * CKK * P, P);
}

static void col2im_part(void *ctx, int64_t lo, int64_t hi) {
  const Block *k = ctx;
  const ConvShape *s = k->s;
  int64_t CHW = s->C * s->H * s->W, P = s->OH * s->OW, CKK = s->C * s->k * s->k;
  for (int64_t n = lo; n < hi; n++)
    if (conv_batched(s)) col2im_ld(s, k->col + n * P, k->m * P, k->dx + n * CHW);
    else col2im_ld(s, k->col + n * CKK * P, P, k->dx + n * CHW);
}

/* y[n][f][q] = yt[f][n·P + q] + b[f] */
static void scatter_part(void *ctx, int64_t lo, int64_t hi) {
  const Block *k = ctx;
  int64_t F = k->s->F, P = k->s->OH * k->s->OW, ld = k->m * P;
  for (int64_t n = lo; n < hi; n++)
    for (int64_t f = 0; f < F; f++) {
      const float *src = k->yt + f * ld + n * P;
      float *dst = k->y + (n * F + f) * P, bf = k->b[f];
      for (int64_t q = 0; q < P; q++) dst[q] = src[q] + bf;
    }
}

/* y[n][f][q] = b[f], before the per-sample products add w · col_n */
static void bias_part(void *ctx, int64_t lo, int64_t hi) {
  const Block *k = ctx;
  int64_t F = k->s->F, P = k->s->OH * k->s->OW;
  for (int64_t n = lo; n < hi; n++)
    for (int64_t f = 0; f < F; f++) {
      float *dst = k->y + (n * F + f) * P, bf = k->b[f];
      for (int64_t q = 0; q < P; q++) dst[q] = bf;
    }
}

/* yt[f][n·P + q] = dy[n][f][q] */
static void gather_part(void *ctx, int64_t lo, int64_t hi) {
  const Block *k = ctx;
  int64_t F = k->s->F, P = k->s->OH * k->s->OW, ld = k->m * P;
  for (int64_t n = lo; n < hi; n++)
    for (int64_t f = 0; f < F; f++)
      memcpy(k->yt + f * ld + n * P, k->dy + (n * F + f) * P, (size_t)P * sizeof(float));
}

/* Σ of n floats in LANES partial sums, added in lane order. */
VEC_CLONES static float sum_lanes(const float *a, int64_t n) {
  Lanes acc = {0};
  int64_t q = 0;
  for (; q + LANES <= n; q += LANES) {
    Lanes v;
    memcpy(&v, a + q, sizeof v);
    acc += v;
  }
  for (int64_t l = 0; q < n; q++, l++) acc[l] += a[q];
  float t = 0;
  for (int l = 0; l < LANES; l++) t += acc[l];
  return t;
}

/* ---- conv2d ---- */

/* Samples per par_for chunk: some 16k floats of column matrix, so that small images stay
   on the calling thread (a worker's wake-up costs about a microsecond). */
static int64_t sample_grain(const ConvShape *s) {
  return 1 + 16384 / (s->C * s->k * s->k * s->OH * s->OW + s->F * s->OH * s->OW);
}

void conv2d_forward(const ConvShape *s, const float *x, const float *w, const float *b,
                    float *y, float *col, float *yt) {
  int64_t CKK = s->C * s->k * s->k, P = s->OH * s->OW, CHW = s->C * s->H * s->W;
  int64_t nb = conv_block(s), grain = sample_grain(s);
  for (int64_t n0 = 0; n0 < s->B; n0 += nb) {
    int64_t m = s->B - n0 < nb ? s->B - n0 : nb;
    Block k = {.s = s, .m = m, .x = x + n0 * CHW, .b = b, .y = y + n0 * s->F * P, .col = col,
               .yt = yt};
    par_for(m, grain, im2col_part, &k);
    if (conv_batched(s)) {
      t_gemm(0, 0, s->F, m * P, CKK, 1, w, k.col, 0, k.yt); /* yt [F, m·P] = w · col */
      par_for(m, grain, scatter_part, &k);
    } else {
      par_for(m, grain, bias_part, &k);
      for (int64_t n = 0; n < m; n++) /* y_n [F, P] += w · col_n */
        t_gemm(0, 0, s->F, P, CKK, 1, w, k.col + n * CKK * P, 1, k.y + n * s->F * P);
    }
  }
}

void conv2d_forward_naive(const ConvShape *s, const float *x, const float *w, const float *b,
                          float *y) {
  int64_t k = s->k;
  for (int64_t n = 0; n < s->B; n++)
    for (int64_t f = 0; f < s->F; f++)
      for (int64_t oh = 0; oh < s->OH; oh++)
        for (int64_t ow = 0; ow < s->OW; ow++) {
          double acc = b[f];
          for (int64_t c = 0; c < s->C; c++)
            for (int64_t i = 0; i < k; i++)
              for (int64_t j = 0; j < k; j++) {
                int64_t ih = oh * s->stride - s->pad + i, iw = ow * s->stride - s->pad + j;
                if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W) continue;
                acc += (double)x[((n * s->C + c) * s->H + ih) * s->W + iw] *
                       w[((f * s->C + c) * k + i) * k + j];
              }
          y[((n * s->F + f) * s->OH + oh) * s->OW + ow] = (float)acc;
        }
}

void conv2d_backward_naive(const ConvShape *s, const float *x, const float *w, const float *dy,
                           float *dx, float *dw, float *db) {
  int64_t k = s->k, P = s->OH * s->OW;
  if (db) /* db[f] += Σ_n Σ_q dy[n][f][q], in double */
    for (int64_t f = 0; f < s->F; f++) {
      double acc = 0;
      for (int64_t n = 0; n < s->B; n++)
        for (int64_t q = 0; q < P; q++) acc += dy[(n * s->F + f) * P + q];
      db[f] += (float)acc;
    }
  if (dw) /* dw[f][c][i][j] += Σ_n Σ_(oh, ow) dy · x at the tap, in double */
    for (int64_t f = 0; f < s->F; f++)
      for (int64_t c = 0; c < s->C; c++)
        for (int64_t i = 0; i < k; i++)
          for (int64_t j = 0; j < k; j++) {
            double acc = 0;
            for (int64_t n = 0; n < s->B; n++)
              for (int64_t oh = 0; oh < s->OH; oh++)
                for (int64_t ow = 0; ow < s->OW; ow++) {
                  int64_t ih = oh * s->stride - s->pad + i, iw = ow * s->stride - s->pad + j;
                  if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W) continue;
                  acc += (double)dy[((n * s->F + f) * s->OH + oh) * s->OW + ow] *
                         x[((n * s->C + c) * s->H + ih) * s->W + iw];
                }
            dw[((f * s->C + c) * k + i) * k + j] += (float)acc;
          }
  if (dx) /* each dy spread over the pixels of its window, weighted by w */
    for (int64_t n = 0; n < s->B; n++)
      for (int64_t f = 0; f < s->F; f++)
        for (int64_t oh = 0; oh < s->OH; oh++)
          for (int64_t ow = 0; ow < s->OW; ow++) {
            float g = dy[((n * s->F + f) * s->OH + oh) * s->OW + ow];
            for (int64_t c = 0; c < s->C; c++)
              for (int64_t i = 0; i < k; i++)
                for (int64_t j = 0; j < k; j++) {
                  int64_t ih = oh * s->stride - s->pad + i, iw = ow * s->stride - s->pad + j;
                  if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W) continue;
                  dx[((n * s->C + c) * s->H + ih) * s->W + iw] += g * w[((f * s->C + c) * k + i) * k + j];
                }
          }
}

void conv2d_backward(const ConvShape *s, const float *x, const float *w, const float *dy,
                     float *dx, float *dw, float *db, const float *kept, float *col,
                     float *yt) {
  int64_t CKK = s->C * s->k * s->k, P = s->OH * s->OW, CHW = s->C * s->H * s->W;
  if (db) /* db[f] += Σ_n Σ_q dy[n][f][q]: rows in float lanes, samples added in double */
    for (int64_t f = 0; f < s->F; f++) {
      double acc = 0;
      for (int64_t n = 0; n < s->B; n++) acc += sum_lanes(dy + (n * s->F + f) * P, P);
      db[f] += (float)acc;
    }
  int64_t nb = conv_block(s), grain = sample_grain(s);
  if (nb < s->B) kept = NULL; /* the forward keeps no column matrix of several blocks */
  for (int64_t n0 = 0; n0 < s->B; n0 += nb) {
    int64_t m = s->B - n0 < nb ? s->B - n0 : nb;
    const float *dy0 = dy + n0 * s->F * P;
    Block k = {.s = s, .m = m, .x = x + n0 * CHW, .dy = dy0, .dx = dx ? dx + n0 * CHW : NULL,
               .col = col, .yt = yt};
    const float *cols = kept ? kept : col;
    if (dw && !kept) par_for(m, grain, im2col_part, &k);
    if (conv_batched(s)) {
      par_for(m, grain, gather_part, &k); /* yt [F, m·P]: the block's dy, samples side by side */
      if (dw) t_gemm(0, 1, s->F, CKK, m * P, 1, k.yt, cols, 1, dw); /* dw += yt · colᵀ */
      if (dx) t_gemm(1, 0, CKK, m * P, s->F, 1, w, k.yt, 0, k.col); /* dcol = wᵀ · yt */
    } else {
      for (int64_t n = 0; n < m && dw; n++) /* dw += dy_n · col_nᵀ */
        t_gemm(0, 1, s->F, CKK, P, 1, dy0 + n * s->F * P, cols + n * CKK * P, 1, dw);
      for (int64_t n = 0; n < m && dx; n++) /* dcol_n = wᵀ · dy_n */
        t_gemm(1, 0, CKK, P, s->F, 1, w, dy0 + n * s->F * P, 0, k.col + n * CKK * P);
    }
    if (dx) par_for(m, grain, col2im_part, &k);
  }
}

/* ---- max pooling ---- */

/* Offer candidate v at plane index `at` to a window's running maximum m at *best.
   No data-dependent branch (they mispredict half the time on real activations): the
   index moves through a mask; a NaN only raises *nan (the caller then rescans). */
static inline void offer(float v, int32_t at, float *m, int32_t *best, int *nan) {
  int32_t gt = -(int32_t)(v > *m); /* all ones or zero */
  *best = (at & gt) | (*best & ~gt);
  *m = v > *m ? v : *m;
  *nan |= v != v;
}

/* torch's rule, literally: a NaN replaces the maximum (so the last NaN wins) */
static void window_nan(const float *xp, int64_t W, int64_t k, int32_t at0, float *y,
                       int32_t *arg) {
  float m = -INFINITY;
  int32_t best = at0;
  for (int64_t i = 0; i < k; i++)
    for (int64_t j = 0; j < k; j++) {
      int32_t at = (int32_t)(at0 + i * W + j);
      if (xp[at] > m || isnan(xp[at])) m = xp[at], best = at;
    }
  *y = m, *arg = best;
}

typedef struct Pool {
  int64_t H, W, k, stride, OH, OW, HW, OHW;
  const float *x, *dy;
  float *y, *dx;
  int32_t *arg;
} Pool;

/* The 2×2 window every 2 pixels (the common case), one output row from input rows r0 and
   r1: the first maximum of (a b / c d) in row-major order by strict comparisons. Returns
   whether a NaN was seen (the caller then redoes the row with torch's NaN rule). */
static int pool2_row(const float *r0, const float *r1, int64_t OW, int32_t at, int32_t W,
                     float *yr, int32_t *ar) {
  int nan = 0;
  for (int64_t ow = 0; ow < OW; ow++, at += 2) {
    float a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
    float m = a;
    int32_t i = at;
    if (b > m) m = b, i = at + 1;
    if (c > m) m = c, i = at + W;
    if (d > m) m = d, i = at + W + 1;
    nan |= (a != a) | (b != b) | (c != c) | (d != d);
    yr[ow] = m;
    ar[ow] = i;
  }
  return nan;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* pool2_row with AVX-512: 16 outputs at a time, the even and odd columns of 32 inputs
   separated by one permute each, the tail under a mask. The same comparisons in the
   same order as pool2_row, so the same results. */
__attribute__((target("avx512f"))) static int pool2_row_avx512(const float *r0, const float *r1,
                                                               int64_t OW, int32_t at,
                                                               int32_t W, float *yr,
                                                               int32_t *ar) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512i first = _mm512_add_epi32(even, _mm512_set1_epi32(at)); /* a's index, ow = 0.. */
  __mmask16 nan = 0;
  for (int64_t ow = 0; ow < OW; ow += 16) {
    int64_t n = OW - ow < 16 ? OW - ow : 16; /* outputs in this step */
    __mmask16 lo = (__mmask16)(n >= 8 ? 0xffff : (1u << (2 * n)) - 1);
    __mmask16 hi = (__mmask16)(n <= 8 ? 0 : n == 16 ? 0xffff : (1u << (2 * n - 16)) - 1);
    __mmask16 out = (__mmask16)(n == 16 ? 0xffff : (1u << n) - 1);
    const float *p0 = r0 + 2 * ow, *p1 = r1 + 2 * ow;
    __m512 x0 = _mm512_maskz_loadu_ps(lo, p0), x1 = _mm512_maskz_loadu_ps(hi, p0 + 16);
    __m512 y0 = _mm512_maskz_loadu_ps(lo, p1), y1 = _mm512_maskz_loadu_ps(hi, p1 + 16);
    __m512 a = _mm512_permutex2var_ps(x0, even, x1), b = _mm512_permutex2var_ps(x0, odd, x1);
    __m512 c = _mm512_permutex2var_ps(y0, even, y1), d = _mm512_permutex2var_ps(y0, odd, y1);
    __m512i base = _mm512_add_epi32(first, _mm512_set1_epi32((int32_t)(2 * ow))), i = base;
    __m512 m = a;
    __mmask16 g = _mm512_cmp_ps_mask(b, m, _CMP_GT_OQ);
    m = _mm512_mask_blend_ps(g, m, b);
    i = _mm512_mask_add_epi32(i, g, base, _mm512_set1_epi32(1));
    g = _mm512_cmp_ps_mask(c, m, _CMP_GT_OQ);
    m = _mm512_mask_blend_ps(g, m, c);
    i = _mm512_mask_blend_epi32(g, i, _mm512_add_epi32(base, _mm512_set1_epi32(W)));
    g = _mm512_cmp_ps_mask(d, m, _CMP_GT_OQ);
    m = _mm512_mask_blend_ps(g, m, d);
    i = _mm512_mask_blend_epi32(g, i, _mm512_add_epi32(base, _mm512_set1_epi32(W + 1)));
    nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(c, d, _CMP_UNORD_Q);
    _mm512_mask_storeu_ps(yr + ow, out, m);
    _mm512_mask_storeu_epi32(ar + ow, out, i);
  }
  return nan != 0;
}
#endif

static void pool2_plane(const Pool *p, const float *xp, float *yp, int32_t *ap) {
  int64_t W = p->W, OW = p->OW;
#if defined(__x86_64__) && defined(__GNUC__)
  int avx512 = __builtin_cpu_supports("avx512f");
#endif
  for (int64_t oh = 0; oh < p->OH; oh++) {
    const float *r0 = xp + 2 * oh * W, *r1 = r0 + W;
    float *yr = yp + oh * OW;
    int32_t *ar = ap + oh * OW, base = (int32_t)(2 * oh * W);
    int nan;
#if defined(__x86_64__) && defined(__GNUC__)
    if (avx512) nan = pool2_row_avx512(r0, r1, OW, base, (int32_t)W, yr, ar);
    else
#endif
      nan = pool2_row(r0, r1, OW, base, (int32_t)W, yr, ar);
    if (nan)
      for (int64_t ow = 0; ow < OW; ow++)
        window_nan(xp, W, 2, base + (int32_t)(2 * ow), yr + ow, ar + ow);
  }
}

static void pool_plane(const Pool *p, const float *xp, float *yp, int32_t *ap) {
  int64_t k = p->k, W = p->W;
  for (int64_t oh = 0; oh < p->OH; oh++)
    for (int64_t ow = 0; ow < p->OW; ow++) {
      int32_t at0 = (int32_t)(oh * p->stride * W + ow * p->stride), best = at0;
      float m = -INFINITY;
      int nan = 0;
      for (int64_t i = 0; i < k; i++)
        for (int64_t j = 0; j < k; j++) {
          int32_t at = (int32_t)(at0 + i * W + j);
          offer(xp[at], at, &m, &best, &nan);
        }
      int64_t o = oh * p->OW + ow;
      if (nan) window_nan(xp, W, k, at0, yp + o, ap + o);
      else yp[o] = m, ap[o] = best;
    }
}

static void pool_part(void *ctx, int64_t lo, int64_t hi) {
  const Pool *p = ctx;
  int fast = p->k == 2 && p->stride == 2;
  for (int64_t q = lo; q < hi; q++) {
    const float *xp = p->x + q * p->HW;
    float *yp = p->y + q * p->OHW;
    int32_t *ap = p->arg + q * p->OHW;
    if (fast) pool2_plane(p, xp, yp, ap);
    else pool_plane(p, xp, yp, ap);
  }
}

void maxpool2d_forward(int64_t P, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t OH,
                       int64_t OW, const float *x, float *y, int32_t *arg) {
  Pool p = {.H = H, .W = W, .k = k, .stride = stride, .OH = OH, .OW = OW, .HW = H * W,
            .OHW = OH * OW, .x = x, .y = y, .arg = arg};
  par_for(P, 1 + 8192 / (H * W), pool_part, &p);
}

void maxpool2d_forward_naive(int64_t P, int64_t H, int64_t W, int64_t k, int64_t stride,
                             int64_t OH, int64_t OW, const float *x, float *y, int32_t *arg) {
  for (int64_t q = 0; q < P; q++)
    for (int64_t oh = 0; oh < OH; oh++)
      for (int64_t ow = 0; ow < OW; ow++) {
        int32_t at0 = (int32_t)(oh * stride * W + ow * stride), best = at0;
        float m = -INFINITY;
        for (int64_t i = 0; i < k; i++)
          for (int64_t j = 0; j < k; j++) {
            int32_t at = (int32_t)(at0 + i * W + j);
            float v = x[q * H * W + at];
            if (v > m || isnan(v)) m = v, best = at;
          }
        y[(q * OH + oh) * OW + ow] = m;
        arg[(q * OH + oh) * OW + ow] = best;
      }
}

static void unpool_part(void *ctx, int64_t lo, int64_t hi) {
  const Pool *p = ctx;
  for (int64_t q = lo; q < hi; q++) {
    float *dxp = p->dx + q * p->HW;
    const float *dyp = p->dy + q * p->OHW;
    const int32_t *ap = p->arg + q * p->OHW;
    for (int64_t o = 0; o < p->OHW; o++) dxp[ap[o]] += dyp[o];
  }
}

void maxpool2d_backward(int64_t P, int64_t HW, int64_t OHW, const int32_t *arg, const float *dy,
                        float *dx) {
  Pool p = {.HW = HW, .OHW = OHW, .dy = dy, .dx = dx, .arg = (int32_t *)arg};
  par_for(P, 1 + 8192 / HW, unpool_part, &p);
}

/* ---- batch normalisation ---- */

/* Per channel c of x [B, C, S]: each row's Σ in LANES float partial sums, the rows
   added in double in sample order (so the split over channels does not change a digit). */
typedef struct Bn {
  int64_t B, C, S;
  const float *x, *mean, *istd, *gamma, *beta, *dy;
  float *y, *var, *dx, *dgamma, *dbeta, *mean_out;
  int batch_stats;
} Bn;

/* Σ (a[q] − m)² over n floats, in LANES partial sums */
VEC_CLONES static float sqdev_lanes(const float *a, int64_t n, float m) {
  Lanes acc = {0};
  int64_t q = 0;
  for (; q + LANES <= n; q += LANES) {
    Lanes v;
    memcpy(&v, a + q, sizeof v);
    acc += (v - m) * (v - m);
  }
  for (int64_t l = 0; q < n; q++, l++) acc[l] += (a[q] - m) * (a[q] - m);
  float t = 0;
  for (int l = 0; l < LANES; l++) t += acc[l];
  return t;
}

static void stats_part(void *ctx, int64_t lo, int64_t hi) {
  const Bn *b = ctx;
  double N = (double)(b->B * b->S);
  for (int64_t c = lo; c < hi; c++) {
    double sum = 0;
    for (int64_t n = 0; n < b->B; n++) sum += sum_lanes(b->x + (n * b->C + c) * b->S, b->S);
    float m = (float)(sum / N);
    double ss = 0;
    for (int64_t n = 0; n < b->B; n++) ss += sqdev_lanes(b->x + (n * b->C + c) * b->S, b->S, m);
    b->mean_out[c] = m;
    b->var[c] = (float)(ss / N);
  }
}

void bn_stats(int64_t B, int64_t C, int64_t S, const float *x, float *mean, float *var) {
  Bn b = {.B = B, .C = C, .S = S, .x = x, .mean_out = mean, .var = var};
  par_for(C, 1 + 16384 / (B * S), stats_part, &b);
}

VEC_CLONES static void affine_row(const float *r, int64_t n, float m, float a, float c, float *o) {
  for (int64_t q = 0; q < n; q++) o[q] = (r[q] - m) * a + c;
}

static void bn_forward_part(void *ctx, int64_t lo, int64_t hi) {
  const Bn *b = ctx;
  for (int64_t row = lo; row < hi; row++) { /* row = n·C + c */
    int64_t c = row % b->C;
    affine_row(b->x + row * b->S, b->S, b->mean[c], b->gamma[c] * b->istd[c], b->beta[c],
               b->y + row * b->S);
  }
}

void bn_forward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                const float *istd, const float *gamma, const float *beta, float *y) {
  Bn b = {.B = B, .C = C, .S = S, .x = x, .mean = mean, .istd = istd, .gamma = gamma,
          .beta = beta, .y = y};
  par_for(B * C, 1 + 16384 / S, bn_forward_part, &b);
}

/* Σ d[q] and Σ d[q]·(r[q] − m) over n floats, in LANES partial sums each (GCC's vector
   type: the auto-vectoriser declines two reductions in one loop) */
VEC_CLONES static void dsums_lanes(const float *r, const float *d, int64_t n, float m,
                                   float *sd, float *sdx) {
  Lanes a = {0}, e = {0};
  int64_t q = 0;
  for (; q + LANES <= n; q += LANES) {
    Lanes rv, dv;
    memcpy(&rv, r + q, sizeof rv);
    memcpy(&dv, d + q, sizeof dv);
    a += dv;
    e += dv * (rv - m);
  }
  for (int64_t l = 0; q < n; q++, l++) {
    a[l] += d[q];
    e[l] += d[q] * (r[q] - m);
  }
  float ta = 0, te = 0;
  for (int l = 0; l < LANES; l++) ta += a[l], te += e[l];
  *sd = ta, *sdx = te;
}

/* g[q] += a·(d[q] − mdy − (r[q] − m)·k) */
VEC_CLONES static void bn_dx_row(const float *r, const float *d, int64_t n, float m, float a,
                                 float mdy, float k, float *g) {
  for (int64_t q = 0; q < n; q++) g[q] += a * (d[q] - mdy - (r[q] - m) * k);
}

static void bn_backward_part(void *ctx, int64_t lo, int64_t hi) {
  const Bn *b = ctx;
  int64_t S = b->S;
  double N = (double)(b->B * S);
  for (int64_t c = lo; c < hi; c++) {
    float m = b->mean[c], is = b->istd[c];
    double sdy = 0, sdxm = 0; /* Σ dy, Σ dy·(x − mean) */
    for (int64_t n = 0; n < b->B; n++) {
      float t, u;
      int64_t at = (n * b->C + c) * S;
      dsums_lanes(b->x + at, b->dy + at, S, m, &t, &u);
      sdy += t, sdxm += u;
    }
    double sdyx = sdxm * is; /* Σ dy·x̂ */
    if (b->dbeta) b->dbeta[c] += (float)sdy;
    if (b->dgamma) b->dgamma[c] += (float)sdyx;
    if (!b->dx) continue;
    float a = b->gamma[c] * is;
    float mdy = b->batch_stats ? (float)(sdy / N) : 0;
    float k = b->batch_stats ? (float)(sdyx / N) * is : 0; /* x̂·mean(dy·x̂) = (x − m)·k */
    for (int64_t n = 0; n < b->B; n++) {
      int64_t at = (n * b->C + c) * S;
      bn_dx_row(b->x + at, b->dy + at, S, m, a, mdy, k, b->dx + at);
    }
  }
}

void bn_backward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                 const float *istd, const float *gamma, const float *dy, int batch_stats,
                 float *dx, float *dgamma, float *dbeta) {
  Bn b = {.B = B, .C = C, .S = S, .x = x, .mean = mean, .istd = istd, .gamma = gamma, .dy = dy,
          .dx = dx, .dgamma = dgamma, .dbeta = dbeta, .batch_stats = batch_stats};
  par_for(C, 1 + 16384 / (B * S), bn_backward_part, &b);
}

void bn_stats_naive(int64_t B, int64_t C, int64_t S, const float *x, float *mean, float *var) {
  double N = (double)(B * S);
  for (int64_t c = 0; c < C; c++) {
    double sum = 0;
    for (int64_t n = 0; n < B; n++)
      for (int64_t q = 0; q < S; q++) sum += x[(n * C + c) * S + q];
    double m = sum / N, ss = 0;
    for (int64_t n = 0; n < B; n++)
      for (int64_t q = 0; q < S; q++) {
        double v = x[(n * C + c) * S + q] - m;
        ss += v * v;
      }
    mean[c] = (float)m;
    var[c] = (float)(ss / N);
  }
}

void bn_backward_naive(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                       const float *istd, const float *gamma, const float *dy, int batch_stats,
                       float *dx, float *dgamma, float *dbeta) {
  double N = (double)(B * S);
  for (int64_t c = 0; c < C; c++) {
    double sdy = 0, sdyx = 0, is = istd[c];
    for (int64_t n = 0; n < B; n++)
      for (int64_t q = 0; q < S; q++) {
        int64_t i = (n * C + c) * S + q;
        sdy += dy[i];
        sdyx += dy[i] * ((x[i] - mean[c]) * is);
      }
    if (dbeta) dbeta[c] += (float)sdy;
    if (dgamma) dgamma[c] += (float)sdyx;
    if (!dx) continue;
    for (int64_t n = 0; n < B; n++)
      for (int64_t q = 0; q < S; q++) {
        int64_t i = (n * C + c) * S + q;
        double xh = (x[i] - mean[c]) * is;
        dx[i] += (float)(batch_stats ? gamma[c] * is * (dy[i] - sdy / N - xh * sdyx / N)
                                     : gamma[c] * is * dy[i]);
      }
  }
}
