/* u8.c — byte tensors (IDX images) and the one conversion from their bytes to floats. */
#include "u8.h"

#include <string.h>

#include "error.h"
#include "mem.h"

U8Tensor *u8_new(int ndim, const int64_t *shape, double divisor) {
  char s[96];
  if (ndim < 0 || ndim > T_MAXDIM)
    rt_throw("tensor: rank %d is not supported (at most %d axes)", ndim, T_MAXDIM);
  int64_t size = 1;
  double bytes = 1; /* for the message only */
  int over = 0;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0)
      rt_throw("tensor: negative dimension %lld in shape %s", (long long)shape[i],
               t_shape_str(ndim, shape, s, sizeof s));
    bytes *= (double)shape[i];
    if (__builtin_mul_overflow(size, shape[i], &size)) over = 1;
  }
  if (over && bytes != 0) /* tensor.c's message */
    rt_throw_kind(RT_ERR_OOM, "tensor too large: shape %s needs %.1f GiB",
                  t_shape_str(ndim, shape, s, sizeof s), bytes / 1073741824.0);
  if (over) size = 0;
  U8Tensor *a = rt_malloc(sizeof *a);
  a->data = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    a->data = rt_malloc(size ? (size_t)size : 1);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    rt_free(a);
    rt_rethrow();
  }
  a->rc = 1;
  a->ndim = ndim;
  a->size = size;
  memset(a->shape, 0, sizeof a->shape);
  if (ndim) memcpy(a->shape, shape, sizeof(int64_t) * (size_t)ndim);
  for (int b = 0; b < 256; b++) a->lut[b] = (float)(b / divisor);
  return a;
}

U8Tensor *u8_retain(U8Tensor *a) {
  a->rc++;
  return a;
}

void u8_release(U8Tensor *a) {
  if (!a || --a->rc > 0) return;
  rt_free(a->data);
  rt_free(a);
}

/* The conversion: n bytes to n floats through lut. */
static void to_floats(const float *lut, const uint8_t *src, float *dst, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] = lut[src[i]];
}

static int64_t row_size(const U8Tensor *a) { return a->ndim && a->shape[0] ? a->size / a->shape[0] : 0; }

void u8_to_floats(const U8Tensor *a, int64_t off, int64_t n, float *dst) {
  to_floats(a->lut, a->data + off, dst, n);
}

Tensor *u8_to_tensor(const U8Tensor *a) {
  Tensor *t = t_new(a->ndim, a->shape);
  to_floats(a->lut, a->data, t->data, a->size);
  return t;
}

Tensor *u8_rows_to_tensor(const U8Tensor *a, const int64_t *idx, int64_t n) {
  int64_t shape[T_MAXDIM];
  memcpy(shape, a->shape, sizeof shape);
  shape[0] = n;
  Tensor *t = t_new(a->ndim, shape);
  int64_t row = row_size(a);
  for (int64_t i = 0; i < n; i++) to_floats(a->lut, a->data + idx[i] * row, t->data + i * row, row);
  return t;
}

/* A new byte tensor of a's kind (same lut) with shape[0] = n, or without the leading
   axis when drop. */
static U8Tensor *like(const U8Tensor *a, int64_t n, int drop) {
  int64_t shape[T_MAXDIM];
  memcpy(shape, a->shape, sizeof shape);
  shape[0] = n;
  U8Tensor *r = drop ? u8_new(a->ndim - 1, a->shape + 1, 1) : u8_new(a->ndim, shape, 1);
  memcpy(r->lut, a->lut, sizeof r->lut);
  return r;
}

U8Tensor *u8_take_rows(const U8Tensor *a, const int64_t *idx, int64_t n) {
  U8Tensor *r = like(a, n, 0);
  int64_t row = row_size(a);
  for (int64_t i = 0; i < n; i++) memcpy(r->data + i * row, a->data + idx[i] * row, (size_t)row);
  return r;
}

U8Tensor *u8_index0(const U8Tensor *a, const TIndex *ix) {
  int64_t len = a->shape[0], row = row_size(a);
  if (ix->kind == T_IX_INDEX) {
    int64_t i = ix->index;
    if (i < -len || i >= len)
      rt_throw("index %lld is out of range for axis %d of size %lld", (long long)i, 0, (long long)len);
    U8Tensor *r = like(a, 0, 1);
    memcpy(r->data, a->data + (i < 0 ? i + len : i) * row, (size_t)row);
    return r;
  }
  if (ix->step == 0) rt_throw("slice step cannot be zero (axis %d)", 0);
  int64_t b, cnt, step = ix->step;
  t_slice_range(ix, len, &b, &cnt);
  U8Tensor *r = like(a, cnt, 0);
  for (int64_t k = 0; k < cnt; k++) memcpy(r->data + k * row, a->data + (b + k * step) * row, (size_t)row);
  return r;
}
