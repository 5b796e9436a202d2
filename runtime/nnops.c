/* nnops.c — kernels for the notes' functions: softmax, log_softmax, pick, one_hot. */
#include "tensor.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "error.h"
#include "parallel.h"

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

typedef struct {
  const float *x;
  float *y;
  int64_t n, inner;
  int logp;
} SoftmaxJob;

/* Rows [lo, hi) of the flattened (outer, inner) pairs. */
static void softmax_rows(void *ctx, int64_t lo, int64_t hi) {
  const SoftmaxJob *j = ctx;
  for (int64_t r = lo; r < hi; r++) {
    int64_t off = r / j->inner * j->n * j->inner + r % j->inner;
    softmax_row(j->x + off, j->y + off, j->n, j->inner, j->logp);
  }
}

/* a viewed as [outer, n, inner] around the axis; each (outer, inner) pair is a row. */
static Tensor *softmax_axis(const char *op, const Tensor *a, int axis, int logp) {
  axis = t_axis(op, axis, a->ndim);
  int64_t outer = t_span(a->shape, 0, axis), n = a->shape[axis],
          inner = t_span(a->shape, axis + 1, a->ndim);
  Tensor *y = t_new(a->ndim, a->shape);
  if (n == 0) return y;
  SoftmaxJob j = {a->data, y->data, n, inner, logp};
  /* rows split across threads from ~16k values per chunk (each row whole, so the split
     changes nothing) */
  par_for(outer * inner, (16384 + n - 1) / n, softmax_rows, &j);
  return y;
}

Tensor *t_softmax(const Tensor *a, int axis) { return softmax_axis("softmax", a, axis, 0); }

Tensor *t_log_softmax(const Tensor *a, int axis) {
  return softmax_axis("log_softmax", a, axis, 1);
}

/* Check that v holds a class index in [0, k); the message names its row, or its element
   when `element` is set (one msgid each: the catalogue translates whole sentences). */
static int64_t cls(const char *op, float v, int64_t k, int64_t at, bool element) {
  if (v != floorf(v)) {
    if (element) rt_throw("%s: index %g is not an integer (element %lld)", op, v, (long long)at);
    rt_throw("%s: index %g is not an integer (row %lld)", op, v, (long long)at);
  }
  if (v < 0 || v >= (float)k) {
    if (element)
      rt_throw("%s: index %.0f is out of range for %lld classes (element %lld)", op, v,
               (long long)k, (long long)at);
    rt_throw("%s: index %.0f is out of range for %lld classes (row %lld)", op, v, (long long)k,
             (long long)at);
  }
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
  for (int64_t r = 0; r < idx->size; r++) cls("pick", idx->data[r], k, r, false);
  Tensor *y = t_new(idx->ndim, idx->shape);
  for (int64_t r = 0; r < idx->size; r++) y->data[r] = q->data[r * k + (int64_t)idx->data[r]];
  return y;
}

/* one_hot(idx [...], k) → [..., k], out[r, j] = (j == idx[r]). */
Tensor *t_one_hot(const Tensor *idx, int64_t k) {
  if (k < 0) rt_throw("one_hot: number of classes must be non-negative (got %lld)", (long long)k);
  if (idx->ndim >= T_MAXDIM)
    rt_throw("one_hot: result would have %d axes (at most %d)", idx->ndim + 1, T_MAXDIM);
  for (int64_t r = 0; r < idx->size; r++) cls("one_hot", idx->data[r], k, r, true);
  int64_t shape[T_MAXDIM] = {0};
  memcpy(shape, idx->shape, (size_t)idx->ndim * sizeof *shape);
  shape[idx->ndim] = k;
  Tensor *y = t_zeros(idx->ndim + 1, shape);
  for (int64_t r = 0; r < idx->size; r++) y->data[r * k + (int64_t)idx->data[r]] = 1;
  return y;
}
