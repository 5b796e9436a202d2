/* reduce.c — sum, mean, max, min, prod, norm, argmax, argmin over one axis or all. */
#include "tensor.h"

#include <math.h>

#include "error.h"
#include "mem.h"
#include "parallel.h"

const char *const t_reduce_names[T_N_REDUCE] = {
#define X(id, name) name,
    T_REDUCE_OPS(X)
#undef X
};

/* Reduce n values x[0], x[s], x[2s], … (n ≥ 1 for max/min/arg*) in double.
   max/min: NaN propagates (np.max); argmax/argmin: first index of the extreme, or of
   the first NaN (np.argmax). */
static double row(TRedOp op, const float *x, int64_t n, int64_t s) {
  double acc = 0;
  switch (op) {
  case T_SUM:
  case T_MEAN:
    for (int64_t i = 0; i < n; i++) acc += x[i * s];
    return op == T_MEAN ? acc / (double)n : acc; /* mean of nothing: 0/0 = NaN */
  case T_PROD:
    acc = 1;
    for (int64_t i = 0; i < n; i++) acc *= x[i * s];
    return acc;
  case T_NORM:
    for (int64_t i = 0; i < n; i++) acc += (double)x[i * s] * x[i * s];
    return sqrt(acc);
  case T_RMAX:
  case T_RMIN: {
    float m = x[0];
    for (int64_t i = 1; i < n && m == m; i++) {
      float v = x[i * s];
      if (v != v || (op == T_RMAX ? v > m : v < m)) m = v;
    }
    return m;
  }
  case T_ARGMAX:
  case T_ARGMIN: {
    float m = x[0];
    int64_t k = 0;
    for (int64_t i = 1; i < n && m == m; i++) {
      float v = x[i * s];
      if (v != v || (op == T_ARGMAX ? v > m : v < m)) m = v, k = i;
    }
    return (double)k;
  }
  default:
    return NAN;
  }
}

/* The accumulator row of reduce3, or NULL when there is no memory for it. An "out of
   memory" thrown from reduce3 would leak the result its caller just allocated. */
static double *acc_row(int64_t inner) {
  double *volatile acc = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    acc = rt_malloc((size_t)inner * sizeof *acc);
    rt_pop(&f);
  } else {
    rt_pop(&f);
  }
  return acc;
}

/* Reductions split across threads (parallel.h) by their outputs, never along the axis
   being reduced, so every output is summed in the same order whatever the split: from
   RED_GRAIN values read per chunk on. */
enum { RED_GRAIN = 65536 };

typedef struct {
  TRedOp op;
  const float *a;
  int64_t outer, n, inner;
  float *out;
  double *acc; /* [inner] accumulators (column-wise path), then [inner] indices for the extremes */
} RedJob;

/* Outputs [lo, hi) of the flattened [outer, inner], each by row() striding down its column. */
static void red_strided(void *ctx, int64_t lo, int64_t hi) {
  const RedJob *j = ctx;
  for (int64_t i = lo; i < hi; i++) {
    int64_t o = i / j->inner, k = i % j->inner;
    j->out[i] = (float)row(j->op, j->a + o * j->n * j->inner + k, j->n, j->inner);
  }
}

/* Columns [lo, hi) of every outer block: rows of contiguous floats into acc[lo, hi)
   (and, for the extremes, the index of each column's extreme into at[lo, hi)). The
   extremes follow row()'s rules column by column: a NaN sticks, ties keep the first. */
static void red_columns(void *ctx, int64_t lo, int64_t hi) {
  const RedJob *j = ctx;
  TRedOp op = j->op;
  double *acc = j->acc, *at = j->acc + j->inner;
  int extreme = op == T_RMAX || op == T_RMIN || op == T_ARGMAX || op == T_ARGMIN;
  int larger = op == T_RMAX || op == T_ARGMAX;
  for (int64_t o = 0; o < j->outer; o++) {
    const float *first = j->a + o * j->n * j->inner;
    for (int64_t k = lo; k < hi; k++) {
      acc[k] = extreme ? first[k] : op == T_PROD ? 1 : 0;
      if (extreme) at[k] = 0;
    }
    for (int64_t r = extreme ? 1 : 0; r < j->n; r++) {
      const float *x = first + r * j->inner;
      if (extreme)
        for (int64_t k = lo; k < hi; k++) {
          float m = (float)acc[k], v = x[k];
          if (m == m && (v != v || (larger ? v > m : v < m))) acc[k] = v, at[k] = (double)r;
        }
      else if (op == T_PROD)
        for (int64_t k = lo; k < hi; k++) acc[k] *= x[k];
      else if (op == T_NORM)
        for (int64_t k = lo; k < hi; k++) acc[k] += (double)x[k] * x[k];
      else
        for (int64_t k = lo; k < hi; k++) acc[k] += x[k];
    }
    float *y = j->out + o * j->inner;
    for (int64_t k = lo; k < hi; k++)
      y[k] = (float)(op == T_ARGMAX || op == T_ARGMIN ? at[k]
                     : op == T_NORM                   ? sqrt(acc[k])
                     : op == T_MEAN                   ? acc[k] / (double)j->n
                                                      : acc[k]);
  }
}

/* a viewed as [outer, n, inner] with the reduced axis in the middle → out [outer, inner].
   Never throws. */
static void reduce3(TRedOp op, const float *a, int64_t outer, int64_t n, int64_t inner,
                    float *out) {
  /* over a middle axis (inner > 1): walk rows of `inner` contiguous floats into a
     double accumulator row (two rows for argmax/argmin: value and index) rather than
     striding down columns, which misses the cache at every element once a row is
     larger than it; without memory for that row, stride down the columns after all
     (the same results in the same order). Extremes need n ≥ 1 (t_reduce checks). */
  int extreme = op == T_RMAX || op == T_RMIN || op == T_ARGMAX || op == T_ARGMIN;
  double *acc = inner == 1 || outer == 0 || n == 0 ? NULL : acc_row(extreme ? 2 * inner : inner);
  RedJob j = {op, a, outer, n, inner, out, acc};
  int64_t per_output = n > 0 ? n : 1;
  if (!acc) {
    par_for(outer * inner, (RED_GRAIN + per_output - 1) / per_output, red_strided, &j);
    return;
  }
  int64_t per_column = outer * per_output;
  par_for(inner, (RED_GRAIN + per_column - 1) / per_column, red_columns, &j);
  rt_free(acc);
}

Tensor *t_reduce(TRedOp op, const Tensor *a, int axis, int keepdim) {
  if ((unsigned)op >= T_N_REDUCE) rt_throw("reduce: unknown op %d", (int)op);
  const char *name = t_reduce_names[op];
  int needs_one = op == T_RMAX || op == T_RMIN || op == T_ARGMAX || op == T_ARGMIN;
  int64_t shape[T_MAXDIM] = {0};
  int nd;
  int64_t outer = 1, n, inner = 1;
  if (axis == T_AXIS_ALL) {
    n = a->size;
    nd = keepdim ? a->ndim : 0;
    for (int i = 0; i < nd; i++) shape[i] = 1;
  } else {
    axis = t_axis(name, axis, a->ndim);
    n = a->shape[axis];
    outer = t_span(a->shape, 0, axis);
    inner = t_span(a->shape, axis + 1, a->ndim);
    nd = 0;
    for (int i = 0; i < a->ndim; i++) {
      if (i != axis) shape[nd++] = a->shape[i];
      else if (keepdim) shape[nd++] = 1;
    }
  }
  if (needs_one && n == 0 && outer > 0 && inner > 0) rt_throw("%s: empty axis", name);
  Tensor *y = t_new(nd, shape);
  if (y->size == 0) return y; /* nothing to reduce into; inner alone may be huge */
  reduce3(op, a->data, outer, n, inner, y->data);
  return y;
}
