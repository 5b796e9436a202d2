/* import.c — load_onnx(path): an ONNX file (runtime/onnx_read.h) as an nn model.
 *
 * The graph is read as a chain from its one input to its one output. A node that
 * takes the chain's current value (and nothing else that is not a constant), where
 * nothing later reads that value again, becomes one of nn's own layers when it has
 * their form: Gemm or MatMul + Add → dense (W in nn's [in, out] layout), Conv → conv2d,
 * MaxPool → maxpool2d, BatchNormalization → batchnorm, Flatten or Reshape to
 * [N, -1] → flatten, Relu, Sigmoid, Tanh, LeakyRelu, Softmax on the last axis and
 * Identity → the activations, Dropout → nothing (inference). Every other run of
 * nodes between two such points becomes one layer of kind "onnx" that evaluates its
 * nodes with the ad_* ops, so gradients flow through it; its float initializers are
 * its trained parameters (named as in the file), its other constants stay fixed.
 */
#include "import.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "decl.h"
#include "mem.h"
#include "onnx_read.h"

/* ConstantOfShape makes at most this many values (a file's shape could ask for any);
   and the importer runs a zero sample through the layers only when the input's declared
   sample holds at most this many. */
#define ONNX_MAX_MADE ((uint64_t)1 << 24)

static Sym *sym(Interp *I, const char *s) { return sym_intern(&I->syms, s, strlen(s)); }

/* ------------------------------------------------------------------ the ops of an "onnx" layer */

/* Every op an "onnx" layer evaluates: its ONNX name and how many inputs it takes. */
#define SEG_OPS(X)                                                                         \
  X(RELU, "Relu", 1, 1) X(SIGMOID, "Sigmoid", 1, 1) X(TANH, "Tanh", 1, 1)                  \
  X(EXP, "Exp", 1, 1) X(LOG, "Log", 1, 1) X(SQRT, "Sqrt", 1, 1) X(ABS, "Abs", 1, 1)        \
  X(NEG, "Neg", 1, 1) X(FLOOR, "Floor", 1, 1) X(CEIL, "Ceil", 1, 1) X(SIN, "Sin", 1, 1)    \
  X(COS, "Cos", 1, 1) X(SIGN, "Sign", 1, 1) X(RECIPROCAL, "Reciprocal", 1, 1)              \
  X(ADD, "Add", 2, 2) X(SUB, "Sub", 2, 2) X(MUL, "Mul", 2, 2) X(DIV, "Div", 2, 2)          \
  X(POW, "Pow", 2, 2) X(MAX, "Max", 1, 64) X(MIN, "Min", 1, 64) X(SUM, "Sum", 1, 64)       \
  X(LESS, "Less", 2, 2) X(LESS_EQ, "LessOrEqual", 2, 2) X(GREATER, "Greater", 2, 2)        \
  X(GREATER_EQ, "GreaterOrEqual", 2, 2) X(EQUAL, "Equal", 2, 2)                            \
  X(IDENTITY, "Identity", 1, 1) X(DROPOUT, "Dropout", 1, 3)                                \
  X(LEAKY_RELU, "LeakyRelu", 1, 1) X(CLIP, "Clip", 1, 3) X(WHERE, "Where", 3, 3)           \
  X(SOFTMAX, "Softmax", 1, 1) X(LOG_SOFTMAX, "LogSoftmax", 1, 1)                           \
  X(MATMUL, "MatMul", 2, 2) X(GEMM, "Gemm", 2, 3)                                          \
  X(REDUCE_SUM, "ReduceSum", 1, 2) X(REDUCE_MEAN, "ReduceMean", 1, 2)                      \
  X(REDUCE_MAX, "ReduceMax", 1, 2) X(REDUCE_MIN, "ReduceMin", 1, 2)                        \
  X(REDUCE_PROD, "ReduceProd", 1, 2) X(REDUCE_L2, "ReduceL2", 1, 2)                        \
  X(ARGMAX, "ArgMax", 1, 1) X(ARGMIN, "ArgMin", 1, 1)                                      \
  X(RESHAPE, "Reshape", 2, 2) X(FLATTEN, "Flatten", 1, 1) X(TRANSPOSE, "Transpose", 1, 1)  \
  X(CONCAT, "Concat", 1, 64) X(UNSQUEEZE, "Unsqueeze", 1, 2) X(SQUEEZE, "Squeeze", 1, 2)   \
  X(SHAPE, "Shape", 1, 1) X(CONSTANT_OF_SHAPE, "ConstantOfShape", 1, 1)       \
  X(SLICE, "Slice", 3, 5) X(GATHER, "Gather", 2, 2) X(CAST, "Cast", 1, 1)                  \
  X(CONV, "Conv", 2, 3) X(MAXPOOL, "MaxPool", 1, 1) X(BATCHNORM, "BatchNormalization", 5, 5)

typedef enum {
#define X(id, name, lo, hi) OP_##id,
  SEG_OPS(X)
#undef X
  OP_N
} SegOp;

static const struct {
  const char *name;
  int min_in, max_in;
} op_info[OP_N] = {
#define X(id, name, lo, hi) {name, lo, hi},
    SEG_OPS(X)
#undef X
};

static int op_find(const char *name) {
  for (int i = 0; i < OP_N; i++)
    if (!strcmp(op_info[i].name, name)) return i;
  return -1;
}

/* One node of an "onnx" layer: its op, the slots of its inputs and output, and the
   settings its attributes give (read and checked when the file is loaded). */
typedef struct SegNode {
  SegOp op;
  char *name;           /* for messages: the file's name, or "#index" */
  int n_in;
  int *in;              /* slots; -1 for an optional input left out */
  int out;
  int axis, keepdims, trans_a, trans_b, to;
  int stride, pad, k;
  float alpha, beta, lo, hi, eps;
  int n_ints;           /* axes or perm from an attribute, when has_ints */
  bool has_ints;
  int64_t ints[T_MAXDIM];
} SegNode;

/* What an "onnx" layer runs. Slot 0 is the layer's input; the other slots hold
   constants (consts[s]), parameters (param[s] >= 0: the layer's params[param[s]]) or a
   node's output. */
typedef struct Seg {
  LayerExt ext;
  int n_nodes, n_slots, out_slot;
  SegNode *nodes;
  Tensor **consts;
  int *param;
} Seg;

static void seg_free(LayerExt *ext) {
  Seg *s = (Seg *)ext;
  for (int i = 0; i < s->n_nodes; i++) {
    rt_free(s->nodes[i].name);
    rt_free(s->nodes[i].in);
  }
  for (int i = 0; i < s->n_slots; i++) t_release(s->consts[i]);
  rt_free(s->nodes);
  rt_free(s->consts);
  rt_free(s->param);
  rt_free(s);
}

/* A 0-d or 1-D tensor of whole numbers (a shape, axes) into out[max]; its count. */
static int int_list(const Tensor *t, int64_t *out, int max, const char *what) {
  if (t->ndim > 1 || t->size > max) rt_throw("%s must be a list of at most %d numbers", what, max);
  for (int64_t i = 0; i < t->size; i++) {
    float v = t->data[i];
    if (!(v == floorf(v)) || fabsf(v) > 9e15f) rt_throw("%s must hold whole numbers", what);
    out[i] = (int64_t)v;
  }
  return (int)t->size;
}

static float scalar_of(const Tensor *t, const char *what) {
  if (t->size != 1) rt_throw("%s must be a single number", what);
  return t->data[0];
}

/* The axes of a Reduce/Unsqueeze/Squeeze node: its attribute, else its second input. */
static int node_axes(const SegNode *n, Tensor **v, int64_t *axes) {
  if (n->has_ints) {
    memcpy(axes, n->ints, sizeof(int64_t) * (size_t)n->n_ints);
    return n->n_ints;
  }
  if (n->n_in > 1 && n->in[1] >= 0) return int_list(v[n->in[1]], axes, T_MAXDIM, "axes");
  return -1; /* none given */
}

static int norm_axis(int64_t a, int ndim) {
  if (a < -ndim || a >= ndim) rt_throw("axis %lld is out of range for a tensor of rank %d", (long long)a, ndim);
  return (int)(a < 0 ? a + ndim : a);
}

/* The reduce of the node over its axes (all of them when none are given). Axes go from
   the last to the first, so the ones still to go keep their numbers. */
static Tensor *reduce_axes(const SegNode *n, Tensor **v, TRedOp op) {
  Tensor *x = v[n->in[0]];
  int64_t axes[T_MAXDIM];
  int na = node_axes(n, v, axes);
  bool on[T_MAXDIM] = {false};
  if (na <= 0)
    for (int i = 0; i < x->ndim; i++) on[i] = true;
  for (int i = 0; i < na; i++) on[norm_axis(axes[i], x->ndim)] = true;
  Tensor *r = t_retain(x);
  for (int a = x->ndim - 1; a >= 0; a--) {
    if (!on[a]) continue;
    RtFrame f;
    Tensor *next = NULL;
    if (RT_TRY(&f)) {
      next = ad_reduce(op, r, a, n->keepdims);
      rt_pop(&f);
    } else {
      rt_pop(&f);
      t_release(r);
      rt_rethrow();
    }
    t_release(r);
    r = next;
  }
  return r;
}

/* x viewed with a new shape (ad_reshape; throws on a count that does not fit). */
static Tensor *reshape_to(Tensor *x, int ndim, const int64_t *shape) {
  if (ndim > T_MAXDIM) rt_throw("a shape of rank %d is more than nn's %d", ndim, T_MAXDIM);
  return ad_reshape(x, ndim, shape);
}

/* Gather along axis (a number in [0, rank)): x's entries at the index idx (0-d: the axis
   goes) or at each of the indices idx [m] (the axis has size m). */
static Tensor *gather(Tensor *x, const Tensor *idx, int axis) {
  TIndex ix[T_MAXDIM];
  for (int i = 0; i < axis; i++) ix[i] = (TIndex){.kind = T_IX_SLICE, .step = 1};
  if (idx->ndim == 0) {
    ix[axis] = (TIndex){.kind = T_IX_INDEX, .index = (int64_t)idx->data[0]};
    return ad_index(x, axis + 1, ix);
  }
  if (idx->ndim != 1 || idx->size < 1 || idx->size > 4096)
    rt_throw("Gather takes a single index or a list of 1 to 4096 indices");
  int64_t m = idx->size;
  Tensor **parts = rt_calloc((size_t)m, sizeof *parts);
  Tensor *r = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    for (int64_t k = 0; k < m; k++) {
      ix[axis] = (TIndex){.kind = T_IX_INDEX, .index = (int64_t)idx->data[k]};
      parts[k] = ad_index(x, axis + 1, ix);
    }
    r = ad_stack((int)m, parts, axis);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    for (int64_t k = 0; k < m; k++) t_release(parts[k]);
    rt_free(parts);
    rt_rethrow();
  }
  for (int64_t k = 0; k < m; k++) t_release(parts[k]);
  rt_free(parts);
  return r;
}

/* a op b for a scalar b (Gemm's alpha and beta). */
static Tensor *times(Tensor *a, float s) {
  if (s == 1) return t_retain(a);
  Tensor *k = t_scalar(s);
  RtFrame f;
  Tensor *r = NULL;
  if (RT_TRY(&f)) {
    r = ad_binary(T_MUL, a, k);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(k);
    rt_rethrow();
  }
  t_release(k);
  return r;
}

/* Tensors made inside one node's evaluation, released when it ends (or unwinds). */
typedef struct Temps {
  int n;
  Tensor *t[8];
} Temps;

static Tensor *keep(Temps *tp, Tensor *t) { return tp->t[tp->n++] = t; }

static Tensor *node_eval(const SegNode *n, Tensor **v, Temps *tp) {
  Tensor *a = v[n->in[0]];
  Tensor *b = n->n_in > 1 && n->in[1] >= 0 ? v[n->in[1]] : NULL;
  switch (n->op) {
  case OP_RELU: return ad_unary(T_RELU, a);
  case OP_SIGMOID: return ad_unary(T_SIGMOID, a);
  case OP_TANH: return ad_unary(T_TANH, a);
  case OP_EXP: return ad_unary(T_EXP, a);
  case OP_LOG: return ad_unary(T_LOG, a);
  case OP_SQRT: return ad_unary(T_SQRT, a);
  case OP_ABS: return ad_unary(T_ABS, a);
  case OP_NEG: return ad_unary(T_NEG, a);
  case OP_FLOOR: return ad_unary(T_FLOOR, a);
  case OP_CEIL: return ad_unary(T_CEIL, a);
  case OP_SIN: return ad_unary(T_SIN, a);
  case OP_COS: return ad_unary(T_COS, a);
  case OP_SIGN: return ad_unary(T_SIGN, a);
  case OP_RECIPROCAL: return ad_binary(T_DIV, keep(tp, t_scalar(1)), a);
  case OP_ADD: return ad_binary(T_ADD, a, b);
  case OP_SUB: return ad_binary(T_SUB, a, b);
  case OP_MUL: return ad_binary(T_MUL, a, b);
  case OP_DIV: return ad_binary(T_DIV, a, b);
  case OP_POW: return ad_binary(T_POW, a, b);
  case OP_LESS: return ad_binary(T_LT, a, b);
  case OP_LESS_EQ: return ad_binary(T_LE, a, b);
  case OP_GREATER: return ad_binary(T_GT, a, b);
  case OP_GREATER_EQ: return ad_binary(T_GE, a, b);
  case OP_EQUAL: return ad_binary(T_EQ, a, b);
  case OP_MAX: case OP_MIN: case OP_SUM: {
    TBinOp op = n->op == OP_MAX ? T_MAX : n->op == OP_MIN ? T_MIN : T_ADD;
    Tensor *r = t_retain(a);
    for (int i = 1; i < n->n_in; i++) {
      keep(tp, r); /* released at the end of the node, or on an unwind */
      r = ad_binary(op, r, v[n->in[i]]);
      if (tp->n == 8) {
        for (int k = 0; k < tp->n; k++) t_release(tp->t[k]);
        tp->n = 0;
      }
    }
    return r;
  }
  case OP_IDENTITY: case OP_DROPOUT: return t_retain(a);
  case OP_LEAKY_RELU: return ad_leaky_relu(a, n->alpha);
  case OP_CLIP: {
    float lo = n->lo, hi = n->hi;
    if (b) lo = scalar_of(b, "Clip's min");
    if (n->n_in > 2 && n->in[2] >= 0) hi = scalar_of(v[n->in[2]], "Clip's max");
    return ad_clip(a, lo, hi);
  }
  case OP_WHERE: return ad_where(a, b, v[n->in[2]]);
  case OP_SOFTMAX: return ad_softmax(a, norm_axis(n->axis, a->ndim));
  case OP_LOG_SOFTMAX: return ad_log_softmax(a, norm_axis(n->axis, a->ndim));
  case OP_MATMUL: return ad_matmul(a, b);
  case OP_GEMM: {
    if (a->ndim != 2 || b->ndim != 2) rt_throw("Gemm takes two matrices");
    Tensor *A = n->trans_a ? keep(tp, ad_transpose(a)) : a;
    Tensor *B = n->trans_b ? keep(tp, ad_transpose(b)) : b;
    Tensor *y = keep(tp, times(keep(tp, ad_matmul(A, B)), n->alpha));
    if (n->n_in < 3 || n->in[2] < 0) return t_retain(y);
    return ad_binary(T_ADD, y, keep(tp, times(v[n->in[2]], n->beta)));
  }
  case OP_REDUCE_SUM: return reduce_axes(n, v, T_SUM);
  case OP_REDUCE_MEAN: return reduce_axes(n, v, T_MEAN);
  case OP_REDUCE_MAX: return reduce_axes(n, v, T_RMAX);
  case OP_REDUCE_MIN: return reduce_axes(n, v, T_RMIN);
  case OP_REDUCE_PROD: return reduce_axes(n, v, T_PROD);
  case OP_REDUCE_L2: return reduce_axes(n, v, T_NORM);
  case OP_ARGMAX: case OP_ARGMIN:
    return ad_reduce(n->op == OP_ARGMAX ? T_ARGMAX : T_ARGMIN, a, norm_axis(n->axis, a->ndim), n->keepdims);
  case OP_RESHAPE: {
    int64_t shape[T_MAXDIM];
    int nd = int_list(b, shape, T_MAXDIM, "Reshape's shape");
    for (int i = 0; i < nd; i++) /* 0 copies the input's size there (allowzero = 0) */
      if (shape[i] == 0) {
        if (i >= a->ndim) rt_throw("Reshape's shape has 0 at axis %d, past the input's rank %d", i, a->ndim);
        shape[i] = a->shape[i];
      }
    return reshape_to(a, nd, shape);
  }
  case OP_FLATTEN: {
    int axis = n->axis < 0 ? n->axis + a->ndim : n->axis;
    if (axis < 0 || axis > a->ndim) rt_throw("Flatten's axis %d is out of range for rank %d", n->axis, a->ndim);
    int64_t shape[2] = {t_span(a->shape, 0, axis), t_span(a->shape, axis, a->ndim)};
    return reshape_to(a, 2, shape);
  }
  case OP_TRANSPOSE: {
    int perm[T_MAXDIM];
    if (n->has_ints && n->n_ints != a->ndim)
      rt_throw("Transpose's perm has %d axes for a tensor of rank %d", n->n_ints, a->ndim);
    bool seen[T_MAXDIM] = {false};
    for (int i = 0; i < a->ndim; i++) {
      perm[i] = n->has_ints ? norm_axis(n->ints[i], a->ndim) : a->ndim - 1 - i;
      if (seen[perm[i]]) rt_throw("Transpose's perm names axis %d twice", perm[i]);
      seen[perm[i]] = true;
    }
    return ad_permute(a, perm);
  }
  case OP_CONCAT: {
    Tensor *ts[64];
    for (int i = 0; i < n->n_in; i++) ts[i] = v[n->in[i]];
    return ad_concat(n->n_in, ts, norm_axis(n->axis, a->ndim));
  }
  case OP_UNSQUEEZE: case OP_SQUEEZE: {
    int64_t axes[T_MAXDIM], shape[T_MAXDIM];
    int na = node_axes(n, v, axes);
    bool on[2 * T_MAXDIM] = {false};
    int nd = 0;
    if (n->op == OP_UNSQUEEZE) {
      int out_nd = a->ndim + (na < 0 ? 0 : na);
      if (na <= 0 || out_nd > T_MAXDIM) rt_throw("Unsqueeze needs 1 to %d axes", T_MAXDIM - a->ndim);
      for (int i = 0; i < na; i++) on[norm_axis(axes[i], out_nd)] = true;
      for (int i = 0, k = 0; i < out_nd; i++) shape[nd++] = on[i] ? 1 : a->shape[k++];
    } else {
      for (int i = 0; i < na; i++) {
        int ax = norm_axis(axes[i], a->ndim);
        if (a->shape[ax] != 1) rt_throw("Squeeze: axis %d has size %lld, not 1", ax, (long long)a->shape[ax]);
        on[ax] = true;
      }
      for (int i = 0; i < a->ndim; i++)
        if (!(na < 0 ? a->shape[i] == 1 : on[i])) shape[nd++] = a->shape[i];
    }
    return reshape_to(a, nd, shape);
  }
  case OP_SHAPE: {
    Tensor *s = t_new(1, (int64_t[]){a->ndim});
    for (int i = 0; i < a->ndim; i++) s->data[i] = (float)a->shape[i];
    return s;
  }
  case OP_CONSTANT_OF_SHAPE: {
    int64_t shape[T_MAXDIM];
    int nd = int_list(a, shape, T_MAXDIM, "ConstantOfShape's shape");
    uint64_t count = 1;
    for (int i = 0; i < nd; i++)
      if (shape[i] < 0 || __builtin_mul_overflow(count, (uint64_t)shape[i], &count) || count > ONNX_MAX_MADE)
        rt_throw("ConstantOfShape: shape %s is not a size nn can make", t_shape_str(nd, shape, (char[96]){0}, 96));
    return t_full(nd, shape, n->alpha);
  }
  case OP_GATHER: return gather(a, b, norm_axis(n->axis, a->ndim));
  case OP_SLICE: {
    /* starts, ends, axes (default 0, 1, …), steps (default 1): Python's slices, with
       ends past the size (INT64_MAX as float) clamped as Python clamps them */
    int64_t st[T_MAXDIM], en[T_MAXDIM], ax[T_MAXDIM], sp[T_MAXDIM];
    int ns = int_list(b, st, T_MAXDIM, "Slice's starts"), ne = int_list(v[n->in[2]], en, T_MAXDIM, "Slice's ends");
    int na = n->n_in > 3 && n->in[3] >= 0 ? int_list(v[n->in[3]], ax, T_MAXDIM, "Slice's axes") : ns;
    int nsp = n->n_in > 4 && n->in[4] >= 0 ? int_list(v[n->in[4]], sp, T_MAXDIM, "Slice's steps") : ns;
    if (ne != ns || na != ns || nsp != ns) rt_throw("Slice's starts, ends, axes and steps differ in length");
    TIndex ix[T_MAXDIM];
    for (int i = 0; i < a->ndim; i++) ix[i] = (TIndex){.kind = T_IX_SLICE, .step = 1};
    for (int i = 0; i < ns; i++) {
      int axis = n->n_in > 3 && n->in[3] >= 0 ? norm_axis(ax[i], a->ndim) : i;
      if (i >= a->ndim) rt_throw("Slice names more axes than the input's rank %d", a->ndim);
      int64_t step = n->n_in > 4 && n->in[4] >= 0 ? sp[i] : 1;
      if (step == 0) rt_throw("Slice's step is 0");
      ix[axis] = (TIndex){.kind = T_IX_SLICE, .has_start = 1, .has_stop = 1, .step = step,
                          .start = st[i], .stop = en[i]};
    }
    return ad_index(a, a->ndim, ix);
  }
  case OP_CAST: {
    if (n->to == ONNX_FLOAT || n->to == ONNX_DOUBLE || n->to == ONNX_FLOAT16) return t_retain(a);
    /* to a whole-number type: towards zero; to BOOL: x ≠ 0. No gradient, as in ONNX. */
    Tensor *r = t_new(a->ndim, a->shape);
    for (int64_t i = 0; i < a->size; i++)
      r->data[i] = n->to == ONNX_BOOL ? (float)(a->data[i] != 0) : truncf(a->data[i]);
    return r;
  }
  case OP_CONV: {
    Tensor *bias = n->n_in > 2 && n->in[2] >= 0 ? v[n->in[2]] : NULL;
    if (!bias) bias = keep(tp, t_zeros(1, (int64_t[]){b->ndim ? b->shape[0] : 1}));
    return ad_conv2d(a, b, bias, n->stride, n->pad);
  }
  case OP_MAXPOOL: return ad_maxpool2d(a, n->k, n->stride);
  case OP_BATCHNORM:
    return ad_batchnorm(a, b, v[n->in[2]], v[n->in[3]], v[n->in[4]], false, 0, n->eps);
  case OP_N: break;
  }
  rt_throw("op %d is not known", (int)n->op);
}

/* The forward of an "onnx" layer: its nodes in order on x. */
static Tensor *seg_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  (void)I, (void)training; /* the graph is in inference form: Dropout is the identity */
  Seg *s = (Seg *)l->ext;
  Tensor **v = rt_calloc((size_t)s->n_slots, sizeof *v);
  v[0] = x;
  for (int i = 1; i < s->n_slots; i++) v[i] = s->param[i] >= 0 ? l->params[s->param[i]] : s->consts[i];
  volatile int done = 0; /* nodes whose outputs are in v (owned) */
  Temps tp = {0};
  RtFrame f;
  if (RT_TRY(&f)) {
    for (; done < s->n_nodes; done++) {
      const SegNode *n = &s->nodes[done];
      tp.n = 0;
      v[n->out] = node_eval(n, v, &tp);
      for (int k = 0; k < tp.n; k++) t_release(tp.t[k]);
      tp.n = 0;
    }
    rt_pop(&f);
  } else {
    rt_pop(&f);
    for (int k = 0; k < tp.n; k++) t_release(tp.t[k]);
    for (int i = 0; i < done; i++) t_release(v[s->nodes[i].out]);
    rt_free(v);
    if (rt_errkind() != RT_ERR_GENERIC || done >= s->n_nodes) rt_rethrow();
    char msg[768];
    snprintf(msg, sizeof msg, "%s", rt_errmsg());
    const SegNode *n = &s->nodes[done];
    rt_throw("ONNX node '%s' (%s): %s", n->name, op_info[n->op].name, msg);
  }
  Tensor *y = t_retain(v[s->out_slot]);
  for (int i = 0; i < s->n_nodes; i++) t_release(v[s->nodes[i].out]);
  rt_free(v);
  return y;
}

static const NativeLayer onnx_kind = {"onnx", seg_forward, NULL};

/* ------------------------------------------------------------------ reading the graph */

/* What the importer knows of a value name: its constant (an initializer or a Constant
   node's value), its readers, and its slot in the "onnx" layer being built. */
typedef struct Name {
  const char *s;
  int n_uses, last_use;  /* nodes reading it; the last one (n_nodes: a graph output) */
  int producer;          /* the node making it; -1: none (an initializer), -2: a Constant */
  Tensor *konst;         /* borrowed from the file, or NULL */
  OnnxDataType dtype;
  int seg, slot;         /* the layer being built that gave it a slot, and the slot */
} Name;

typedef struct Imp {
  Interp *I;
  const Node *site;
  const char *path;
  OnnxModel *m;
  size_t cap;             /* hash table of names: a power of two, open addressing */
  Name *names;
  Tensor **owned;        /* Constant nodes' values made here */
  int n_owned;
  bool *skip;            /* per node: a hoisted Constant */
  Value model;           /* rooted */
  int n_layers, cap_layers;
  /* the per-sample shape of the chain's current value, when known */
  bool known;
  int nd;
  int64_t shape[T_MAXDIM];
  int seg_id;
  int *dec;              /* per node: live values whose last reader it is (a segment's end) */
} Imp;

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static Name *name_get(Imp *P, const char *s) {
  for (uint64_t i = hash(s) & (uint64_t)(P->cap - 1);; i = (i + 1) & (uint64_t)(P->cap - 1)) {
    Name *n = &P->names[i];
    if (!n->s) {
      *n = (Name){.s = s, .last_use = -1, .producer = -1, .seg = -1};
      return n;
    }
    if (!strcmp(n->s, s)) return n;
  }
}

static const char *node_label(Imp *P, int i, char *buf, size_t n) {
  const OnnxNode *nd = &P->m->nodes[i];
  if (*nd->name) snprintf(buf, n, "%s", nd->name);
  else snprintf(buf, n, "#%d", i);
  return buf;
}

_Noreturn static void fail(Imp *P, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
_Noreturn static void fail(Imp *P, int i, const char *fmt, ...) {
  char label[128], msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, _(fmt), ap);
  va_end(ap);
  ev_error(P->I, P->site, "load_onnx: %s: node '%s' (%s): %s", P->path, node_label(P, i, label, sizeof label),
           P->m->nodes[i].op, msg);
}

static Tensor *konst(Imp *P, const char *name) { return *name ? name_get(P, name)->konst : NULL; }

static int64_t attr_int(const OnnxNode *n, const char *name, int64_t dflt) {
  const OnnxAttr *a = onnx_node_attr(n, name);
  return a && a->type == ONNX_ATTR_INT ? a->i : dflt;
}

static float attr_float(const OnnxNode *n, const char *name, float dflt) {
  const OnnxAttr *a = onnx_node_attr(n, name);
  return a && a->type == ONNX_ATTR_FLOAT ? a->f : dflt;
}

/* An INTS attribute into out[max]; its count, or -1 when absent. */
static int attr_ints(Imp *P, int i, const char *name, int64_t *out, int max) {
  const OnnxAttr *a = onnx_node_attr(&P->m->nodes[i], name);
  if (!a) return -1;
  if (a->type != ONNX_ATTR_INTS || a->n > max)
    fail(P, i, "attribute '%s' must be a list of at most %d numbers", name, max);
  memcpy(out, a->ints, sizeof(int64_t) * (size_t)a->n);
  return a->n;
}

/* Conv and MaxPool as nn has them: square kernels, one stride and one padding for
   both axes, no dilation, no groups. Fills k, stride, pad; false (and *why) when not. */
static bool pool_form(Imp *P, int i, bool conv, int *k, int *stride, int *pad, const char **why) {
  const OnnxNode *n = &P->m->nodes[i];
  int64_t ks[4], st[4], pads[8], dil[4];
  int nk = attr_ints(P, i, "kernel_shape", ks, 4), ns = attr_ints(P, i, "strides", st, 4);
  int np = attr_ints(P, i, "pads", pads, 8), nd = attr_ints(P, i, "dilations", dil, 4);
  const OnnxAttr *ap = onnx_node_attr(n, "auto_pad");
  *why = NULL;
  if (conv) {
    Tensor *W = konst(P, n->in[1]);
    if (!W || W->ndim != 4) {
      *why = N_("its weights are not a constant of shape [F, C, k, k]");
      return false;
    }
    if (nk < 0) ks[0] = W->shape[2], ks[1] = W->shape[3], nk = 2;
    if (attr_int(n, "group", 1) != 1) *why = N_("it has groups, which nn's conv2d does not");
  }
  if (nk != 2 || ks[0] != ks[1] || ks[0] < 1 || ks[0] > (1 << 20)) *why = N_("its kernel is not square (k×k)");
  else if (ns >= 0 && (ns != 2 || st[0] != st[1] || st[0] < 1 || st[0] > (1 << 20))) *why = N_("its two strides differ");
  else if (np >= 0 && (np != 4 || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3] ||
                       pads[0] < 0 || pads[0] > (1 << 20)))
    *why = N_("its paddings differ");
  else if (!conv && np >= 0 && pads[0] != 0) *why = N_("it pads, which nn's maxpool2d does not");
  else if (nd >= 0 && (nd != 2 || dil[0] != 1 || dil[1] != 1)) *why = N_("it dilates, which nn does not");
  else if (ap && ap->s && strcmp(ap->s, "NOTSET")) *why = N_("it sets auto_pad, which nn does not");
  else if (!conv && (attr_int(n, "ceil_mode", 0) || attr_int(n, "storage_order", 0)))
    *why = N_("it sets ceil_mode or storage_order, which nn does not");
  if (*why) return false;
  *k = (int)ks[0];
  *stride = ns < 0 ? 1 : (int)st[0];
  *pad = np < 0 ? 0 : (int)pads[0];
  return true;
}

/* Call a layer constructor of nn's library by name with numbers; the layer, rooted. */
static Layer *construct(Imp *P, const char *name, int n, const double *args) {
  Value *f = ev_global(P->I, name);
  if (!f || f->type != V_FUNC) ev_error(P->I, P->site, "load_onnx: nn's '%s' is not defined", name);
  Value a[8];
  for (int i = 0; i < n; i++) a[i] = v_num(args[i]);
  Rng saved = P->I->rng; /* loading draws no random numbers: the weights come from the file */
  Value lv = ev_call(P->I, *f, n, a, P->site);
  P->I->rng = saved;
  ev_root(P->I, lv);
  if (lv.type != V_LAYER) ev_error(P->I, P->site, "load_onnx: nn's '%s' did not make a layer", name);
  return lv.as.layer;
}

/* An activation of nn's library as a layer, as a model body names it; rooted. */
static Value activation(Imp *P, const char *name) {
  Value *f = ev_global(P->I, name);
  if (!f || f->type != V_FUNC) ev_error(P->I, P->site, "load_onnx: nn's '%s' is not defined", name);
  Value lv = layer_new(P->I, f->as.fn->name);
  lv.as.layer->fn = v_retain(*f);
  ev_root(P->I, lv);
  return lv;
}

/* Append the rooted layer lv (the top root) to the model. */
static void add_layer(Imp *P, Value lv) {
  Model *m = P->model.as.model;
  if (m->n == P->cap_layers) {
    P->cap_layers = P->cap_layers ? 2 * P->cap_layers : 8;
    m->layers = rt_realloc(m->layers, sizeof(Value) * (size_t)P->cap_layers);
  }
  m->layers[m->n++] = v_retain(lv);
  ev_unroot(P->I, 1);
  /* The per-sample shape after it: one zero sample through the layer. This also checks
     that the layer takes what the layer before gives. */
  if (!P->known) return;
  int64_t shape1[T_MAXDIM] = {1};
  memcpy(shape1 + 1, P->shape, sizeof(int64_t) * (size_t)P->nd);
  bool rec = ad_set_recording(false);
  Value x = v_tensor(t_zeros(P->nd + 1, shape1));
  ev_root(P->I, x);
  int used;
  Value y = nn_apply_layer(P->I, m, m->n - 1, x, false, P->site, &used);
  ad_set_recording(rec);
  ev_root(P->I, y);
  if (y.type != V_TENSOR || y.as.t->ndim < 1 || y.as.t->ndim > T_MAXDIM) {
    P->known = false;
  } else {
    P->nd = y.as.t->ndim - 1;
    memcpy(P->shape, y.as.t->shape + 1, sizeof(int64_t) * (size_t)P->nd);
  }
  ev_unroot(P->I, 2);
}

/* Copy the file's values into a parameter of a layer just made (shapes checked). */
static void set_param(Imp *P, int node, Tensor *dst, const Tensor *src, bool transpose) {
  char a[96], b[96];
  int64_t shape[2] = {src->ndim == 2 ? src->shape[transpose] : 0, src->ndim == 2 ? src->shape[!transpose] : 0};
  bool same = transpose ? src->ndim == 2 && dst->ndim == 2 && shape[0] == dst->shape[0] && shape[1] == dst->shape[1]
                        : src->size == dst->size;
  if (!same)
    fail(P, node, "a constant of shape %s where nn's layer needs %s", t_shape_str(src->ndim, src->shape, a, sizeof a),
               t_shape_str(dst->ndim, dst->shape, b, sizeof b));
  if (!transpose) {
    memcpy(dst->data, src->data, sizeof(float) * (size_t)src->size);
    return;
  }
  for (int64_t r = 0; r < src->shape[0]; r++)
    for (int64_t c = 0; c < src->shape[1]; c++) dst->data[c * src->shape[0] + r] = src->data[r * src->shape[1] + c];
}

/* The node reads the chain's value cur as its first input, every other input is a
   constant (or left out), and nothing after it reads cur or its extra outputs. */
static bool takes_chain(Imp *P, int i, const char *cur) {
  const OnnxNode *n = &P->m->nodes[i];
  if (n->n_in < 1 || n->n_out < 1 || !*n->out[0] || strcmp(n->in[0], cur) || name_get(P, cur)->last_use != i)
    return false;
  for (int k = 1; k < n->n_in; k++)
    if (*n->in[k] && !konst(P, n->in[k])) return false;
  for (int k = 1; k < n->n_out; k++)
    if (*n->out[k] && name_get(P, n->out[k])->n_uses) return false;
  return true;
}

/* The next node after i that is not a hoisted Constant, or n_nodes. */
static int next_node(Imp *P, int i) {
  do i++;
  while (i < P->m->n_nodes && P->skip[i]);
  return i;
}

/* If node i (reading cur) is one of nn's own layers, add it (unless dry: only say so)
   and return the index of the last node it used (MatMul + Add: two); else -1. */
static int try_pattern(Imp *P, int i, const char *cur, bool dry) {
  const OnnxModel *M = P->m;
  const OnnxNode *n = &M->nodes[i];
  Interp *I = P->I;
  if (!takes_chain(P, i, cur)) return -1;
  const char *op = n->op;
  if ((!strcmp(op, "Gemm") || !strcmp(op, "MatMul")) && n->n_in >= 2) {
    Tensor *W = konst(P, n->in[1]);
    int last = i;
    Tensor *b = NULL;
    bool tb = !strcmp(op, "Gemm") && attr_int(n, "transB", 0);
    if (!W || W->ndim != 2) return -1;
    if (!strcmp(op, "Gemm")) {
      if (attr_int(n, "transA", 0) || attr_float(n, "alpha", 1) != 1 || attr_float(n, "beta", 1) != 1 || n->n_in < 3)
        return -1;
      b = konst(P, n->in[2]);
    } else {
      int j = next_node(P, i);
      if (j >= M->n_nodes) return -1;
      const OnnxNode *add = &M->nodes[j];
      if (strcmp(add->op, "Add") || add->n_in != 2 || add->n_out < 1 || !*add->out[0] || name_get(P, n->out[0])->last_use != j ||
          name_get(P, n->out[0])->n_uses != 1)
        return -1;
      b = !strcmp(add->in[0], n->out[0]) ? konst(P, add->in[1]) : konst(P, add->in[0]);
      last = j;
    }
    int64_t n_in = W->shape[tb], n_out = W->shape[!tb];
    if (!b || b->size != n_out || b->ndim > 2 || (b->ndim == 2 && b->shape[0] != 1)) return -1;
    if (P->known && (P->nd != 1 || P->shape[0] != n_in)) return -1;
    if (dry) return last;
    Layer *l = construct(P, "dense", 2, (double[]){(double)n_in, (double)n_out});
    set_param(P, i, l->params[0], W, tb);
    set_param(P, i, l->params[1], b, false);
    add_layer(P, (Value){.type = V_LAYER, .as.layer = l});
    return last;
  }
  if (!strcmp(op, "Conv") && n->n_in >= 2) {
    int k, stride, pad;
    const char *why;
    if (!pool_form(P, i, true, &k, &stride, &pad, &why)) return -1;
    Tensor *W = konst(P, n->in[1]), *b = n->n_in > 2 ? konst(P, n->in[2]) : NULL;
    if (W->shape[2] != k || W->shape[3] != k || W->shape[0] < 1 || W->shape[1] < 1) return -1;
    if (b && b->size != W->shape[0]) return -1;
    if (dry) return i;
    Layer *l = construct(P, "conv2d", 5, (double[]){(double)W->shape[1], (double)W->shape[0], k, stride, pad});
    set_param(P, i, l->params[0], W, false);
    if (b) set_param(P, i, l->params[1], b, false);
    add_layer(P, (Value){.type = V_LAYER, .as.layer = l});
    return i;
  }
  if (!strcmp(op, "MaxPool")) {
    int k, stride, pad;
    const char *why;
    if (n->n_out > 1 || !pool_form(P, i, false, &k, &stride, &pad, &why)) return -1;
    if (dry) return i;
    Layer *l = construct(P, "maxpool2d", 2, (double[]){k, stride});
    add_layer(P, (Value){.type = V_LAYER, .as.layer = l});
    return i;
  }
  if (!strcmp(op, "BatchNormalization")) {
    if (n->n_in != 5 || attr_int(n, "training_mode", 0)) return -1;
    Tensor *g = konst(P, n->in[1]), *be = konst(P, n->in[2]), *mu = konst(P, n->in[3]), *var = konst(P, n->in[4]);
    if (!g || !be || !mu || !var) return -1;
    int64_t c = g->size;
    if (g->ndim != 1 || be->size != c || mu->size != c || var->size != c || c < 1) return -1;
    float eps = attr_float(n, "epsilon", 1e-5f), mom = attr_float(n, "momentum", 0.9f);
    if (!(eps > 0) || !(mom >= 0 && mom <= 1)) return -1;
    if (dry) return i;
    /* ONNX's running = running·momentum + batch·(1 − momentum); nn's (and PyTorch's)
       momentum is the batch's share. */
    Layer *l = construct(P, "batchnorm", 3, (double[]){(double)c, 1 - (double)mom, eps});
    set_param(P, i, l->params[0], g, false);
    set_param(P, i, l->params[1], be, false);
    set_param(P, i, l->bufs[0], mu, false);
    set_param(P, i, l->bufs[1], var, false);
    add_layer(P, (Value){.type = V_LAYER, .as.layer = l});
    return i;
  }
  bool flatten = !strcmp(op, "Flatten") && attr_int(n, "axis", 1) == 1;
  if (!strcmp(op, "Reshape") && n->n_in == 2 && !attr_int(n, "allowzero", 0)) {
    /* [0 or -1, -1], or [0 or -1, n] with n the per-sample count: the batch kept */
    Tensor *s = konst(P, n->in[1]);
    if (s && s->ndim == 1 && s->size == 2 && (s->data[0] == 0 || s->data[0] == -1)) {
      int64_t count = P->known ? t_span(P->shape, 0, P->nd) : -2;
      flatten = s->data[1] == -1 ? s->data[0] == 0 || P->known : s->data[1] == (float)count;
    }
  }
  if (flatten) {
    Value *f = ev_global(I, "flatten");
    if (!f || f->type != V_FUNC || !f->as.fn->as_layer) return -1;
    if (dry) return i;
    Value lv = layer_new(I, "flatten");
    lv.as.layer->native = f->as.fn->as_layer;
    ev_root(I, lv);
    add_layer(P, lv);
    return i;
  }
  static const char *const acts[][2] = {{"Relu", "relu"}, {"Sigmoid", "sigmoid"}, {"Tanh", "tanh"},
                                        {"Identity", "identity"}};
  for (size_t k = 0; k < sizeof acts / sizeof *acts; k++)
    if (!strcmp(op, acts[k][0])) {
      if (dry) return i;
      add_layer(P, activation(P, acts[k][1]));
      return i;
    }
  if (!strcmp(op, "Softmax")) {
    int64_t axis = attr_int(n, "axis", M->opset >= 13 ? -1 : 1);
    if (!(axis == -1 || (P->known && axis == P->nd))) return -1;
    if (dry) return i;
    add_layer(P, activation(P, "softmax"));
    return i;
  }
  if (!strcmp(op, "LeakyRelu")) {
    Value *f = ev_global(I, "leaky_relu");
    float alpha = attr_float(n, "alpha", 0.01f);
    if (!f || f->type != V_FUNC || f->as.fn->params.n != 2) return -1;
    if (dry) return i;
    char label[64];
    snprintf(label, sizeof label, "leaky_relu(a = %g)", (double)alpha);
    Value settings[2] = {v_none(), v_num(alpha)};
    Value lv = activation_layer(I, *f, 2, settings, sym(I, label)->name);
    ev_root(I, lv);
    add_layer(P, lv);
    return i;
  }
  if (!strcmp(op, "Dropout")) return i; /* inference: the identity */
  return -1;
}

/* Check node i as an op of an "onnx" layer and read its settings. */
static void seg_node(Imp *P, int i, SegNode *s) {
  const OnnxNode *n = &P->m->nodes[i];
  char label[128];
  int op = op_find(n->op);
  if (op < 0)
    ev_error(P->I, P->site, "load_onnx: node '%s' uses '%s', which nn does not support",
             node_label(P, i, label, sizeof label), n->op);
  s->op = (SegOp)op;
  if (n->n_in < op_info[op].min_in || n->n_in > op_info[op].max_in)
    fail(P, i, "it has %d inputs; nn reads %s with %d to %d", n->n_in, n->op, op_info[op].min_in,
               op_info[op].max_in);
  if (n->n_out < 1 || !*n->out[0]) fail(P, i, "it has no output");
  for (int k = 1; k < n->n_out; k++)
    if (*n->out[k] && name_get(P, n->out[k])->n_uses)
      fail(P, i, "its output %d is used, and nn computes only the first", k + 1);
  for (int k = 0; k < n->n_in; k++)
    if (!*n->in[k] && (k < op_info[op].min_in || op == OP_CONCAT || op == OP_MAX || op == OP_MIN || op == OP_SUM))
      fail(P, i, "its input %d is left out", k + 1);
  s->keepdims = (int)attr_int(n, "keepdims", 1);
  s->alpha = attr_float(n, "alpha", op == OP_LEAKY_RELU ? 0.01f : 1);
  s->beta = attr_float(n, "beta", 1);
  s->trans_a = (int)attr_int(n, "transA", 0);
  s->trans_b = (int)attr_int(n, "transB", 0);
  s->lo = attr_float(n, "min", -INFINITY);
  s->hi = attr_float(n, "max", INFINITY);
  s->eps = attr_float(n, "epsilon", 1e-5f);
  int64_t axis = attr_int(n, "axis", op == OP_SOFTMAX || op == OP_LOG_SOFTMAX ? (P->m->opset >= 13 ? -1 : 1)
                                     : op == OP_FLATTEN ? 1 : 0);
  if (axis < -T_MAXDIM || axis > T_MAXDIM) fail(P, i, "axis %lld is out of range", (long long)axis);
  s->axis = (int)axis;
  const char *ints_name = op == OP_TRANSPOSE ? "perm" : "axes";
  int ni = attr_ints(P, i, ints_name, s->ints, T_MAXDIM);
  s->has_ints = ni >= 0;
  s->n_ints = ni < 0 ? 0 : ni;
  switch (s->op) {
  case OP_SOFTMAX: case OP_LOG_SOFTMAX:
    /* before opset 13 the input is seen as 2-D [d0·…·d(axis−1), rest]: the same as nn's
       only when the axis is the last */
    if (P->m->opset < 13 && axis != -1 && !(P->known && axis == P->nd))
      fail(P, i, "axis %lld of opset %lld flattens the axes after it, which nn does not", (long long)axis,
                 (long long)P->m->opset);
    break;
  case OP_ARGMAX: case OP_ARGMIN:
    if (attr_int(n, "select_last_index", 0)) fail(P, i, "select_last_index is not supported");
    break;
  case OP_REDUCE_SUM: case OP_REDUCE_MEAN: case OP_REDUCE_MAX: case OP_REDUCE_MIN: case OP_REDUCE_PROD:
  case OP_REDUCE_L2:
    if (attr_int(n, "noop_with_empty_axes", 0)) fail(P, i, "noop_with_empty_axes is not supported");
    break;
  case OP_CAST: {
    int64_t to = attr_int(n, "to", 0);
    if (!(to == ONNX_FLOAT || to == ONNX_DOUBLE || to == ONNX_FLOAT16 || to == ONNX_BOOL ||
          (to >= ONNX_UINT8 && to <= ONNX_INT64) || to == ONNX_UINT32 || to == ONNX_UINT64))
      fail(P, i, "a cast to %s is not supported", onnx_dtype_name((int)to));
    s->to = (int)to;
    break;
  }
  case OP_CONV: case OP_MAXPOOL: {
    const char *why;
    if (!pool_form(P, i, s->op == OP_CONV, &s->k, &s->stride, &s->pad, &why)) fail(P, i, "%s", _(why));
    if (s->op == OP_MAXPOOL && n->n_out > 1 && *n->out[1]) fail(P, i, "MaxPool's indices are not supported");
    break;
  }
  case OP_BATCHNORM:
    if (attr_int(n, "training_mode", 0)) fail(P, i, "training_mode is not supported");
    break;
  case OP_CONSTANT_OF_SHAPE: {
    /* its value: a one-element tensor (default 0) */
    const OnnxAttr *a = onnx_node_attr(n, "value");
    s->alpha = 0;
    if (a && (!a->t || a->t->size != 1)) fail(P, i, "its value must be a tensor of one element");
    if (a) s->alpha = a->t->data[0];
    break;
  }
  default: break;
  }
}

/* Inputs that are settings, not data (shapes, axes, bounds, running statistics): a
   float initializer there is a fixed constant, not a trained parameter. */
static bool setting_input(SegOp op, int k) {
  switch (op) {
  case OP_RESHAPE: case OP_UNSQUEEZE: case OP_SQUEEZE: case OP_GATHER: case OP_REDUCE_SUM:
  case OP_REDUCE_MEAN: case OP_REDUCE_MAX: case OP_REDUCE_MIN: case OP_REDUCE_PROD: case OP_REDUCE_L2:
    return k >= 1;
  case OP_CLIP: case OP_SLICE: return k >= 1;
  case OP_BATCHNORM: return k >= 3;
  default: return false;
  }
}

/* Nodes first..last (the hoisted Constants skipped) as one "onnx" layer reading cur and
   giving out. */
static void add_segment(Imp *P, int first, int last, const char *cur, const char *out) {
  Interp *I = P->I;
  OnnxModel *M = P->m;
  int seg = ++P->seg_id;
  Value lv = layer_new(I, "onnx");
  ev_root(I, lv);
  Layer *l = lv.as.layer;
  l->native = &onnx_kind;
  Seg *s = rt_calloc(1, sizeof *s);
  s->ext.free = seg_free;
  l->ext = &s->ext;
  int n_nodes = 0, n_slots = 1;
  for (int i = first; i <= last; i++)
    if (!P->skip[i]) n_nodes++, n_slots += 1 + M->nodes[i].n_in;
  s->nodes = rt_calloc((size_t)n_nodes, sizeof(SegNode));
  s->consts = rt_calloc((size_t)n_slots, sizeof(Tensor *));
  s->param = rt_malloc(sizeof(int) * (size_t)n_slots);
  for (int k = 0; k < n_slots; k++) s->param[k] = -1;
  s->n_slots = 1;
  Name *in = name_get(P, cur);
  in->seg = seg, in->slot = 0;
  char label[128];
  for (int i = first; i <= last; i++) {
    if (P->skip[i]) continue;
    const OnnxNode *n = &M->nodes[i];
    SegNode *sn = &s->nodes[s->n_nodes++];
    sn->name = rt_strdup(node_label(P, i, label, sizeof label));
    sn->in = rt_malloc(sizeof(int) * (size_t)(n->n_in ? n->n_in : 1));
    sn->n_in = 0;
    seg_node(P, i, sn);
    for (int k = 0; k < n->n_in; k++) {
      sn->in[sn->n_in++] = -1;
      if (!*n->in[k]) continue;
      Name *v = name_get(P, n->in[k]);
      if (v->seg != seg) {
        if (!v->konst)
          fail(P, i, "it reads '%s', which is not made by an earlier node of its part of the graph", n->in[k]);
        v->seg = seg;
        v->slot = s->n_slots++;
        bool trained = v->dtype == ONNX_FLOAT && v->producer == -1 && !setting_input(sn->op, k);
        if (trained) {
          s->param[v->slot] = l->n_params;
          layer_add_param(l, sym(I, v->s), t_copy(v->konst));
        } else {
          s->consts[v->slot] = t_retain(v->konst);
        }
      }
      sn->in[k] = v->slot;
    }
    Name *o = name_get(P, n->out[0]);
    o->seg = seg;
    o->slot = sn->out = s->n_slots++;
  }
  s->out_slot = name_get(P, out)->slot;
  add_layer(P, lv);
}

/* ------------------------------------------------------------------ load_onnx */

static void import_graph(Imp *P) {
  OnnxModel *M = P->m;
  Interp *I = P->I;
  /* the hash table: every name the graph mentions */
  size_t n_names = (size_t)M->n_inits + (size_t)M->n_inputs + (size_t)M->n_outputs;
  for (int i = 0; i < M->n_nodes; i++) n_names += (size_t)M->nodes[i].n_in + (size_t)M->nodes[i].n_out;
  P->cap = 16;
  while (P->cap < 2 * n_names) P->cap *= 2;
  P->names = rt_calloc(P->cap, sizeof(Name));
  P->skip = rt_calloc((size_t)M->n_nodes + 1, sizeof(bool));
  P->owned = rt_calloc((size_t)M->n_nodes + 1, sizeof(Tensor *));
  for (int i = 0; i < M->n_inits; i++) {
    Name *v = name_get(P, M->inits[i].name);
    v->konst = M->inits[i].t;
    v->dtype = M->inits[i].dtype;
  }
  for (int i = 0; i < M->n_nodes; i++) {
    const OnnxNode *n = &M->nodes[i];
    for (int k = 0; k < n->n_in; k++)
      if (*n->in[k]) {
        Name *v = name_get(P, n->in[k]);
        v->n_uses++;
        v->last_use = i;
      }
    for (int k = 0; k < n->n_out; k++)
      if (*n->out[k]) {
        Name *v = name_get(P, n->out[k]);
        if (v->producer >= 0 || v->konst)
          fail(P, i, "its output '%s' is made twice in the graph", n->out[k]);
        v->producer = i;
      }
    if (!strcmp(n->op, "Constant")) {
      /* A Constant's value is hoisted: a fixed tensor, whatever reads it. */
      const OnnxAttr *a = n->n_attrs == 1 ? &n->attrs[0] : NULL;
      Tensor *t = NULL;
      OnnxDataType dt = ONNX_FLOAT;
      if (a && !strcmp(a->name, "value") && a->t) t = t_retain(a->t), dt = a->t_dtype;
      else if (a && !strcmp(a->name, "value_float")) t = t_scalar(a->f);
      else if (a && !strcmp(a->name, "value_int")) t = t_scalar((float)a->i), dt = ONNX_INT64;
      else if (a && (!strcmp(a->name, "value_floats") || !strcmp(a->name, "value_ints"))) {
        t = t_new(1, (int64_t[]){a->n});
        for (int k = 0; k < a->n; k++) t->data[k] = a->name[6] == 'f' ? a->floats[k] : (float)a->ints[k];
        dt = a->name[6] == 'f' ? ONNX_FLOAT : ONNX_INT64;
      }
      if (!t) fail(P, i, "a Constant must have one value (a tensor, a number or a list)");
      P->owned[P->n_owned++] = t;
      if (n->n_out != 1) fail(P, i, "a Constant has one output");
      Name *v = name_get(P, n->out[0]);
      v->konst = t;
      v->dtype = dt == ONNX_DOUBLE ? ONNX_FLOAT : dt;
      v->producer = -2; /* a constant, never trained */
      P->skip[i] = true;
    }
    rt_check_interrupt();
  }
  /* one input (not an initializer) and one output */
  const OnnxValue *input = NULL;
  int n_in = 0;
  for (int i = 0; i < M->n_inputs; i++)
    if (!name_get(P, M->inputs[i].name)->konst) input = &M->inputs[i], n_in++;
  if (n_in != 1)
    ev_error(I, P->site, "load_onnx: %s: the graph has %d inputs; nn reads a model of one input", P->path, n_in);
  if (M->n_outputs != 1)
    ev_error(I, P->site, "load_onnx: %s: the graph has %d outputs; nn reads a model of one output", P->path,
             M->n_outputs);
  if (input->dtype != ONNX_FLOAT && input->dtype != ONNX_UNDEFINED)
    ev_error(I, P->site, "load_onnx: %s: the input '%s' is of type %s; nn models take FLOAT", P->path, input->name,
             onnx_dtype_name(input->dtype));
  Name *outn = name_get(P, M->outputs[0].name);
  outn->last_use = M->n_nodes;
  outn->n_uses++;
  /* the per-sample shape: the input's dims after the batch axis, when all are numbers */
  P->known = input->has_shape && input->ndim >= 1;
  P->nd = P->known ? input->ndim - 1 : 0;
  uint64_t count = 1;
  for (int k = 1; P->known && k < input->ndim; k++) {
    if (input->dims[k] < 1 || __builtin_mul_overflow(count, (uint64_t)input->dims[k], &count) ||
        count > ONNX_MAX_MADE)
      P->known = false;
    P->shape[k - 1] = input->dims[k];
  }
  /* the sample shape the file declares, as if the model had seen a batch of it:
     summary(net) and export(net, …) then need no input = */
  if (P->known && P->nd > 0) {
    Model *model = P->model.as.model;
    model->in_ndim = P->nd;
    memcpy(model->in_shape, P->shape, sizeof(int64_t) * (size_t)P->nd);
  }
  const char *cur = input->name;
  int *dec = P->dec = rt_calloc((size_t)M->n_nodes + 2, sizeof(int));
  {
    int i = next_node(P, -1);
    while (i < M->n_nodes) {
      int last = try_pattern(P, i, cur, false);
      if (last >= 0) {
        cur = M->nodes[last].out[0];
        i = next_node(P, last);
        continue;
      }
      /* an "onnx" layer: grow it until one value alone lives on past its last node, and
         that value is the last node's output */
      /* dec[j]: values of this layer whose last reader is node j; every entry is 0
         between layers (each is cleared once read, and the one value that outlives the
         layer is cleared when it closes) */
      Name *c = name_get(P, cur);
      int live = c->last_use >= i;
      if (live) dec[c->last_use]++;
      int first = i, k = i;
      for (;;) {
        const OnnxNode *n = &M->nodes[k];
        for (int o = 0; o < n->n_out; o++) {
          Name *v = *n->out[o] ? name_get(P, n->out[o]) : NULL;
          if (v && v->last_use > k) live++, dec[v->last_use]++;
        }
        live -= dec[k];
        dec[k] = 0;
        int next = next_node(P, k);
        Name *o0 = n->n_out ? name_get(P, n->out[0]) : NULL;
        bool closes = live == 1 && o0 && o0->last_use > k;
        if (closes && (next >= M->n_nodes || try_pattern(P, next, n->out[0], true) >= 0)) {
          dec[o0->last_use] = 0;
          add_segment(P, first, k, cur, n->out[0]);
          cur = n->out[0];
          i = next;
          break;
        }
        if (next >= M->n_nodes) {
          add_segment(P, first, k, cur, o0 ? n->out[0] : cur); /* checks every node: names the unsupported */
          fail(P, k, "the graph does not end in a single value made by its last node");
        }
        k = next;
      }
    }
  }
  if (strcmp(cur, M->outputs[0].name))
    ev_error(I, P->site, "load_onnx: %s: the graph's output '%s' is not the end of its chain of nodes ('%s')",
             P->path, M->outputs[0].name, cur);
  if (P->model.as.model->n == 0) add_layer(P, activation(P, "identity"));
}

/* The model's name: the file's, without folders and extension ("mlp" for data/mlp.onnx). */
static const char *model_name(Interp *I, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot && dot != base) n = (size_t)(dot - base);
  return sym_intern(&I->syms, base, n)->name;
}

static void imp_free(Imp *P) {
  for (int i = 0; i < P->n_owned; i++) t_release(P->owned[i]);
  rt_free(P->owned);
  rt_free(P->names);
  rt_free(P->skip);
  rt_free(P->dec);
  onnx_model_free(P->m);
}

/* load_onnx(path): the model, or a located error naming what nn cannot read. */
static Value bi_load_onnx(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 0, buf, sizeof buf);
  Imp P = {.I = I, .site = c->node, .path = path};
  RtFrame f;
  if (RT_TRY(&f)) {
    P.m = onnx_read_file(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (rt_errkind() != RT_ERR_GENERIC) rt_rethrow();
    char msg[768];
    snprintf(msg, sizeof msg, "%s", rt_errmsg());
    ev_error(I, c->node, "load_onnx: %s", msg);
  }
  Model *m = rt_calloc(1, sizeof *m);
  m->rc = 1;
  m->name = model_name(I, path);
  m->depth = 1;
  P.model = (Value){.type = V_MODEL, .as.model = m};
  ev_root(I, P.model);
  if (RT_TRY(&f)) {
    import_graph(&P);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    imp_free(&P);
    rt_rethrow();
  }
  imp_free(&P);
  return v_retain(P.model);
}

static const Builtin import_builtins[] = {
    {"load_onnx", "load_onnx(path)", bi_load_onnx,
     N_("an ONNX model file as an nn model: its layers as nn's own where they match (dense, conv2d, "
        "batchnorm, activations …), other runs of ONNX ops as trainable \"onnx\" layers")},
    {NULL, NULL, NULL, NULL},
};

void import_register(Interp *I) { builtins_register_table(I, import_builtins); }
