/* test_conv_kernels.c — conv.c's fast kernels against their naive oracles on odd shapes:
 * conv2d forward and backward (batched im2col + gemm, blocks of samples, dw per sample
 * or per block), the 2×2 max pooling fast path (vector tails, NaN rows) and the
 * general one, batchnorm statistics and backward (row tails, both modes). Backward
 * kernels start from non-zero gradients, so accumulation (+=) is checked too. */
#include "check.h"

#include "conv.h"
#include "mem.h"

static Rng rng;

static float *randv(int64_t n) {
  float *a = rt_malloc((size_t)n * sizeof *a);
  for (int64_t i = 0; i < n; i++) a[i] = (float)(2 * rng_uniform(&rng) - 1);
  return a;
}

static float *copyv(const float *a, int64_t n) {
  float *b = rt_malloc((size_t)n * sizeof *b);
  memcpy(b, a, (size_t)n * sizeof *b);
  return b;
}

/* Largest |got − want| / max(1, |want|) over n values; NaN only matches NaN. */
static double worst(const float *got, const float *want, int64_t n) {
  double w = 0;
  for (int64_t i = 0; i < n; i++) {
    if (isnan(want[i]) || isnan(got[i])) {
      if (isnan(want[i]) != isnan(got[i])) return INFINITY;
      continue;
    }
    w = fmax(w, fabs((double)got[i] - want[i]) / fmax(1, fabs(want[i])));
  }
  return w;
}

static void check_close(const char *name, const float *got, const float *want, int64_t n,
                        double tol) {
  double w = worst(got, want, n);
  char why[96];
  snprintf(why, sizeof why, "largest relative difference %g > %g", w, tol);
  check_true(name, w <= tol, why);
}

/* ---- conv2d ---- */

/* B, C, H, W, F, k, stride, pad */
static const int64_t conv_cases[][8] = {
    {1, 1, 5, 7, 2, 3, 1, 1},   {3, 1, 9, 6, 4, 5, 2, 2},   {3, 3, 7, 5, 5, 1, 1, 0},
    {1, 3, 6, 9, 3, 3, 2, 0},   {3, 3, 8, 5, 2, 5, 1, 2},   {1, 1, 4, 4, 3, 1, 2, 1},
    {3, 3, 11, 6, 7, 3, 2, 1},  {1, 3, 5, 5, 1, 5, 1, 0},   {3, 1, 28, 28, 16, 3, 1, 1},
    {3, 16, 14, 12, 32, 3, 1, 1}, /* F·C·k·k = 4608: one gemm per block (conv_batched) */
    {3, 3, 7, 6, 48, 5, 2, 1},    {1, 1, 9, 5, 40, 7, 2, 2}, {3, 3, 5, 8, 30, 5, 1, 0},
    {5, 16, 48, 48, 8, 5, 1, 2},  /* column matrices of 4 samples: blocks of 4 and 1 */
};

static ConvShape shape_of(const int64_t *c) {
  ConvShape s = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], 0, 0};
  s.OH = conv_out_size(s.H, s.k, s.stride, s.pad);
  s.OW = conv_out_size(s.W, s.k, s.stride, s.pad);
  return s;
}

static void conv_forward_vs_naive(void) {
  for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++) {
    ConvShape s = shape_of(conv_cases[i]);
    int64_t nx = s.B * s.C * s.H * s.W, nw = s.F * s.C * s.k * s.k, ny = s.B * s.F * s.OH * s.OW;
    float *x = randv(nx), *w = randv(nw), *b = randv(s.F), *y = randv(ny), *want = randv(ny);
    float *col = rt_malloc((size_t)conv_col_floats(&s) * sizeof(float));
    float *yt = rt_malloc((size_t)(1 + conv_out_floats(&s)) * sizeof(float));
    conv2d_forward(&s, x, w, b, y, col, conv_out_floats(&s) ? yt : NULL);
    conv2d_forward_naive(&s, x, w, b, want);
    check_close(NAME("conv2d forward = naive, B=%lld C=%lld %lldx%lld F=%lld k=%lld stride %lld "
                     "padding %lld (blocks of %lld)",
                     (long long)s.B, (long long)s.C, (long long)s.H, (long long)s.W,
                     (long long)s.F, (long long)s.k, (long long)s.stride, (long long)s.pad,
                     (long long)conv_block(&s)),
                y, want, ny, 1e-5);
    float *ps[] = {x, w, b, y, want, col, yt};
    for (int j = 0; j < 7; j++) rt_free(ps[j]);
  }
}

/* every subset of {dx, dw, db} that the layers ask for, accumulated onto random values,
   with the column matrix the forward left (keep) or recomputed */
static void conv_backward_vs_naive(void) {
  static const int wants[][3] = {{1, 1, 1}, {0, 1, 1}, {1, 0, 0}, {0, 1, 0}};
  for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++)
    for (size_t v = 0; v < sizeof wants / sizeof wants[0]; v++)
      for (int keep = 0; keep <= 1; keep++) {
      ConvShape s = shape_of(conv_cases[i]);
      int64_t nx = s.B * s.C * s.H * s.W, nw = s.F * s.C * s.k * s.k,
              ny = s.B * s.F * s.OH * s.OW;
      float *x = randv(nx), *w = randv(nw), *dy = randv(ny);
      float *dx = randv(nx), *dw = randv(nw), *db = randv(s.F);
      float *dx0 = copyv(dx, nx), *dw0 = copyv(dw, nw), *db0 = copyv(db, s.F);
      int64_t n_col = conv_col_floats(&s), n_out = conv_out_floats(&s);
      float *col = rt_malloc((size_t)n_col * sizeof(float));
      float *yt = rt_malloc((size_t)(1 + n_out) * sizeof(float));
      float *fwd = rt_malloc((size_t)n_col * sizeof(float)), *y = randv(ny);
      float *bias = randv(s.F);
      /* fwd: the column matrix, as the layer keeps it */
      conv2d_forward(&s, x, w, bias, y, fwd, n_out ? yt : NULL);
      conv2d_backward(&s, x, w, dy, wants[v][0] ? dx : NULL, wants[v][1] ? dw : NULL,
                      wants[v][2] ? db : NULL, keep ? fwd : NULL, col, n_out ? yt : NULL);
      conv2d_backward_naive(&s, x, w, dy, wants[v][0] ? dx0 : NULL, wants[v][1] ? dw0 : NULL,
                            wants[v][2] ? db0 : NULL);
      const char *what = NAME("B=%lld C=%lld %lldx%lld F=%lld k=%lld stride %lld padding %lld%s",
                              (long long)s.B, (long long)s.C, (long long)s.H, (long long)s.W,
                              (long long)s.F, (long long)s.k, (long long)s.stride,
                              (long long)s.pad, keep ? ", forward's columns" : "");
      /* dw sums up to B·OH·OW products: float partial sums against the oracle's order */
      check_close(NAME("conv2d backward dx = naive, %s%s", what, wants[v][0] ? "" : " (not wanted)"),
                  dx, dx0, nx, 1e-5);
      check_close(NAME("conv2d backward dw = naive, %s%s", what, wants[v][1] ? "" : " (not wanted)"),
                  dw, dw0, nw, 1e-4);
      check_close(NAME("conv2d backward db = naive, %s%s", what, wants[v][2] ? "" : " (not wanted)"),
                  db, db0, s.F, 1e-4);
      float *ps[] = {x, w, dy, dx, dw, db, dx0, dw0, db0, col, yt, fwd, y, bias};
      for (int j = 0; j < 14; j++) rt_free(ps[j]);
    }
}

/* ---- max pooling ---- */

/* planes, H, W, k, stride: the 2×2 fast path with every tail of its 16-wide steps and
   odd sizes (a last row or column outside every window), then general windows */
static const int64_t pool_cases[][5] = {
    {3, 2, 2, 2, 2},  {5, 4, 14, 2, 2},  {2, 6, 28, 2, 2}, {3, 5, 33, 2, 2}, {2, 3, 32, 2, 2},
    {4, 7, 35, 2, 2}, {2, 28, 28, 2, 2}, {1, 9, 67, 2, 2}, {2, 7, 7, 3, 2},  {3, 6, 9, 2, 1},
    {2, 5, 8, 3, 3},  {1, 4, 4, 1, 1},
};

static void pool_vs_naive(void) {
  for (int nan = 0; nan <= 1; nan++)
    for (size_t i = 0; i < sizeof pool_cases / sizeof pool_cases[0]; i++) {
      const int64_t *c = pool_cases[i];
      int64_t P = c[0], H = c[1], W = c[2], k = c[3], st = c[4];
      int64_t OH = conv_out_size(H, k, st, 0), OW = conv_out_size(W, k, st, 0);
      float *x = randv(P * H * W);
      /* ties: values on a coarse grid, so windows hold equal maxima */
      for (int64_t j = 0; j < P * H * W; j++) x[j] = roundf(x[j] * 4) / 4;
      if (nan)
        for (int64_t j = 0; j < P * H * W; j += 1 + (int64_t)rng_below(&rng, 40)) x[j] = NAN;
      float *y = randv(P * OH * OW), *want = randv(P * OH * OW);
      int32_t *arg = rt_malloc((size_t)(P * OH * OW) * sizeof *arg);
      int32_t *warg = rt_malloc((size_t)(P * OH * OW) * sizeof *warg);
      maxpool2d_forward(P, H, W, k, st, OH, OW, x, y, arg);
      maxpool2d_forward_naive(P, H, W, k, st, OH, OW, x, want, warg);
      int64_t bad = -1;
      for (int64_t j = 0; j < P * OH * OW && bad < 0; j++)
        if (arg[j] != warg[j] || (y[j] != want[j] && !(isnan(y[j]) && isnan(want[j])))) bad = j;
      char why[128];
      snprintf(why, sizeof why, "output %lld: got %g at %d, want %g at %d", (long long)bad,
               bad < 0 ? 0 : y[bad], bad < 0 ? 0 : arg[bad], bad < 0 ? 0 : want[bad],
               bad < 0 ? 0 : warg[bad]);
      check_true(NAME("maxpool2d = naive (values and argmax), %lld planes %lldx%lld k=%lld "
                      "stride %lld%s",
                      (long long)P, (long long)H, (long long)W, (long long)k, (long long)st,
                      nan ? ", NaNs and ties" : ", ties"),
                 bad < 0, why);
      /* backward: dx += dy at the argmax, onto random values */
      float *dy = randv(P * OH * OW), *dx = randv(P * H * W), *dx0 = copyv(dx, P * H * W);
      maxpool2d_backward(P, H * W, OH * OW, arg, dy, dx);
      for (int64_t q = 0; q < P; q++)
        for (int64_t o = 0; o < OH * OW; o++) dx0[q * H * W + warg[q * OH * OW + o]] += dy[q * OH * OW + o];
      check_close(NAME("maxpool2d backward = scatter at the argmax, %lld planes %lldx%lld k=%lld%s",
                       (long long)P, (long long)H, (long long)W, (long long)k, nan ? " (NaNs)" : ""),
                  dx, dx0, P * H * W, 0);
      float *ps[] = {x, y, want, dy, dx, dx0};
      for (int j = 0; j < 6; j++) rt_free(ps[j]);
      rt_free(arg), rt_free(warg);
    }
}

/* ---- batchnorm ---- */

/* B, C, S: S = 1 ([B, C] input), row tails of the 16-lane sums, the Fashion CNN's sizes */
static const int64_t bn_cases[][3] = {
    {5, 3, 1}, {1, 2, 7}, {3, 4, 33}, {3, 1, 16}, {2, 5, 49}, {4, 16, 196}, {1, 3, 2},
};

static void bn_vs_naive(void) {
  for (size_t i = 0; i < sizeof bn_cases / sizeof bn_cases[0]; i++) {
    int64_t B = bn_cases[i][0], C = bn_cases[i][1], S = bn_cases[i][2], n = B * C * S;
    float *x = randv(n);
    for (int64_t j = 0; j < n; j++) x[j] = 3 + 2 * x[j]; /* a mean far from 0 */
    float *mean = randv(C), *var = randv(C), *wm = randv(C), *wv = randv(C);
    bn_stats(B, C, S, x, mean, var);
    bn_stats_naive(B, C, S, x, wm, wv);
    const char *what = NAME("B=%lld C=%lld S=%lld", (long long)B, (long long)C, (long long)S);
    check_close(NAME("bn_stats mean = naive, %s", what), mean, wm, C, 1e-6);
    check_close(NAME("bn_stats var = naive, %s", what), var, wv, C, 1e-5);
    float *istd = randv(C), *gamma = randv(C), *beta = randv(C);
    for (int64_t c = 0; c < C; c++) istd[c] = 1 / sqrtf(wv[c] + 1e-5f);
    float *y = randv(n), *want = randv(n);
    bn_forward(B, C, S, x, wm, istd, gamma, beta, y);
    for (int64_t j = 0; j < n; j++) {
      int64_t c = j / S % C;
      want[j] = (float)(((double)x[j] - wm[c]) * istd[c] * gamma[c] + beta[c]);
    }
    check_close(NAME("bn_forward = formula, %s", what), y, want, n, 1e-5);
    for (int batch_stats = 0; batch_stats <= 1; batch_stats++) {
      float *dy = randv(n), *dx = randv(n), *dg = randv(C), *db = randv(C);
      float *dx0 = copyv(dx, n), *dg0 = copyv(dg, C), *db0 = copyv(db, C);
      bn_backward(B, C, S, x, wm, istd, gamma, dy, batch_stats, dx, dg, db);
      bn_backward_naive(B, C, S, x, wm, istd, gamma, dy, batch_stats, dx0, dg0, db0);
      const char *mode = batch_stats ? "batch statistics" : "fixed statistics";
      check_close(NAME("bn_backward dx = naive, %s, %s", mode, what), dx, dx0, n, 1e-4);
      check_close(NAME("bn_backward dgamma = naive, %s, %s", mode, what), dg, dg0, C, 1e-4);
      check_close(NAME("bn_backward dbeta = naive, %s, %s", mode, what), db, db0, C, 1e-5);
      bn_backward(B, C, S, x, wm, istd, gamma, dy, batch_stats, NULL, dg, NULL);
      bn_backward_naive(B, C, S, x, wm, istd, gamma, dy, batch_stats, NULL, dg0, NULL);
      check_close(NAME("bn_backward dgamma alone = naive, %s, %s", mode, what), dg, dg0, C, 1e-4);
      float *ps[] = {dy, dx, dg, db, dx0, dg0, db0};
      for (int j = 0; j < 7; j++) rt_free(ps[j]);
    }
    float *ps[] = {x, mean, var, wm, wv, istd, gamma, beta, y, want};
    for (int j = 0; j < 10; j++) rt_free(ps[j]);
  }
}

int main(void) {
  rng_seed(&rng, 20261201);
  RUN(conv_forward_vs_naive);
  RUN(conv_backward_vs_naive);
  RUN(pool_vs_naive);
  RUN(bn_vs_naive);
  return 0;
}
