/* nnops.c — kernels for the notes' functions: softmax, log_softmax, pick, one_hot. */
#include "tensor.h"

#include <math.h>
#include <string.h>

#include "error.h"

/* One row of n values at stride s, max subtracted first so e^(x − C) ≤ 1:
   softmax:     y_i = e^(x_i − C) / Σ_j e^(x_j − C)
   log_softmax: y_i = x_i − C − log Σ_j e^(x_j − C)
   A row of all −inf gives C = −inf and x − C = NaN, hence NaN, as torch does; a +inf
   entry gives inf − inf = NaN the same way. */
static void softmax_row(const float *x, float *y, int64_t n, int64_t s, int logp) {
  float c = x[0];
  for (int64_t i = 1; i < n; i++)
    if (x[i * s] > c) c = x[i * s];
  double sum = 0;
  if (logp) {
    for (int64_t i = 0; i < n; i++) sum += expf(x[i * s] - c);
    float l = (float)log(sum);
    for (int64_t i = 0; i < n; i++) y[i * s] = (x[i * s] - c) - l;
  } else {
    for (int64_t i = 0; i < n; i++) {
      float e = expf(x[i * s] - c);
      y[i * s] = e;
      sum += e;
    }
    float r = (float)(1 / sum);
    for (int64_t i = 0; i < n; i++) y[i * s] *= r;
  }
}

/* a viewed as [outer, n, inner] around the axis; each (outer, inner) pair is a row. */
static Tensor *softmax_axis(const char *op, const Tensor *a, int axis, int logp) {
  axis = t_axis(op, axis, a->ndim);
  int64_t outer = t_span(a->shape, 0, axis), n = a->shape[axis],
          inner = t_span(a->shape, axis + 1, a->ndim);
  Tensor *y = t_new(a->ndim, a->shape);
  if (n == 0) return y;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < inner; k++) {
      int64_t off = o * n * inner + k;
      softmax_row(a->data + off, y->data + off, n, inner, logp);
    }
  return y;
}

Tensor *t_softmax(const Tensor *a, int axis) { return softmax_axis("softmax", a, axis, 0); }

Tensor *t_log_softmax(const Tensor *a, int axis) {
  return softmax_axis("log_softmax", a, axis, 1);
}

/* Check that v holds a class index in [0, k); `what` names the row in the message. */
static int64_t cls(const char *op, float v, int64_t k, int64_t at, const char *what) {
  if (v != floorf(v))
    rt_throw("%s: index %g is not an integer (%s %lld)", op, v, what, (long long)at);
  if (v < 0 || v >= (float)k)
    rt_throw("%s: index %.0f is out of range for %lld classes (%s %lld)", op, v,
             (long long)k, what, (long long)at);
  return (int64_t)v;
}

/* pick(q [..., k], idx [...]) → [...], out[r] = q[r, idx[r]]. */
Tensor *t_pick(const Tensor *q, const Tensor *idx) {
  int ok = q->ndim >= 1 && idx->ndim == q->ndim - 1;
  for (int i = 0; ok && i < idx->ndim; i++) ok = idx->shape[i] == q->shape[i];
  if (!ok) {
    char s1[96], s2[96];
    rt_throw("pick: indices of shape %s do not fit scores of shape %s (want the scores' "
             "shape without its last axis)",
             t_shape_str(idx->ndim, idx->shape, s1, 96), t_shape_str(q->ndim, q->shape, s2, 96));
  }
  int64_t k = q->shape[q->ndim - 1];
  for (int64_t r = 0; r < idx->size; r++) cls("pick", idx->data[r], k, r, "row");
  Tensor *y = t_new(idx->ndim, idx->shape);
  for (int64_t r = 0; r < idx->size; r++) y->data[r] = q->data[r * k + (int64_t)idx->data[r]];
  return y;
}

/* one_hot(idx [...], k) → [..., k], out[r, j] = (j == idx[r]). */
Tensor *t_one_hot(const Tensor *idx, int64_t k) {
  if (k < 0) rt_throw("one_hot: number of classes must be non-negative (got %lld)", (long long)k);
  if (idx->ndim >= T_MAXDIM)
    rt_throw("one_hot: result would have %d axes (at most %d)", idx->ndim + 1, T_MAXDIM);
  for (int64_t r = 0; r < idx->size; r++) cls("one_hot", idx->data[r], k, r, "element");
  int64_t shape[T_MAXDIM] = {0};
  memcpy(shape, idx->shape, (size_t)idx->ndim * sizeof *shape);
  shape[idx->ndim] = k;
  Tensor *y = t_zeros(idx->ndim + 1, shape);
  for (int64_t r = 0; r < idx->size; r++) y->data[r * k + (int64_t)idx->data[r]] = 1;
  return y;
}

/* ---- the Adam/AdamW update, vectorised ----
 * For i < n, exactly (bit for bit) what the scalar loop of interp/decl.c computes:
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

void t_adam_update(float *w, float *v, float *r, const float *g, int64_t n, float lr, float u,
                   float rho, float delta, float decay, double cv, double cr) {
  int64_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx512f"))
    i = adam_avx512(w, v, r, g, n, lr, u, rho, delta, decay, cv, cr);
  else if (__builtin_cpu_supports("avx2"))
    i = adam_avx2(w, v, r, g, n, lr, u, rho, delta, decay, cv, cr);
#endif
  adam_scalar(w, v, r, g, i, n, lr, u, rho, delta, decay, cv, cr);
}
