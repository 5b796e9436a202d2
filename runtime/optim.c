/* optim.c — the native kernels behind the stdlib optimizers (stdlib/optim.nn names them
 * with `native NAME`): each is the declaration's update, in place, over plain floats. */
#include "optim.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "parallel.h"

/* Gradient descent: w = w − ε·g. */
static void opt_sgd(const OptHyper *h, float *w, const float *g, float *const *s, int64_t n) {
  (void)s;
  for (int64_t i = 0; i < n; i++) w[i] -= h->lr * g[i];
}

/* Momentum: v = u·v + g, w = w − ε·v. */
static void opt_momentum(const OptHyper *h, float *w, const float *g, float *const *s,
                         int64_t n) {
  float lr = h->lr, u = h->u, *v = s[0];
  for (int64_t i = 0; i < n; i++) {
    v[i] = u * v[i] + g[i];
    w[i] -= lr * v[i];
  }
}

/* Nesterov momentum: v = u·v + g, w = w − ε·(g + u·v). */
static void opt_nesterov(const OptHyper *h, float *w, const float *g, float *const *s,
                         int64_t n) {
  float lr = h->lr, u = h->u, *v = s[0];
  for (int64_t i = 0; i < n; i++) {
    v[i] = u * v[i] + g[i];
    w[i] -= lr * (g[i] + u * v[i]);
  }
}

/* AdaGrad: r = r + g², w = w − ε / (√r + δ) · g. */
static void opt_adagrad(const OptHyper *h, float *w, const float *g, float *const *s,
                        int64_t n) {
  float lr = h->lr, delta = h->delta, *r = s[0];
  for (int64_t i = 0; i < n; i++) {
    r[i] += g[i] * g[i];
    w[i] -= lr / (sqrtf(r[i]) + delta) * g[i];
  }
}

/* RMSProp: r = ρ·r + (1 − ρ)·g², w = w − ε / (√r + δ) · g. */
static void opt_rmsprop(const OptHyper *h, float *w, const float *g, float *const *s,
                        int64_t n) {
  float lr = h->lr, rho = h->rho, rho1 = h->rho1, delta = h->delta, *r = s[0];
  for (int64_t i = 0; i < n; i++) {
    r[i] = rho * r[i] + rho1 * g[i] * g[i];
    w[i] -= lr / (sqrtf(r[i]) + delta) * g[i];
  }
}

/* ---- Adam and AdamW, vectorised ----
 * The declaration's lines, in its order, with h's float constants:
 *   w = w − (ε·λ)·w                          (AdamW only)
 *   v = u·v + (1 − u)·g;  r = ρ·r + (1 − ρ)·g·g
 *   vh = v / cv;  rh = r / cr                (cv = 1 − u^t, cr = 1 − ρ^t)
 *   w = w − ε / (√rh + δ) · vh
 * Every operation is an IEEE float one (no FMA contraction: the build is ISO C,
 * -ffp-contract=off, and the intrinsics below are separate multiplies and adds), so the
 * AVX-512 and AVX2 loops, chosen at run time, give bit for bit what the scalar loop
 * gives; the scalar loop is the reference and the tail. */
static void adam_scalar(const OptHyper *h, float *w, float *v, float *r, const float *g,
                        int64_t i, int64_t n, bool decoupled) {
  float lr = h->lr, u = h->u, u1 = h->u1, rho = h->rho, rho1 = h->rho1, delta = h->delta,
        ld = h->lr_decay, cv = h->cv, cr = h->cr;
  for (; i < n; i++) {
    if (decoupled) w[i] -= ld * w[i];
    v[i] = u * v[i] + u1 * g[i];
    r[i] = rho * r[i] + rho1 * g[i] * g[i];
    float vh = v[i] / cv, rh = r[i] / cr;
    w[i] -= lr / (sqrtf(rh) + delta) * vh;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static int64_t adam_avx512(const OptHyper *h, float *w,
                                                              float *v, float *r,
                                                              const float *g, int64_t n,
                                                              bool decoupled) {
  const __m512 U = _mm512_set1_ps(h->u), U1 = _mm512_set1_ps(h->u1),
               R = _mm512_set1_ps(h->rho), R1 = _mm512_set1_ps(h->rho1),
               LR = _mm512_set1_ps(h->lr), D = _mm512_set1_ps(h->delta),
               LD = _mm512_set1_ps(h->lr_decay), CV = _mm512_set1_ps(h->cv),
               CR = _mm512_set1_ps(h->cr);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 wi = _mm512_loadu_ps(w + i), gi = _mm512_loadu_ps(g + i);
    if (decoupled) wi = _mm512_sub_ps(wi, _mm512_mul_ps(LD, wi));
    __m512 vi = _mm512_add_ps(_mm512_mul_ps(U, _mm512_loadu_ps(v + i)), _mm512_mul_ps(U1, gi));
    __m512 ri = _mm512_add_ps(_mm512_mul_ps(R, _mm512_loadu_ps(r + i)),
                              _mm512_mul_ps(_mm512_mul_ps(R1, gi), gi));
    _mm512_storeu_ps(v + i, vi);
    _mm512_storeu_ps(r + i, ri);
    __m512 vh = _mm512_div_ps(vi, CV), rh = _mm512_div_ps(ri, CR);
    __m512 step = _mm512_mul_ps(_mm512_div_ps(LR, _mm512_add_ps(_mm512_sqrt_ps(rh), D)), vh);
    _mm512_storeu_ps(w + i, _mm512_sub_ps(wi, step));
  }
  return i;
}

__attribute__((target("avx2"))) static int64_t adam_avx2(const OptHyper *h, float *w, float *v,
                                                         float *r, const float *g, int64_t n,
                                                         bool decoupled) {
  const __m256 U = _mm256_set1_ps(h->u), U1 = _mm256_set1_ps(h->u1),
               R = _mm256_set1_ps(h->rho), R1 = _mm256_set1_ps(h->rho1),
               LR = _mm256_set1_ps(h->lr), D = _mm256_set1_ps(h->delta),
               LD = _mm256_set1_ps(h->lr_decay), CV = _mm256_set1_ps(h->cv),
               CR = _mm256_set1_ps(h->cr);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 wi = _mm256_loadu_ps(w + i), gi = _mm256_loadu_ps(g + i);
    if (decoupled) wi = _mm256_sub_ps(wi, _mm256_mul_ps(LD, wi));
    __m256 vi = _mm256_add_ps(_mm256_mul_ps(U, _mm256_loadu_ps(v + i)), _mm256_mul_ps(U1, gi));
    __m256 ri = _mm256_add_ps(_mm256_mul_ps(R, _mm256_loadu_ps(r + i)),
                              _mm256_mul_ps(_mm256_mul_ps(R1, gi), gi));
    _mm256_storeu_ps(v + i, vi);
    _mm256_storeu_ps(r + i, ri);
    __m256 vh = _mm256_div_ps(vi, CV), rh = _mm256_div_ps(ri, CR);
    __m256 step = _mm256_mul_ps(_mm256_div_ps(LR, _mm256_add_ps(_mm256_sqrt_ps(rh), D)), vh);
    _mm256_storeu_ps(w + i, _mm256_sub_ps(wi, step));
  }
  return i;
}
#endif

/* The widest vector loops the kernels may use (tests lower it: opt_limit_isa). */
static OptIsa isa_limit = OPT_ISA_BEST;

void opt_limit_isa(OptIsa isa) { isa_limit = isa; }

static void adam_update(const OptHyper *h, float *w, float *v, float *r, const float *g,
                        int64_t n, bool decoupled) {
  int64_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  if (isa_limit >= OPT_ISA_AVX512 && __builtin_cpu_supports("avx512f"))
    i = adam_avx512(h, w, v, r, g, n, decoupled);
  else if (isa_limit >= OPT_ISA_AVX2 && __builtin_cpu_supports("avx2"))
    i = adam_avx2(h, w, v, r, g, n, decoupled);
#endif
  adam_scalar(h, w, v, r, g, i, n, decoupled);
}

/* Adam: s[0] = v, s[1] = r. */
static void opt_adam(const OptHyper *h, float *w, const float *g, float *const *s, int64_t n) {
  adam_update(h, w, s[0], s[1], g, n, false);
}

/* AdamW: Adam after w = w − ε·λ·w. */
static void opt_adamw(const OptHyper *h, float *w, const float *g, float *const *s, int64_t n) {
  adam_update(h, w, s[0], s[1], g, n, true);
}

/* ---- running a kernel on all cores ---- */

/* From this many elements on (256 KiB per array; Adam streams four of them) the update is
   split: the first layer of the Fashion-MNIST MLP has 200704 weights. */
enum { OPT_GRAIN = 65536 };

typedef struct {
  const OptKernel *k;
  const OptHyper *h;
  float *w;
  const float *g;
  float *const *s;
  int n_states;
} OptJob;

static void opt_chunk(void *ctx, int64_t lo, int64_t hi) {
  const OptJob *j = ctx;
  float *s[OPT_MAX_STATES];
  for (int i = 0; i < j->n_states; i++) s[i] = j->s[i] + lo;
  j->k->update(j->h, j->w + lo, j->g + lo, s, hi - lo);
}

void opt_run(const OptKernel *k, const OptHyper *h, float *w, const float *g, float *const *s,
             int n_states, int64_t n) {
  OptJob j = {k, h, w, g, s, n_states < OPT_MAX_STATES ? n_states : OPT_MAX_STATES};
  par_for(n, OPT_GRAIN, opt_chunk, &j);
}

/* ---- the table ---- */

static const OptKernel kernels[] = {
#define X(name, states, hyper) {#name, states, hyper, opt_##name},
    OPT_KERNEL_LIST(X)
#undef X
};

const OptKernel *opt_kernel_find(const char *name) {
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
    if (!strcmp(kernels[i].name, name)) return &kernels[i];
  return NULL;
}

const char *opt_hyper_name(int b) {
  static const char *const names[] = {
#define X(field, what) #field,
      OPT_HYPER_LIST(X)
#undef X
  };
  return b >= 0 && b < OPT_N_HYPER ? names[b] : "?";
}

void opt_hyper_set(OptHyper *h, const double x[OPT_N_HYPER], double t) {
#define X(field, what) h->field = (float)x[OPT_BIT_##field];
  OPT_HYPER_LIST(X)
#undef X
  double u = x[OPT_BIT_u], rho = x[OPT_BIT_rho];
  h->u1 = (float)(1 - u);
  h->rho1 = (float)(1 - rho);
  h->lr_decay = (float)(x[OPT_BIT_lr] * x[OPT_BIT_decay]);
  h->cv = (float)(1 - pow(u, t));
  h->cr = (float)(1 - pow(rho, t));
}
