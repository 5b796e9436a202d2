/* optim.c — the native kernels behind the stdlib optimizers (stdlib/optim.nn names them
 * with `native NAME`): each is the declaration's update, in place, over plain floats. */
#include "optim.h"

#include <math.h>
#include <string.h>

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
  float lr = h->lr, rho = h->rho, delta = h->delta, *r = s[0];
  for (int64_t i = 0; i < n; i++) {
    r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
    w[i] -= lr / (sqrtf(r[i]) + delta) * g[i];
  }
}

/* ---- Adam and AdamW, vectorised ----
 * For i < n, exactly (bit for bit) what the scalar loop adam_scalar computes:
 *   w -= lr·decay·w (AdamW only: decay != 0)
 *   v = u·v + (1 − u)·g;  r = ρ·r + (1 − ρ)·g²
 *   w -= lr · (float)(v / cv) / (√(float)(r / cr) + δ)     (the divisions by cv, cr in double)
 * with the same operations in the same order, so only the speed differs. Every
 * operation is an IEEE one (no FMA contraction: the build is ISO C, -ffp-contract=off,
 * and the intrinsics below are separate multiplies and adds). The AVX-512 and AVX2
 * versions are chosen at run time; the scalar loop is the reference and the tail. */
static void adam_scalar(float *w, float *v, float *r, const float *g, int64_t i, int64_t n,
                        float lr, float u, float rho, float delta, float decay, double cv,
                        double cr) {
  for (; i < n; i++) {
    if (decay) w[i] -= lr * decay * w[i];
    v[i] = u * v[i] + (1 - u) * g[i];
    r[i] = rho * r[i] + (1 - rho) * g[i] * g[i];
    float vh = (float)(v[i] / cv), rh = (float)(r[i] / cr);
    w[i] -= lr * vh / (sqrtf(rh) + delta);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static int64_t adam_avx512(
    float *w, float *v, float *r, const float *g, int64_t n, float lr, float u, float rho,
    float delta, float decay, double cv, double cr) {
  const __m512 U = _mm512_set1_ps(u), U1 = _mm512_set1_ps(1 - u), R = _mm512_set1_ps(rho),
               R1 = _mm512_set1_ps(1 - rho), LR = _mm512_set1_ps(lr),
               D = _mm512_set1_ps(delta), LD = _mm512_set1_ps(lr * decay);
  const __m512d CV = _mm512_set1_pd(cv), CR = _mm512_set1_pd(cr);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 wi = _mm512_loadu_ps(w + i), gi = _mm512_loadu_ps(g + i);
    if (decay) wi = _mm512_sub_ps(wi, _mm512_mul_ps(LD, wi));
    __m512 vi = _mm512_add_ps(_mm512_mul_ps(U, _mm512_loadu_ps(v + i)), _mm512_mul_ps(U1, gi));
    __m512 ri = _mm512_add_ps(_mm512_mul_ps(R, _mm512_loadu_ps(r + i)),
                              _mm512_mul_ps(_mm512_mul_ps(R1, gi), gi));
    _mm512_storeu_ps(v + i, vi);
    _mm512_storeu_ps(r + i, ri);
    __m256 vlo = _mm256_castpd_ps(_mm512_castpd512_pd256(_mm512_castps_pd(vi)));
    __m256 vhi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(vi), 1));
    __m256 rlo = _mm256_castpd_ps(_mm512_castpd512_pd256(_mm512_castps_pd(ri)));
    __m256 rhi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(ri), 1));
    __m256 vh0 = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_cvtps_pd(vlo), CV));
    __m256 vh1 = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_cvtps_pd(vhi), CV));
    __m256 rh0 = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_cvtps_pd(rlo), CR));
    __m256 rh1 = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_cvtps_pd(rhi), CR));
    __m512 vh = _mm512_castpd_ps(_mm512_insertf64x4(
        _mm512_castpd256_pd512(_mm256_castps_pd(vh0)), _mm256_castps_pd(vh1), 1));
    __m512 rh = _mm512_castpd_ps(_mm512_insertf64x4(
        _mm512_castpd256_pd512(_mm256_castps_pd(rh0)), _mm256_castps_pd(rh1), 1));
    __m512 step = _mm512_div_ps(_mm512_mul_ps(LR, vh), _mm512_add_ps(_mm512_sqrt_ps(rh), D));
    _mm512_storeu_ps(w + i, _mm512_sub_ps(wi, step));
  }
  return i;
}

__attribute__((target("avx2"))) static int64_t adam_avx2(float *w, float *v, float *r,
                                                         const float *g, int64_t n, float lr,
                                                         float u, float rho, float delta,
                                                         float decay, double cv, double cr) {
  const __m256 U = _mm256_set1_ps(u), U1 = _mm256_set1_ps(1 - u), R = _mm256_set1_ps(rho),
               R1 = _mm256_set1_ps(1 - rho), LR = _mm256_set1_ps(lr),
               D = _mm256_set1_ps(delta), LD = _mm256_set1_ps(lr * decay);
  const __m256d CV = _mm256_set1_pd(cv), CR = _mm256_set1_pd(cr);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 wi = _mm256_loadu_ps(w + i), gi = _mm256_loadu_ps(g + i);
    if (decay) wi = _mm256_sub_ps(wi, _mm256_mul_ps(LD, wi));
    __m256 vi = _mm256_add_ps(_mm256_mul_ps(U, _mm256_loadu_ps(v + i)), _mm256_mul_ps(U1, gi));
    __m256 ri = _mm256_add_ps(_mm256_mul_ps(R, _mm256_loadu_ps(r + i)),
                              _mm256_mul_ps(_mm256_mul_ps(R1, gi), gi));
    _mm256_storeu_ps(v + i, vi);
    _mm256_storeu_ps(r + i, ri);
    __m128 vh0 = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(vi)), CV));
    __m128 vh1 = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(vi, 1)), CV));
    __m128 rh0 = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(ri)), CR));
    __m128 rh1 = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(ri, 1)), CR));
    __m256 vh = _mm256_insertf128_ps(_mm256_castps128_ps256(vh0), vh1, 1);
    __m256 rh = _mm256_insertf128_ps(_mm256_castps128_ps256(rh0), rh1, 1);
    __m256 step = _mm256_div_ps(_mm256_mul_ps(LR, vh), _mm256_add_ps(_mm256_sqrt_ps(rh), D));
    _mm256_storeu_ps(w + i, _mm256_sub_ps(wi, step));
  }
  return i;
}
#endif

/* w −= lr·decay·w (decay = 0 for Adam); v = u·v + (1 − u)·g; r = ρ·r + (1 − ρ)·g²;
   w −= lr · (v / cv) / (√(r / cr) + δ), with cv = 1 − u^t, cr = 1 − ρ^t from h. */
static void adam_update(const OptHyper *h, float *w, float *v, float *r, const float *g,
                        int64_t n, float decay) {
  float lr = h->lr, u = h->u, rho = h->rho, delta = h->delta;
  double cv = h->cv, cr = h->cr;
  int64_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx512f"))
    i = adam_avx512(w, v, r, g, n, lr, u, rho, delta, decay, cv, cr);
  else if (__builtin_cpu_supports("avx2"))
    i = adam_avx2(w, v, r, g, n, lr, u, rho, delta, decay, cv, cr);
#endif
  adam_scalar(w, v, r, g, i, n, lr, u, rho, delta, decay, cv, cr);
}

/* Adam: s[0] = v, s[1] = r. */
static void opt_adam(const OptHyper *h, float *w, const float *g, float *const *s, int64_t n) {
  adam_update(h, w, s[0], s[1], g, n, 0);
}

/* AdamW: Adam after w = w − ε·λ·w. */
static void opt_adamw(const OptHyper *h, float *w, const float *g, float *const *s, int64_t n) {
  adam_update(h, w, s[0], s[1], g, n, h->decay);
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

void opt_hyper_at(OptHyper *h, double t) {
  h->t = t;
  h->cv = 1 - pow(h->u, t);
  h->cr = 1 - pow(h->rho, t);
}
