/* autograd.c — reverse-mode autodiff: the recorded graph, ad_backward, and each op's
 * forward (ad_*) beside its backward (bw_*).
 *
 * A node names its op, retains its inputs and keeps the op's parameters; it never
 * retains its own output (ad_backward has the output in hand and passes it in).
 * Backward rules add (+=) into their inputs' gradient accumulators ("slots"), which
 * live in the input's node only while ad_backward runs and are dropped as soon as
 * that node has been processed. A slot may be shared between nodes (dy handed on
 * unchanged by add or reshape); anything written to is first made private, so
 * sharing never changes a value (copy on write, decided by the refcount).
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

#include "conv.h"
#include "error.h"
#include "mem.h"

/* ---- the graph ----
 * One entry per kind of node; each has its rule bw_<ID> below, next to its forward
 * op, and the dispatch table at the end is generated from this list (a kind without
 * a rule does not compile). */
#define AD_NODE_OPS(X)                                  \
  X(LEAF, "leaf")               /* dleaf += dy */       \
  X(UNARY, "unary")             /* T_UNARY_OPS */       \
  X(BINARY, "binary")           /* T_BINARY_OPS */      \
  X(LEAKY_RELU, "leaky_relu")                           \
  X(CLIP, "clip")                                       \
  X(WHERE, "where")                                     \
  X(REDUCE, "reduce")           /* T_REDUCE_OPS */      \
  X(SOFTMAX, "softmax")                                 \
  X(LOG_SOFTMAX, "log_softmax")                         \
  X(PICK, "pick")                                       \
  X(MATMUL, "matmul")                                   \
  X(RESHAPE, "reshape")         /* and flatten */       \
  X(PERMUTE, "permute")         /* and transpose */     \
  X(CONCAT, "concat")                                   \
  X(STACK, "stack")                                     \
  X(INDEX, "index")                                     \
  X(XENT, "softmax_cross_entropy")                      \
  X(SIGBCE, "sigmoid_bce")                              \
  X(CONV2D, "conv2d")                                   \
  X(MAXPOOL2D, "maxpool2d")                             \
  X(BATCHNORM, "batchnorm")

typedef enum {
#define X(id, name) AD_##id,
  AD_NODE_OPS(X)
#undef X
      AD_N_OPS
} AdOp;

typedef struct AdNode AdNode;
struct AdNode {
  AdOp op;
  int sub;          /* TUnOp / TBinOp / TRedOp of UNARY, BINARY, REDUCE */
  int n_in;
  unsigned nograd;  /* bit i set: no gradient flows to in[i] (where's c, pick's idx) */
  Tensor **in;      /* n_in retained inputs, stored after the node */
  Tensor *grad;     /* LEAF: dL/dleaf, summed over ad_backward calls; owned */
  Tensor *aux;      /* saved forward data: XENT's per-row max and log-sum-exp,
                       MAXPOOL2D's argmax indices, BATCHNORM's mean and 1/std */
  union {
    float f[2];                      /* LEAKY_RELU slope; CLIP lo, hi */
    struct { int axis, keepdim; } r; /* REDUCE, SOFTMAX, LOG_SOFTMAX, CONCAT, STACK */
    int perm[T_MAXDIM];              /* PERMUTE */
    struct { int n; TIndex *v; } ix; /* INDEX: a copy stored after the node */
    int probs;                       /* XENT: the target holds probabilities */
    struct { int stride, pad; } cv;  /* CONV2D */
    struct { int k, stride; } pool;  /* MAXPOOL2D */
    int batch_stats;                 /* BATCHNORM: normalised by the batch's statistics */
  } p;
  /* scratch of ad_backward */
  uint64_t epoch;       /* last backward pass that reached this node */
  int64_t pending;      /* consumers not yet processed in that pass */
  Tensor *tmp;          /* dL/d(output) being accumulated in that pass */
  struct AdNode *next;  /* ad_node_free's work list */
};

static _Thread_local bool recording = true;

bool ad_set_recording(bool on) {
  bool was = recording;
  recording = on;
  return was;
}

bool ad_is_recording(void) { return recording; }

bool ad_is_tracked(const Tensor *t) { return t->ad != NULL; }
bool ad_is_leaf(const Tensor *t) { return t->ad && t->ad->op == AD_LEAF; }

static int need(const AdNode *n, int i) {
  return n->in[i]->ad && !(i < 32 && (n->nograd >> i & 1));
}

/* Give y = op(in[0..n)) its node, when recording is on and some input that takes a
   gradient is tracked; else NULL. The node and `extra` bytes after it are one
   allocation; if it fails, y is released before the error goes on. */
static AdNode *record(Tensor *y, AdOp op, int n, Tensor *const *in, unsigned nograd,
                      size_t extra) {
  if (!recording) return NULL;
  int any = 0;
  for (int i = 0; i < n && !any; i++) any = in[i]->ad && !(i < 32 && (nograd >> i & 1));
  if (!any) return NULL;
  size_t size = sizeof(AdNode) + (size_t)n * sizeof(Tensor *) + extra;
  AdNode *nd;
  RtFrame f;
  if (RT_TRY(&f)) {
    nd = rt_calloc(1, size);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  nd->op = op;
  nd->n_in = n;
  nd->nograd = nograd;
  nd->in = (Tensor **)(nd + 1);
  for (int i = 0; i < n; i++) nd->in[i] = t_retain(in[i]);
  y->ad = nd;
  y->ad_release = ad_node_free;
  return nd;
}

/* Nodes are freed through a work list, not by recursion: releasing the last result
   of a 100k-step chain frees 100k nodes one after another on a flat stack. A nested
   call (t_release of an input reaching here again) only pushes. */
static _Thread_local AdNode *dying;
static _Thread_local bool freeing;

void ad_node_free(struct AdNode *n) {
  if (!n) return;
  n->next = dying;
  dying = n;
  if (freeing) return;
  freeing = true;
  while (dying) {
    AdNode *m = dying;
    dying = m->next;
    for (int i = 0; i < m->n_in; i++) t_release(m->in[i]);
    t_release(m->grad);
    t_release(m->aux);
    t_release(m->tmp);
    rt_free(m);
  }
  freeing = false;
}

/* ---- leaves ---- */

void ad_track(Tensor *t) {
  if (t->ad) {
    if (t->ad->op != AD_LEAF) rt_throw("cannot track a computed tensor");
    return;
  }
  AdNode *nd = rt_calloc(1, sizeof *nd);
  nd->op = AD_LEAF;
  nd->in = (Tensor **)(nd + 1);
  t->ad = nd;
  t->ad_release = ad_node_free;
}

Tensor *ad_grad(const Tensor *leaf) {
  return leaf->ad && leaf->ad->op == AD_LEAF ? leaf->ad->grad : NULL;
}

void ad_zero_grad(Tensor *leaf) {
  if (!leaf->ad || leaf->ad->op != AD_LEAF) return;
  t_release(leaf->ad->grad);
  leaf->ad->grad = NULL;
}

Tensor *ad_detach(const Tensor *t) { return t_copy(t); }

/* ---- helpers of the backward rules ---- */

typedef struct Bw {
  AdNode *n;        /* the node being differentiated */
  const Tensor *y;  /* its output */
  const Tensor *dy; /* dL/dy, y's shape */
} Bw;

/* Temporaries of one rule, released by ad_backward after the rule, or when it
   throws: a rule never owns memory across a call that may throw. */
enum { N_SCRATCH = 4 };
static _Thread_local Tensor *scratch[N_SCRATCH];

static Tensor *scratch_new(int ndim, const int64_t *shape, int zero) {
  for (int i = 0; i < N_SCRATCH; i++)
    if (!scratch[i]) {
      scratch[i] = zero ? t_zeros(ndim, shape) : t_new(ndim, shape);
      return scratch[i];
    }
  rt_throw("grad: internal error: out of scratch tensors");
}

/* Adopt a tensor a rule just made (the next call that may throw cannot leak it). */
static Tensor *scratch_keep(Tensor *t) {
  for (int i = 0; i < N_SCRATCH; i++)
    if (!scratch[i]) return scratch[i] = t;
  t_release(t);
  rt_throw("grad: internal error: out of scratch tensors");
}

static void scratch_drop(void) {
  for (int i = 0; i < N_SCRATCH; i++) {
    t_release(scratch[i]);
    scratch[i] = NULL;
  }
}

/* The gradient accumulator of input i: its shape, owned by its node alone, so it may
   be written. With fresh != NULL a new accumulator is left uninitialised and *fresh
   says so (the rule must then write every element with =); with fresh == NULL it is
   zeroed and the rule adds. */
static Tensor *slot(const Bw *b, int i, int *fresh) {
  Tensor *x = b->n->in[i];
  AdNode *m = x->ad;
  if (fresh) *fresh = 0;
  if (!m->tmp) {
    m->tmp = t_new(x->ndim, x->shape);
    if (fresh) *fresh = 1;
    else memset(m->tmp->data, 0, (size_t)m->tmp->size * sizeof(float));
  } else if (m->tmp->rc > 1) {
    Tensor *c = t_copy(m->tmp);
    t_release(m->tmp);
    m->tmp = c;
  }
  return m->tmp;
}

/* g[i] (+)= s·src[i] over n floats: = when fresh. */
static void axpy(int64_t n, float s, const float *src, float *g, int fresh) {
  if (fresh && s == 1) memcpy(g, src, (size_t)n * sizeof *g);
  else if (fresh)
    for (int64_t i = 0; i < n; i++) g[i] = s * src[i];
  else if (s == 1)
    for (int64_t i = 0; i < n; i++) g[i] += src[i];
  else
    for (int64_t i = 0; i < n; i++) g[i] += s * src[i];
}

/* d(input i) += s·g, g holding as many elements as input i: when nothing has been
   accumulated yet and the shapes agree, g itself is shared (no copy). */
static void pass(const Bw *b, int i, const Tensor *g, float s) {
  Tensor *x = b->n->in[i];
  if (!x->ad->tmp && s == 1 && t_same_shape(x, g)) {
    x->ad->tmp = t_retain((Tensor *)g); /* never written while shared (slot copies) */
    return;
  }
  int fresh;
  Tensor *d = slot(b, i, &fresh);
  axpy(d->size, s, g->data, d->data, fresh);
}

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

static void bw_UNARY(const Bw *b) {
  const Tensor *x = b->n->in[0];
  int fresh;
  if (du_flat[b->n->sub]) {
    slot(b, 0, NULL);
    return;
  }
  Tensor *g = slot(b, 0, &fresh);
  du_kern[b->n->sub](x->size, x->data, b->y->data, b->dy->data, g->data, fresh);
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
  if ((unsigned)op < T_N_BINARY && db_diff[op]) {
    AdNode *n = record(y, AD_BINARY, 2, (Tensor *[]){a, b}, 0, 0);
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
  if (op == T_ARGMAX || op == T_ARGMIN) return y; /* indices: no gradient */
  AdNode *n = record(y, AD_REDUCE, 1, &a, 0, 0);
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

/* ---- fused softmax cross-entropy ---- */

static int64_t xent_class(float v, int64_t k, int64_t row) {
  if (v != floorf(v))
    rt_throw("softmax_cross_entropy: index %g is not an integer (row %lld)", v, (long long)row);
  if (v < 0 || v >= (float)k)
    rt_throw("softmax_cross_entropy: index %.0f is out of range for %lld classes (row %lld)",
             v, (long long)k, (long long)row);
  return (int64_t)v;
}

/* z [..., k] in rows [R, k]; per row l = log Σ_j e^z_j, computed as c + log Σ e^(z−c)
   with c = max z so logits of ±1000 stay finite; loss_r = l − z[y_r] for class
   indices, Σ_j p_j (l − z_j) for probabilities (0 where p_j = 0); result mean_r. */
Tensor *ad_softmax_cross_entropy(Tensor *logits, Tensor *target) {
  const char *op = "softmax_cross_entropy";
  char s1[96], s2[96];
  const Tensor *z = logits;
  if (z->ndim == 0) rt_throw("%s: logits must have a class axis (got shape [])", op);
  int64_t k = z->shape[z->ndim - 1], rows = 1;
  rows = t_span(z->shape, 0, z->ndim - 1);
  int probs = t_same_shape(target, z), ok = probs || target->ndim == z->ndim - 1;
  for (int i = 0; ok && !probs && i < target->ndim; i++) ok = target->shape[i] == z->shape[i];
  if (!ok)
    rt_throw("%s: targets of shape %s do not fit logits of shape %s (want class indices "
             "of the logits' shape without its last axis, or probabilities of its shape)",
             op, t_shape_str(target->ndim, target->shape, s1, 96),
             t_shape_str(z->ndim, z->shape, s2, 96));
  if (k == 0 && rows > 0)
    rt_throw("%s: logits of shape %s have no classes", op, t_shape_str(z->ndim, z->shape, s1, 96));
  if (!probs)
    for (int64_t r = 0; r < rows; r++) xent_class(target->data[r], k, r);
  /* per row c and log Σ e^(z−c), kept apart: c + log… in one float would lose the
     bits that make e^(z − l) exact for |z| ≈ 1000 */
  Tensor *lse = t_new(2, (int64_t[]){rows, 2});
  double loss = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float *x = z->data + r * k;
    float c = x[0];
    for (int64_t j = 1; j < k; j++)
      if (x[j] > c) c = x[j];
    double s = 0;
    for (int64_t j = 0; j < k; j++) s += exp((double)x[j] - c);
    double l = c + log(s);
    lse->data[2 * r] = c;
    lse->data[2 * r + 1] = (float)log(s);
    if (!probs) {
      loss += l - x[(int64_t)target->data[r]];
    } else {
      const float *p = target->data + r * k;
      for (int64_t j = 0; j < k; j++)
        if (p[j] != 0) loss += p[j] * (l - x[j]);
    }
  }
  Tensor *y;
  RtFrame f;
  if (RT_TRY(&f)) {
    y = t_scalar((float)(loss / (double)rows));
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(lse);
    rt_rethrow();
  }
  AdNode *n = record(y, AD_XENT, 2, (Tensor *[]){logits, target}, probs ? 0 : 2u, 0);
  if (n) {
    n->p.probs = probs;
    n->aux = lse;
  } else {
    t_release(lse);
  }
  return y;
}

/* s = e^(z − l) = softmax(z); dz = dy/R · (s − onehot(y)) or dy/R · (s·Σp − p);
   probabilities also get dp = dy/R · (l − z) = −dy/R · log_softmax(z).
   l − z_j is taken as (c − z_j) + log Σ e^(z−c). */
static void bw_XENT(const Bw *b) {
  const Tensor *z = b->n->in[0], *t = b->n->in[1];
  const float *cl = b->n->aux->data;
  int64_t rows = b->n->aux->shape[0], k = z->shape[z->ndim - 1];
  float d = b->dy->data[0] / (float)rows;
  if (need(b->n, 0)) {
    int fresh;
    float *g = slot(b, 0, &fresh)->data;
    for (int64_t r = 0; r < rows; r++) {
      const float *x = z->data + r * k;
      float *gr = g + r * k, sp = 1;
      if (b->n->p.probs) {
        sp = 0;
        for (int64_t j = 0; j < k; j++) sp += t->data[r * k + j];
      }
      for (int64_t j = 0; j < k; j++) {
        float v = expf((x[j] - cl[2 * r]) - cl[2 * r + 1]) * sp;
        if (b->n->p.probs) v -= t->data[r * k + j];
        else if (j == (int64_t)t->data[r]) v -= 1;
        gr[j] = fresh ? d * v : gr[j] + d * v;
      }
    }
  }
  if (b->n->p.probs && need(b->n, 1)) {
    float *g = slot(b, 1, NULL)->data;
    for (int64_t r = 0; r < rows; r++)
      for (int64_t j = 0; j < k; j++)
        g[r * k + j] += d * ((cl[2 * r] - z->data[r * k + j]) + cl[2 * r + 1]);
  }
}

/* ---- fused sigmoid binary cross-entropy ---- */

/* z, y of one shape (n elements): the mean over elements of
   −(y log σ(z) + (1 − y) log(1 − σ(z))) = max(z, 0) − z·y + log(1 + e^−|z|),
   which never exponentiates a positive number, so logits of ±1000 stay finite and
   exact (PyTorch's BCEWithLogitsLoss; no clamp at −100 is needed). */
Tensor *ad_sigmoid_bce(Tensor *logits, Tensor *target) {
  const char *op = "sigmoid_bce";
  char s1[96], s2[96];
  if (!t_same_shape(logits, target))
    rt_throw("%s: targets of shape %s do not fit logits of shape %s (want the same shape)", op,
             t_shape_str(target->ndim, target->shape, s1, 96),
             t_shape_str(logits->ndim, logits->shape, s2, 96));
  double loss = 0;
  for (int64_t i = 0; i < logits->size; i++) {
    double z = logits->data[i], y = target->data[i];
    if (!(y >= 0 && y <= 1))
      rt_throw("%s: target %g (element %lld) is not between 0 and 1", op, y, (long long)i);
    loss += (z > 0 ? z : 0) - z * y + log1p(exp(-fabs(z)));
  }
  Tensor *y = t_scalar((float)(logits->size ? loss / (double)logits->size : NAN));
  record(y, AD_SIGBCE, 2, (Tensor *[]){logits, target}, 0, 0);
  return y;
}

/* dz = dy/n · (σ(z) − y), σ taken as 1/(1 + e^−z) or e^z/(1 + e^z) by the sign of z so
   that the exponential never overflows; dy_target = −dy/n · z (soft targets). */
static void bw_SIGBCE(const Bw *b) {
  const Tensor *z = b->n->in[0], *t = b->n->in[1];
  float d = b->dy->data[0] / (float)z->size;
  if (need(b->n, 0)) {
    int fresh;
    float *g = slot(b, 0, &fresh)->data;
    for (int64_t i = 0; i < z->size; i++) {
      double x = z->data[i], e = exp(-fabs(x));
      float v = d * (float)((x >= 0 ? 1 / (1 + e) : e / (1 + e)) - t->data[i]);
      g[i] = fresh ? v : g[i] + v;
    }
  }
  if (need(b->n, 1)) {
    float *g = slot(b, 1, NULL)->data;
    for (int64_t i = 0; i < z->size; i++) g[i] -= d * z->data[i];
  }
}

/* ---- convolution, max pooling, batch normalisation (kernels in runtime/conv.c) ---- */

/* x ⋆ w as conv.c sees it; throws, naming both shapes, when they do not fit. */
static ConvShape conv_shape(const Tensor *x, const Tensor *w, const Tensor *b, int stride,
                            int pad) {
  char s1[96], s2[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  t_shape_str(w->ndim, w->shape, s2, sizeof s2);
  if (x->ndim != 3 && x->ndim != 4)
    rt_throw("conv2d: the input must be [B, C, H, W] (or [B, H, W] with one channel), got shape %s", s1);
  if (w->ndim != 4 || w->shape[2] != w->shape[3])
    rt_throw("conv2d: the weights must be [F, C, k, k], got shape %s", s2);
  if (b->ndim != 1 || b->shape[0] != w->shape[0]) {
    char s3[96];
    rt_throw("conv2d: a bias of shape %s does not fit weights of shape %s (want [%lld])",
             t_shape_str(b->ndim, b->shape, s3, sizeof s3), s2, (long long)w->shape[0]);
  }
  if (stride < 1) rt_throw("conv2d: the stride must be >= 1, got %d", stride);
  if (pad < 0) rt_throw("conv2d: the padding must be >= 0, got %d", pad);
  int four = x->ndim == 4;
  ConvShape s = {.B = x->shape[0], .C = four ? x->shape[1] : 1, .H = x->shape[1 + four],
                 .W = x->shape[2 + four], .F = w->shape[0], .k = w->shape[2], .stride = stride,
                 .pad = pad};
  if (s.C != w->shape[1])
    rt_throw("conv2d: input of shape %s has %lld channel%s, weights of shape %s expect %lld", s1,
             (long long)s.C, s.C == 1 ? "" : "s", s2, (long long)w->shape[1]);
  s.OH = conv_out_size(s.H, s.k, stride, pad);
  s.OW = conv_out_size(s.W, s.k, stride, pad);
  if (s.OH < 1 || s.OW < 1)
    rt_throw("conv2d: a %lldx%lld kernel does not fit input of shape %s with padding %d "
             "(H + 2*padding = %lld, W + 2*padding = %lld)", (long long)s.k, (long long)s.k, s1,
             pad, (long long)(s.H + 2 * pad), (long long)(s.W + 2 * pad));
  return s;
}

/* y[n, f] = b[f] + Σ_c x[n, c] ⋆ w[f, c] (cross-correlation, like torch), im2col + gemm */
Tensor *ad_conv2d(Tensor *x, Tensor *w, Tensor *b, int stride, int pad) {
  ConvShape s = conv_shape(x, w, b, stride, pad);
  Tensor *y = t_new(4, (int64_t[]){s.B, s.F, s.OH, s.OW});
  float *col;
  RtFrame f;
  if (RT_TRY(&f)) {
    col = rt_malloc_aligned((size_t)conv_col_size(&s) * sizeof(float));
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  conv2d_forward(&s, x->data, w->data, b->data, y->data, col);
  rt_free(col);
  AdNode *n = record(y, AD_CONV2D, 3, (Tensor *[]){x, w, b}, 0, 0);
  if (n) n->p.cv.stride = stride, n->p.cv.pad = pad;
  return y;
}

/* dw += Σ dy·colᵀ, dx += col2im(wᵀ·dy), db += Σ dy; one column buffer reused per sample */
static void bw_CONV2D(const Bw *b) {
  AdNode *n = b->n;
  const Tensor *x = n->in[0], *w = n->in[1];
  ConvShape s = conv_shape(x, w, n->in[2], n->p.cv.stride, n->p.cv.pad);
  float *dx = need(n, 0) ? slot(b, 0, NULL)->data : NULL;
  float *dw = need(n, 1) ? slot(b, 1, NULL)->data : NULL;
  float *db = need(n, 2) ? slot(b, 2, NULL)->data : NULL;
  int64_t cs[1] = {conv_col_size(&s)};
  float *col = dw ? scratch_new(1, cs, 0)->data : NULL;
  float *dcol = dx ? scratch_new(1, cs, 0)->data : NULL;
  conv2d_backward(&s, x->data, w->data, b->dy->data, dx, dw, db, col, dcol);
}

/* y = the maximum of each k×k window of the last two axes, every `stride` pixels */
Tensor *ad_maxpool2d(Tensor *x, int k, int stride) {
  char s1[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  if (x->ndim < 2) rt_throw("maxpool2d: the input must have H and W axes ([B, C, H, W]), got shape %s", s1);
  if (k < 1) rt_throw("maxpool2d: the window must be >= 1, got %d", k);
  if (stride < 1) rt_throw("maxpool2d: the stride must be >= 1, got %d", stride);
  int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
  int64_t OH = conv_out_size(H, k, stride, 0), OW = conv_out_size(W, k, stride, 0);
  if (OH < 1 || OW < 1)
    rt_throw("maxpool2d: a %dx%d window does not fit input of shape %s (H = %lld, W = %lld)", k, k,
             s1, (long long)H, (long long)W);
  if (H * W > INT32_MAX) rt_throw("maxpool2d: planes of %lldx%lld pixels are too large", (long long)H, (long long)W);
  int64_t shape[T_MAXDIM];
  memcpy(shape, x->shape, sizeof shape);
  shape[x->ndim - 2] = OH;
  shape[x->ndim - 1] = OW;
  Tensor *y = t_new(x->ndim, shape), *arg;
  RtFrame f;
  if (RT_TRY(&f)) {
    arg = t_new(x->ndim, shape); /* int32 indices in float-sized cells */
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  int64_t P = x->size / (H * W);
  maxpool2d_forward(P, H, W, k, stride, OH, OW, x->data, y->data, (int32_t *)(void *)arg->data);
  AdNode *n = NULL;
  if (RT_TRY(&f)) {
    n = record(y, AD_MAXPOOL2D, 1, &x, 0, 0);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(arg);
    rt_rethrow();
  }
  if (n) {
    n->aux = arg;
    n->p.pool.k = k;
    n->p.pool.stride = stride;
  } else {
    t_release(arg);
  }
  return y;
}

/* dx += dy at each window's first maximum (the index saved by the forward) */
static void bw_MAXPOOL2D(const Bw *b) {
  const Tensor *x = b->n->in[0];
  int64_t HW = x->shape[x->ndim - 2] * x->shape[x->ndim - 1];
  int64_t OHW = b->y->shape[b->y->ndim - 2] * b->y->shape[b->y->ndim - 1];
  float *dx = slot(b, 0, NULL)->data;
  maxpool2d_backward(x->size / HW, HW, OHW, (const int32_t *)(const void *)b->n->aux->data,
                     b->dy->data, dx);
}

/* y = gamma·(x − μ)/√(σ² + eps) + beta per channel (axis 1), μ and σ² from the batch
   (training: biased σ²; the running statistics move by momentum, with the unbiased σ²)
   or the running statistics (eval), exactly as torch.nn.BatchNorm1d/2d */
Tensor *ad_batchnorm(Tensor *x, Tensor *gamma, Tensor *beta, Tensor *running_mean,
                     Tensor *running_var, bool training, float momentum, float eps) {
  char s1[96], s2[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  if (x->ndim < 2) rt_throw("batchnorm: the input must be [B, C] or [B, C, H, W], got shape %s", s1);
  int64_t B = x->shape[0], C = x->shape[1], S = 1;
  S = t_span(x->shape, 2, x->ndim);
  Tensor *ps[4] = {gamma, beta, running_mean, running_var};
  for (int i = 0; i < 4; i++)
    if (ps[i]->ndim != 1 || ps[i]->shape[0] != C)
      rt_throw("batchnorm: input of shape %s has %lld channels (axis 1), but a parameter has shape %s",
               s1, (long long)C, t_shape_str(ps[i]->ndim, ps[i]->shape, s2, sizeof s2));
  if (training && B * S <= 1)
    rt_throw("batchnorm: training needs more than one value per channel, got input of shape %s", s1);
  Tensor *y = t_new(x->ndim, x->shape), *stats; /* stats [2, C]: mean, 1/std */
  RtFrame f;
  if (RT_TRY(&f)) {
    stats = t_new(2, (int64_t[]){2, C});
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  float *mean = stats->data, *istd = stats->data + C;
  if (training) {
    bn_stats(B, C, S, x->data, mean, istd);
    double unbias = (double)(B * S) / (double)(B * S - 1);
    for (int64_t c = 0; c < C; c++) {
      float *rm = running_mean->data + c, *rv = running_var->data + c;
      *rm = (1 - momentum) * *rm + momentum * mean[c];
      *rv = (1 - momentum) * *rv + momentum * (float)(istd[c] * unbias);
      istd[c] = 1 / sqrtf(istd[c] + eps);
    }
  } else {
    for (int64_t c = 0; c < C; c++) {
      mean[c] = running_mean->data[c];
      istd[c] = 1 / sqrtf(running_var->data[c] + eps);
    }
  }
  bn_forward(B, C, S, x->data, mean, istd, gamma->data, beta->data, y->data);
  AdNode *n = NULL;
  if (RT_TRY(&f)) {
    n = record(y, AD_BATCHNORM, 3, (Tensor *[]){x, gamma, beta}, 0, 0);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(stats);
    rt_rethrow();
  }
  if (n) {
    n->aux = stats;
    n->p.batch_stats = training;
  } else {
    t_release(stats);
  }
  return y;
}

/* dbeta += Σ dy, dgamma += Σ dy·x̂, dx as conv.h's bn_backward (through the batch
   statistics in training, a per-channel scale in eval) */
static void bw_BATCHNORM(const Bw *b) {
  AdNode *n = b->n;
  const Tensor *x = n->in[0];
  int64_t B = x->shape[0], C = x->shape[1], S = t_span(x->shape, 2, x->ndim);
  float *dx = need(n, 0) ? slot(b, 0, NULL)->data : NULL;
  float *dg = need(n, 1) ? slot(b, 1, NULL)->data : NULL;
  float *dbeta = need(n, 2) ? slot(b, 2, NULL)->data : NULL;
  bn_backward(B, C, S, x->data, n->aux->data, n->aux->data + C, n->in[1]->data, b->dy->data,
              n->p.batch_stats, dx, dg, dbeta);
}

/* ---- leaves ---- */

/* leaf.grad += dy; the leaf keeps a tensor of its own (never one shared with dy) */
static void bw_LEAF(const Bw *b) {
  AdNode *m = b->n;
  Tensor *dy = m->tmp;
  if (!m->grad) {
    if (dy->rc == 1) m->grad = dy, m->tmp = NULL;
    else m->grad = t_copy(dy);
  } else if (m->grad->rc == 1) {
    axpy(dy->size, 1, dy->data, m->grad->data, 0);
  } else { /* someone holds the old gradient: leave it as it was */
    Tensor *s = t_binary(T_ADD, m->grad, dy);
    t_release(m->grad);
    m->grad = s;
  }
}

/* ---- back-propagation ---- */

typedef void BwRule(const Bw *b);
static BwRule *const bw_rule[AD_N_OPS] = {
#define X(id, name) [AD_##id] = bw_##id,
    AD_NODE_OPS(X)
#undef X
};

/* Two passes over the nodes reachable from y, both with explicit stacks:
   1. collect them and count each one's consumers (edges that carry a gradient);
   2. Kahn's order from y: a node runs its rule once all its consumers have, then
      drops its accumulated gradient at once, so only the frontier is in memory.
   The tensors are kept (not the nodes) since a rule needs its node's output. */
void ad_backward(Tensor *y, const Tensor *seed) {
  char s1[96], s2[96];
  if (!seed && y->size != 1)
    rt_throw("grad: the function must return a scalar, got shape %s",
             t_shape_str(y->ndim, y->shape, s1, sizeof s1));
  if (seed && !t_same_shape(seed, y))
    rt_throw("grad: the seed's shape %s differs from the output's shape %s",
             t_shape_str(seed->ndim, seed->shape, s1, sizeof s1),
             t_shape_str(y->ndim, y->shape, s2, sizeof s2));
  if (!y->ad) return;
  static _Thread_local uint64_t epochs;
  uint64_t ep = ++epochs;
  Tensor **volatile seen = NULL; /* volatile: reallocated after the setjmp */
  Tensor **volatile ready = NULL;
  volatile size_t n_seen = 0;
  RtFrame f;
  if (RT_TRY(&f)) {
    size_t cap = 1024;
    seen = rt_malloc(cap * sizeof *seen);
    seen[n_seen++] = y;
    y->ad->epoch = ep;
    y->ad->pending = 0;
    for (size_t k = 0; k < n_seen; k++) {
      AdNode *m = seen[k]->ad;
      for (int i = 0; i < m->n_in; i++) {
        if (!need(m, i)) continue;
        Tensor *x = m->in[i];
        if (x->ad->epoch != ep) {
          x->ad->epoch = ep;
          x->ad->pending = 0;
          if (n_seen == cap) {
            cap *= 2;
            seen = rt_realloc(seen, cap * sizeof *seen);
          }
          seen[n_seen++] = x;
        }
        x->ad->pending++;
      }
    }
    ready = rt_malloc(n_seen * sizeof *ready);
    y->ad->tmp = seed ? t_copy(seed) : t_full(y->ndim, y->shape, 1);
    size_t top = 0, done = 0;
    ready[top++] = y;
    while (top) {
      Tensor *t = ready[--top];
      AdNode *m = t->ad;
      if (m->tmp) {
        Bw b = {m, t, m->tmp};
        bw_rule[m->op](&b);
      }
      scratch_drop();
      t_release(m->tmp);
      m->tmp = NULL;
      for (int i = 0; i < m->n_in; i++)
        if (need(m, i) && --m->in[i]->ad->pending == 0) ready[top++] = m->in[i];
      if (++done % 4096 == 0) rt_check_interrupt();
    }
    rt_pop(&f);
  } else {
    rt_pop(&f);
    scratch_drop();
    for (size_t k = 0; k < n_seen; k++) {
      AdNode *m = seen[k]->ad;
      t_release(m->tmp);
      m->tmp = NULL;
    }
    rt_free(seen);
    rt_free(ready);
    rt_rethrow();
  }
  rt_free(seen);
  rt_free(ready);
}
