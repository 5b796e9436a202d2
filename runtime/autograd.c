/* autograd.c — reverse-mode autodiff: the recorded graph, its leaves, ad_backward and
 * the nodes' lifetime, plus the helpers every backward rule uses. The ops, each forward
 * (ad_*) beside its backward (bw_*), are in ad_ops.c and ad_nn.c (autograd_impl.h).
 *
 * A node names its op, retains its inputs and keeps the op's parameters; it never
 * retains its own output (ad_backward has the output in hand and passes it in).
 * Backward rules add (+=) into their inputs' gradient accumulators ("slots"), which
 * live in the input's node only while ad_backward runs and are dropped as soon as
 * that node has been processed. A slot may be shared between nodes (dy handed on
 * unchanged by add or reshape); anything written to is first made private, so
 * sharing never changes a value (copy on write, decided by the refcount).
 */
#include "autograd.h"

#include <stdbool.h>
#include <string.h>

#include "autograd_impl.h"
#include "error.h"
#include "mem.h"

static _Thread_local bool recording = true;
static _Thread_local bool tracing;
static _Thread_local AdTagger *tagger;
static _Thread_local void *tagger_ctx;

bool ad_set_recording(bool on) {
  bool was = recording;
  recording = on;
  return was;
}

bool ad_is_recording(void) { return recording; }

bool ad_set_tracing(bool on) {
  bool was = tracing;
  tracing = on;
  return was;
}

bool ad_is_tracing(void) { return tracing; }

bool ad_is_tracked(const Tensor *t) { return t->ad != NULL; }
bool ad_is_leaf(const Tensor *t) { return t->ad && t->ad->op == AD_LEAF; }

int need(const AdNode *n, int i) {
  return n->in[i]->ad && !(i < 32 && (n->nograd >> i & 1));
}

/* A zeroed node of `bytes` bytes (the node, its inputs and the op's extra bytes): nodes
   come from the block cache (mem.h), so a step's nodes reuse the last step's blocks. */
static AdNode *node_new(size_t bytes) {
  AdNode *nd = rt_cache_alloc(bytes);
  memset(nd, 0, bytes);
  nd->bytes = bytes;
  return nd;
}

/* Give y = op(in[0..n)) its node, whose backward rule is `rule`, when recording is
   on and some input that takes a gradient is tracked; else NULL. The node and `extra`
   bytes after it are one allocation; if it fails, y is released before the error
   goes on. */
AdNode *ad_record(Tensor *y, AdOp op, BwRule *rule, int n, Tensor *const *in,
                  unsigned nograd, size_t extra) {
  if (!recording) return NULL;
  int any = 0;
  for (int i = 0; i < n && !any; i++) any = in[i]->ad && (tracing || !(i < 32 && (nograd >> i & 1)));
  if (!any) return NULL;
  size_t size = sizeof(AdNode) + (size_t)n * sizeof(Tensor *) + extra;
  AdNode *nd;
  RtFrame f;
  if (RT_TRY(&f)) {
    nd = node_new(size);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  nd->op = op;
  nd->rule = rule;
  nd->tag = tagger ? tagger(tagger_ctx) : 0;
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
    rt_cache_free(m, m->bytes);
  }
  freeing = false;
}

/* ---- leaves ---- */

static void bw_LEAF(const Bw *b);

void ad_track(Tensor *t) {
  if (t->ad) {
    if (t->ad->op != AD_LEAF) rt_throw("cannot track a computed tensor");
    return;
  }
  AdNode *nd = node_new(sizeof *nd);
  nd->op = AD_LEAF;
  nd->rule = bw_LEAF;
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

/* Temporaries of one rule, released by ad_backward after the rule, or when it
   throws: a rule never owns memory across a call that may throw. */
enum { N_SCRATCH = 4 };
static _Thread_local Tensor *scratch[N_SCRATCH];

Tensor *scratch_new(int ndim, const int64_t *shape, int zero) {
  for (int i = 0; i < N_SCRATCH; i++)
    if (!scratch[i]) {
      scratch[i] = zero ? t_zeros(ndim, shape) : t_new(ndim, shape);
      return scratch[i];
    }
  rt_throw("grad: internal error: out of scratch tensors");
}

/* Adopt a tensor a rule just made (the next call that may throw cannot leak it). */
Tensor *scratch_keep(Tensor *t) {
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
Tensor *slot(const Bw *b, int i, int *fresh) {
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
void axpy(int64_t n, float s, const float *restrict src, float *restrict g, int fresh) {
  if (fresh && s == 1) {
    memcpy(g, src, (size_t)n * sizeof *g);
  } else if (fresh) {
    for (int64_t i = 0; i < n; i++) g[i] = s * src[i];
  } else if (s == 1) {
    /* blocks of 8 with a constant trip count: -O2's straight-line vectoriser makes them
       vector adds (a plain loop stays scalar); the bias gradient of every dense layer
       and every broadcast add's sum come through here */
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; k++) g[i + k] += src[i + k];
    for (; i < n; i++) g[i] += src[i];
  } else
    for (int64_t i = 0; i < n; i++) g[i] += s * src[i];
}

/* d(input i) += s·g, g holding as many elements as input i: when nothing has been
   accumulated yet and the shapes agree, g itself is shared (no copy). */
void pass(const Bw *b, int i, const Tensor *g, float s) {
  Tensor *x = b->n->in[i];
  if (!x->ad->tmp && s == 1 && t_same_shape(x, g)) {
    x->ad->tmp = t_retain((Tensor *)g); /* never written while shared (slot copies) */
    return;
  }
  int fresh;
  Tensor *d = slot(b, i, &fresh);
  axpy(d->size, s, g->data, d->data, fresh);
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

/* Two passes over the nodes reachable from y, both with explicit stacks:
   1. collect them and count each one's consumers (edges that carry a gradient);
   2. Kahn's order from y: a node runs its rule once all its consumers have, then
      drops its accumulated gradient at once, so only the frontier is in memory.
   The tensors are kept (not the nodes) since a rule needs its node's output. */
void ad_backward(Tensor *y, const Tensor *seed) { ad_backward_visit(y, seed, NULL, NULL); }

/* ad_backward's passes; with visit, each node's dL/dt is shown to it and leaves keep
   their grads as they were (drawing a graph must not change a model's gradients). */
void ad_backward_visit(Tensor *y, const Tensor *seed, AdVisit *visit, void *ctx) {
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
  /* The two work lists come from the block cache, like the step's tensors: the same
     graph every step asks for the same sizes. volatile: they change after the setjmp. */
  Tensor **volatile seen = NULL;
  Tensor **volatile ready = NULL;
  volatile size_t n_seen = 0, cap = 1024;
  RtFrame f;
  if (RT_TRY(&f)) {
    seen = rt_cache_alloc(cap * sizeof *seen);
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
            Tensor **more = rt_cache_alloc(2 * cap * sizeof *seen);
            memcpy(more, seen, cap * sizeof *seen);
            rt_cache_free(seen, cap * sizeof *seen);
            seen = more;
            cap *= 2;
          }
          seen[n_seen++] = x;
        }
        x->ad->pending++;
      }
    }
    ready = rt_cache_alloc(n_seen * sizeof *ready);
    y->ad->tmp = seed ? t_copy(seed) : t_full(y->ndim, y->shape, 1);
    size_t top = 0, done = 0;
    ready[top++] = y;
    while (top) {
      Tensor *t = ready[--top];
      AdNode *m = t->ad;
      if (m->tmp && visit) visit(ctx, t, m->tmp);
      if (m->tmp && !(visit && m->op == AD_LEAF)) {
        Bw b = {m, t, m->tmp};
        m->rule(&b);
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
    rt_cache_free(seen, cap * sizeof *seen);
    rt_cache_free(ready, n_seen * sizeof *ready);
    rt_rethrow();
  }
  rt_cache_free(seen, cap * sizeof *seen);
  rt_cache_free(ready, n_seen * sizeof *ready);
}

/* ---- reading the graph ---- */

const char *ad_op_name(const Tensor *t) {
  static const char *const names[] = {
#define X(id, name) name,
      AD_NODE_OPS(X)
#undef X
  };
  const AdNode *n = t->ad;
  if (!n) return NULL;
  if (n->op == AD_UNARY) return t_unary_names[n->sub];
  if (n->op == AD_BINARY) return t_binary_names[n->sub];
  if (n->op == AD_REDUCE) return t_reduce_names[n->sub];
  return names[n->op];
}

int ad_n_inputs(const Tensor *t) { return t->ad ? t->ad->n_in : 0; }

Tensor *ad_input(const Tensor *t, int i) { return t->ad->in[i]; }

bool ad_attrs(const Tensor *t, AdAttrs *out) {
  memset(out, 0, sizeof *out);
  const AdNode *n = t->ad;
  if (!n) return false;
  switch (n->op) {
  case AD_LEAKY_RELU: out->slope = n->p.f[0]; break;
  case AD_CLIP: out->lo = n->p.f[0], out->hi = n->p.f[1]; break;
  case AD_REDUCE: case AD_SOFTMAX: case AD_LOG_SOFTMAX: case AD_CONCAT: case AD_STACK:
    out->axis = n->p.r.axis, out->keepdim = n->p.r.keepdim;
    break;
  case AD_PERMUTE: memcpy(out->perm, n->p.perm, sizeof out->perm); break;
  case AD_INDEX: out->n_index = n->p.ix.n, out->index = n->p.ix.v; break;
  case AD_CONV2D: out->stride = n->p.cv.stride, out->pad = n->p.cv.pad; break;
  case AD_MAXPOOL2D: out->k = n->p.pool.k, out->stride = n->p.pool.stride; break;
  case AD_BATCHNORM: out->eps = n->p.bn.eps, out->batch_stats = n->p.bn.batch_stats; break;
  case AD_LINEAR: out->act = n->p.act; break;
  default: break;
  }
  return true;
}

void ad_set_tagger(AdTagger *fn, void *ctx, AdTagger **prev_fn, void **prev_ctx) {
  if (prev_fn) *prev_fn = tagger;
  if (prev_ctx) *prev_ctx = tagger_ctx;
  tagger = fn;
  tagger_ctx = ctx;
}

int ad_tag(const Tensor *t) { return t->ad ? t->ad->tag : 0; }
