/* lib_core.c — the core builtin library: creating and reshaping tensors, elementwise
 * functions, reductions, the notes' activations, checks and values. Each entry of the
 * table below carries its signature (parsed into Params, so keyword arguments and
 * defaults work like for user functions) and its one-line help. Formulas that need no kernel of their own live in the stdlib/ .nn files instead.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "lib_core.h"

#include "blas.h"
#include "mem.h"
#include "platform.h"

/* ------------------------------------------------------------------ helpers */

static Value tensor_or_num(Tensor *t, bool num) {
  if (num) {
    double x = t->data[0];
    t_release(t);
    return v_num(x);
  }
  return v_tensor(t);
}

static bool is_num(Value v) { return v.type == V_NUM || v.type == V_BOOL; }

/* A size for a shape: a whole number >= 0 (or -1 where allowed, for reshape). */
static int64_t size_of(Call *c, int i, Value v, bool allow_neg) {
  double d = NAN;
  if (!v_to_num(v, &d)) arg_fail(c, i, "sizes must be numbers, got a %s", v_type_name(v));
  if (d != floor(d) || d < (allow_neg ? -1 : 0) || d > 9e15) {
    char buf[64];
    snprintf(buf, sizeof buf, "%g", d);
    if (d > 9e15) arg_fail(c, i, "a size must be at most 9e15, got %s", buf);
    if (allow_neg) arg_fail(c, i, "a size must be a whole number >= 0 (or one -1), got %s", buf);
    arg_fail(c, i, "a size must be a whole number >= 0, got %s", buf);
  }
  return (int64_t)d;
}

/* A shape from a value: a number (one axis), a 1-D tensor of sizes, or a list of
   sizes; the variadic dims of `zeros(2, 3)` arrive as a list, and `zeros([2, 3])` as
   a list holding one list. */
static int shape_of(Call *c, int i, Value v, int64_t *shape, bool allow_neg) {
  if (is_num(v)) {
    shape[0] = size_of(c, i, v, allow_neg);
    return 1;
  }
  if (v.type == V_TENSOR && v.as.t->ndim <= 1) {
    Tensor *t = v.as.t;
    if (t->size > T_MAXDIM) arg_fail(c, i, "a tensor has at most 8 axes", NULL);
    for (int k = 0; k < t->size; k++) shape[k] = size_of(c, i, v_num(t->data[k]), allow_neg);
    return (int)t->size;
  }
  if (v.type != V_LIST) arg_error(c, i, "a shape (sizes as numbers or a list)");
  List *l = v.as.list;
  if (l->n == 1 && (l->items[0].type == V_LIST || l->items[0].type == V_TENSOR))
    return shape_of(c, i, l->items[0], shape, allow_neg);
  if (l->n > T_MAXDIM) arg_fail(c, i, "a tensor has at most 8 axes", NULL);
  for (int k = 0; k < l->n; k++) shape[k] = size_of(c, i, l->items[k], allow_neg);
  return l->n;
}

static int shape_arg(Call *c, int i, int64_t *shape, bool allow_neg) {
  return shape_of(c, i, c->args[i], shape, allow_neg);
}

/* ------------------------------------------------------------------ creation */

static Value bi_zeros(Call *c) {
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 0, sh, false);
  return v_tensor(t_zeros(n, sh));
}

static Value bi_ones(Call *c) {
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 0, sh, false);
  return v_tensor(t_full(n, sh, 1));
}

static Value bi_full(Call *c) {
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 0, sh, false);
  return v_tensor(t_full(n, sh, (float)arg_num(c, 1)));
}

static Value bi_arange(Call *c) {
  double a = arg_num(c, 0), b, step = arg_num(c, 2);
  if (c->args[1].type == V_NONE) b = a, a = 0;
  else b = arg_num(c, 1);
  if (step == 0) arg_fail(c, 2, "step cannot be zero", NULL);
  if ((b - a) / step > 1e10) arg_fail(c, c->args[1].type == V_NONE ? 0 : 1, "the range has too many elements", NULL);
  return v_tensor(t_arange(a, b, step));
}

static Value bi_linspace(Call *c) {
  long long n = arg_int(c, 2);
  if (n < 0) arg_fail(c, 2, "the count must be >= 0", NULL);
  return v_tensor(t_linspace(arg_num(c, 0), arg_num(c, 1), n));
}

static Value bi_eye(Call *c) {
  long long n = arg_int(c, 0);
  if (n < 0) arg_fail(c, 0, "the size must be >= 0", NULL);
  return v_tensor(t_eye(n));
}

static Value bi_rand(Call *c) {
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 0, sh, false);
  return v_tensor(t_rand(&c->I->rng, n, sh));
}

static Value bi_randn(Call *c) {
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 0, sh, false);
  return v_tensor(t_randn(&c->I->rng, n, sh));
}

static Value bi_seed(Call *c) {
  long long s = arg_int(c, 0);
  rng_seed(&c->I->rng, (uint64_t)s);
  return v_none();
}

/* ------------------------------------------------------------------ shapes */

static Value bi_shape(Call *c) {
  Value v = c->args[0];
  if (is_num(v)) return v_list_new(0);
  if (v.type == V_U8) { /* eval.c hands it over as bytes: only its shape is read */
    Value l = v_list_new(v.as.u8->ndim);
    for (int i = 0; i < v.as.u8->ndim; i++) list_push(l.as.list, v_num((double)v.as.u8->shape[i]));
    return l;
  }
  Tensor *t = arg_tensor(c, 0);
  Value l = v_list_new(t->ndim);
  for (int i = 0; i < t->ndim; i++) list_push(l.as.list, v_num((double)t->shape[i]));
  return l;
}

static Value bi_rank(Call *c) {
  if (is_num(c->args[0])) return v_num(0);
  if (c->args[0].type == V_U8) return v_num(c->args[0].as.u8->ndim); /* as bi_shape */
  return v_num(arg_tensor(c, 0)->ndim);
}

static Value bi_reshape(Call *c) {
  Tensor *t = arg_tensor(c, 0);
  int64_t sh[T_MAXDIM];
  int n = shape_arg(c, 1, sh, true);
  return v_tensor(ad_reshape(t, n, sh));
}

static Value bi_transpose(Call *c) { return v_tensor(ad_transpose(arg_tensor(c, 0))); }
static Value bi_flatten(Call *c) { return v_tensor(ad_flatten(arg_tensor(c, 0))); }

/* concat/stack take a list of tensors, or a tensor seen as the list of its rows. */
static Value join(Call *c, bool stack) {
  Value v = c->args[0];
  int axis = (int)arg_int(c, 1);
  int n;
  int height = c->I->n_roots;
  if (v.type == V_LIST) {
    n = v.as.list->n;
    if (n == 0) arg_fail(c, 0, "needs at least one tensor", NULL);
    for (int i = 0; i < n; i++) ev_root(c->I, v_tensor(to_tensor(c->I, v.as.list->items[i], _("each item"))));
  } else if (v.type == V_TENSOR && v.as.t->ndim > 0) {
    n = (int)v.as.t->shape[0];
    if (n == 0) arg_fail(c, 0, "needs at least one tensor", NULL);
    for (int i = 0; i < n; i++) {
      TIndex ix = {.kind = T_IX_INDEX, .index = i};
      ev_root(c->I, v_tensor(ad_index(v.as.t, 1, &ix)));
    }
  } else {
    arg_error(c, 0, "a list of tensors");
  }
  return v_tensor(join_roots(c->I, height, axis, stack));
}

static Value bi_concat(Call *c) { return join(c, false); }
static Value bi_stack(Call *c) { return join(c, true); }

/* ------------------------------------------------------------------ elementwise */

static Value unary_op(Call *c, TUnOp op) {
  Value v = c->args[0];
  if (is_num(v)) return v_num(t_unary_scalar(op, v.as.num));
  return v_tensor(ad_unary(op, arg_tensor(c, 0)));
}

#define UNARY_BUILTINS(X) \
  X(exp, EXP) X(log, LOG) X(sqrt, SQRT) X(abs, ABS) X(sin, SIN) X(cos, COS) X(tanh, TANH) \
  X(sigmoid, SIGMOID) X(relu, RELU) X(step, STEP) X(sign, SIGN) X(floor, FLOOR) \
  X(ceil, CEIL) X(round, ROUND)
#define X(name, op) \
  static Value bi_##name(Call *c) { return unary_op(c, T_##op); }
UNARY_BUILTINS(X)
#undef X

static Value binary_op(Call *c, TBinOp op, int i, int j) {
  Value a = c->args[i], b = c->args[j];
  if (is_num(a) && is_num(b)) return v_num(t_binary_scalar(op, a.as.num, b.as.num));
  return v_tensor(ad_binary(op, arg_tensor(c, i), arg_tensor(c, j)));
}

static Value bi_pow(Call *c) { return binary_op(c, T_POW, 0, 1); }
static Value bi_xlogy(Call *c) { return binary_op(c, T_XLOGY, 0, 1); }

static Value bi_leaky_relu(Call *c) {
  double a = arg_num(c, 1);
  Value v = c->args[0];
  if (is_num(v)) return v_num(v.as.num > 0 ? v.as.num : a * v.as.num);
  return v_tensor(ad_leaky_relu(arg_tensor(c, 0), (float)a));
}

static Value bi_clip(Call *c) {
  double lo = c->args[1].type == V_NONE ? -INFINITY : arg_num(c, 1);
  double hi = c->args[2].type == V_NONE ? INFINITY : arg_num(c, 2);
  if (lo > hi) arg_fail(c, 1, "the lower bound is above the upper bound", NULL);
  Value v = c->args[0];
  if (is_num(v)) return v_num(v.as.num < lo ? lo : v.as.num > hi ? hi : v.as.num);
  return v_tensor(ad_clip(arg_tensor(c, 0), (float)lo, (float)hi));
}

static Value bi_where(Call *c) {
  return v_tensor(ad_where(arg_tensor(c, 0), arg_tensor(c, 1), arg_tensor(c, 2)));
}

/* ------------------------------------------------------------------ reductions */

/* Reduce argument x along argument axis_i (none: everything), keepdim from keep_i. */
static Value reduce_at(Call *c, TRedOp op, int x, int axis_i, int keep_i) {
  int axis = arg_axis_opt(c, axis_i, T_AXIS_ALL);
  bool keep = arg_bool(c, keep_i);
  bool num = is_num(c->args[x]) && axis == T_AXIS_ALL && !keep;
  return tensor_or_num(ad_reduce(op, arg_tensor(c, x), axis, keep), num);
}

#define REDUCE_BUILTINS(X) \
  X(sum, SUM) X(mean, MEAN) X(prod, PROD) X(norm, NORM) X(argmax, ARGMAX) X(argmin, ARGMIN)
#define X(name, op) \
  static Value bi_##name(Call *c) { return reduce_at(c, T_##op, 0, 1, 2); }
REDUCE_BUILTINS(X)
#undef X

/* max(x) and max(x, axis = 1) reduce; max(a, b) is elementwise (NumPy's maximum). */
static Value max_min(Call *c, TRedOp red, TBinOp elem) {
  if (c->args[1].type != V_NONE) {
    if (c->args[2].type != V_NONE)
      arg_fail(c, 2, "give either a second tensor (elementwise) or an axis, not both", NULL);
    return binary_op(c, elem, 0, 1);
  }
  return reduce_at(c, red, 0, 2, 3);
}

static Value bi_max(Call *c) { return max_min(c, T_RMAX, T_MAX); }
static Value bi_min(Call *c) { return max_min(c, T_RMIN, T_MIN); }

/* ------------------------------------------------------------------ the notes */

static Value bi_softmax(Call *c) {
  Tensor *t = arg_tensor(c, 0);
  return v_tensor(ad_softmax(t, arg_axis_opt(c, 1, -1)));
}

static Value bi_log_softmax(Call *c) {
  Tensor *t = arg_tensor(c, 0);
  return v_tensor(ad_log_softmax(t, arg_axis_opt(c, 1, -1)));
}

static Value bi_pick(Call *c) {
  Tensor *q = arg_tensor(c, 0), *idx = arg_tensor(c, 1);
  return v_tensor(ad_pick(q, idx));
}

static Value bi_one_hot(Call *c) {
  long long k = arg_int(c, 1);
  if (k <= 0) arg_fail(c, 1, "the number of classes must be >= 1", NULL);
  return v_tensor(t_one_hot(arg_tensor(c, 0), k));
}

static Value bi_matmul(Call *c) { return v_tensor(ad_matmul(arg_tensor(c, 0), arg_tensor(c, 1))); }

/* ------------------------------------------------------------------ tests and checks */

/* allclose: |a − b| <= atol + rtol·|b| everywhere, shapes equal (a number equals a 0-d
   tensor), NaN equal to NaN, equal infinities equal. */
static Value bi_allclose(Call *c) {
  Tensor *a = arg_tensor(c, 0), *b = arg_tensor(c, 1);
  double rtol = arg_num(c, 2), atol = arg_num(c, 3);
  bool same = a->ndim == b->ndim || (a->size == 1 && b->size == 1 && (a->ndim == 0 || b->ndim == 0));
  if (a->ndim == b->ndim)
    for (int i = 0; i < a->ndim; i++) same = same && a->shape[i] == b->shape[i];
  if (!same) return v_bool(false);
  for (int64_t i = 0; i < a->size; i++) {
    double x = a->data[i], y = b->data[i];
    if (isnan(x) || isnan(y)) {
      if (isnan(x) && isnan(y)) continue;
      return v_bool(false);
    }
    if (x == y) continue;
    if (isinf(x) || isinf(y)) return v_bool(false);
    if (fabs(x - y) > atol + rtol * fabs(y)) return v_bool(false);
  }
  return v_bool(true);
}

static Value bi_assert(Call *c) {
  Value v = c->args[0];
  bool ok = v.type == V_BOOL || v.type == V_NUM ? v.as.num != 0
            : v.type == V_TENSOR                 ? true
                                                 : v.type != V_NONE;
  if (v.type == V_TENSOR)
    for (int64_t i = 0; i < v.as.t->size; i++) ok = ok && v.as.t->data[i] != 0;
  if (!ok) {
    if (c->args[1].type == V_STR) ev_error(c->I, c->node, "assertion failed: %s", c->args[1].as.str->data);
    ev_error(c->I, c->node, "assertion failed");
  }
  return v_none();
}

static Value bi_any(Call *c) {
  Tensor *t = arg_tensor(c, 0);
  for (int64_t i = 0; i < t->size; i++)
    if (t->data[i] != 0) return v_bool(true);
  return v_bool(false);
}

static Value bi_all(Call *c) {
  Tensor *t = arg_tensor(c, 0);
  for (int64_t i = 0; i < t->size; i++)
    if (t->data[i] == 0) return v_bool(false);
  return v_bool(true);
}

/* ------------------------------------------------------------------ values */

static Value bi_print(Call *c) {
  List *l = c->args[0].as.list;
  StrBuf *b = &c->I->out;
  b->len = 0;
  if (b->s) b->s[0] = 0;
  for (int i = 0; i < l->n; i++) {
    if (i) sb_putc(b, ' ');
    v_str_of(b, l->items[i]);
  }
  sb_putc(b, '\n');
  fwrite(b->s, 1, b->len, pf_out()); /* by length: a string may hold NUL */
  return v_none();
}

static Value bi_str(Call *c) {
  StrBuf b = {0};
  v_str_of(&b, c->args[0]);
  Value r;
  RtFrame f;
  if (RT_TRY(&f)) {
    r = v_str(b.s ? b.s : "", b.len);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    sb_free(&b);
    rt_rethrow();
  }
  sb_free(&b);
  return r;
}

static Value bi_type(Call *c) { return v_cstr(v_type_name(c->args[0])); }

static Value bi_len(Call *c) {
  Value v = c->args[0];
  switch (v.type) {
  case V_LIST: return v_num(v.as.list->n);
  case V_STR: return v_num((double)v.as.str->len);
  case V_RECORD: return v_num(v.as.rec->n);
  case V_TENSOR:
    if (v.as.t->ndim == 0) arg_fail(c, 0, "a 0-d tensor has no length", NULL);
    return v_num((double)v.as.t->shape[0]);
  case V_U8: /* eval.c hands it over as bytes: only its shape is read */
    if (v.as.u8->ndim == 0) arg_fail(c, 0, "a 0-d tensor has no length", NULL);
    return v_num((double)v.as.u8->shape[0]);
  default: arg_error(c, 0, "a list, string, record or tensor");
  }
}

static Value bi_list(Call *c) { return v_retain(c->args[0]); }

static Value bi_tensor(Call *c) { return v_tensor(t_copy(arg_tensor(c, 0))); }

static Value bi_item(Call *c) { return v_num(arg_num(c, 0)); }

static Value bi_getenv(Call *c) {
  const char *v = getenv(arg_str(c, 0));
  return v ? v_cstr(v) : v_retain(c->args[1]);
}

static Value bi_blas(Call *c) {
  char line[512];
  blas_describe(line, sizeof line);
  return v_cstr(line);
}

/* ------------------------------------------------------------------ the table */

static const Builtin builtins[] = {
    /* creation */
    {"zeros", "zeros(*shape)", bi_zeros, N_("a tensor of zeros: zeros(2, 3) or zeros([2, 3])")},
    {"ones", "ones(*shape)", bi_ones, N_("a tensor of ones: ones(2, 3) or ones([2, 3])")},
    {"full", "full(shape, value)", bi_full, N_("a tensor of the given shape filled with value")},
    {"arange", "arange(start, stop = none, step = 1)", bi_arange,
     N_("start, start + step, … below stop; arange(n) is 0 … n − 1")},
    {"linspace", "linspace(start, stop, n = 50)", bi_linspace, N_("n evenly spaced values, both ends included")},
    {"eye", "eye(n)", bi_eye, N_("the n × n identity matrix")},
    {"rand", "rand(*shape)", bi_rand, N_("uniform samples in [0, 1) from the seeded generator")},
    {"randn", "randn(*shape)", bi_randn, N_("standard normal samples N(0, 1) from the seeded generator")},
    {"seed", "seed(n)", bi_seed, N_("reset the random generator: runs reproduce on any machine")},
    /* shapes */
    {"shape", "shape(x)", bi_shape, N_("the sizes of x's axes, as a list")},
    {"rank", "rank(x)", bi_rank, N_("the number of axes of x (0 for a number)")},
    {"reshape", "reshape(x, *shape)", bi_reshape, N_("the same elements in a new shape; one size may be -1")},
    {"transpose", "transpose(x)", bi_transpose, N_("x with its axes reversed (also x.T)")},
    {"flatten", "flatten(x)", bi_flatten, N_("x as a 1-D tensor")},
    {"concat", "concat(xs, axis = 0)", bi_concat, N_("join tensors along an existing axis")},
    {"stack", "stack(xs, axis = 0)", bi_stack, N_("join equal-shaped tensors along a new axis")},
    /* elementwise */
    {"exp", "exp(x)", bi_exp, N_("e^x, elementwise")},
    {"log", "log(x)", bi_log, N_("natural logarithm ln x, elementwise; log 0 = -inf")},
    {"sqrt", "sqrt(x)", bi_sqrt, N_("√x, elementwise")},
    {"abs", "abs(x)", bi_abs, N_("|x|, elementwise")},
    {"sin", "sin(x)", bi_sin, N_("sin x, elementwise")},
    {"cos", "cos(x)", bi_cos, N_("cos x, elementwise")},
    {"sign", "sign(x)", bi_sign, N_("−1, 0 or 1 by the sign of x")},
    {"floor", "floor(x)", bi_floor, N_("the largest whole number <= x")},
    {"ceil", "ceil(x)", bi_ceil, N_("the smallest whole number >= x")},
    {"round", "round(x)", bi_round, N_("x rounded to the nearest whole number (halves to even, like NumPy)")},
    {"pow", "pow(x, y)", bi_pow, N_("x^y, elementwise with broadcasting")},
    {"xlogy", "xlogy(x, y)", bi_xlogy, N_("x · log y, with 0 where x = 0 (so 0 · log 0 = 0)")},
    {"clip", "clip(x, lo = none, hi = none)", bi_clip, N_("x limited to [lo, hi]")},
    {"where", "where(cond, a, b)", bi_where, N_("a where cond is nonzero, else b (broadcast)")},
    {"matmul", "matmul(a, b)", bi_matmul, N_("the matrix product a @ b (NumPy's rules for 1-D and batches)")},
    /* reductions */
    {"sum", "sum(x, axis = none, keepdim = false)", bi_sum, N_("Σ x over all elements or along axis")},
    {"mean", "mean(x, axis = none, keepdim = false)", bi_mean, N_("Σ x / n over all elements or along axis")},
    {"prod", "prod(x, axis = none, keepdim = false)", bi_prod, N_("Π x over all elements or along axis")},
    {"norm", "norm(x, axis = none, keepdim = false)", bi_norm, N_("Euclidean norm √(Σ x²)")},
    {"argmax", "argmax(x, axis = none, keepdim = false)", bi_argmax,
     N_("index of the largest element (the first of ties; a flat index without axis)")},
    {"argmin", "argmin(x, axis = none, keepdim = false)", bi_argmin,
     N_("index of the smallest element (the first of ties)")},
    {"max", "max(x, y = none, axis = none, keepdim = false)", bi_max,
     N_("max(x): the largest element (or along axis); max(a, b): elementwise maximum")},
    {"min", "min(x, y = none, axis = none, keepdim = false)", bi_min,
     N_("min(x): the smallest element (or along axis); min(a, b): elementwise minimum")},
    /* the notes' functions */
    {"step", "step(x)", bi_step, N_("step function h(x) = 1 if x > 0 else 0 (阶跃函数)")},
    {"sigmoid", "sigmoid(x)", bi_sigmoid, N_("h(x) = 1 / (1 + e^−x), computed without overflow")},
    {"tanh", "tanh(x)", bi_tanh, N_("h(x) = (e^x − e^−x) / (e^x + e^−x)")},
    {"relu", "relu(x)", bi_relu, N_("h(x) = max(0, x)")},
    {"leaky_relu", "leaky_relu(x, a = 0.1)", bi_leaky_relu,
     N_("h(x) = max(a·x, x); the notes use a = 0.1 (PyTorch's default is 0.01)")},
    {"softmax", "softmax(x, axis = -1)", bi_softmax,
     N_("y_k = e^(x_k − C) / Σ_i e^(x_i − C), C = max x: probabilities, no overflow")},
    {"log_softmax", "log_softmax(x, axis = -1)", bi_log_softmax,
     N_("log y_k = x_k − C − log Σ_i e^(x_i − C), stable")},
    {"pick", "pick(q, idx)", bi_pick, N_("q[..., idx]: the entry of each row at its class index")},
    {"one_hot", "one_hot(idx, k)", bi_one_hot, N_("class indices → rows of k with a 1 at the index")},
    /* checks */
    {"allclose", "allclose(a, b, rtol = 1e-05, atol = 1e-08)", bi_allclose,
     N_("true when |a − b| <= atol + rtol·|b| everywhere and the shapes match")},
    {"assert", "assert(cond, message = none)", bi_assert, N_("stop with an error unless cond holds")},
    {"any", "any(x)", bi_any, N_("true when some element is nonzero")},
    {"all", "all(x)", bi_all, N_("true when every element is nonzero")},
    /* values */
    {"print", "print(*values)", bi_print, N_("write the values, separated by spaces, and a newline")},
    {"str", "str(x)", bi_str, N_("x as a string, as print shows it")},
    {"type", "type(x)", bi_type, N_("the name of x's type: number, tensor, string, list, …")},
    {"len", "len(x)", bi_len, N_("items of a list, characters of a string, rows of a tensor")},
    {"list", "list(*items)", bi_list, N_("a list of the arguments (never stacked into a tensor)")},
    {"tensor", "tensor(x)", bi_tensor, N_("x as a new tensor (a copy)")},
    {"item", "item(x)", bi_item, N_("the number in a one-element tensor")},
    {"blas", "blas()", bi_blas, N_("which BLAS library matrix products use")},
    {"getenv", "getenv(name, default = none)", bi_getenv,
     N_("the value of an environment variable, or default when it is not set")},
    {NULL, NULL, NULL, NULL},
};

void lib_core_register(Interp *I) { builtins_register_table(I, builtins); }

void lib_core_constants(Interp *I) {
  ev_define_global(I, "pi", v_num(M_PI));
  ev_define_global(I, "e", v_num(M_E));
  ev_define_global(I, "inf", v_num(INFINITY));
  ev_define_global(I, "nan", v_num(NAN));
}
