/* shape.c — reshape, transpose, permute, concat, stack, and indexing with Python slices. */
#include "tensor.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

/* Contiguous strides of shape (rank n). */
static void cstrides(int n, const int64_t *shape, int64_t *st) {
  for (int i = n - 1; i >= 0; i--) st[i] = t_span(shape, i + 1, n);
}

/* Strided copy over an n-axis box of cnt[·] elements:
   d[doff + Σ i_k·ds_k] = s[soff + Σ i_k·ss_k]. The last axis is the inner loop. */
static void scopy(int n, const int64_t *cnt, const float *s, int64_t soff, const int64_t *ss,
                  float *d, int64_t doff, const int64_t *ds) {
  for (int i = 0; i < n; i++)
    if (cnt[i] == 0) return;
  int64_t inner = n ? cnt[n - 1] : 1, si = n ? ss[n - 1] : 0, di = n ? ds[n - 1] : 0;
  int64_t idx[T_MAXDIM] = {0};
  for (;;) {
    if (si == 1 && di == 1)
      memcpy(d + doff, s + soff, (size_t)inner * sizeof *d);
    else
      for (int64_t j = 0; j < inner; j++) d[doff + j * di] = s[soff + j * si];
    int i = n - 2;
    for (; i >= 0; i--) {
      soff += ss[i];
      doff += ds[i];
      if (++idx[i] < cnt[i]) break;
      soff -= ss[i] * cnt[i];
      doff -= ds[i] * cnt[i];
      idx[i] = 0;
    }
    if (i < 0) return;
  }
}

/* "[2, 3], [2, 4]" for error messages, cut short with "..." when it gets long. */
static char *shapes(int n, Tensor *const *ts, char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    char s[96];
    t_shape_str(ts[i]->ndim, ts[i]->shape, s, sizeof s);
    if (k + strlen(s) + 8 >= cap) {
      snprintf(buf + k, cap - k, ", ...");
      break;
    }
    k += (size_t)snprintf(buf + k, cap - k, i ? ", %s" : "%s", s);
  }
  return buf;
}

Tensor *t_reshape(const Tensor *a, int ndim, const int64_t *shape) {
  char s1[96], s2[96];
  if (ndim < 0 || ndim > T_MAXDIM)
    rt_throw("reshape: rank %d is not supported (at most %d axes)", ndim, T_MAXDIM);
  int64_t out[T_MAXDIM], known = 1;
  int free_at = -1;
  for (int i = 0; i < ndim; i++) {
    out[i] = shape[i];
    if (shape[i] == -1) {
      if (free_at >= 0)
        rt_throw("reshape: only one dimension can be -1 in %s",
                 t_shape_str(ndim, shape, s2, 96));
      free_at = i;
    } else if (shape[i] < 0) {
      rt_throw("reshape: negative dimension %lld in %s", (long long)shape[i],
               t_shape_str(ndim, shape, s2, 96));
    } else if (shape[i] && known > INT64_MAX / shape[i]) {
      known = -1; /* more elements than any tensor has: cannot match */
      break;
    } else if (known >= 0) {
      known *= shape[i];
    }
  }
  t_shape_str(a->ndim, a->shape, s1, 96);
  t_shape_str(ndim, shape, s2, 96);
  if (free_at >= 0) {
    /* the -1 takes size / Π(other dims); that must divide exactly and be unique */
    if (known == 0)
      rt_throw("reshape: cannot reshape %s (%lld elements) into %s: the -1 is ambiguous "
               "next to a 0",
               s1, (long long)a->size, s2);
    if (known < 0 || a->size % known)
      rt_throw("reshape: cannot reshape %s (%lld elements) into %s: %lld is not a "
               "multiple of %lld",
               s1, (long long)a->size, s2, (long long)a->size, (long long)known);
    out[free_at] = a->size / known;
  } else if (known != a->size) {
    if (known < 0)
      rt_throw("reshape: cannot reshape %s (%lld elements) into %s (too many elements)", s1,
               (long long)a->size, s2);
    rt_throw("reshape: cannot reshape %s (%lld elements) into %s (%lld elements)", s1,
             (long long)a->size, s2, (long long)known);
  }
  return t_from(ndim, out, a->data);
}

Tensor *t_flatten(const Tensor *a) { return t_from(1, &a->size, a->data); }

/* out[i_0, …] = a[i_perm…]: out axis k is a's axis perm[k]. */
Tensor *t_permute(const Tensor *a, const int *perm) {
  int n = a->ndim, seen[T_MAXDIM] = {0}, p[T_MAXDIM];
  for (int k = 0; k < n; k++) {
    p[k] = t_axis("permute", perm[k], n);
    if (seen[p[k]]++) {
      char s[96] = "[";
      for (int i = 0; i < n; i++)
        snprintf(s + strlen(s), sizeof s - strlen(s), i ? ", %d" : "%d", perm[i]);
      strncat(s, "]", sizeof s - strlen(s) - 1);
      rt_throw("permute: %s is not a permutation of the axes of a rank-%d tensor", s, n);
    }
  }
  int64_t shape[T_MAXDIM] = {0}, ast[T_MAXDIM], ss[T_MAXDIM], ds[T_MAXDIM];
  for (int k = 0; k < n; k++) shape[k] = a->shape[p[k]];
  Tensor *y = t_new(n, shape);
  cstrides(n, a->shape, ast);
  cstrides(n, shape, ds);
  for (int k = 0; k < n; k++) ss[k] = ast[p[k]];
  if (n == 2 && p[0] == 1) {
    /* x.T of an [r, c] matrix: 32×32 tiles so reads and writes both stay in cache */
    int64_t r = a->shape[0], c = a->shape[1];
    for (int64_t i0 = 0; i0 < r; i0 += 32)
      for (int64_t j0 = 0; j0 < c; j0 += 32)
        for (int64_t i = i0; i < i0 + 32 && i < r; i++)
          for (int64_t j = j0; j < j0 + 32 && j < c; j++) y->data[j * r + i] = a->data[i * c + j];
    return y;
  }
  scopy(n, shape, a->data, 0, ss, y->data, 0, ds);
  return y;
}

Tensor *t_transpose(const Tensor *a) {
  int p[T_MAXDIM];
  for (int k = 0; k < a->ndim; k++) p[k] = a->ndim - 1 - k;
  return t_permute(a, p);
}

Tensor *t_concat(int n, Tensor *const *ts, int axis) {
  char buf[512];
  if (n < 1) rt_throw("concat: needs at least one tensor");
  int nd = ts[0]->ndim;
  if (nd == 0) rt_throw("concat: cannot concatenate 0-d tensors (%s)", shapes(n, ts, buf, 512));
  axis = t_axis("concat", axis, nd);
  int64_t shape[T_MAXDIM];
  memcpy(shape, ts[0]->shape, sizeof shape);
  shape[axis] = 0;
  for (int i = 0; i < n; i++) {
    int ok = ts[i]->ndim == nd;
    for (int k = 0; ok && k < nd; k++) ok = k == axis || ts[i]->shape[k] == ts[0]->shape[k];
    if (!ok)
      rt_throw("concat: shapes must agree except on axis %d: %s", axis, shapes(n, ts, buf, 512));
    shape[axis] += ts[i]->shape[axis];
  }
  Tensor *y = t_new(nd, shape);
  /* each tensor is [outer, chunk] with chunk = its axis size × inner; rows interleave */
  int64_t outer = 1, inner = 1;
  outer = t_span(shape, 0, axis);
  inner = t_span(shape, axis + 1, nd);
  float *d = y->data;
  for (int64_t o = 0; o < outer; o++)
    for (int i = 0; i < n; i++) {
      int64_t chunk = ts[i]->shape[axis] * inner;
      if (chunk) memcpy(d, ts[i]->data + o * chunk, (size_t)chunk * sizeof *d);
      d += chunk;
    }
  return y;
}

Tensor *t_stack(int n, Tensor *const *ts, int axis) {
  char buf[512];
  if (n < 1) rt_throw("stack: needs at least one tensor");
  int nd = ts[0]->ndim;
  if (nd + 1 > T_MAXDIM)
    rt_throw("stack: result would have %d axes (at most %d)", nd + 1, T_MAXDIM);
  axis = t_axis("stack", axis, nd + 1);
  for (int i = 1; i < n; i++)
    if (!t_same_shape(ts[i], ts[0]))
      rt_throw("stack: all shapes must be equal: %s", shapes(n, ts, buf, 512));
  int64_t shape[T_MAXDIM] = {0}, outer = 1, chunk = 1;
  for (int k = 0; k < nd + 1; k++)
    shape[k] = k < axis ? ts[0]->shape[k] : k == axis ? n : ts[0]->shape[k - 1];
  outer = t_span(shape, 0, axis);
  chunk = t_span(shape, axis + 1, nd + 1);
  Tensor *y = t_new(nd + 1, shape);
  float *d = y->data;
  for (int64_t o = 0; o < outer; o++)
    for (int i = 0; i < n; i++) {
      if (chunk) memcpy(d, ts[i]->data + o * chunk, (size_t)chunk * sizeof *d);
      d += chunk;
    }
  return y;
}

/* ---- indexing ---- */

/* The box that ix selects from a: per axis of a, its first element, step, count, and
   whether the axis stays in the result (slices and untouched axes do, indices don't). */
typedef struct Sel {
  int64_t start[T_MAXDIM], step[T_MAXDIM], cnt[T_MAXDIM];
  int keep[T_MAXDIM];
  int nd;                  /* rank of the result */
  int64_t shape[T_MAXDIM]; /* shape of the result */
} Sel;

void t_slice_range(const TIndex *x, int64_t len, int64_t *start, int64_t *cnt) {
  int64_t step = x->step, lo = step < 0 ? -1 : 0, hi = step < 0 ? len - 1 : len;
  int64_t b = x->has_start ? x->start : step < 0 ? hi : lo;
  int64_t e = x->has_stop ? x->stop : step < 0 ? lo : hi;
  if (x->has_start) {
    if (b < 0) b = b + len < lo ? lo : b + len;
    else if (b > hi) b = hi;
  }
  if (x->has_stop) {
    if (e < 0) e = e + len < lo ? lo : e + len;
    else if (e > hi) e = hi;
  }
  *start = b;
  /* |step| in unsigned so INT64_MIN does not overflow */
  uint64_t us = step < 0 ? 0 - (uint64_t)step : (uint64_t)step;
  if (step > 0) *cnt = e > b ? (int64_t)((uint64_t)(e - b - 1) / us + 1) : 0;
  else *cnt = b > e ? (int64_t)((uint64_t)(b - e - 1) / us + 1) : 0;
}

static void sel(const Tensor *a, int n, const TIndex *ix, Sel *s) {
  if (n > a->ndim) rt_throw("too many indices: %d for a tensor of rank %d", n, a->ndim);
  s->nd = 0;
  for (int k = 0; k < a->ndim; k++) {
    int64_t len = a->shape[k];
    s->keep[k] = 1;
    s->start[k] = 0;
    s->step[k] = 1;
    s->cnt[k] = len;
    if (k < n && ix[k].kind == T_IX_INDEX) {
      int64_t i = ix[k].index;
      if (i < -len || i >= len)
        rt_throw("index %lld is out of range for axis %d of size %lld", (long long)i, k,
                 (long long)len);
      s->start[k] = i < 0 ? i + len : i;
      s->cnt[k] = 1;
      s->keep[k] = 0;
    } else if (k < n) {
      if (ix[k].step == 0) rt_throw("slice step cannot be zero (axis %d)", k);
      s->step[k] = ix[k].step;
      t_slice_range(&ix[k], len, &s->start[k], &s->cnt[k]);
    }
    if (s->keep[k]) s->shape[s->nd++] = s->cnt[k];
  }
}

/* Strides of the box in a: offset of its first element, step × stride per axis. */
static int64_t box(const Tensor *a, const Sel *s, int64_t *st) {
  int64_t ast[T_MAXDIM], off = 0;
  cstrides(a->ndim, a->shape, ast);
  for (int k = 0; k < a->ndim; k++) {
    off += s->start[k] * ast[k];
    st[k] = s->step[k] * ast[k];
  }
  return off;
}

Tensor *t_index(const Tensor *a, int n, const TIndex *ix) {
  Sel s;
  sel(a, n, ix, &s);
  int64_t ss[T_MAXDIM], ds[T_MAXDIM], yst[T_MAXDIM];
  int64_t off = box(a, &s, ss);
  Tensor *y = t_new(s.nd, s.shape);
  /* the result's strides spread over a's axes; dropped axes have count 1, stride 0 */
  cstrides(s.nd, s.shape, yst);
  for (int k = 0, j = 0; k < a->ndim; k++) ds[k] = s.keep[k] ? yst[j++] : 0;
  scopy(a->ndim, s.cnt, a->data, off, ss, y->data, 0, ds);
  return y;
}

void t_index_assign(Tensor *a, int n, const TIndex *ix, const Tensor *v) {
  Sel s;
  sel(a, n, ix, &s);
  /* v broadcasts to the selected shape: aligned right, each axis equal or 1 */
  int ok = v->ndim <= s.nd;
  for (int i = 0; ok && i < v->ndim; i++) {
    int64_t d = v->shape[i], want = s.shape[i + s.nd - v->ndim];
    ok = d == want || d == 1;
  }
  if (!ok) {
    char s1[96], s2[96];
    rt_throw("index assign: cannot broadcast shape %s to the selected shape %s",
             t_shape_str(v->ndim, v->shape, s1, 96), t_shape_str(s.nd, s.shape, s2, 96));
  }
  int64_t ds[T_MAXDIM], ss[T_MAXDIM], vst[T_MAXDIM];
  int64_t off = box(a, &s, ds);
  /* v's strides over the selected shape, then spread onto a's axes (0 on dropped ones) */
  t_broadcast_strides(v->ndim, v->shape, s.nd, s.shape, vst);
  for (int k = 0, j = 0; k < a->ndim; k++) ss[k] = s.keep[k] ? vst[j++] : 0;
  /* x[::-1] = x reads what it writes: copy v first when it shares a's data */
  Tensor *tmp = v->data == a->data ? t_copy(v) : NULL;
  scopy(a->ndim, s.cnt, tmp ? tmp->data : v->data, 0, ss, a->data, off, ds);
  t_release(tmp);
}
