/* tensor.c — tensor lifetime and creation: one block per tensor, shape strings, axes.
 * Blocks come from mem.h's block cache: a training step's tensors reuse the blocks of
 * the step before (same shapes, same sizes), so a step in the steady state calls malloc
 * not once. */
#include "tensor.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"

/* The header and the data share one allocation: the struct is padded to HDR bytes so
   that data, right after it, keeps the 64-byte alignment of the block. */
#define HDR 128
_Static_assert(sizeof(Tensor) <= HDR && HDR % 64 == 0, "Tensor header must fit HDR");

/* Above this many bytes an allocation is checked against the memory available now
   (MemAvailable + SwapFree, or physical memory when that is unknown) first, so a
   hopeless request is refused with the shape in the message (and never reaches
   malloc, which under a sanitizer would abort rather than fail, and which overcommits:
   comparing with total RAM let ones(3e9) take 12 GB that other programs were using). */
#define BIG ((size_t)1 << 30)

static _Noreturn void too_large(int ndim, const int64_t *shape, double bytes) {
  char s[96];
  rt_throw_kind(RT_ERR_OOM, "tensor too large: shape %s needs %.1f GiB",
                t_shape_str(ndim, shape, s, sizeof s), bytes / 1073741824.0);
}

static size_t phys_bytes(void) {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return SIZE_MAX; /* unknown: let malloc decide */
  return (double)pages * (double)page >= (double)SIZE_MAX ? SIZE_MAX
                                                          : (size_t)pages * (size_t)page;
}

Tensor *t_new(int ndim, const int64_t *shape) {
  char s[96];
  if (ndim < 0 || ndim > T_MAXDIM)
    rt_throw("tensor: rank %d is not supported (at most %d axes)", ndim, T_MAXDIM);
  /* size = Π shape; the product in double only feeds the message when it overflows. */
  int64_t size = 1;
  double dsize = 1;
  int over = 0;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0)
      rt_throw("tensor: negative dimension %lld in shape %s", (long long)shape[i],
               t_shape_str(ndim, shape, s, sizeof s));
    dsize *= (double)shape[i];
    if (shape[i] && size > INT64_MAX / shape[i]) over = 1;
    else size *= shape[i];
  }
  if (size == 0) over = 0; /* a zero dimension makes any product fit */
  size_t max_floats = (SIZE_MAX - HDR) / sizeof(float);
  if (over || (uint64_t)size > max_floats) too_large(ndim, shape, dsize * sizeof(float));
  size_t bytes = HDR + (size_t)size * sizeof(float);

  Tensor *t;
  if (bytes <= BIG) {
    t = rt_cache_alloc(bytes);
  } else {
    size_t avail = rt_mem_available("/proc/meminfo"), phys = phys_bytes();
    if (bytes > (avail < phys ? avail : phys)) too_large(ndim, shape, (double)bytes - HDR);
    RtFrame f;
    if (RT_TRY(&f)) {
      t = rt_cache_alloc(bytes);
      rt_pop(&f);
    } else {
      rt_pop(&f);
      too_large(ndim, shape, (double)bytes - HDR);
    }
  }
  t->rc = 1;
  t->ndim = ndim;
  t->size = size;
  memset(t->shape, 0, sizeof t->shape);
  if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
  t->data = (float *)((char *)t + HDR);
  t->ad = NULL;
  t->ad_release = NULL;
  t->table = NULL;
  return t;
}

static void table_free(TTable *tb, const Tensor *t) {
  if (!tb) return;
  for (int64_t i = 0; tb->rows && i < t->shape[0]; i++) rt_free(tb->rows[i]);
  for (int64_t j = 0; tb->cols && j < t->shape[1]; j++) rt_free(tb->cols[j]);
  rt_free(tb->rows);
  rt_free(tb->cols);
  rt_free(tb->title);
  rt_free(tb->note);
  rt_free(tb);
}

void t_set_table(Tensor *t, TTable *tb) {
  table_free(t->table, t);
  t->table = tb;
}

Tensor *t_zeros(int ndim, const int64_t *shape) {
  Tensor *t = t_new(ndim, shape);
  memset(t->data, 0, (size_t)t->size * sizeof(float));
  return t;
}

Tensor *t_full(int ndim, const int64_t *shape, float v) {
  Tensor *t = t_new(ndim, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = v;
  return t;
}

Tensor *t_scalar(float v) {
  Tensor *t = t_new(0, NULL);
  t->data[0] = v;
  return t;
}

Tensor *t_from(int ndim, const int64_t *shape, const float *data) {
  Tensor *t = t_new(ndim, shape);
  if (t->size) memcpy(t->data, data, (size_t)t->size * sizeof(float));
  return t;
}

Tensor *t_copy(const Tensor *a) { return t_from(a->ndim, a->shape, a->data); }

Tensor *t_retain(Tensor *a) {
  if (a) a->rc++;
  return a;
}

/* The autograd record (a->ad) belongs to runtime/autograd.c and dies with the tensor
   through the hook autograd left beside it (ad_node_free, which releases the node's
   inputs without recursing); data lives in the same block as the header, which goes
   back to the cache under t_new's size. */
void t_release(Tensor *a) {
  if (a && --a->rc == 0) {
    if (a->ad) a->ad_release(a->ad);
    table_free(a->table, a);
    rt_cache_free(a, HDR + (size_t)a->size * sizeof(float));
  }
}

/* [ceil((stop − start)/step)] values start + i·step. */
Tensor *t_arange(double start, double stop, double step) {
  if (step == 0) rt_throw("arange: step must not be zero");
  if (!isfinite(start) || !isfinite(stop) || !isfinite(step))
    rt_throw("arange: start, stop and step must be finite (got %g, %g, %g)", start, stop,
             step);
  double n = ceil((stop - start) / step);
  if (n < 0) n = 0;
  if (n > 9.2e18) too_large(1, (int64_t[]){INT64_MAX}, n * sizeof(float));
  int64_t len = (int64_t)n;
  Tensor *t = t_new(1, &len);
  for (int64_t i = 0; i < len; i++) t->data[i] = (float)(start + (double)i * step);
  return t;
}

/* [n] values from + i·(to − from)/(n − 1); the last is exactly `to`. */
Tensor *t_linspace(double from, double to, int64_t n) {
  if (n < 0) rt_throw("linspace: number of points must be non-negative (got %lld)",
                      (long long)n);
  Tensor *t = t_new(1, &n);
  double d = n > 1 ? (to - from) / (double)(n - 1) : 0;
  for (int64_t i = 0; i < n; i++) t->data[i] = (float)(from + (double)i * d);
  if (n > 1) t->data[n - 1] = (float)to;
  return t;
}

Tensor *t_eye(int64_t n) {
  if (n < 0) rt_throw("eye: size must be non-negative (got %lld)", (long long)n);
  Tensor *t = t_zeros(2, (int64_t[]){n, n});
  for (int64_t i = 0; i < n; i++) t->data[i * n + i] = 1;
  return t;
}

int64_t t_span(const int64_t *shape, int from, int to) {
  int64_t m = 1;
  for (int i = from; i < to; i++)
    if (shape[i] == 0) return 0;
  for (int i = from; i < to; i++) m = m > INT64_MAX / shape[i] ? INT64_MAX : m * shape[i];
  return m;
}

char *t_shape_str(int ndim, const int64_t *shape, char *buf, size_t n) {
  size_t k = 0;
  if (n == 0) return buf;
  buf[0] = 0;
  k += (size_t)snprintf(buf + k, n - k, "[");
  for (int i = 0; i < ndim && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, i ? ", %lld" : "%lld", (long long)shape[i]);
  if (k < n) snprintf(buf + k, n - k, "]");
  return buf;
}

int t_same_shape(const Tensor *a, const Tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i]) return 0;
  return 1;
}

int t_axis(const char *op, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    rt_throw("%s: axis %d is out of range for a tensor of rank %d", op, axis, ndim);
  return axis < 0 ? axis + ndim : axis;
}
