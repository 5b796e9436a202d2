/* conv.c — the kernels of conv2d (im2col + gemm, and a naive oracle), max pooling and
 * batch normalisation; see conv.h for the layouts. */
#include "conv.h"

#include <math.h>
#include <string.h>

#include "tensor.h"

int64_t conv_out_size(int64_t n, int64_t k, int64_t stride, int64_t pad) {
  int64_t span = n + 2 * pad - k;
  return span < 0 ? 0 : span / stride + 1;
}

int64_t conv_col_size(const ConvShape *s) { return s->C * s->k * s->k * s->OH * s->OW; }

/* Is the column matrix the input itself (1×1 kernel, stride 1, no padding)? */
static int col_is_x(const ConvShape *s) { return s->k == 1 && s->stride == 1 && s->pad == 0; }

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

void conv_im2col(const ConvShape *s, const float *x, float *col) {
  int64_t k = s->k, st = s->stride, p = s->pad, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  for (int64_t c = 0; c < s->C; c++)
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < k; j++) {
        float *row = col + ((c * k + i) * k + j) * OH * OW;
        int64_t lo, hi;
        inside(j, st, p, W, OW, &lo, &hi);
        for (int64_t oh = 0; oh < OH; oh++) {
          float *r = row + oh * OW;
          int64_t ih = oh * st - p + i;
          if (ih < 0 || ih >= H) {
            memset(r, 0, (size_t)OW * sizeof *r);
            continue;
          }
          int64_t at = (c * H + ih) * W - p + j; /* x index of ow = 0 (may be outside) */
          for (int64_t ow = 0; ow < lo; ow++) r[ow] = 0;
          if (st == 1) memcpy(r + lo, x + (at + lo), (size_t)(hi - lo) * sizeof *r);
          else
            for (int64_t ow = lo; ow < hi; ow++) r[ow] = x[at + ow * st];
          for (int64_t ow = hi; ow < OW; ow++) r[ow] = 0;
        }
      }
}

void conv_col2im(const ConvShape *s, const float *col, float *dx) {
  int64_t k = s->k, st = s->stride, p = s->pad, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  for (int64_t c = 0; c < s->C; c++)
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < k; j++) {
        const float *row = col + ((c * k + i) * k + j) * OH * OW;
        int64_t lo, hi;
        inside(j, st, p, W, OW, &lo, &hi);
        for (int64_t oh = 0; oh < OH; oh++) {
          int64_t ih = oh * st - p + i;
          if (ih < 0 || ih >= H) continue;
          const float *r = row + oh * OW;
          int64_t at = (c * H + ih) * W - p + j;
          for (int64_t ow = lo; ow < hi; ow++) dx[at + ow * st] += r[ow];
        }
      }
}

void conv2d_forward(const ConvShape *s, const float *x, const float *w, const float *b,
                    float *y, float *col) {
  int64_t CKK = s->C * s->k * s->k, P = s->OH * s->OW;
  for (int64_t n = 0; n < s->B; n++) {
    const float *xn = x + n * s->C * s->H * s->W;
    float *yn = y + n * s->F * P;
    const float *cn = xn;
    if (!col_is_x(s)) {
      conv_im2col(s, xn, col);
      cn = col;
    }
    for (int64_t f = 0; f < s->F; f++)
      for (int64_t q = 0; q < P; q++) yn[f * P + q] = b[f];
    t_gemm(0, 0, s->F, P, CKK, 1, w, cn, 1, yn);
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

void conv2d_backward(const ConvShape *s, const float *x, const float *w, const float *dy,
                     float *dx, float *dw, float *db, float *col, float *dcol) {
  int64_t CKK = s->C * s->k * s->k, P = s->OH * s->OW, HW = s->H * s->W;
  int direct = col_is_x(s);
  for (int64_t n = 0; n < s->B; n++) {
    const float *dyn = dy + n * s->F * P;
    if (dw) {
      const float *cn = x + n * s->C * HW;
      if (!direct) {
        conv_im2col(s, cn, col);
        cn = col;
      }
      t_gemm(0, 1, s->F, CKK, P, 1, dyn, cn, 1, dw);
    }
    if (dx) {
      float *dxn = dx + n * s->C * HW;
      if (direct) {
        t_gemm(1, 0, CKK, P, s->F, 1, w, dyn, 1, dxn);
      } else {
        t_gemm(1, 0, CKK, P, s->F, 1, w, dyn, 0, dcol);
        conv_col2im(s, dcol, dxn);
      }
    }
    if (db)
      for (int64_t f = 0; f < s->F; f++) {
        float acc = 0;
        for (int64_t q = 0; q < P; q++) acc += dyn[f * P + q];
        db[f] += acc;
      }
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

void maxpool2d_forward(int64_t P, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t OH,
                       int64_t OW, const float *x, float *y, int32_t *arg) {
  for (int64_t p = 0; p < P; p++) {
    const float *xp = x + p * H * W;
    for (int64_t oh = 0; oh < OH; oh++)
      for (int64_t ow = 0; ow < OW; ow++) {
        int32_t at0 = (int32_t)(oh * stride * W + ow * stride), best = at0;
        float m = -INFINITY;
        int nan = 0;
        for (int64_t i = 0; i < k; i++)
          for (int64_t j = 0; j < k; j++) {
            int32_t at = (int32_t)(at0 + i * W + j);
            offer(xp[at], at, &m, &best, &nan);
          }
        if (nan) { /* torch's rule, literally: a NaN replaces the maximum (so the last NaN) */
          m = -INFINITY, best = at0;
          for (int64_t i = 0; i < k; i++)
            for (int64_t j = 0; j < k; j++) {
              int32_t at = (int32_t)(at0 + i * W + j);
              if (xp[at] > m || isnan(xp[at])) m = xp[at], best = at;
            }
        }
        int64_t o = (p * OH + oh) * OW + ow;
        y[o] = m;
        arg[o] = best;
      }
  }
}

void maxpool2d_backward(int64_t P, int64_t HW, int64_t OHW, const int32_t *arg, const float *dy,
                        float *dx) {
  for (int64_t p = 0; p < P; p++)
    for (int64_t o = 0; o < OHW; o++) dx[p * HW + arg[p * OHW + o]] += dy[p * OHW + o];
}

/* ---- batch normalisation ---- */

void bn_stats(int64_t B, int64_t C, int64_t S, const float *x, float *mean, float *var) {
  double N = (double)(B * S);
  for (int64_t c = 0; c < C; c++) {
    double sum = 0;
    for (int64_t n = 0; n < B; n++) {
      const float *r = x + (n * C + c) * S;
      for (int64_t q = 0; q < S; q++) sum += r[q];
    }
    double m = sum / N, ss = 0;
    for (int64_t n = 0; n < B; n++) {
      const float *r = x + (n * C + c) * S;
      for (int64_t q = 0; q < S; q++) ss += (r[q] - m) * (r[q] - m);
    }
    mean[c] = (float)m;
    var[c] = (float)(ss / N);
  }
}

void bn_forward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                const float *istd, const float *gamma, const float *beta, float *y) {
  for (int64_t n = 0; n < B; n++)
    for (int64_t c = 0; c < C; c++) {
      const float *r = x + (n * C + c) * S;
      float *o = y + (n * C + c) * S;
      float m = mean[c], a = gamma[c] * istd[c], bb = beta[c];
      for (int64_t q = 0; q < S; q++) o[q] = (r[q] - m) * a + bb;
    }
}

void bn_backward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                 const float *istd, const float *gamma, const float *dy, int batch_stats,
                 float *dx, float *dgamma, float *dbeta) {
  double N = (double)(B * S);
  for (int64_t c = 0; c < C; c++) {
    float m = mean[c], is = istd[c];
    double sdy = 0, sdyx = 0; /* Σ dy, Σ dy·x̂ */
    for (int64_t n = 0; n < B; n++) {
      const float *r = x + (n * C + c) * S, *d = dy + (n * C + c) * S;
      for (int64_t q = 0; q < S; q++) {
        sdy += d[q];
        sdyx += (double)d[q] * ((r[q] - m) * is);
      }
    }
    if (dbeta) dbeta[c] += (float)sdy;
    if (dgamma) dgamma[c] += (float)sdyx;
    if (!dx) continue;
    float a = gamma[c] * is;
    float mdy = (float)(sdy / N), mdyx = (float)(sdyx / N);
    for (int64_t n = 0; n < B; n++) {
      const float *r = x + (n * C + c) * S, *d = dy + (n * C + c) * S;
      float *g = dx + (n * C + c) * S;
      if (batch_stats)
        for (int64_t q = 0; q < S; q++) g[q] += a * (d[q] - mdy - (r[q] - m) * is * mdyx);
      else
        for (int64_t q = 0; q < S; q++) g[q] += a * d[q];
    }
  }
}
