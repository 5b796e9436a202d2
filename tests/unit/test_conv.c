/* test_conv.c — the convolutional ops: ad_conv2d, ad_maxpool2d and ad_batchnorm against
 * central differences, the im2col kernel against the naive one, PyTorch's tie and NaN
 * rules of max pooling, batch statistics and the running averages, shape errors. */
#include "check.h"

#include "autograd.h"
#include "conv.h"

static Rng rng;

static Tensor *randn(int nd, const int64_t *shape) { return t_randn(&rng, nd, shape); }

/* distinct values at least 0.05 apart in random order (no ties in a pooling window) */
static Tensor *spread(int nd, const int64_t *shape) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)(0.05 * (double)i - 1);
  for (int64_t i = t->size - 1; i > 0; i--) {
    int64_t j = (int64_t)rng_below(&rng, (uint64_t)i + 1);
    float v = t->data[i];
    t->data[i] = t->data[j];
    t->data[j] = v;
  }
  return t;
}

/* ---- the op under test ---- */

enum { K_CONV, K_POOL, K_BN };
typedef struct Spec {
  int kind, stride, pad, k, training;
  Tensor *mean, *var; /* batchnorm's running statistics */
} Spec;

static Tensor *apply(const Spec *s, Tensor **in) {
  switch (s->kind) {
  case K_CONV: return ad_conv2d(in[0], in[1], in[2], s->stride, s->pad);
  case K_POOL: return ad_maxpool2d(in[0], s->k, s->stride);
  default: return ad_batchnorm(in[0], in[1], in[2], s->mean, s->var, s->training, 0.1f, 1e-5f);
  }
}

static Tensor *apply_spec(const void *s, Tensor **in) { return apply((const Spec *)s, in); }

/* Every input against central differences (check.h); releases the inputs. */
static void fd(const char *name, const Spec *s, int n, Tensor **in) {
  fd_check(name, apply_spec, s, &rng, n, in, ~0u, 1e-2, true);
}

/* ---- conv2d ---- */

static void fd_conv(void) {
  static const struct { int64_t B, C, H, W, F, k; int stride, pad, three_d; } cs[] = {
      {2, 3, 5, 5, 4, 3, 2, 1, 0}, /* stride 2, padding 1 */
      {2, 1, 6, 6, 2, 3, 1, 0, 1}, /* [B, H, W] read as one channel */
      {1, 2, 4, 5, 3, 1, 1, 0, 0}, /* 1×1: the input is its own column matrix */
      {2, 2, 6, 5, 3, 2, 2, 0, 0}, /* even kernel, non-square input */
      {1, 4, 5, 4, 2, 3, 2, 2, 0}, /* padding larger than needed */
      {3, 5, 3, 3, 6, 3, 1, 1, 0},
  };
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    Tensor *x = cs[i].three_d ? randn(3, SHAPE(cs[i].B, cs[i].H, cs[i].W))
                              : randn(4, SHAPE(cs[i].B, cs[i].C, cs[i].H, cs[i].W));
    Tensor *in[3] = {x, randn(4, SHAPE(cs[i].F, cs[i].C, cs[i].k, cs[i].k)), randn(1, SHAPE(cs[i].F))};
    Spec s = {.kind = K_CONV, .stride = cs[i].stride, .pad = cs[i].pad};
    fd(NAME("conv2d fd C=%lld F=%lld k=%lld stride %d padding %d%s", (long long)cs[i].C,
            (long long)cs[i].F, (long long)cs[i].k, cs[i].stride, cs[i].pad,
            cs[i].three_d ? " (3-D input)" : ""),
       &s, 3, in);
  }
}

/* the im2col + gemm forward against direct summation, on shapes of a real CNN too */
static void conv_vs_naive(void) {
  static const int64_t cs[][8] = {
      /* B, C, H, W, F, k, stride, pad */
      {4, 1, 28, 28, 16, 3, 1, 1}, {3, 16, 14, 14, 32, 3, 1, 1}, {2, 3, 9, 7, 5, 3, 2, 1},
      {2, 2, 8, 8, 4, 5, 3, 2},    {1, 3, 4, 4, 2, 1, 1, 0},     {2, 2, 5, 5, 3, 4, 1, 3},
  };
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    const int64_t *c = cs[i];
    Tensor *x = randn(4, SHAPE(c[0], c[1], c[2], c[3]));
    Tensor *w = randn(4, SHAPE(c[4], c[1], c[5], c[5]));
    Tensor *b = randn(1, SHAPE(c[4]));
    Tensor *y = ad_conv2d(x, w, b, (int)c[6], (int)c[7]);
    ConvShape s = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], y->shape[2], y->shape[3]};
    Tensor *want = t_new(4, y->shape);
    conv2d_forward_naive(&s, x->data, w->data, b->data, want->data);
    double worst = 0;
    for (int64_t j = 0; j < y->size; j++) worst = fmax(worst, fabs(y->data[j] - want->data[j]));
    char why[128];
    snprintf(why, sizeof why, "largest difference %g", worst);
    check_true(NAME("conv2d im2col = naive, case %zu", i), worst < 1e-4, why);
    check_int(NAME("conv2d output height, case %zu", i), y->shape[2],
              (c[2] + 2 * c[7] - c[5]) / c[6] + 1);
    Tensor *ts[] = {x, w, b, y, want};
    for (int j = 0; j < 5; j++) t_release(ts[j]);
  }
}

/* a hand-worked case: 3×3 input of 1..9, 2×2 kernel of ones, padding 1, stride 2 */
static void conv_exact(void) {
  Tensor *x = t_from(4, SHAPE(1, 1, 3, 3), (float[]){1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor *w = t_full(4, SHAPE(1, 1, 2, 2), 1), *b = VEC(1, 0.5f);
  ad_track(x);
  Tensor *y = ad_conv2d(x, w, b, 2, 1);
  check_data("conv2d exact forward", y, "[1, 1, 2, 2]", (double[]){1.5, 5.5, 11.5, 28.5}, 4, 1e-6);
  Tensor *seed = t_full(4, y->shape, 1);
  ad_backward(y, seed);
  check_data("conv2d exact dx (each pixel in one window)", ad_grad(x), "[1, 1, 3, 3]",
             (double[]){1, 1, 1, 1, 1, 1, 1, 1, 1}, 9, 1e-6);
  t_release(x), t_release(w), t_release(b), t_release(y), t_release(seed);
}

/* ---- maxpool2d ---- */

static void fd_pool(void) {
  static const int64_t cs[][6] = {
      /* B, C, H, W, k, stride */
      {2, 2, 4, 4, 2, 2}, {1, 3, 5, 5, 2, 2}, {2, 1, 5, 6, 3, 1}, {1, 2, 7, 7, 3, 2},
  };
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    const int64_t *c = cs[i];
    Tensor *in[1] = {spread(4, SHAPE(c[0], c[1], c[2], c[3]))};
    Spec s = {.kind = K_POOL, .k = (int)c[4], .stride = (int)c[5]};
    fd(NAME("maxpool2d fd [%lld, %lld, %lld, %lld] k=%lld stride %lld", (long long)c[0],
            (long long)c[1], (long long)c[2], (long long)c[3], (long long)c[4], (long long)c[5]),
       &s, 1, in);
  }
  Tensor *in[1] = {spread(3, SHAPE(2, 6, 6))};
  Spec s = {.kind = K_POOL, .k = 2, .stride = 2};
  fd("maxpool2d fd [B, H, W]", &s, 1, in);
}

/* ties send the whole gradient to the first maximum; a NaN wins its window (torch) */
static void pool_rules(void) {
  Tensor *x = t_from(4, SHAPE(1, 1, 2, 4), (float[]){1, 3, 5, 5, 3, 2, 5, 5});
  ad_track(x);
  Tensor *y = ad_maxpool2d(x, 2, 2);
  check_data("maxpool2d ties: values", y, "[1, 1, 1, 2]", (double[]){3, 5}, 2, 0);
  Tensor *seed = t_from(4, SHAPE(1, 1, 1, 2), (float[]){10, 20});
  ad_backward(y, seed);
  check_data("maxpool2d ties: gradient to the first maximum", ad_grad(x), "[1, 1, 2, 4]",
             (double[]){0, 10, 20, 0, 0, 0, 0, 0}, 8, 0);
  t_release(x), t_release(y), t_release(seed);

  Tensor *z = t_from(4, SHAPE(1, 1, 2, 2), (float[]){1, NAN, 7, 2});
  ad_track(z);
  Tensor *p = ad_maxpool2d(z, 2, 2);
  check_true("maxpool2d: a NaN is the maximum", isnan(p->data[0]), "not NaN");
  Tensor *one = t_full(4, p->shape, 1);
  ad_backward(p, one);
  check_data("maxpool2d: the gradient goes to the NaN", ad_grad(z), "[1, 1, 2, 2]",
             (double[]){0, 1, 0, 0}, 4, 0);
  t_release(z), t_release(p), t_release(one);

  Tensor *big = spread(4, SHAPE(3, 4, 9, 11));
  Tensor *q = ad_maxpool2d(big, 3, 2);
  check_shape("maxpool2d output shape floor((H − k)/s) + 1", q, "[3, 4, 4, 5]");
  int ok = 1;
  for (int64_t pl = 0; pl < 12 && ok; pl++)
    for (int64_t oh = 0; oh < 4; oh++)
      for (int64_t ow = 0; ow < 5; ow++) {
        float m = -INFINITY;
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++) m = fmaxf(m, big->data[pl * 99 + (oh * 2 + i) * 11 + ow * 2 + j]);
        ok &= q->data[(pl * 4 + oh) * 5 + ow] == m;
      }
  check_true("maxpool2d values = direct maximum", ok, "a window differs");
  t_release(big), t_release(q);
}

/* ---- batchnorm ---- */

static void fd_bn(void) {
  static const int64_t shapes[][4] = {{5, 3}, {2, 3, 3, 3}, {4, 2, 1, 2}};
  static const int nd[] = {2, 4, 4};
  for (int training = 0; training <= 1; training++)
    for (int i = 0; i < 3; i++) {
      int64_t C = shapes[i][1];
      Tensor *mean = randn(1, SHAPE(C)), *var = t_rand(&rng, 1, SHAPE(C));
      for (int64_t c = 0; c < C; c++) var->data[c] += 0.5f;
      Tensor *in[3] = {randn(nd[i], shapes[i]), randn(1, SHAPE(C)), randn(1, SHAPE(C))};
      Spec s = {.kind = K_BN, .training = training, .mean = mean, .var = var};
      char sh[96];
      t_shape_str(nd[i], shapes[i], sh, sizeof sh);
      fd(NAME("batchnorm fd %s %s", training ? "training" : "eval", sh), &s, 3, in);
      t_release(mean), t_release(var);
    }
}

/* the statistics by hand: x = [[1], [2], [3], [6]]: μ = 3, σ² = 3.5 (biased),
   14/3 unbiased; running_mean = 0.9·0 + 0.1·3, running_var = 0.9·1 + 0.1·14/3 */
static void bn_values(void) {
  Tensor *x = t_from(2, SHAPE(4, 1), (float[]){1, 2, 3, 6});
  Tensor *g = VEC(1, 2), *b = VEC(1, 0.5f), *rm = VEC(1, 0), *rv = VEC(1, 1);
  Tensor *y = ad_batchnorm(x, g, b, rm, rv, true, 0.1f, 1e-5f);
  double is = 1 / sqrt(3.5 + 1e-5);
  check_data("batchnorm training normalises by the batch", y, "[4, 1]",
             (double[]){0.5 - 4 * is, 0.5 - 2 * is, 0.5, 0.5 + 6 * is}, 4, 1e-5);
  check_num("batchnorm running_mean update", rm->data[0], 0.3, 1e-6);
  check_num("batchnorm running_var update (unbiased)", rv->data[0], 0.9 + 0.1 * 14.0 / 3, 1e-6);
  Tensor *e = ad_batchnorm(x, g, b, rm, rv, false, 0.1f, 1e-5f);
  double es = 1 / sqrt(rv->data[0] + 1e-5);
  check_data("batchnorm eval uses the running statistics", e, "[4, 1]",
             (double[]){2 * (1 - 0.3) * es + 0.5, 2 * (2 - 0.3) * es + 0.5, 2 * (3 - 0.3) * es + 0.5,
                        2 * (6 - 0.3) * es + 0.5},
             4, 1e-5);
  check_num("batchnorm eval leaves running_mean", rm->data[0], 0.3, 1e-6);
  Tensor *ts[] = {x, g, b, rm, rv, y, e};
  for (int i = 0; i < 7; i++) t_release(ts[i]);
}

/* ---- errors name both shapes ---- */

static void errors(void) {
  Tensor *x = t_zeros(4, SHAPE(2, 3, 8, 8)), *w = t_zeros(4, SHAPE(4, 1, 3, 3)), *b = t_zeros(1, SHAPE(4));
  CHECK_THROWS("conv2d channel mismatch", t_release(ad_conv2d(x, w, b, 1, 0)),
               "conv2d: input of shape [2, 3, 8, 8] has 3 channels, weights of shape [4, 1, 3, 3] expect 1");
  Tensor *w2 = t_zeros(4, SHAPE(4, 3, 9, 9));
  CHECK_THROWS("conv2d kernel too large", t_release(ad_conv2d(x, w2, b, 1, 0)),
               "conv2d: a 9x9 kernel does not fit input of shape [2, 3, 8, 8] with padding 0 "
               "(H + 2*padding = 8, W + 2*padding = 8)");
  Tensor *flat = t_zeros(2, SHAPE(2, 64));
  CHECK_THROWS("conv2d rank", t_release(ad_conv2d(flat, w, b, 1, 0)),
               "conv2d: the input must be [B, C, H, W] (or [B, H, W] with one channel), got shape [2, 64]");
  CHECK_THROWS("maxpool2d window too large", t_release(ad_maxpool2d(x, 9, 9)),
               "maxpool2d: a 9x9 window does not fit input of shape [2, 3, 8, 8] (H = 8, W = 8)");
  Tensor *g = t_zeros(1, SHAPE(4));
  CHECK_THROWS("batchnorm channels", t_release(ad_batchnorm(x, g, g, g, g, false, 0.1f, 1e-5f)),
               "batchnorm: input of shape [2, 3, 8, 8] has 3 channels (axis 1), but a parameter has shape [4]");
  Tensor *one = t_zeros(2, SHAPE(1, 4));
  CHECK_THROWS("batchnorm training on one value", t_release(ad_batchnorm(one, g, g, g, g, true, 0.1f, 1e-5f)),
               "batchnorm: training needs more than one value per channel, got input of shape [1, 4]");
  Tensor *ts[] = {x, w, b, w2, flat, g, one};
  for (int i = 0; i < 7; i++) t_release(ts[i]);
}

int main(void) {
  rng_seed(&rng, 20240612);
  RUN(fd_conv);
  RUN(conv_vs_naive);
  RUN(conv_exact);
  RUN(fd_pool);
  RUN(pool_rules);
  RUN(fd_bn);
  RUN(bn_values);
  RUN(errors);
  return 0;
}
