/* ops.c — elementwise unary and binary ops with NumPy broadcasting, where, clip. */
#include "tensor.h"

#include <string.h>
#include <tgmath.h>

#include "error.h"
#include "mem.h"
#include "parallel.h"

const char *const t_unary_names[T_N_UNARY] = {
#define X(id, name) name,
    T_UNARY_OPS(X)
#undef X
};

const char *const t_binary_names[T_N_BINARY] = {
#define X(id, name) name,
    T_BINARY_OPS(X)
#undef X
};

/* ---- the formulas, each written once ----
 * F_<ID> is an expression in x (or a, b) of either float or double: <tgmath.h> picks
 * expf or exp by the argument type, so the float kernels and the double scalar
 * versions below are generated from the same text. Every T_UNARY_OPS/T_BINARY_OPS
 * entry needs its F_<ID>; a missing one is a compile error. */
#define F_NEG(x) (-(x))
#define F_EXP(x) exp(x)
#define F_LOG(x) log(x) /* log 0 = -inf, log(x < 0) = NaN, as C gives them */
#define F_SQRT(x) sqrt(x)
#define F_ABS(x) fabs(x)
#define F_SIN(x) sin(x)
#define F_COS(x) cos(x)
#define F_TANH(x) tanh(x)
/* 1/(1 + e^−x) for x ≥ 0; e^x/(1 + e^x) for x < 0, so e^(large) never overflows. */
#define F_SIGMOID(x) ((x) >= 0 ? 1 / (1 + exp(-(x))) : exp(x) / (1 + exp(x)))
/* NaN stays NaN (like torch.relu); −0 becomes +0. */
#define F_RELU(x) ((x) > 0 ? (x) : (x) != (x) ? (x) : 0)
#define F_STEP(x) ((x) > 0 ? 1 : 0)
#define F_SIGN(x) ((x) > 0 ? 1 : (x) < 0 ? -1 : (x)) /* ±0 and NaN map to themselves */
#define F_FLOOR(x) floor(x)
#define F_CEIL(x) ceil(x)
#define F_ROUND(x) rint(x) /* halves to even, like NumPy and torch */

#define F_ADD(a, b) ((a) + (b))
#define F_SUB(a, b) ((a) - (b))
#define F_MUL(a, b) ((a) * (b))
#define F_DIV(a, b) ((a) / (b))
#define F_POW(a, b) pow(a, b)
#define F_MOD(a, b) _Generic((a), float: pymodf, default: pymod)(a, b)
/* NaN wins either side, like np.maximum. */
#define F_MAX(a, b) ((a) != (a) || (a) > (b) ? (a) : (b))
#define F_MIN(a, b) ((a) != (a) || (a) < (b) ? (a) : (b))
/* a · log b, 0 where a = 0 (even for b = 0 or inf) unless b is NaN, like torch.xlogy. */
#define F_XLOGY(a, b) ((b) != (b) ? (b) : (a) == 0 ? 0 : (a) * log(b))
#define F_LT(a, b) ((a) < (b))
#define F_LE(a, b) ((a) <= (b))
#define F_GT(a, b) ((a) > (b))
#define F_GE(a, b) ((a) >= (b))
#define F_EQ(a, b) ((a) == (b))
#define F_NE(a, b) ((a) != (b))

/* Python's a mod b = a − b·floor(a/b): fmod's remainder moved to the sign of b
   (0 takes the sign of b too). One text, instantiated for float and double. */
#define PYMOD(name, T)                            \
  static inline T name(T a, T b) {                \
    T r = fmod(a, b);                             \
    if (r != 0 && (r < 0) != (b < 0)) r += b;     \
    else if (r == 0) r = copysign(r, b);          \
    return r;                                     \
  }
PYMOD(pymodf, float)
PYMOD(pymod, double)

double t_unary_scalar(TUnOp op, double x) {
  switch (op) {
#define X(id, name) \
  case T_##id:      \
    return F_##id(x);
    T_UNARY_OPS(X)
#undef X
  default:
    return NAN;
  }
}

double t_binary_scalar(TBinOp op, double a, double b) {
  switch (op) {
#define X(id, name) \
  case T_##id:      \
    return F_##id(a, b);
    T_BINARY_OPS(X)
#undef X
  default:
    return NAN;
  }
}

/* ---- float kernels, one per op ----
 * Unary: y[i] = f(x[i]) over n contiguous floats.
 * Binary: o[i] = f(a[i·sa], b[i·sb]) with sa, sb ∈ {0, 1}: each stride pattern gets
 * its own loop so the compiler can vectorise it. */
typedef void UnKern(int64_t n, const float *x, float *y);
typedef void BinKern(int64_t n, const float *a, int64_t sa, const float *b, int64_t sb,
                     float *o);

#define X(id, name)                                                        \
  static void un_##id(int64_t n, const float *x, float *y) {               \
    for (int64_t i = 0; i < n; i++) {                                      \
      float v = x[i];                                                      \
      y[i] = F_##id(v);                                                    \
    }                                                                      \
  }
T_UNARY_OPS(X)
#undef X

#define X(id, name)                                                         \
  static void bin_##id(int64_t n, const float *a, int64_t sa, const float *b, \
                       int64_t sb, float *o) {                               \
    if (sa && sb) {                                                          \
      for (int64_t i = 0; i < n; i++) {                                      \
        float u = a[i], v = b[i];                                            \
        o[i] = F_##id(u, v);                                                 \
      }                                                                      \
    } else if (sb) {                                                         \
      float u = a[0];                                                        \
      for (int64_t i = 0; i < n; i++) {                                      \
        float v = b[i];                                                      \
        o[i] = F_##id(u, v);                                                 \
      }                                                                      \
    } else if (sa) {                                                         \
      float v = b[0];                                                        \
      for (int64_t i = 0; i < n; i++) {                                      \
        float u = a[i];                                                      \
        o[i] = F_##id(u, v);                                                 \
      }                                                                      \
    } else {                                                                 \
      float u = a[0], v = b[0], r = F_##id(u, v);                            \
      for (int64_t i = 0; i < n; i++) o[i] = r;                              \
    }                                                                        \
  }
T_BINARY_OPS(X)
#undef X

/* relu, the activation of nearly every network, once per layer per step: the same
   values as F_RELU (x for x > 0 and for NaN, +0 otherwise, −0 included), computed on
   the bits so that the loop is branch-free and vectorises (the generic kernel's
   branches mispredict on random signs). As int32, every float that relu keeps (+0 to
   +NaN, and the NaNs with the sign bit set) is above −2^23 = the bits of −inf, and
   every one it zeroes (−0 down to −inf) is at or below it. */
static inline void relu_bits(const float *x, float *y) {
  int32_t b;
  memcpy(&b, x, sizeof b);
  b &= -(int32_t)(b > -8388608);
  memcpy(y, &b, sizeof b);
}

/* Blocks of 8 with a constant trip count, which -O2's straight-line vectoriser turns
   into vector compares and ands. */
static void un_relu_fast(int64_t n, const float *restrict x, float *restrict y) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) relu_bits(x + i + k, y + i + k);
  for (; i < n; i++) relu_bits(x + i, y + i);
}

static UnKern *const un_kern[T_N_UNARY] = {
#define X(id, name) un_##id,
    T_UNARY_OPS(X)
#undef X
};

static BinKern *const bin_kern[T_N_BINARY] = {
#define X(id, name) bin_##id,
    T_BINARY_OPS(X)
#undef X
};

/* Elementwise work is split across threads (parallel.h) from this many floats on: below
   it, 128 KiB or less, the data sits in one core's cache and a second core gains less
   than waking it costs. Each element is computed alone, so the split never changes a
   result. */
enum { ELEM_GRAIN = 32768 };

typedef struct {
  UnKern *k;
  const float *x;
  float *y;
} UnJob;

static void un_chunk(void *ctx, int64_t lo, int64_t hi) {
  const UnJob *j = ctx;
  j->k(hi - lo, j->x + lo, j->y + lo);
}

Tensor *t_unary(TUnOp op, const Tensor *a) {
  if ((unsigned)op >= T_N_UNARY) rt_throw("unary: unknown op %d", (int)op);
  Tensor *y = t_new(a->ndim, a->shape);
  UnJob j = {op == T_RELU ? un_relu_fast : un_kern[op], a->data, y->data};
  par_for(a->size, ELEM_GRAIN, un_chunk, &j);
  return y;
}

/* o[i] = f(a[i·sa], b[i·sb]) for i < n, split across threads. */
typedef struct {
  BinKern *k;
  const float *a, *b;
  int64_t sa, sb;
  float *o;
} BinJob;

static void bin_chunk(void *ctx, int64_t lo, int64_t hi) {
  const BinJob *j = ctx;
  j->k(hi - lo, j->a + lo * j->sa, j->sa, j->b + lo * j->sb, j->sb, j->o + lo);
}

static void bin_flat(BinKern *k, int64_t n, const float *a, int64_t sa, const float *b, int64_t sb,
                     float *o) {
  BinJob j = {k, a, b, sa, sb, o};
  par_for(n, ELEM_GRAIN, bin_chunk, &j);
}

/* ---- broadcasting ---- */

int t_broadcast_shape(const char *op, int na, const int64_t *sa, int nb, const int64_t *sb,
                      int64_t *out) {
  int n = na > nb ? na : nb;
  for (int i = 0; i < n; i++) {
    /* align from the right: axis i of the result is axis i − (n − na) of a */
    int64_t da = i - (n - na) >= 0 ? sa[i - (n - na)] : 1;
    int64_t db = i - (n - nb) >= 0 ? sb[i - (n - nb)] : 1;
    if (da != db && da != 1 && db != 1) {
      char s1[96], s2[96];
      rt_throw("%s: cannot broadcast shapes %s and %s", op, t_shape_str(na, sa, s1, 96),
               t_shape_str(nb, sb, s2, 96));
    }
    out[i] = da == 1 ? db : da;
  }
  return n;
}

void t_broadcast_strides(int ns, const int64_t *s, int n, const int64_t *out, int64_t *st) {
  int64_t m = 1;
  for (int i = n - 1; i >= 0; i--) {
    int j = i - (n - ns);
    if (j >= 0 && s[j] == out[i] && s[j] != 1) {
      st[i] = m;
      m *= s[j];
    } else {
      st[i] = 0;
    }
  }
}

/* Drop size-1 axes and merge neighbours that step the same way in every operand, so
   [B, N] + [N] becomes one outer axis of B rows over an inner axis of N. k operands
   with strides st[j][·]; returns the new rank (dims and strides rewritten in place). */
static int collapse(int n, int64_t *dim, int k, int64_t (*st)[T_MAXDIM]) {
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (dim[i] == 1) continue;
    int merge = m > 0;
    for (int j = 0; j < k && merge; j++)
      merge = st[j][m - 1] == st[j][i] * dim[i];
    if (merge) {
      dim[m - 1] *= dim[i];
      for (int j = 0; j < k; j++) st[j][m - 1] = st[j][i];
    } else {
      dim[m] = dim[i];
      for (int j = 0; j < k; j++) st[j][m] = st[j][i];
      m++;
    }
  }
  return m;
}

/* out = f(a, b) over the broadcast shape: an odometer over the outer axes and one
   kernel call per innermost row (whose strides are 0 or 1 since inputs are
   contiguous). */
static void bin_strided(BinKern *k, int n, const int64_t *shape, const float *a,
                        const int64_t *sa, const float *b, const int64_t *sb, float *o) {
  int64_t inner = n ? shape[n - 1] : 1;
  int64_t ia = n ? sa[n - 1] : 0, ib = n ? sb[n - 1] : 0;
  int64_t idx[T_MAXDIM] = {0}, oa = 0, ob = 0;
  int outer = n - 1;
  for (;;) {
    k(inner, a + oa, ia, b + ob, ib, o);
    o += inner;
    int i = outer - 1;
    for (; i >= 0; i--) {
      oa += sa[i];
      ob += sb[i];
      if (++idx[i] < shape[i]) break;
      oa -= sa[i] * shape[i];
      ob -= sb[i] * shape[i];
      idx[i] = 0;
    }
    if (i < 0) return;
  }
}

/* Rows [lo, hi) of a 2-D broadcast: row r of o is f(a + r·sa[0], b + r·sb[0]) with
   inner strides sa[1], sb[1] over `inner` elements. */
typedef struct {
  BinKern *k;
  const float *a, *b;
  int64_t sa[2], sb[2], inner;
  float *o;
} RowsJob;

static void rows_chunk(void *ctx, int64_t lo, int64_t hi) {
  const RowsJob *j = ctx;
  for (int64_t r = lo; r < hi; r++)
    j->k(j->inner, j->a + r * j->sa[0], j->sa[1], j->b + r * j->sb[0], j->sb[1], j->o + r * j->inner);
}

Tensor *t_binary(TBinOp op, const Tensor *a, const Tensor *b) {
  if ((unsigned)op >= T_N_BINARY) rt_throw("binary: unknown op %d", (int)op);
  BinKern *k = bin_kern[op];
  /* fast paths: same shape, or a scalar (any size-1 tensor) on either side */
  if (t_same_shape(a, b)) {
    Tensor *o = t_new(a->ndim, a->shape);
    bin_flat(k, a->size, a->data, 1, b->data, 1, o->data);
    return o;
  }
  if (b->size == 1 && b->ndim <= a->ndim) {
    Tensor *o = t_new(a->ndim, a->shape);
    bin_flat(k, a->size, a->data, 1, b->data, 0, o->data);
    return o;
  }
  if (a->size == 1 && a->ndim <= b->ndim) {
    Tensor *o = t_new(b->ndim, b->shape);
    bin_flat(k, b->size, a->data, 0, b->data, 1, o->data);
    return o;
  }
  int64_t shape[T_MAXDIM], dim[T_MAXDIM], st[2][T_MAXDIM];
  int n = t_broadcast_shape(t_binary_names[op], a->ndim, a->shape, b->ndim, b->shape,
                            shape);
  Tensor *o = t_new(n, shape);
  if (o->size == 0) return o;
  memcpy(dim, shape, sizeof shape);
  t_broadcast_strides(a->ndim, a->shape, n, shape, st[0]);
  t_broadcast_strides(b->ndim, b->shape, n, shape, st[1]);
  int m = collapse(n, dim, 2, st);
  if (m == 2) { /* rows of a matrix against a row or a column (a bias add): rows split */
    RowsJob j = {k, a->data, b->data, {st[0][0], st[0][1]}, {st[1][0], st[1][1]}, dim[1], o->data};
    par_for(dim[0], (ELEM_GRAIN + dim[1] - 1) / dim[1], rows_chunk, &j);
    return o;
  }
  bin_strided(k, m, dim, a->data, st[0], b->data, st[1], o->data);
  return o;
}

Tensor *t_broadcast_to(const Tensor *a, int ndim, const int64_t *shape) {
  int ok = a->ndim <= ndim;
  for (int i = 0; ok && i < a->ndim; i++) {
    int64_t d = a->shape[i], want = shape[i + ndim - a->ndim];
    ok = d == want || d == 1;
  }
  if (!ok) {
    char s1[96], s2[96];
    rt_throw("broadcast_to: cannot broadcast shape %s to %s",
             t_shape_str(a->ndim, a->shape, s1, 96), t_shape_str(ndim, shape, s2, 96));
  }
  Tensor *o = t_new(ndim, shape);
  if (o->size == 0) return o;
  /* o = a + 0 through the strided kernel: b is a single zero broadcast everywhere */
  int64_t dim[T_MAXDIM], st[2][T_MAXDIM] = {{0}};
  const float zero = 0;
  memcpy(dim, shape, (size_t)ndim * sizeof *shape);
  t_broadcast_strides(a->ndim, a->shape, ndim, shape, st[0]);
  int m = collapse(ndim, dim, 2, st);
  bin_strided(bin_ADD, m, dim, a->data, st[0], &zero, st[1], o->data);
  return o;
}

/* leaky_relu(x) = x for x ≥ 0, slope·x for x < 0. */
Tensor *t_leaky_relu(const Tensor *a, float slope) {
  Tensor *y = t_new(a->ndim, a->shape);
  for (int64_t i = 0; i < a->size; i++) {
    float v = a->data[i];
    y->data[i] = v < 0 ? slope * v : v;
  }
  return y;
}

/* clip(x) = min(max(x, lo), hi); NaN stays NaN; lo > hi gives hi everywhere (torch). */
Tensor *t_clip(const Tensor *a, float lo, float hi) {
  Tensor *y = t_new(a->ndim, a->shape);
  for (int64_t i = 0; i < a->size; i++) {
    float v = a->data[i];
    v = v < lo ? lo : v;
    y->data[i] = v > hi ? hi : v;
  }
  return y;
}

/* where(c, a, b)_i = c_i != 0 ? a_i : b_i over the broadcast of all three shapes. */
Tensor *t_where(const Tensor *c, const Tensor *a, const Tensor *b) {
  int64_t s1[T_MAXDIM], shape[T_MAXDIM], st[3][T_MAXDIM];
  int n1 = t_broadcast_shape("where", c->ndim, c->shape, a->ndim, a->shape, s1);
  int n = t_broadcast_shape("where", n1, s1, b->ndim, b->shape, shape);
  Tensor *o = t_new(n, shape);
  if (o->size == 0) return o;
  t_broadcast_strides(c->ndim, c->shape, n, shape, st[0]);
  t_broadcast_strides(a->ndim, a->shape, n, shape, st[1]);
  t_broadcast_strides(b->ndim, b->shape, n, shape, st[2]);
  int m = collapse(n, shape, 3, st);
  /* odometer over all (collapsed) axes, innermost fastest */
  int64_t idx[T_MAXDIM] = {0}, oc = 0, oa = 0, ob = 0;
  for (int64_t i = 0; i < o->size; i++) {
    o->data[i] = c->data[oc] != 0 ? a->data[oa] : b->data[ob];
    for (int d = m - 1; d >= 0; d--) {
      oc += st[0][d];
      oa += st[1][d];
      ob += st[2][d];
      if (++idx[d] < shape[d]) break;
      oc -= st[0][d] * shape[d];
      oa -= st[1][d] * shape[d];
      ob -= st[2][d] * shape[d];
      idx[d] = 0;
    }
  }
  return o;
}
