/* ad_ops.c — the differentiable tensor ops of autograd.h, each forward (ad_*: the t_*
 * op, recorded) beside its backward rule (bw_*): elementwise, reductions, softmax and
 * log_softmax, pick, matmul, shapes, indexing. The graph is autograd.c's.
 *
 * Choices where PyTorch leaves room (each documented at its rule): relu'(0) = 0,
 * abs'(0) = 0, leaky_relu'(0) = slope, clip passes the gradient where lo <= x <= hi,
 * maximum/minimum split ties half and half, max/min reductions send the whole
 * gradient to the first extreme (all or one axis alike), norm'(0) = 0.
 */
#include "autograd.h"

#include <stdbool.h>
#include <string.h>
#include <tgmath.h>

#include "autograd_impl.h"
#include "error.h"
#include "parallel.h"

/* y's node, with the rule its kind has in this file's table (at the end). */
static AdNode *record(Tensor *y, AdOp op, int n, Tensor *const *in, unsigned nograd,
                      size_t extra);

/* ---- broadcast walks ----
 * The elements of a broadcast shape visited as rows: operands' strides (0 on their
 * broadcast axes) with size-1 axes dropped and neighbours merged, so [B, N] + [N]
 * becomes B rows of N. Each row has dim[m−1] elements at strides 0 or 1. */
typedef struct Walk {
  int m, k;
  int64_t dim[T_MAXDIM], st[3][T_MAXDIM], idx[T_MAXDIM], off[3];
} Walk;

/* Element strides of contiguous shape s (rank ns) inside broadcast shape out (rank n). */
static void bstrides(int ns, const int64_t *s, int n, const int64_t *out, int64_t *st) {
  int64_t m = 1;
  for (int i = n - 1; i >= 0; i--) {
    int j = i - (n - ns);
    if (j >= 0 && s[j] == out[i] && s[j] != 1) {
      st[i] = m;
      m = s[j] && m > INT64_MAX / s[j] ? INT64_MAX : m * s[j]; /* as t_span */
    } else {
      st[i] = 0;
    }
  }
}

static void walk_init(Walk *w, int n, const int64_t *shape, int k, const Tensor *const *ops) {
  w->k = k;
  for (int j = 0; j < k; j++) bstrides(ops[j]->ndim, ops[j]->shape, n, shape, w->st[j]);
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (shape[i] == 1) continue;
    int merge = m > 0;
    for (int j = 0; j < k && merge; j++) merge = w->st[j][m - 1] == w->st[j][i] * shape[i];
    if (merge) {
      w->dim[m - 1] *= shape[i];
      for (int j = 0; j < k; j++) w->st[j][m - 1] = w->st[j][i];
    } else {
      w->dim[m] = shape[i];
      for (int j = 0; j < k; j++) w->st[j][m] = w->st[j][i];
      m++;
    }
  }
  if (m == 0) { /* a single element */
    w->dim[0] = 1;
    for (int j = 0; j < k; j++) w->st[j][0] = 0;
    m = 1;
  }
  w->m = m;
  memset(w->idx, 0, sizeof w->idx);
  memset(w->off, 0, sizeof w->off);
}

/* Step to the next row; 0 after the last. */
static int walk_next(Walk *w) {
  for (int i = w->m - 2; i >= 0; i--) {
    for (int j = 0; j < w->k; j++) w->off[j] += w->st[j][i];
    if (++w->idx[i] < w->dim[i]) return 1;
    for (int j = 0; j < w->k; j++) w->off[j] -= w->st[j][i] * w->dim[i];
    w->idx[i] = 0;
  }
  return 0;
}

/* d(input i) += s·(g summed over the axes along which input i was broadcast to g's
   shape). [B, N] → [N] is a column sum: B vector adds of contiguous rows. */
static void sum_into(const Bw *b, int i, const Tensor *g, float s) {
  const Tensor *x = b->n->in[i];
  if (t_same_shape(x, g)) {
    pass(b, i, g, s);
    return;
  }
  Tensor *d = slot(b, i, NULL);
  if (g->size == 0) return;
  Walk w;
  walk_init(&w, g->ndim, g->shape, 2, (const Tensor *[]){x, g});
  int64_t len = w.dim[w.m - 1];
  int across = w.st[0][w.m - 1] == 1; /* the row runs along x too, else it sums into one */
  do {
    float *o = d->data + w.off[0];
    const float *r = g->data + w.off[1];
    if (across) {
      axpy(len, s, r, o, 0);
    } else {
      float acc = 0;
      for (int64_t j = 0; j < len; j++) acc += r[j];
      *o += s * acc;
    }
  } while (walk_next(&w));
}

/* Rows of a around an axis: [outer, n, inner]. */
static void around(const Tensor *a, int axis, int64_t *outer, int64_t *n, int64_t *inner) {
  *outer = *inner = 1;
  if (axis == T_AXIS_ALL) {
    *n = a->size;
    return;
  }
  *n = a->shape[axis];
  *outer = t_span(a->shape, 0, axis);
  *inner = t_span(a->shape, axis + 1, a->ndim);
}

/* ---- elementwise unary ----
 * d f(x)/dx of each T_UNARY_OPS entry, in x and y = f(x); flat (1): piecewise
 * constant, so the gradient is 0 (an accumulator of zeros, as torch gives). Keyed by
 * the same ids: a rule missing from this list, or one the op list lacks, does not
 * compile. */
#define AD_UNARY_RULES(X)                            \
  X(NEG, -1, 0)                                      \
  X(EXP, y, 0)                                       \
  X(LOG, 1 / x, 0)                                   \
  X(SQRT, 0.5f / y, 0)                               \
  X(ABS, (x > 0) - (x < 0), 0)  /* abs'(0) = 0 */     \
  X(SIN, cos(x), 0)                                  \
  X(COS, -sin(x), 0)                                 \
  X(TANH, 1 - y * y, 0)                              \
  X(SIGMOID, y * (1 - y), 0)                         \
  X(RELU, y > 0, 0)             /* relu'(0) = 0 */    \
  X(STEP, 0, 1)                                      \
  X(SIGN, 0, 1)                                      \
  X(FLOOR, 0, 1)                                     \
  X(CEIL, 0, 1)                                      \
  X(ROUND, 0, 1)

typedef void UnGrad(int64_t n, const float *x, const float *y, const float *dy, float *g,
                    int fresh);
#define X(id, d, flat)                                                                  \
  static void du_##id(int64_t n, const float *restrict xs, const float *restrict ys,  \
                      const float *restrict dy, float *restrict g, int fresh) {         \
    if (fresh)                                                                          \
      for (int64_t i = 0; i < n; i++) {                                                 \
        float x = xs[i], y = ys[i];                                                     \
        (void)x, (void)y;                                                               \
        g[i] = dy[i] * (d);                                                             \
      }                                                                                 \
    else                                                                                \
      for (int64_t i = 0; i < n; i++) {                                                 \
        float x = xs[i], y = ys[i];                                                     \
        (void)x, (void)y;                                                               \
        g[i] += dy[i] * (d);                                                            \
      }                                                                                 \
  }
AD_UNARY_RULES(X)
#undef X

/* relu's rule, the backward of nearly every network: the same products as du_RELU
   (dy · [y > 0], a multiply by 1 or 0, so NaN and inf in dy behave the same), in blocks of
   8 with restrict pointers, which -O2's straight-line vectoriser turns into vector
   compares, blends and multiplies (du_RELU's loop stays scalar: a sixth of a CNN's step). */
void relu_grad(int64_t n, const float *restrict ys, const float *restrict dy, float *restrict g,
               int fresh) {
  int64_t i = 0;
  if (fresh) {
    for (; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; k++) g[i + k] = dy[i + k] * (ys[i + k] > 0 ? 1.0f : 0.0f);
    for (; i < n; i++) g[i] = dy[i] * (ys[i] > 0 ? 1.0f : 0.0f);
  } else {
    for (; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; k++) g[i + k] += dy[i + k] * (ys[i + k] > 0 ? 1.0f : 0.0f);
    for (; i < n; i++) g[i] += dy[i] * (ys[i] > 0 ? 1.0f : 0.0f);
  }
}

static void du_relu_fast(int64_t n, const float *xs, const float *ys, const float *dy, float *g,
                         int fresh) {
  (void)xs;
  relu_grad(n, ys, dy, g, fresh);
}

static UnGrad *const du_kern[T_N_UNARY] = {
#define X(id, name) [T_##id] = du_##id,
    T_UNARY_OPS(X)
#undef X
};
static const bool du_flat[T_N_UNARY] = {
#define X(id, d, flat) [T_##id] = flat,
    AD_UNARY_RULES(X)
#undef X
};

Tensor *ad_unary(TUnOp op, Tensor *a) {
  Tensor *y = t_unary(op, a);
  AdNode *n = record(y, AD_UNARY, 1, &a, 0, 0);
  if (n) n->sub = op;
  return y;
}

/* The elementwise rules run on all cores from this many floats (as t_unary: ops.c). */
enum { AD_ELEM_GRAIN = 32768 };

typedef struct {
  UnGrad *k;
  const float *x, *y, *dy;
  float *g;
  int fresh;
} UnGradJob;

static void un_grad_chunk(void *ctx, int64_t lo, int64_t hi) {
  const UnGradJob *j = ctx;
  j->k(hi - lo, j->x + lo, j->y + lo, j->dy + lo, j->g + lo, j->fresh);
}

static void bw_UNARY(const Bw *b) {
  const Tensor *x = b->n->in[0];
  int fresh;
  if (du_flat[b->n->sub]) {
    slot(b, 0, NULL);
    return;
  }
  Tensor *g = slot(b, 0, &fresh);
  UnGradJob j = {b->n->sub == T_RELU ? du_relu_fast : du_kern[b->n->sub], x->data, b->y->data,
                 b->dy->data, g->data, fresh};
  par_for(x->size, AD_ELEM_GRAIN, un_grad_chunk, &j);
}

/* ---- elementwise binary ----
 * ∂f/∂a and ∂f/∂b of each T_BINARY_OPS entry in a, b and y = f(a, b), as torch has
 * them; diff 0: a comparison, whose result takes no part in the graph. */
#define AD_BINARY_RULES(X)                                                           \
  X(ADD, 1, 1, 1)                                                                    \
  X(SUB, 1, 1, -1)                                                                   \
  X(MUL, 1, b, a)                                                                    \
  X(DIV, 1, 1 / b, -(a / b) / b) /* not a/(b·b): b·b overflows past 1.8e19 */          \
  /* torch: 0 where b = 0; ∂/∂b 0 where a = 0 and b >= 0 */                          \
  X(POW, 1, b == 0 ? 0 : b * pow(a, b - 1), a == 0 && b >= 0 ? 0 : y * log(a))       \
  X(MOD, 1, 1, -floor(a / b))                                                        \
  /* ties split half and half (torch.maximum); NaN takes it all */                   \
  X(MAX, 1, a == b ? 0.5f : a < b ? 0 : 1, a == b ? 0.5f : b < a ? 0 : 1)            \
  X(MIN, 1, a == b ? 0.5f : a > b ? 0 : 1, a == b ? 0.5f : b > a ? 0 : 1)            \
  /* torch: xlogy(a != 0, b), so 0 where a = 0 unless b is NaN */                    \
  X(XLOGY, 1, b != b ? b : a == 0 ? 0 : log(b), a / b)                               \
  X(LT, 0, 0, 0)                                                                     \
  X(LE, 0, 0, 0)                                                                     \
  X(GT, 0, 0, 0)                                                                     \
  X(GE, 0, 0, 0)                                                                     \
  X(EQ, 0, 0, 0)                                                                     \
  X(NE, 0, 0, 0)

/* Over one row of n outputs: ga[i] += dy[i]·∂f/∂a, gb[i] += dy[i]·∂f/∂b (either may
   be NULL); a and b step by sa, sb ∈ {0, 1}. */
typedef void BinGrad(int64_t n, const float *A, int64_t sa, const float *B, int64_t sb,
                     const float *Y, const float *dY, float *ga, float *gb);
#define X(id, diff, da, db)                                                             \
  static void db_##id(int64_t n, const float *A, int64_t sa, const float *B, int64_t sb, \
                      const float *Y, const float *dY, float *ga, float *gb) {          \
    for (int64_t i = 0; i < n; i++) {                                                   \
      float a = A[i * sa], b = B[i * sb], y = Y[i], d = dY[i];                          \
      (void)a, (void)b, (void)y;                                                        \
      if (ga) ga[i] += d * (da);                                                        \
      if (gb) gb[i] += d * (db);                                                        \
    }                                                                                   \
  }
AD_BINARY_RULES(X)
#undef X

static BinGrad *const db_kern[T_N_BINARY] = {
#define X(id, name) [T_##id] = db_##id,
    T_BINARY_OPS(X)
#undef X
};
static const bool db_diff[T_N_BINARY] = {
#define X(id, diff, da, db) [T_##id] = diff,
    AD_BINARY_RULES(X)
#undef X
};

Tensor *ad_binary(TBinOp op, Tensor *a, Tensor *b) {
  Tensor *y = t_binary(op, a, b);
  /* a comparison is recorded only while tracing, passing no gradient (nograd 3) */
  if ((unsigned)op < T_N_BINARY && (db_diff[op] || ad_is_tracing())) {
    AdNode *n = record(y, AD_BINARY, 2, (Tensor *[]){a, b}, db_diff[op] ? 0 : 3u, 0);
    if (n) n->sub = op;
  }
  return y;
}

static void bw_BINARY(const Bw *b) {
  AdNode *n = b->n;
  const Tensor *A = n->in[0], *B = n->in[1], *y = b->y, *dy = b->dy;
  int na = need(n, 0), nb = need(n, 1);
  if (n->sub == T_ADD || n->sub == T_SUB) { /* dy itself, summed to each shape */
    if (na) sum_into(b, 0, dy, 1);
    if (nb) sum_into(b, 1, dy, n->sub == T_SUB ? -1 : 1);
    return;
  }
  /* an operand of y's shape adds straight into its accumulator; a broadcast one goes
     through a y-shaped temporary, then is summed down */
  Tensor *ta = NULL, *tb = NULL;
  float *ga = NULL, *gb = NULL;
  if (na) {
    if (t_same_shape(A, y)) ga = slot(b, 0, NULL)->data;
    else ga = (ta = scratch_new(y->ndim, y->shape, 1))->data;
  }
  if (nb) {
    if (t_same_shape(B, y)) gb = slot(b, 1, NULL)->data;
    else gb = (tb = scratch_new(y->ndim, y->shape, 1))->data;
  }
  if (y->size) {
    Walk w;
    walk_init(&w, y->ndim, y->shape, 3, (const Tensor *[]){A, B, y});
    int64_t len = w.dim[w.m - 1], sa = w.st[0][w.m - 1], sb = w.st[1][w.m - 1];
    do {
      int64_t o = w.off[2];
      db_kern[n->sub](len, A->data + w.off[0], sa, B->data + w.off[1], sb, y->data + o,
                      dy->data + o, ga ? ga + o : NULL, gb ? gb + o : NULL);
    } while (walk_next(&w));
  }
  if (ta) sum_into(b, 0, ta, 1);
  if (tb) sum_into(b, 1, tb, 1);
}

/* ---- leaky_relu, clip, where ---- */

Tensor *ad_leaky_relu(Tensor *a, float slope) {
  Tensor *y = t_leaky_relu(a, slope);
  AdNode *n = record(y, AD_LEAKY_RELU, 1, &a, 0, 0);
  if (n) n->p.f[0] = slope;
  return y;
}

/* 1 for x > 0, else slope (torch: slope at 0) */
static void bw_LEAKY_RELU(const Bw *b) {
  const Tensor *x = b->n->in[0];
  float s = b->n->p.f[0];
  Tensor *g = slot(b, 0, NULL);
  for (int64_t i = 0; i < x->size; i++) g->data[i] += b->dy->data[i] * (x->data[i] > 0 ? 1 : s);
}

Tensor *ad_clip(Tensor *a, float lo, float hi) {
  Tensor *y = t_clip(a, lo, hi);
  AdNode *n = record(y, AD_CLIP, 1, &a, 0, 0);
  if (n) n->p.f[0] = lo, n->p.f[1] = hi;
  return y;
}

/* passes where lo <= x <= hi, bounds included (torch.clamp); nowhere when lo > hi */
static void bw_CLIP(const Bw *b) {
  const Tensor *x = b->n->in[0];
  float lo = b->n->p.f[0], hi = b->n->p.f[1];
  Tensor *g = slot(b, 0, NULL);
  for (int64_t i = 0; i < x->size; i++) {
    float v = x->data[i];
    if (v >= lo && v <= hi) g->data[i] += b->dy->data[i];
  }
}

Tensor *ad_where(Tensor *c, Tensor *a, Tensor *b) {
  Tensor *y = t_where(c, a, b);
  record(y, AD_WHERE, 3, (Tensor *[]){c, a, b}, 1u, 0);
  return y;
}

/* da = dy where c != 0, db = dy where c == 0, each summed to its shape */
static void bw_WHERE(const Bw *b) {
  const Tensor *c = b->n->in[0], *y = b->y, *dy = b->dy;
  for (int i = 1; i <= 2; i++) {
    if (!need(b->n, i)) continue;
    const Tensor *x = b->n->in[i];
    Tensor *t = t_same_shape(x, y) ? slot(b, i, NULL) : scratch_new(y->ndim, y->shape, 1);
    if (y->size) {
      Walk w;
      walk_init(&w, y->ndim, y->shape, 2, (const Tensor *[]){c, y});
      int64_t len = w.dim[w.m - 1], sc = w.st[0][w.m - 1];
      do {
        const float *cc = c->data + w.off[0], *d = dy->data + w.off[1];
        float *g = t->data + w.off[1];
        for (int64_t j = 0; j < len; j++)
          if ((cc[j * sc] != 0) == (i == 1)) g[j] += d[j];
      } while (walk_next(&w));
    }
    if (t != x->ad->tmp) sum_into(b, i, t, 1);
  }
}

/* ---- reductions ---- */

Tensor *ad_reduce(TRedOp op, Tensor *a, int axis, int keepdim) {
  Tensor *y = t_reduce(op, a, axis, keepdim);
  bool index = op == T_ARGMAX || op == T_ARGMIN; /* indices: no gradient */
  if (index && !ad_is_tracing()) return y;
  AdNode *n = record(y, AD_REDUCE, 1, &a, index ? 1u : 0, 0);
  if (n) {
    n->sub = op;
    n->p.r.axis = axis == T_AXIS_ALL ? axis : t_axis(t_reduce_names[op], axis, a->ndim);
    n->p.r.keepdim = keepdim;
  }
  return y;
}

/* x viewed as [outer, n, inner]; dy and y as [outer, inner].
   sum: dy; mean: dy/n; prod: dy·(product of the others), from prefix and suffix
   products so zeros are exact; norm: dy·x/y, 0 where y = 0; max/min: dy to the first
   extreme of each row (NaN counts as the extreme, like the forward), for a full
   reduction too (torch would split it evenly between ties there). */
static void bw_REDUCE(const Bw *b) {
  TRedOp op = b->n->sub;
  if (op == T_ARGMAX || op == T_ARGMIN) return; /* traced indices (ad_set_tracing): flat */
  const Tensor *x = b->n->in[0];
  const float *dy = b->dy->data, *y = b->y->data, *xs = x->data;
  int64_t outer, n, inner;
  around(x, b->n->p.r.axis, &outer, &n, &inner);
  int fresh;
  if (op == T_SUM || op == T_MEAN) {
    float *g = slot(b, 0, &fresh)->data;
    float s = op == T_MEAN ? 1.0f / (float)n : 1;
    for (int64_t o = 0; o < outer; o++)
      for (int64_t j = 0; j < n; j++) {
        float *r = g + (o * n + j) * inner;
        const float *d = dy + o * inner;
        if (fresh) for (int64_t k = 0; k < inner; k++) r[k] = s * d[k];
        else for (int64_t k = 0; k < inner; k++) r[k] += s * d[k];
      }
    return;
  }
  float *g = slot(b, 0, NULL)->data;
  double *pre = op == T_PROD && n ? (double *)scratch_new(1, (int64_t[]){2 * n}, 0)->data : NULL;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < inner; k++) {
      int64_t base = o * n * inner + k, at = o * inner + k;
      const float *r = xs + base;
      float *gr = g + base;
      float d = dy[at];
      if (op == T_PROD) {
        double p = 1;
        for (int64_t j = 0; j < n; j++) pre[j] = p, p *= r[j * inner];
        double s = 1;
        for (int64_t j = n - 1; j >= 0; j--) {
          gr[j * inner] += (float)(d * pre[j] * s);
          s *= r[j * inner];
        }
      } else if (op == T_NORM) {
        if (y[at] != 0)
          for (int64_t j = 0; j < n; j++) gr[j * inner] += d * r[j * inner] / y[at];
      } else if (n > 0) { /* RMAX, RMIN */
        float m = r[0];
        int64_t arg = 0;
        for (int64_t j = 1; j < n && m == m; j++) {
          float v = r[j * inner];
          if (v != v || (op == T_RMAX ? v > m : v < m)) m = v, arg = j;
        }
        gr[arg * inner] += d;
      }
    }
}

/* ---- softmax, log_softmax ---- */

Tensor *ad_softmax(Tensor *a, int axis) {
  Tensor *y = t_softmax(a, axis);
  AdNode *n = record(y, AD_SOFTMAX, 1, &a, 0, 0);
  if (n) n->p.r.axis = t_axis("softmax", axis, a->ndim);
  return y;
}

/* dx = y ⊙ (dy − Σ dy⊙y) along the axis */
static void bw_SOFTMAX(const Bw *b) {
  int64_t outer, n, inner;
  around(b->y, b->n->p.r.axis, &outer, &n, &inner);
  float *g = slot(b, 0, NULL)->data;
  const float *y = b->y->data, *dy = b->dy->data;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < inner; k++) {
      int64_t off = o * n * inner + k;
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += (double)dy[off + j * inner] * y[off + j * inner];
      for (int64_t j = 0; j < n; j++) {
        int64_t i = off + j * inner;
        g[i] += y[i] * (dy[i] - (float)s);
      }
    }
}

Tensor *ad_log_softmax(Tensor *a, int axis) {
  Tensor *y = t_log_softmax(a, axis);
  AdNode *n = record(y, AD_LOG_SOFTMAX, 1, &a, 0, 0);
  if (n) n->p.r.axis = t_axis("log_softmax", axis, a->ndim);
  return y;
}

/* dx = dy − softmax·Σ dy, softmax = e^y */
static void bw_LOG_SOFTMAX(const Bw *b) {
  int64_t outer, n, inner;
  around(b->y, b->n->p.r.axis, &outer, &n, &inner);
  float *g = slot(b, 0, NULL)->data;
  const float *y = b->y->data, *dy = b->dy->data;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < inner; k++) {
      int64_t off = o * n * inner + k;
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += dy[off + j * inner];
      for (int64_t j = 0; j < n; j++) {
        int64_t i = off + j * inner;
        g[i] += dy[i] - expf(y[i]) * (float)s;
      }
    }
}

/* ---- pick ---- */

Tensor *ad_pick(Tensor *q, Tensor *idx) {
  Tensor *y = t_pick(q, idx);
  record(y, AD_PICK, 2, (Tensor *[]){q, idx}, 2u, 0);
  return y;
}

/* dq[r, idx[r]] += dy[r] (the indices were checked by the forward) */
static void bw_PICK(const Bw *b) {
  const Tensor *q = b->n->in[0], *idx = b->n->in[1];
  int64_t k = q->shape[q->ndim - 1];
  float *g = slot(b, 0, NULL)->data;
  for (int64_t r = 0; r < idx->size; r++) g[r * k + (int64_t)idx->data[r]] += b->dy->data[r];
}

/* ---- matmul ---- */

Tensor *ad_matmul(Tensor *a, Tensor *b) {
  Tensor *y = t_matmul(a, b);
  record(y, AD_MATMUL, 2, (Tensor *[]){a, b}, 0, 0);
  return y;
}

/* Strides, in matrices, of batch shape s (rank ns) inside broadcast batch rank n. */
static void mstrides(int ns, const int64_t *s, int n, int64_t *st) {
  int64_t m = 1;
  for (int i = n - 1; i >= 0; i--) {
    int j = i - (n - ns);
    st[i] = j >= 0 && s[j] != 1 ? m : 0;
    if (j >= 0) m *= s[j];
  }
}

/* A 1-D operand is a [1, K] row on the left, a [K, 1] column on the right; dY is
   then [batch, M, N] whatever axes the result dropped. Per batch element t:
     dA_t += dY_t · B_tᵀ   t_gemm(0, 1, M, K, N)   A: [M, K], B: [K, N]
     dB_t += A_tᵀ · dY_t   t_gemm(1, 0, K, N, M)
   with no transposed copies; an operand broadcast over batch axes collects the sum
   of its batch elements (β = 1). When B has no batch, A's batches stack into one
   [batch·M, K] matrix and each gradient is a single gemm. */
static void bw_MATMUL(const Bw *bw) {
  const Tensor *A = bw->n->in[0], *B = bw->n->in[1];
  const float *dY = bw->dy->data;
  int na = A->ndim >= 2 ? A->ndim - 2 : 0, nb = B->ndim >= 2 ? B->ndim - 2 : 0;
  int nbt = na > nb ? na : nb;
  int64_t M = A->ndim >= 2 ? A->shape[A->ndim - 2] : 1, K = A->shape[A->ndim - 1];
  int64_t N = B->ndim >= 2 ? B->shape[B->ndim - 1] : 1;
  int64_t batch = 1, abatch = 1, bbatch = 1;
  for (int i = 0; i < nbt; i++) batch *= bw->y->shape[i];
  for (int i = 0; i < na; i++) abatch *= A->shape[i];
  for (int i = 0; i < nb; i++) bbatch *= B->shape[i];
  for (int which = 0; which < 2; which++) {
    if (!need(bw->n, which)) continue;
    int fresh;
    Tensor *g = slot(bw, which, &fresh);
    int64_t own = which ? bbatch : abatch;
    /* β = 0 only when each block of a new accumulator is written exactly once */
    float beta = 1;
    if (fresh && (bbatch == 1 || (batch > 0 && own == batch))) beta = 0;
    else if (fresh) memset(g->data, 0, (size_t)g->size * sizeof(float));
    if (bbatch == 1) {
      if (which == 0) t_gemm(0, 1, batch * M, K, N, 1, dY, B->data, beta, g->data);
      else t_gemm(1, 0, K, N, batch * M, 1, A->data, dY, beta, g->data);
      continue;
    }
    int64_t sa[T_MAXDIM], sb[T_MAXDIM], idx[T_MAXDIM] = {0}, oa = 0, ob = 0;
    mstrides(na, A->shape, nbt, sa);
    mstrides(nb, B->shape, nbt, sb);
    for (int64_t t = 0; t < batch; t++) {
      const float *d = dY + t * M * N;
      if (which == 0)
        t_gemm(0, 1, M, K, N, 1, d, B->data + ob * K * N, beta, g->data + oa * M * K);
      else
        t_gemm(1, 0, K, N, M, 1, A->data + oa * M * K, d, beta, g->data + ob * K * N);
      for (int i = nbt - 1; i >= 0; i--) {
        oa += sa[i];
        ob += sb[i];
        if (++idx[i] < bw->y->shape[i]) break;
        oa -= sa[i] * bw->y->shape[i];
        ob -= sb[i] * bw->y->shape[i];
        idx[i] = 0;
      }
    }
  }
}

/* ---- shapes ---- */

Tensor *ad_reshape(Tensor *a, int ndim, const int64_t *shape) {
  Tensor *y = t_reshape(a, ndim, shape);
  record(y, AD_RESHAPE, 1, &a, 0, 0);
  return y;
}

Tensor *ad_flatten(Tensor *a) {
  Tensor *y = t_flatten(a);
  record(y, AD_RESHAPE, 1, &a, 0, 0);
  return y;
}

/* dx = dy in x's shape (same elements, same order) */
static void bw_RESHAPE(const Bw *b) { pass(b, 0, b->dy, 1); }

Tensor *ad_permute(Tensor *a, const int *perm) {
  Tensor *y = t_permute(a, perm);
  AdNode *n = record(y, AD_PERMUTE, 1, &a, 0, 0);
  if (n)
    for (int k = 0; k < a->ndim; k++) n->p.perm[k] = perm[k] < 0 ? perm[k] + a->ndim : perm[k];
  return y;
}

Tensor *ad_transpose(Tensor *a) {
  Tensor *y = t_transpose(a);
  AdNode *n = record(y, AD_PERMUTE, 1, &a, 0, 0);
  if (n)
    for (int k = 0; k < a->ndim; k++) n->p.perm[k] = a->ndim - 1 - k;
  return y;
}

/* dx = permute(dy, perm⁻¹): y's axis k is x's axis perm[k] */
static void bw_PERMUTE(const Bw *b) {
  int inv[T_MAXDIM];
  for (int k = 0; k < b->y->ndim; k++) inv[b->n->p.perm[k]] = k;
  pass(b, 0, scratch_keep(t_permute(b->dy, inv)), 1);
}

Tensor *ad_concat(int n, Tensor *const *ts, int axis) {
  Tensor *y = t_concat(n, ts, axis);
  AdNode *nd = record(y, AD_CONCAT, n, ts, 0, 0);
  if (nd) nd->p.r.axis = t_axis("concat", axis, ts[0]->ndim);
  return y;
}

/* dts[i] = dy's slab i along the axis: y is [outer, Σ chunk_i], rows interleaved */
static void bw_CONCAT(const Bw *b) {
  int axis = b->n->p.r.axis;
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < axis; k++) outer *= b->y->shape[k];
  for (int k = axis + 1; k < b->y->ndim; k++) inner *= b->y->shape[k];
  int64_t row = b->y->shape[axis] * inner, at = 0;
  for (int i = 0; i < b->n->n_in; i++) {
    int64_t chunk = b->n->in[i]->shape[axis] * inner;
    if (need(b->n, i)) {
      int fresh;
      float *g = slot(b, i, &fresh)->data;
      for (int64_t o = 0; o < outer; o++)
        axpy(chunk, 1, b->dy->data + o * row + at, g + o * chunk, fresh);
    }
    at += chunk;
  }
}

Tensor *ad_stack(int n, Tensor *const *ts, int axis) {
  Tensor *y = t_stack(n, ts, axis);
  AdNode *nd = record(y, AD_STACK, n, ts, 0, 0);
  if (nd) nd->p.r.axis = t_axis("stack", axis, ts[0]->ndim + 1);
  return y;
}

/* dts[i] = dy[..., i, ...] along the new axis */
static void bw_STACK(const Bw *b) {
  int axis = b->n->p.r.axis, n = b->n->n_in;
  int64_t outer = 1;
  for (int k = 0; k < axis; k++) outer *= b->y->shape[k];
  int64_t chunk = outer ? b->n->in[0]->size / outer : 0;
  for (int i = 0; i < n; i++) {
    if (!need(b->n, i)) continue;
    int fresh;
    float *g = slot(b, i, &fresh)->data;
    for (int64_t o = 0; o < outer; o++)
      axpy(chunk, 1, b->dy->data + (o * n + i) * chunk, g + o * chunk, fresh);
  }
}

/* ---- indexing ---- */

Tensor *ad_index(Tensor *a, int n, const TIndex *ix) {
  Tensor *y = t_index(a, n, ix);
  AdNode *nd = record(y, AD_INDEX, 1, &a, 0, (size_t)n * sizeof *ix);
  if (nd) {
    nd->p.ix.n = n;
    nd->p.ix.v = (TIndex *)(nd->in + 1);
    if (n) memcpy(nd->p.ix.v, ix, (size_t)n * sizeof *ix);
  }
  return y;
}

/* dx[ix] += dy: a selection never repeats an element, so into a new accumulator of
   zeros this is t_index_assign; into one that holds a sum, read, add, write back. */
static void bw_INDEX(const Bw *b) {
  int n = b->n->p.ix.n;
  const TIndex *ix = b->n->p.ix.v;
  int fresh;
  Tensor *g = slot(b, 0, &fresh);
  if (fresh) {
    memset(g->data, 0, (size_t)g->size * sizeof(float));
    t_index_assign(g, n, ix, b->dy);
    return;
  }
  Tensor *cur = scratch_keep(t_index(g, n, ix));
  axpy(cur->size, 1, b->dy->data, cur->data, 0);
  t_index_assign(g, n, ix, cur);
}

/* ---- this file's rules, by node kind (AD_OPS_NODES in autograd_impl.h) ---- */

static BwRule *const bw_rule[AD_N_OPS] = {
#define X(id, name) [AD_##id] = bw_##id,
    AD_OPS_NODES(X)
#undef X
};

static AdNode *record(Tensor *y, AdOp op, int n, Tensor *const *in, unsigned nograd,
                      size_t extra) {
  return ad_record(y, op, bw_rule[op], n, in, nograd, extra);
}
