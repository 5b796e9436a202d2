/* export.c — export(net, path, input = none): a model as an ONNX file (opset 13), by
 * tracing: the model runs in inference mode on a tracked batch with autograd tracing on
 * (runtime/autograd.h), and the recorded graph is written node by node with
 * runtime/onnx_write.h; a second batch of another size must give the same bytes.
 * Parameters become initializers under nn's names ("0.W"), other constants initializers
 * of their own; the input is x [N, …], the output y, N dynamic.
 */
#include "export.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "decl.h"
#include "mem.h"
#include "onnx_proto.h"
#include "onnx_write.h"

/* The batches the model is traced with: 3 rows, so that a size equal to the batch is
   seldom a coincidence; then 5, whose file must come out the same byte for byte (a part
   that depends on the batch's size or on the input's values outside the recorded ops
   would not). */
enum { TRACE_B = 3, TRACE_B2 = 5 };

/* A value of the graph: the tensor the trace made, its ONNX name, and which of its axes
   is the batch (-1: none), so that shapes written into the file can leave it dynamic. */
typedef struct {
  const Tensor *t;
  char *name;
  int batch;
} Val;

typedef struct {
  Interp *I;
  const Node *site;
  Model *m;
  OnnxWriter w;
  const Tensor *x, *y; /* the traced input and output */
  int batch;           /* x's rows */
  Val **vals;          /* each allocated alone, so a Val * stays valid as the table grows */
  int n_vals, cap_vals;
  int n_tmp, n_nodes, n_consts;
  int n_params;        /* nn's names of the model's tensors, for their initializers */
  char **pnames;
  Tensor **ptensors;
} Ex;

/* ------------------------------------------------------------------ names and messages */

/* Which top-level layer made t, as "layer 2 (swish) of model 'mlp'". */
static void where_made(Ex *e, const Tensor *t, char *buf, size_t n) {
  int i = ad_tag(t) - 1;
  if (i < 0 || i >= e->m->n) {
    snprintf(buf, n, _("model '%s'"), e->m->name);
    return;
  }
  Value l = e->m->layers[i];
  snprintf(buf, n, _("layer %d (%s) of model '%s'"), i,
           l.type == V_LAYER ? l.as.layer->kind : l.as.model->name, e->m->name);
}

static _Noreturn void unsupported(Ex *e, const Tensor *t, const char *op) {
  char at[256];
  where_made(e, t, at, sizeof at);
  ev_error(e->I, e->site, "export: %s uses '%s', which ONNX export does not support", at, op);
}

/* A fresh name for an intermediate value ("t7"), in buf [24]. */
static const char *tmp_name(Ex *e, char *buf) {
  snprintf(buf, 24, "t%d", e->n_tmp++);
  return buf;
}

/* The name the output of t's node gets: "y" for the model's output. */
static const char *out_name(Ex *e, const Tensor *t, char *buf) {
  if (t == e->y) return "y";
  return tmp_name(e, buf);
}

static void node(Ex *e, const char *op, int n_in, const char *const *in, const char *out) {
  char name[24];
  snprintf(name, sizeof name, "n%d", e->n_nodes++);
  onnx_node(&e->w, name, op, n_in, in, out);
}

static void node1(Ex *e, const char *op, const char *a, const char *out) { node(e, op, 1, &a, out); }
static void node2(Ex *e, const char *op, const char *a, const char *b, const char *out) {
  node(e, op, 2, (const char *[]){a, b}, out);
}

/* Constant initializers of the graph's own: int64 vectors (shapes, axes) and float
   scalars; their names ("c3") go in buf [24]. */
static const char *const_ints(Ex *e, int n, const int64_t *v, char *buf) {
  snprintf(buf, 24, "c%d", e->n_consts++);
  onnx_init_int64(&e->w, buf, 1, (int64_t[]){n}, v);
  return buf;
}

static const char *const_scalar(Ex *e, float v, char *buf) {
  snprintf(buf, 24, "c%d", e->n_consts++);
  Tensor s = {.rc = 1, .ndim = 0, .size = 1, .data = &v};
  onnx_init_float(&e->w, buf, &s);
  return buf;
}

/* y = Cast(a) to float: comparisons and ArgMax give booleans and int64. */
static void cast_float(Ex *e, const char *a, const char *out) {
  node1(e, "Cast", a, out);
  onnx_attr_int(&e->w, "to", ONNX_FLOAT);
}

/* ------------------------------------------------------------------ values */

static Val *find(Ex *e, const Tensor *t) {
  for (int i = 0; i < e->n_vals; i++)
    if (e->vals[i]->t == t) return e->vals[i];
  return NULL;
}

static Val *add_val(Ex *e, const Tensor *t, const char *name, int batch) {
  if (e->n_vals == e->cap_vals) {
    e->cap_vals = e->cap_vals ? 2 * e->cap_vals : 64;
    e->vals = rt_realloc(e->vals, sizeof *e->vals * (size_t)e->cap_vals);
  }
  Val *v = rt_calloc(1, sizeof *v);
  e->vals[e->n_vals++] = v;
  v->t = t;
  v->name = rt_strdup(name);
  v->batch = batch;
  return v;
}

/* A tensor the output depends on but that is no op of the input: a parameter (its
   name in nn), a buffer such as batchnorm's running mean, or a constant ("c4"). */
static const Val *constant(Ex *e, const Tensor *t) {
  Val *v = find(e, t);
  if (v) return v;
  const char *name = NULL;
  char buf[24];
  for (int i = 0; i < e->n_params && !name; i++)
    if (e->ptensors[i] == t) name = e->pnames[i];
  if (!name) snprintf(buf, sizeof buf, "c%d", e->n_consts++), name = buf;
  onnx_init_float(&e->w, name, t);
  return add_val(e, t, name, -1);
}

/* The batch axis of an elementwise result of rank r from operand v (broadcast aligns
   axes from the right). */
static int shifted(const Val *v, int r) { return v->batch < 0 ? -1 : v->batch + r - v->t->ndim; }

/* The first operand's batch axis carried into a broadcast result of rank r. */
static int broadcast_batch(const Val *const *in, int n, int r) {
  for (int i = 0; i < n; i++)
    if (in[i]->batch >= 0) return shifted(in[i], r);
  return -1;
}

/* ------------------------------------------------------------------ ops */

static const Val *emit(Ex *e, const Tensor *t);

/* The ONNX op of each nn elementwise op with one (same-named) ONNX twin. */
static const char *const same_op[][2] = {
    {"neg", "Neg"},         {"exp", "Exp"},         {"log", "Log"},     {"sqrt", "Sqrt"},
    {"abs", "Abs"},         {"sin", "Sin"},         {"cos", "Cos"},     {"tanh", "Tanh"},
    {"sigmoid", "Sigmoid"}, {"relu", "Relu"},       {"sign", "Sign"},   {"floor", "Floor"},
    {"ceil", "Ceil"},       {"add", "Add"},         {"sub", "Sub"},     {"mul", "Mul"},
    {"div", "Div"},         {"pow", "Pow"},         {"maximum", "Max"}, {"minimum", "Min"},
    {"matmul", "MatMul"},   {"softmax", "Softmax"}, {"log_softmax", "LogSoftmax"},
};
/* nn's comparisons (1 or 0 as floats): the ONNX comparison, then a Cast. */
static const char *const compare_op[][2] = {
    {"lt", "Less"}, {"le", "LessOrEqual"}, {"gt", "Greater"}, {"ge", "GreaterOrEqual"},
    {"eq", "Equal"}, {"ne", "Equal"},
};
/* nn's reductions: ReduceSum takes its axes as an input in opset 13, the others as an
   attribute. */
static const char *const reduce_op[][2] = {
    {"sum", "ReduceSum"}, {"mean", "ReduceMean"}, {"max", "ReduceMax"},
    {"min", "ReduceMin"}, {"prod", "ReduceProd"}, {"norm", "ReduceL2"},
};

static const char *lookup(const char *const (*table)[2], size_t n, const char *op) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(table[i][0], op)) return table[i][1];
  return NULL;
}
#define LOOKUP(table, op) lookup(table, sizeof table / sizeof *table, op)

/* reshape: the shape written keeps the batch dynamic, which needs the batch to stay the
   leading axis. When it keeps its size, 0 copies it from the input (and a rank-2 result
   is [0, -1], flatten's form: [B, 28, 28] → [B, 784]); else -1 infers it. */
static int emit_reshape(Ex *e, const Tensor *t, const Val *a, const char *out) {
  int64_t shape[T_MAXDIM];
  memcpy(shape, t->shape, sizeof(int64_t) * (size_t)t->ndim);
  int batch = -1;
  if (a->batch >= 0) {
    if (a->batch != 0 || t->ndim < 1 || t->shape[0] % e->batch != 0) {
      char at[256], s1[96], s2[96];
      where_made(e, t, at, sizeof at);
      ev_error(e->I, e->site, "export: %s reshapes a batch of %d samples %s to %s, mixing the "
               "samples: a model with a dynamic batch must keep the batch as the leading axis",
               at, e->batch, t_shape_str(a->t->ndim, a->t->shape, s1, sizeof s1),
               t_shape_str(t->ndim, t->shape, s2, sizeof s2));
    }
    bool same = t->shape[0] == a->t->shape[0];
    shape[0] = same ? 0 : -1;
    if (same && t->ndim == 2) shape[1] = -1;
    batch = 0;
  }
  char c[24];
  node2(e, "Reshape", a->name, const_ints(e, t->ndim, shape, c), out);
  return batch;
}

/* x[...]: one Slice over the axes the index narrows (an index i is the slice [i, i+1]),
   then a Squeeze of the indexed axes. The batch axis taken whole stays dynamic. */
static int emit_index(Ex *e, const Tensor *t, const Val *a, const AdAttrs *at, const char *out) {
  int64_t starts[T_MAXDIM], ends[T_MAXDIM], axes[T_MAXDIM], steps[T_MAXDIM], squeeze[T_MAXDIM];
  int ns = 0, nq = 0, batch = a->batch;
  for (int k = 0; k < at->n_index; k++) {
    const TIndex *ix = &at->index[k];
    int64_t len = a->t->shape[k], start, end, step = 1;
    if (ix->kind == T_IX_INDEX) {
      start = ix->index < 0 ? ix->index + len : ix->index;
      end = start + 1;
      squeeze[nq++] = k;
      if (k == a->batch) batch = -1;
      else if (k < a->batch) batch--;
    } else {
      if (k == a->batch && !ix->has_start && !ix->has_stop && ix->step == 1) continue;
      int64_t cnt;
      t_slice_range(ix, len, &start, &cnt);
      step = ix->step;
      end = start + cnt * step;
      if (cnt == 0) start = end = 0, step = 1;
      else if (end < 0) end = INT64_MIN; /* past the front, stepping back */
    }
    starts[ns] = start, ends[ns] = end, axes[ns] = k, steps[ns] = step;
    ns++;
  }
  char c1[24], c2[24], c3[24], c4[24], mid[24];
  const char *cur = a->name;
  if (ns) {
    const char *in[5] = {cur, const_ints(e, ns, starts, c1), const_ints(e, ns, ends, c2),
                         const_ints(e, ns, axes, c3), const_ints(e, ns, steps, c4)};
    const char *o = nq ? tmp_name(e, mid) : out;
    node(e, "Slice", 5, in, o);
    cur = o;
  }
  if (nq) node2(e, "Squeeze", cur, const_ints(e, nq, squeeze, c1), out);
  else if (!ns) node1(e, "Identity", cur, out);
  return batch;
}

/* The running statistics of the batchnorm layer whose gamma is g (the node keeps the
   normalisation's mean and 1/σ, not the statistics themselves). */
static Layer *batchnorm_of(Value v, const Tensor *g) {
  if (v.type == V_MODEL) {
    for (int i = 0; i < v.as.model->n; i++) {
      Layer *l = batchnorm_of(v.as.model->layers[i], g);
      if (l) return l;
    }
    return NULL;
  }
  if (v.type != V_LAYER) return NULL;
  Layer *l = v.as.layer;
  bool bn = l->native && !strcmp(l->native->name, "batchnorm") && l->n_params >= 1 && l->n_bufs >= 2;
  return bn && l->params[0] == g ? l : NULL;
}

/* An ONNX op of the tensor's node: writes its nodes and returns y's batch axis. */
static int emit_op(Ex *e, const Tensor *t, const char *op, const Val *const *in, int n,
                   const char *out) {
  AdAttrs at;
  ad_attrs(t, &at);
  int r = t->ndim;
  char c1[24], c2[24], m1[24], m2[24], m3[24], m4[24]; /* each value is written once (SSA) */
  const char *onnx;
  if (!strcmp(op, "step")) { /* [x > 0] */
    node2(e, "Greater", in[0]->name, const_scalar(e, 0, c1), tmp_name(e, m1));
    cast_float(e, m1, out);
  } else if (!strcmp(op, "round")) { /* halves away from zero (ONNX Round: to even) */
    node1(e, "Abs", in[0]->name, tmp_name(e, m1));
    node2(e, "Add", m1, const_scalar(e, 0.5f, c1), tmp_name(e, m2));
    node1(e, "Floor", m2, tmp_name(e, m3));
    node1(e, "Sign", in[0]->name, tmp_name(e, m4));
    node2(e, "Mul", m4, m3, out);
  } else if (!strcmp(op, "mod")) { /* a − b·floor(a/b), the sign of b */
    node2(e, "Div", in[0]->name, in[1]->name, tmp_name(e, m1));
    node1(e, "Floor", m1, tmp_name(e, m2));
    node2(e, "Mul", in[1]->name, m2, tmp_name(e, m3));
    node2(e, "Sub", in[0]->name, m3, out);
  } else if (!strcmp(op, "xlogy")) { /* a·log b, 0 where a = 0 */
    node1(e, "Log", in[1]->name, tmp_name(e, m1));
    node2(e, "Mul", in[0]->name, m1, tmp_name(e, m2));
    const char *zero = const_scalar(e, 0, c1);
    node2(e, "Equal", in[0]->name, zero, tmp_name(e, m3));
    node(e, "Where", 3, (const char *[]){m3, zero, m2}, out);
  } else if ((onnx = LOOKUP(compare_op, op))) {
    node2(e, onnx, in[0]->name, in[1]->name, tmp_name(e, m1));
    if (!strcmp(op, "ne")) node1(e, "Not", m1, tmp_name(e, m2));
    cast_float(e, !strcmp(op, "ne") ? m2 : m1, out);
  } else if (!strcmp(op, "leaky_relu")) {
    node1(e, "LeakyRelu", in[0]->name, out);
    onnx_attr_float(&e->w, "alpha", at.slope);
  } else if (!strcmp(op, "clip")) {
    const char *lo = isinf(at.lo) ? "" : const_scalar(e, at.lo, c1);
    const char *hi = isinf(at.hi) ? "" : const_scalar(e, at.hi, c2);
    node(e, "Clip", 3, (const char *[]){in[0]->name, lo, hi}, out);
  } else if (!strcmp(op, "where")) { /* a where c != 0 */
    node1(e, "Cast", in[0]->name, tmp_name(e, m1));
    onnx_attr_int(&e->w, "to", ONNX_BOOL);
    node(e, "Where", 3, (const char *[]){m1, in[1]->name, in[2]->name}, out);
  } else if ((onnx = LOOKUP(reduce_op, op)) || !strcmp(op, "argmax") || !strcmp(op, "argmin")) {
    int64_t axis = at.axis;
    bool all = at.axis == T_AXIS_ALL;
    if (!onnx) { /* argmax/argmin: int64 indices as floats; over all axes, flat indices */
      const char *src = in[0]->name;
      if (all) {
        node2(e, "Reshape", src, const_ints(e, 1, (int64_t[]){-1}, c1), tmp_name(e, m1));
        src = m1;
      }
      node1(e, !strcmp(op, "argmax") ? "ArgMax" : "ArgMin", src, tmp_name(e, m2));
      onnx_attr_int(&e->w, "axis", all ? 0 : axis);
      onnx_attr_int(&e->w, "keepdims", all ? 0 : at.keepdim);
      if (all && r > 0) { /* kept dims: all of size 1 */
        cast_float(e, m2, tmp_name(e, m3));
        node2(e, "Reshape", m3, const_ints(e, r, t->shape, c2), out);
      } else {
        cast_float(e, m2, out);
      }
    } else if (!strcmp(onnx, "ReduceSum")) {
      if (all) node1(e, onnx, in[0]->name, out);
      else node2(e, onnx, in[0]->name, const_ints(e, 1, &axis, c1), out);
      onnx_attr_int(&e->w, "keepdims", at.keepdim);
    } else {
      node1(e, onnx, in[0]->name, out);
      if (!all) onnx_attr_ints(&e->w, "axes", &axis, 1);
      onnx_attr_int(&e->w, "keepdims", at.keepdim);
    }
    int b = in[0]->batch;
    if (b < 0 || all || at.axis == b) return -1;
    return at.keepdim || at.axis > b ? b : b - 1;
  } else if (!strcmp(op, "softmax") || !strcmp(op, "log_softmax")) { /* the last axis: -1 */
    node1(e, LOOKUP(same_op, op), in[0]->name, out);
    onnx_attr_int(&e->w, "axis", at.axis == r - 1 ? -1 : at.axis);
  } else if (!strcmp(op, "matmul")) {
    node2(e, "MatMul", in[0]->name, in[1]->name, out);
    const Val *a = in[0], *b = in[1];
    if (a->batch >= 0 && a->t->ndim >= 2 && a->batch < a->t->ndim - 1) return shifted(a, r);
    if (b->batch >= 0 && b->t->ndim >= 2 && b->batch == b->t->ndim - 1) return r - 1;
    if (b->batch >= 0 && b->batch < b->t->ndim - 2) return shifted(b, r);
    return -1;
  } else if (!strcmp(op, "linear")) { /* act(x @ W + b), the dense layer fused */
    node2(e, "MatMul", in[0]->name, in[1]->name, tmp_name(e, m1));
    const char *sum = m1;
    if (n == 3) node2(e, "Add", m1, in[2]->name, sum = at.act ? tmp_name(e, m2) : out);
    if (at.act) node1(e, "Relu", sum, out);
    else if (n == 2) node1(e, "Identity", sum, out);
    return shifted(in[0], r);
  } else if (!strcmp(op, "reshape")) {
    return emit_reshape(e, t, in[0], out);
  } else if (!strcmp(op, "permute")) {
    int64_t perm[T_MAXDIM];
    int b = -1;
    for (int k = 0; k < r; k++) {
      perm[k] = at.perm[k];
      if (at.perm[k] == in[0]->batch) b = k;
    }
    node1(e, "Transpose", in[0]->name, out);
    onnx_attr_ints(&e->w, "perm", perm, r);
    return b;
  } else if (!strcmp(op, "concat") || !strcmp(op, "stack")) {
    const char *names[n > 0 ? n : 1];
    char tmp[n > 0 ? n : 1][24]; /* stack: each input unsqueezed first */
    int b = -1;
    for (int i = 0; i < n; i++) {
      names[i] = in[i]->name;
      if (b < 0 && in[i]->batch >= 0)
        b = op[0] == 's' && in[i]->batch >= at.axis ? in[i]->batch + 1 : in[i]->batch;
      if (op[0] == 's') {
        int64_t axis = at.axis;
        node2(e, "Unsqueeze", in[i]->name, const_ints(e, 1, &axis, c1), tmp_name(e, tmp[i]));
        names[i] = tmp[i];
      }
    }
    node(e, "Concat", n, names, out);
    onnx_attr_int(&e->w, "axis", at.axis);
    return b;
  } else if (!strcmp(op, "index")) {
    return emit_index(e, t, in[0], &at, out);
  } else if (!strcmp(op, "conv2d")) { /* [B, H, W] is one channel: [B, 1, H, W] */
    const char *src = in[0]->name;
    if (in[0]->t->ndim == 3) {
      node2(e, "Unsqueeze", src, const_ints(e, 1, (int64_t[]){1}, c1), tmp_name(e, m1));
      src = m1;
    }
    node(e, "Conv", 3, (const char *[]){src, in[1]->name, in[2]->name}, out);
    int64_t k[2] = {in[1]->t->shape[2], in[1]->t->shape[3]}, s[2] = {at.stride, at.stride};
    int64_t p[4] = {at.pad, at.pad, at.pad, at.pad};
    onnx_attr_ints(&e->w, "kernel_shape", k, 2);
    onnx_attr_ints(&e->w, "strides", s, 2);
    onnx_attr_ints(&e->w, "pads", p, 4);
    return in[0]->batch == 0 ? 0 : -1;
  } else if (!strcmp(op, "maxpool2d")) { /* MaxPool wants [N, C, H, W]: others reshaped */
    const Tensor *x = in[0]->t;
    int64_t k[2] = {at.k, at.k}, s[2] = {at.stride, at.stride};
    if (x->ndim == 4) {
      node1(e, "MaxPool", in[0]->name, out);
    } else {
      int64_t sh4[4] = {-1, 1, x->shape[x->ndim - 2], x->shape[x->ndim - 1]};
      node2(e, "Reshape", in[0]->name, const_ints(e, 4, sh4, c1), tmp_name(e, m1));
      node1(e, "MaxPool", m1, tmp_name(e, m2));
    }
    onnx_attr_ints(&e->w, "kernel_shape", k, 2);
    onnx_attr_ints(&e->w, "strides", s, 2);
    int b = in[0]->batch < r - 2 ? in[0]->batch : -1;
    if (x->ndim != 4) {
      int64_t shape[T_MAXDIM];
      memcpy(shape, t->shape, sizeof(int64_t) * (size_t)r);
      if (b >= 0) shape[b] = -1;
      node2(e, "Reshape", m2, const_ints(e, r, shape, c2), out);
    }
    return b;
  } else if (!strcmp(op, "batchnorm")) {
    Layer *l = batchnorm_of((Value){.type = V_MODEL, .as.model = e->m}, in[1]->t);
    if (at.batch_stats || !l) unsupported(e, t, op);
    const Val *mean = constant(e, l->bufs[0]), *var = constant(e, l->bufs[1]);
    node(e, "BatchNormalization", 5,
         (const char *[]){in[0]->name, in[1]->name, in[2]->name, mean->name, var->name}, out);
    onnx_attr_float(&e->w, "epsilon", at.eps);
    return in[0]->batch;
  } else if ((onnx = LOOKUP(same_op, op))) {
    const char *names[2] = {n > 0 ? in[0]->name : "", n > 1 ? in[1]->name : ""};
    node(e, onnx, n < 2 ? n : 2, names, out);
  } else {
    unsupported(e, t, op);
  }
  return broadcast_batch(in, n, r);
}

/* The value of tensor t in the graph, writing whatever it needs first (a depth-first
   walk of the recorded graph, so nodes come in an order ONNX accepts). */
static const Val *emit(Ex *e, const Tensor *t) {
  Val *v = find(e, t);
  if (v) return v;
  if (t == e->x) return add_val(e, t, "x", 0);
  if (!ad_is_tracked(t) || ad_is_leaf(t)) return constant(e, t);
  int n = ad_n_inputs(t);
  const Val *in[n > 0 ? n : 1];
  for (int i = 0; i < n; i++) in[i] = emit(e, ad_input(t, i));
  char out[24];
  const char *name = out_name(e, t, out);
  int batch = emit_op(e, t, ad_op_name(t), in, n, name);
  return add_val(e, t, name, batch);
}

/* ------------------------------------------------------------------ the builtin */

/* The tagger of a trace: each node recorded keeps the top-level layer running (i + 1). */
static _Thread_local int trace_layer;
static int tag_layer(void *ctx) {
  (void)ctx;
  return trace_layer;
}

/* Runs model m on the tracked batch x with every op recorded, each node tagged with the
   top-level layer that made it; the output, rooted. */
static Value trace(Interp *I, Model *m, Tensor *x, const Node *site) {
  ad_track(x);
  /* The catcher (ev_pcall) puts recording and grad_depth back on an error; tracing and
     the tagger are put back here. */
  bool rec = ad_set_recording(true), was_tracing = ad_set_tracing(true);
  AdTagger *prev_fn;
  void *prev_ctx;
  ad_set_tagger(tag_layer, NULL, &prev_fn, &prev_ctx);
  I->grad_depth++;
  Value r = v_tensor(t_retain(x));
  RtFrame f;
  if (RT_TRY(&f)) {
    for (int i = 0, used; i < m->n; i += used) {
      trace_layer = i + 1;
      ev_root(I, r);
      Value next = nn_apply_layer(I, m, i, r, false, site, &used);
      ev_unroot(I, 1);
      r = next;
    }
    rt_pop(&f);
  } else {
    rt_pop(&f);
    ad_set_tagger(prev_fn, prev_ctx, NULL, NULL);
    ad_set_tracing(was_tracing);
    rt_rethrow();
  }
  ad_set_tagger(prev_fn, prev_ctx, NULL, NULL);
  ad_set_tracing(was_tracing);
  I->grad_depth--;
  ad_set_recording(rec);
  ev_root(I, r);
  return r;
}

static void ex_free(Ex *e) {
  onnx_free(&e->w);
  for (int i = 0; i < e->n_vals; i++) {
    rt_free(e->vals[i]->name);
    rt_free(e->vals[i]);
  }
  rt_free(e->vals);
  for (int i = 0; i < e->n_params; i++) rt_free(e->pnames[i]);
  rt_free(e->pnames);
  rt_free(e->ptensors);
}

/* The graph of the traced output y: input x [N, …], the nodes, output y. */
static void write_graph(Ex *e, const Tensor *y, const int64_t *in, int nin) {
  onnx_begin(&e->w, e->m->name);
  int64_t xs[T_MAXDIM] = {-1};
  memcpy(xs + 1, in, sizeof(int64_t) * (size_t)nin);
  onnx_input(&e->w, "x", nin + 1, xs, "N");
  const Val *v = emit(e, y);
  if (strcmp(v->name, "y")) node1(e, "Identity", v->name, "y"); /* y is x or a constant */
  int64_t ys[T_MAXDIM];
  memcpy(ys, y->shape, sizeof(int64_t) * (size_t)y->ndim);
  if (v->batch >= 0) ys[v->batch] = -1;
  onnx_output(&e->w, "y", y->ndim, ys, "N");
  onnx_finish(&e->w);
}

/* The model traced on `batch` samples of shape in [nin] and encoded as ONNX into *w
   (zeroed by the caller, who frees it, also after an error). */
static void encode(Interp *I, const Node *site, Value model, const int64_t *in, int nin,
                   int batch, OnnxWriter *w) {
  Model *m = model.as.model;
  /* fixed pseudo-random values: the user's seed stays as it was */
  int64_t xs[T_MAXDIM] = {batch};
  memcpy(xs + 1, in, sizeof(int64_t) * (size_t)nin);
  Rng rng;
  rng_seed(&rng, (uint64_t)batch);
  Tensor *x = t_rand(&rng, nin + 1, xs);
  ev_root(I, v_tensor(x));
  Value out = trace(I, m, x, site);
  if (out.type != V_TENSOR)
    ev_error(I, site, "export: model '%s' must give a tensor, got %s", m->name, v_type_name(out));
  Ex e = {.I = I, .site = site, .m = m, .x = x, .y = out.as.t, .batch = batch};
  RtFrame f;
  if (RT_TRY(&f)) {
    e.n_params = nn_params(model, &e.pnames, &e.ptensors);
    write_graph(&e, out.as.t, in, nin);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    ex_free(&e);
    rt_rethrow();
  }
  *w = e.w; /* the caller's now */
  e.w = (OnnxWriter){0};
  ex_free(&e);
  ev_unroot(I, 2); /* x and the traced graph */
}

/* export(net, path, input = none): input is the shape of one sample ([28, 28]); none
   takes the shape of the last batch the model was applied to. */
static Value bi_export(Call *c) {
  Interp *I = c->I;
  if (c->args[0].type != V_MODEL) arg_error(c, 0, "a model");
  Model *m = c->args[0].as.model;
  char buf[4096];
  const char *path = arg_path(c, 1, buf, sizeof buf);
  int64_t in[T_MAXDIM];
  int nin;
  if (c->args[2].type == V_NONE) {
    if (m->in_ndim == 0)
      ev_error(I, c->node, "export: model '%s' has not been applied to any input yet, so the shape "
               "of its input is unknown: give input = the shape of one sample, e.g. "
               "export(net, \"%s\", input = [28, 28])", m->name, arg_str(c, 1));
    nin = m->in_ndim;
    memcpy(in, m->in_shape, sizeof(int64_t) * (size_t)nin);
  } else {
    Tensor *s = arg_tensor(c, 2);
    if (s->ndim > 1 || s->size < 1 || s->size > T_MAXDIM - 1)
      arg_error(c, 2, "the shape of one sample, such as [28, 28]");
    nin = (int)s->size;
    for (int i = 0; i < nin; i++) {
      float d = s->data[i];
      if (!(d >= 1 && d <= 1e9 && d == floorf(d)))
        arg_error(c, 2, "the shape of one sample, such as [28, 28]");
      in[i] = (int64_t)d;
    }
  }
  OnnxWriter a = {0}, b = {0};
  RtFrame f;
  if (RT_TRY(&f)) {
    encode(I, c->node, c->args[0], in, nin, TRACE_B, &a);
    encode(I, c->node, c->args[0], in, nin, TRACE_B2, &b);
    if (a.buf.len != b.buf.len || memcmp(a.buf.data, b.buf.data, a.buf.len))
      ev_error(I, c->node, "export: model '%s' does not make the same graph for a batch of %d and a "
               "batch of %d: part of it depends on the batch's size or on the input's values "
               "outside the ops nn records (one_hot, tensor(), a slice of the batch axis, an if "
               "on a value), which an ONNX graph cannot follow", m->name, TRACE_B, TRACE_B2);
    RtFrame sf;
    if (RT_TRY(&sf)) {
      onnx_save(&a, path);
      rt_pop(&sf);
    } else {
      rt_pop(&sf);
      ev_error(I, c->node, "export: %s", rt_errmsg());
    }
    rt_pop(&f);
  } else {
    rt_pop(&f);
    onnx_free(&a);
    onnx_free(&b);
    rt_rethrow();
  }
  onnx_free(&a);
  onnx_free(&b);
  return v_none();
}

static const Builtin export_builtins[] = {
    {"export", "export(model, path, input = none)", bi_export,
     N_("write the model as an ONNX file (opset 13, input x [N, …], output y) for ONNX Runtime, "
        "PyTorch and other engines")},
    {NULL, NULL, NULL, NULL},
};

void export_register(Interp *I) { builtins_register_table(I, export_builtins); }
