/* train.c — gradients and training: grad, deriv, minimize, train, evaluate, predict,
 * accuracy, summary, params. The forward pass records the graph (runtime/autograd.h),
 * backward fills the parameters' gradients, an optimizer (decl.c) updates them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "autograd.h"
#include "diag.h"
#include "mem.h"
#include "safetensors.h"
#include "train.h"

static bool is_num(Value v) { return v.type == V_NUM || v.type == V_BOOL; }

static bool callable(Value v) {
  return v.type == V_FUNC || v.type == V_MODEL || v.type == V_LAYER;
}

/* Call a function, model or layer on one argument. */
static Value apply1(Interp *I, Value f, Value x, const Node *site) {
  if (f.type == V_FUNC) return ev_call(I, f, 1, &x, site);
  return nn_apply(I, f, x, false, site);
}

/* ------------------------------------------------------------------ grad, deriv */

/* Back-propagate from a function's result, which must be a scalar: a one-element tensor,
   or a number (a constant: nothing to propagate). `who` names the builtin in errors. */
static void backward_scalar(Interp *I, Value y, const char *who, const Node *site) {
  if (y.type == V_TENSOR) {
    if (y.as.t->size != 1) {
      char sh[96];
      ev_error(I, site, "%s: the function must return a scalar, got shape %s", who,
               t_shape_str(y.as.t->ndim, y.as.t->shape, sh, sizeof sh));
    }
    ad_backward(y.as.t, NULL);
  } else if (!is_num(y)) {
    ev_error(I, site, "%s: the function must return a number, got %s", who, v_type_name(y));
  }
}

/* A tracked copy of a tensor-like argument, rooted. */
static Tensor *tracked_copy(Call *c, int i, Value v) {
  if (!is_tensorish(v) && v.type != V_LIST) arg_error(c, i, "a number or tensor");
  Tensor *t = to_tensor(c->I, v, "an argument of grad");
  ev_root(c->I, v_tensor(t));
  /* Inside another grad, a tracked argument would need the inner backward pass itself
     recorded (a second derivative): say so rather than return 0. */
  if (c->I->grad_depth > 0 && ad_is_tracked(t))
    ev_error(c->I, c->node, "second derivatives are not supported: this argument is itself being "
                            "differentiated by an outer grad or deriv");
  Tensor *x = ad_detach(t);
  ev_root(c->I, v_tensor(x));
  ad_track(x);
  return x;
}

static Value grad_value(Tensor *leaf, bool as_number) {
  Tensor *g = ad_grad(leaf);
  if (as_number) return v_num(g ? g->data[0] : 0);
  return v_tensor(g ? ad_detach(g) : t_zeros(leaf->ndim, leaf->shape));
}

/* grad(f, x): ∂f/∂x for a scalar-valued f; grad(f, x, y, …): a list, one per argument. */
static Value bi_grad(Call *c) {
  Interp *I = c->I;
  Value f = c->args[0];
  if (!callable(f)) arg_error(c, 0, "a function");
  List *xs = c->args[1].as.list;
  if (xs->n == 0) ev_error(I, c->node, "grad needs the point to differentiate at: grad(f, x)");
  int n = xs->n;
  Value *vals = rt_calloc((size_t)n, sizeof(Value));
  Tensor **leaves = rt_calloc((size_t)n, sizeof(Tensor *));
  RtFrame fr;
  Value result = v_none();
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth;
  if (RT_TRY(&fr)) {
    for (int i = 0; i < n; i++) {
      leaves[i] = tracked_copy(c, 1, xs->items[i]);
      vals[i] = v_tensor(leaves[i]);
    }
    I->grad_depth++;
    Value y = f.type == V_FUNC ? ev_call(I, f, n, vals, c->node)
                               : nn_apply(I, f, vals[0], false, c->node);
    ev_root(I, y);
    backward_scalar(I, y, "grad", c->node);
    if (n == 1) {
      result = grad_value(leaves[0], is_num(xs->items[0]));
    } else {
      result = v_list_new(n);
      ev_root(I, result);
      for (int i = 0; i < n; i++) list_push(result.as.list, grad_value(leaves[i], is_num(xs->items[i])));
      ev_unroot_keep(I);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    I->grad_depth = depth;
    rt_free(vals);
    rt_free(leaves);
    rt_rethrow();
  }
  ad_set_recording(rec);
  I->grad_depth = depth;
  rt_free(vals);
  rt_free(leaves);
  return result;
}

/* deriv(f)(x): the elementwise derivative f'(x), by back-propagating ones. */
static Value bi_deriv_apply(Call *c) {
  Interp *I = c->I;
  Value f = c->fn->bound[0];
  Value xv = c->args[0];
  bool as_number = is_num(xv);
  Tensor *x = tracked_copy(c, 0, xv);
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth++;
  RtFrame fr;
  Value r = v_none();
  if (RT_TRY(&fr)) {
    Value y = apply1(I, f, v_tensor(x), c->node);
    ev_root(I, y);
    if (is_num(y)) {
      r = as_number ? v_num(0) : v_tensor(t_zeros(x->ndim, x->shape));
    } else {
      if (y.type != V_TENSOR)
        ev_error(I, c->node, "deriv: the function must return a tensor, got %s", v_type_name(y));
      if (!t_same_shape(y.as.t, x)) {
        char a[96], b[96];
        ev_error(I, c->node, "deriv: the function must be elementwise, but it maps shape %s to %s (use grad)",
                 t_shape_str(x->ndim, x->shape, a, sizeof a),
                 t_shape_str(y.as.t->ndim, y.as.t->shape, b, sizeof b));
      }
      Tensor *ones = call_keep(c, t_full(x->ndim, x->shape, 1));
      ad_backward(y.as.t, ones);
      /* Same shape is not enough (softmax keeps it): an elementwise f has a diagonal
         Jacobian, so back-propagating weights s instead of ones must give s · f'(x). */
      Tensor *d1 = ad_grad(x);
      if (d1 && x->size > 1) {
        Tensor *g1 = call_keep(c, ad_detach(d1)), *s = call_keep(c, t_new(x->ndim, x->shape));
        for (int64_t i = 0; i < s->size; i++) s->data[i] = 1 + (float)(i % 7) * 0.25f;
        ad_zero_grad(x);
        ad_backward(y.as.t, s);
        Tensor *g2 = ad_grad(x);
        for (int64_t i = 0; g2 && i < x->size; i++) {
          double want = (double)s->data[i] * g1->data[i], got = g2->data[i];
          if (isfinite(want) && isfinite(got) && fabs(got - want) > 1e-4 * (fabs(want) + 1e-3)) {
            ev_error(I, c->node, "deriv: the function is not elementwise (an output depends on "
                     "other elements of the input, as in softmax), so it has no elementwise "
                     "derivative (use grad)");
          }
        }
        r = v_tensor(t_retain(g1));
      } else {
        r = grad_value(x, as_number);
      }
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    I->grad_depth = depth;
    rt_rethrow();
  }
  ad_set_recording(rec);
  I->grad_depth = depth;
  return r;
}

static const Builtin deriv_apply = {"deriv", "deriv(x)", bi_deriv_apply,
                                    "the elementwise derivative of a function"};

static Value bi_deriv(Call *c) {
  if (!callable(c->args[0])) arg_error(c, 0, "a function");
  Value d = func_native(c->I, &deriv_apply, 1, &c->args[0]);
  /* A readable name: "deriv(sigmoid)". */
  char name[128];
  const char *inner = c->args[0].type == V_FUNC ? c->args[0].as.fn->name : v_type_name(c->args[0]);
  snprintf(name, sizeof name, "deriv(%s)", inner);
  Sym *s = sym_intern(&c->I->syms, name, strlen(name));
  d.as.fn->name = s->name;
  return d;
}

/* ------------------------------------------------------------------ optimizers */

static Optim *arg_optim(Call *c, int i) {
  Value v = c->args[i];
  if (v.type == V_OPTIM) return v.as.optim;
  if (v.type == V_FUNC && v.as.fn->kind == FK_OPTIMIZER)
    arg_error(c, i, "an optimizer (call it: adam() or adam(lr = 0.01))");
  arg_error(c, i, "an optimizer such as sgd(lr = 0.1) or adam()");
}

static void optim_reset(Optim *o) {
  for (int i = 0; i < o->n_slots; i++) {
    OptSlot *s = &o->slots[i];
    t_release(s->param);
    for (int k = 0; k < s->n; k++) t_release(s->state[k]);
    rt_free(s->names);
    rt_free(s->state);
  }
  o->n_slots = 0;
  o->t = 0;
}

/* minimize(f, x0, optimizer, steps): the optimizer's path from x0, [steps + 1, dim]. Each
   call starts the optimizer afresh (t = 1, zero state). */
static Value bi_minimize(Call *c) {
  Interp *I = c->I;
  Value f = c->args[0];
  if (!callable(f)) arg_error(c, 0, "a function");
  Optim *o = arg_optim(c, 2);
  long long steps = arg_int(c, 3);
  if (steps < 0) arg_error(c, 3, "a number of steps >= 0");
  Tensor *x = tracked_copy(c, 1, c->args[1]);
  int64_t dim = x->size;
  int64_t shape[2] = {steps + 1, dim};
  Tensor *path = call_keep(c, t_new(2, shape));
  memcpy(path->data, x->data, sizeof(float) * (size_t)dim);
  optim_reset(o);
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth++;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    for (long long s = 1; s <= steps; s++) {
      rt_check_interrupt();
      ad_zero_grad(x);
      Value y = apply1(I, f, v_tensor(x), c->node);
      ev_root(I, y);
      backward_scalar(I, y, "minimize", c->node);
      ev_unroot(I, 1);
      optim_step(I, o, 1, &x, c->node);
      memcpy(path->data + s * dim, x->data, sizeof(float) * (size_t)dim);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    I->grad_depth = depth;
    rt_rethrow();
  }
  ad_set_recording(rec);
  I->grad_depth = depth;
  return v_tensor(t_retain(path));
}

/* ------------------------------------------------------------------ datasets */

typedef struct {
  Tensor *x, *y; /* borrowed from the record */
} Data;

static Data arg_data(Call *c, int i) {
  Value v = c->args[i];
  if (v.type != V_RECORD) arg_error(c, i, "a dataset (a record with tensors x and y)");
  Sym *sx = sym_intern(&c->I->syms, "x", 1), *sy = sym_intern(&c->I->syms, "y", 1);
  Value *x = record_get(v.as.rec, sx), *y = record_get(v.as.rec, sy);
  if (!x || !y) arg_error(c, i, "a dataset with fields x and y");
  if (x->type != V_TENSOR || x->as.t->ndim < 1) arg_error(c, i, "a dataset whose x is a tensor of samples");
  if (y->type != V_TENSOR || y->as.t->ndim < 1) arg_error(c, i, "a dataset whose y is a tensor of targets");
  if (x->as.t->shape[0] != y->as.t->shape[0]) {
    char a[96], b[96];
    ev_error(c->I, c->arg_nodes[i] ? c->arg_nodes[i] : c->node,
             "the dataset has %lld inputs (x %s) but %lld targets (y %s)",
             (long long)x->as.t->shape[0], t_shape_str(x->as.t->ndim, x->as.t->shape, a, sizeof a),
             (long long)y->as.t->shape[0], t_shape_str(y->as.t->ndim, y->as.t->shape, b, sizeof b));
  }
  if (x->as.t->shape[0] == 0) ev_error(c->I, c->arg_nodes[i] ? c->arg_nodes[i] : c->node, "the dataset is empty");
  return (Data){x->as.t, y->as.t};
}

/* Rows idx[0..n) of a: [n, ...]. */
static Tensor *take_rows(const Tensor *a, const int64_t *idx, int64_t n) {
  int64_t shape[T_MAXDIM];
  memcpy(shape, a->shape, sizeof shape);
  shape[0] = n;
  Tensor *r = t_new(a->ndim, shape);
  int64_t row = a->shape[0] ? a->size / a->shape[0] : 0;
  for (int64_t i = 0; i < n; i++)
    memcpy(r->data + i * row, a->data + idx[i] * row, sizeof(float) * (size_t)row);
  return r;
}

/* The class each row predicts: argmax over the last axis (one output: > 0.5). */
static int64_t predicted(const float *row, int64_t k) {
  if (k == 1) return row[0] > 0.5f;
  int64_t best = 0;
  for (int64_t j = 1; j < k; j++)
    if (row[j] > row[best]) best = j;
  return best;
}

/* Correct predictions in a batch: out [B, k] against y [B] indices or [B, k] rows. */
static int64_t count_correct(const Tensor *out, const Tensor *y) {
  if (out->ndim < 1) return 0;
  int64_t B = out->shape[0], k = out->ndim >= 2 ? out->size / (B ? B : 1) : 1;
  int64_t ky = y->ndim >= 2 ? y->size / (B ? B : 1) : 1;
  int64_t ok = 0;
  for (int64_t i = 0; i < B; i++) {
    int64_t p = predicted(out->data + i * k, k);
    int64_t t = ky == 1 ? (int64_t)lrintf(y->data[i]) : predicted(y->data + i * ky, ky);
    ok += p == t;
  }
  return ok;
}

/* Is this the stdlib cross-entropy (so softmax + cross-entropy can be fused)? */
static bool is_cross_entropy(Value loss) {
  return loss.type == V_FUNC && loss.as.fn->def && ev_in_stdlib(loss.as.fn->def) &&
         !strcmp(loss.as.fn->name, "cross_entropy");
}

static bool ends_in_softmax(Value model) {
  if (model.type != V_MODEL || model.as.model->n < 2) return false;
  Value last = model.as.model->layers[model.as.model->n - 1];
  return last.type == V_LAYER && last.as.layer->fn.type == V_FUNC &&
         last.as.layer->fn.as.fn->bi && !strcmp(last.as.layer->fn.as.fn->name, "softmax");
}

/* Is this the stdlib binary cross-entropy (bce, or its alias binary_cross_entropy)? */
static bool is_bce(Value loss) {
  return loss.type == V_FUNC && loss.as.fn->def && ev_in_stdlib(loss.as.fn->def) &&
         !strcmp(loss.as.fn->name, "bce");
}

static bool ends_in_sigmoid(Value model) {
  if (model.type != V_MODEL || model.as.model->n < 2) return false;
  Value last = model.as.model->layers[model.as.model->n - 1];
  return last.type == V_LAYER && last.as.layer->fn.type == V_FUNC &&
         last.as.layer->fn.as.fn->bi && !strcmp(last.as.layer->fn.as.fn->name, "sigmoid");
}

/* Does training stop the forward pass before the model's last activation and fuse it
   into the loss? softmax + cross_entropy (log-softmax), sigmoid + bce (from the logit). */
static bool fusable(Value loss, Value model) {
  return (is_cross_entropy(loss) && ends_in_softmax(model)) || (is_bce(loss) && ends_in_sigmoid(model));
}

/* Binary targets must be 0 or 1 (or probabilities between them): say which sample
   breaks that, in the user's terms, before the loss sees it. y: all the targets. */
static void binary_labels(Interp *I, const Node *site, const Tensor *y) {
  for (int64_t i = 0; i < y->size; i++) {
    float v = y->data[i];
    if (!(v >= 0 && v <= 1))
      ev_error(I, site, "label %g of sample %lld is not 0 or 1, the classes of a binary classifier "
               "(one sigmoid output); for more classes end the model in softmax, one output per "
               "class, and use cross_entropy",
               (double)v, (long long)(i / (y->size / y->shape[0])));
  }
}

/* Targets for the fused sigmoid + bce on logits z: y of z's shape, or y [N] for z [N, 1]
   (reshaped); anything else is an error naming both shapes. */
static Tensor *binary_targets(Interp *I, const Tensor *z, Tensor *y, const Node *site) {
  if (t_same_shape(z, y)) return y;
  bool column = z->ndim == y->ndim + 1 && z->shape[z->ndim - 1] == 1;
  for (int i = 0; column && i < y->ndim; i++) column = z->shape[i] == y->shape[i];
  if (!column) {
    char a[96], b[96];
    ev_error(I, site, "bce needs one 0/1 label per output, but the model's output has shape %s and "
             "the targets have shape %s (for class labels 0 to k−1 end the model in softmax and "
             "train with cross_entropy)", t_shape_str(z->ndim, z->shape, a, sizeof a),
             t_shape_str(y->ndim, y->shape, b, sizeof b));
  }
  Tensor *r = t_reshape(y, z->ndim, z->shape);
  ev_root(I, v_tensor(r));
  return r;
}

/* cross_entropy compares a distribution over classes: one column (or one number) per
   sample is a binary classifier's sigmoid output, and would train on nonsense. */
static void cross_entropy_columns(Interp *I, Value out, const Node *site) {
  if (out.type != V_TENSOR) return;
  const Tensor *o = out.as.t;
  if (o->ndim <= 1 || o->shape[o->ndim - 1] == 1) {
    char a[96];
    ev_error(I, site, "cross_entropy needs one column per class, but the model's output has shape %s: "
             "for one sigmoid output use loss = bce (labels 0 and 1)",
             t_shape_str(o->ndim, o->shape, a, sizeof a));
  }
}

/* Correct predictions of a batch; the fused sigmoid + bce forward gives logits z, whose
   class is 1 where σ(z) > 0.5, as accuracy() counts it. */
static int64_t batch_correct(Value loss, bool fused, const Tensor *out, const Tensor *y) {
  if (!fused || !is_bce(loss)) return count_correct(out, y);
  Tensor *p = t_unary(T_SIGMOID, out);
  int64_t ok = count_correct(p, y);
  t_release(p);
  return ok;
}

/* Does the model end in softmax or sigmoid? Then its outputs are probabilities, and the
   stdlib losses skip checking them (check_loss, losscheck.c) while it trains. */
static bool gives_probabilities(Value model) {
  if (model.type != V_MODEL || model.as.model->n < 1) return false;
  Value last = model.as.model->layers[model.as.model->n - 1];
  if (last.type != V_LAYER || last.as.layer->fn.type != V_FUNC || !last.as.layer->fn.as.fn->bi) return false;
  const char *name = last.as.layer->fn.as.fn->name;
  return !strcmp(name, "softmax") || !strcmp(name, "sigmoid");
}

/* Forward a batch: the model's output, or (fused) the logits before its softmax or sigmoid. */
static Value forward(Interp *I, Value model, Tensor *x, bool training, bool fused,
                     const Node *site) {
  if (!fused) return nn_apply(I, model, v_tensor(x), training, site);
  Model *m = model.as.model;
  Value r = v_tensor(t_retain(x));
  for (int i = 0; i < m->n - 1; i++) {
    ev_root(I, r);
    Value next = nn_apply_layer(I, m, i, r, training, site);
    ev_unroot(I, 1);
    r = next;
  }
  return r;
}

/* The loss of a batch as a 0-d tracked tensor: fused softmax-cross-entropy on logits,
   or loss(y, out) — the truth first, as the notes write. */
static Tensor *batch_loss(Interp *I, Value loss, bool fused, Value out, Tensor *y,
                          const Node *site) {
  if (is_cross_entropy(loss)) cross_entropy_columns(I, out, site);
  if (fused) {
    Tensor *z = to_tensor(I, out, "the model's output");
    ev_root(I, v_tensor(z));
    Tensor *l = is_bce(loss) ? ad_sigmoid_bce(z, binary_targets(I, z, y, site))
                             : ad_softmax_cross_entropy(z, y);
    ev_unroot(I, 1);
    return l;
  }
  /* Targets [N] against one output per sample [N, 1] compare sample by sample. For the
     stdlib's elementwise losses any other mismatch would broadcast ([N, 1] − [N] is
     [N, N]) and train on nonsense; a user's loss may take class indices, so it is left
     to interpret the shapes itself. */
  if (!is_cross_entropy(loss) && out.type == V_TENSOR && !t_same_shape(out.as.t, y)) {
    const Tensor *o = out.as.t;
    bool column = o->ndim == y->ndim + 1 && o->shape[o->ndim - 1] == 1;
    for (int i = 0; column && i < y->ndim; i++) column = o->shape[i] == y->shape[i];
    bool stdlib_loss = loss.type == V_FUNC && loss.as.fn->def && ev_in_stdlib(loss.as.fn->def);
    if (column) {
      y = t_reshape(y, o->ndim, o->shape);
      ev_root(I, v_tensor(y));
    } else if (stdlib_loss) {
      char a[96], b[96];
      ev_error(I, site, "the model's output has shape %s but the targets have shape %s: for class "
               "labels train with cross_entropy, or give the loss one_hot(y, k) targets",
               t_shape_str(o->ndim, o->shape, a, sizeof a), t_shape_str(y->ndim, y->shape, b, sizeof b));
    }
  }
  Value args[2] = {v_tensor(y), out};
  Value l = ev_call(I, loss, 2, args, site);
  if (is_num(l)) return t_scalar((float)l.as.num);
  if (l.type != V_TENSOR || l.as.t->size != 1) {
    char what[128];
    if (l.type == V_TENSOR) {
      char sh[96];
      snprintf(what, sizeof what, "a tensor of shape %s (reduce it, e.g. with mean)",
               t_shape_str(l.as.t->ndim, l.as.t->shape, sh, sizeof sh));
    } else {
      snprintf(what, sizeof what, "%s", v_type_name(l));
    }
    v_release(l);
    ev_error(I, site, "the loss must return a number (a scalar), got %s", what);
  }
  return l.as.t;
}

/* Class-index targets must name one of the model's k outputs: say so plainly (the
   sample and its label) rather than failing inside the loss. y: all the targets. */
static void labels_in_range(Interp *I, const Node *site, const Tensor *y, const Value out) {
  if (y->ndim != 1 || out.type != V_TENSOR || out.as.t->ndim != 2) return;
  int64_t k = out.as.t->shape[1];
  if (k < 2) return; /* one output: a binary or regression target */
  for (int64_t i = 0; i < y->size; i++) {
    float v = y->data[i];
    if (!(v >= 0 && v < (float)k && v == floorf(v)))
      ev_error(I, site, "label %g of sample %lld is not a class of the model, which outputs %lld "
               "classes (labels must be whole numbers 0 to %lld)", (double)v, (long long)i,
               (long long)k, (long long)k - 1);
  }
}

typedef struct {
  double loss, accuracy;
} Score;

/* Loss and accuracy over a dataset, in batches, without recording or training mode. */
static Score score(Interp *I, Value model, Data d, Value loss, const Node *site) {
  bool rec = ad_set_recording(false);
  bool fused = fusable(loss, model);
  int64_t N = d.x->shape[0], B = 1024;
  double total = 0;
  int64_t correct = 0;
  int64_t *idx = rt_malloc(sizeof(int64_t) * (size_t)B);
  int height = I->n_roots;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    for (int64_t s = 0; s < N; s += B) {
      int64_t n = N - s < B ? N - s : B;
      for (int64_t i = 0; i < n; i++) idx[i] = s + i;
      Tensor *xb = take_rows(d.x, idx, n);
      ev_root(I, v_tensor(xb));
      Tensor *yb = take_rows(d.y, idx, n);
      ev_root(I, v_tensor(yb));
      Value out = forward(I, model, xb, false, fused, site);
      ev_root(I, out);
      if (s == 0 && is_cross_entropy(loss)) labels_in_range(I, site, d.y, out);
      if (s == 0 && is_bce(loss)) binary_labels(I, site, d.y);
      Tensor *l = batch_loss(I, loss, fused, out, yb, site);
      total += (double)l->data[0] * (double)n;
      t_release(l);
      if (out.type == V_TENSOR) correct += batch_correct(loss, fused, out.as.t, yb);
      while (I->n_roots > height) ev_unroot(I, 1);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(idx);
    ad_set_recording(rec);
    rt_rethrow();
  }
  rt_free(idx);
  ad_set_recording(rec);
  return (Score){total / (double)N, (double)correct / (double)N};
}

/* The loss argument: a function, or cross_entropy when none is given. */
static Value default_loss(Call *c, int i) {
  Value v = c->args[i];
  if (v.type == V_NONE) {
    Value *ce = ev_global(c->I, "cross_entropy");
    if (ce) return *ce;
  }
  if (v.type != V_FUNC) arg_error(c, i, "a loss function such as cross_entropy or mse");
  return v;
}

/* ------------------------------------------------------------------ lazy layers */

/* The model's output for x in inference mode: no recording, no dropout, batchnorm's
   running statistics. */
static Value infer(Interp *I, Value model, Value x, const Node *site) {
  bool rec = ad_set_recording(false);
  RtFrame fr;
  Value out = v_none();
  if (RT_TRY(&fr)) {
    out = model.type == V_FUNC ? ev_call(I, model, 1, &x, site) : nn_apply(I, model, x, false, site);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    rt_rethrow();
  }
  ad_set_recording(rec);
  return out;
}



static bool has_lazy(Value model) {
  if (model.type == V_LAYER) return model.as.layer->lazy;
  if (model.type != V_MODEL) return false;
  for (int i = 0; i < model.as.model->n; i++)
    if (has_lazy(model.as.model->layers[i])) return true;
  return false;
}

void nn_materialize(Interp *I, Value model, const Tensor *x) {
  if (!has_lazy(model) || x->ndim < 1 || x->shape[0] < 1) return;
  int64_t one = 0;
  Tensor *x1 = take_rows(x, &one, 1);
  ev_root(I, v_tensor(x1));
  Value out = infer(I, model, v_tensor(x1), I->cur);
  v_release(out);
  ev_unroot(I, 1);
}

/* ------------------------------------------------------------------ gradient flow */

/* Per layer with trainable parameters, first layer first: √(Σ‖∂L/∂θ‖²) over its
   parameters. Layers of nested models count one by one. Returns the count. */
static int layer_grad_norms(Value model, double *out, int cap, const char **kinds) {
  int n = 0;
  const Value *layers = model.type == V_MODEL ? model.as.model->layers : &model;
  int nl = model.type == V_MODEL ? model.as.model->n : 1;
  for (int i = 0; i < nl && n < cap; i++) {
    if (layers[i].type == V_MODEL) {
      n += layer_grad_norms(layers[i], out + n, cap - n, kinds ? kinds + n : NULL);
      continue;
    }
    if (layers[i].type != V_LAYER) continue;
    Layer *l = layers[i].as.layer;
    double s = 0;
    bool any = false;
    for (int k = 0; k < l->n_params; k++) {
      if (!ad_is_tracked(l->params[k])) continue;
      any = true;
      Tensor *g = ad_grad(l->params[k]);
      if (g)
        for (int64_t j = 0; j < g->size; j++) s += (double)g->data[j] * g->data[j];
    }
    if (!any) continue;
    if (kinds) kinds[n] = l->kind;
    out[n++] = sqrt(s);
  }
  return n;
}

/* ------------------------------------------------------------------ lint */

/* Does the tree call a function of this name anywhere? */
static bool ast_calls(const Node *n, const char *name) {
  if (!n) return false;
  if (n->kind == N_CALL && n->a && n->a->kind == N_NAME && !strcmp(n->a->sym->name, name)) return true;
  if (ast_calls(n->a, name) || ast_calls(n->b, name) || ast_calls(n->c, name)) return true;
  for (int i = 0; i < n->n_kids; i++)
    if (ast_calls(n->kids[i], name)) return true;
  return false;
}

static void warn(Interp *I, const Node *at, const char *msg) {
  fflush(stdout);
  if (at) diag_report(stderr, I->color, at->src, at->span, "warning", msg);
  else diag_report(stderr, I->color, NULL, (Span){0}, "warning", msg);
}

/* The name of a layer that is a bare squashing function (softmax or sigmoid), else NULL. */
static const char *squash_name(Value layer) {
  if (layer.type != V_LAYER || layer.as.layer->n_params || layer.as.layer->fn.type != V_FUNC) return NULL;
  const char *name = layer.as.layer->fn.as.fn->name;
  return name && (!strcmp(name, "softmax") || !strcmp(name, "sigmoid")) ? name : NULL;
}

/* Two squashing layers in a row where one is softmax (softmax;softmax, softmax;sigmoid,
   sigmoid;softmax): the second squashes values already in [0, 1], so its outputs barely
   differ (softmax of [0, 1] values: ratios at most e; sigmoid of them: within [0.5, 0.73]),
   the model cannot become confident and learns slowly. sigmoid;sigmoid is left alone (a
   legal, if odd, hidden layer). Nested models count as their layers in order; *pos is the
   running layer number, *prev the previous layer's squash name. */
static void lint_squash_pairs(Interp *I, Value model, const Node *site, int *pos, const char **prev) {
  const Value *layers = model.type == V_MODEL ? model.as.model->layers : &model;
  int nl = model.type == V_MODEL ? model.as.model->n : 1;
  for (int i = 0; i < nl; i++) {
    if (layers[i].type == V_MODEL) {
      lint_squash_pairs(I, layers[i], site, pos, prev);
      continue;
    }
    const char *cur = squash_name(layers[i]);
    if (cur && *prev && (!strcmp(cur, "softmax") || !strcmp(*prev, "softmax"))) {
      char msg[512];
      const char *why = !strcmp(cur, "sigmoid")
          ? "sigmoid of probabilities lies between 0.5 and 0.73"
          : "softmax of values in [0, 1] is nearly uniform (no two outputs differ by more than a factor e)";
      const char *fix = !strcmp(*prev, "sigmoid") && !strcmp(cur, "softmax")
          ? "remove the sigmoid: softmax wants the raw scores"
          : !strcmp(cur, "softmax") ? "keep only the last softmax"
          : "keep one: softmax for one class out of k, sigmoid for a yes/no output";
      snprintf(msg, sizeof msg, "layers %d (%s) and %d (%s) squash twice in a row: %s, so the model "
               "cannot become confident and learns slowly; %s", *pos - 1, *prev, *pos, cur, why, fix);
      warn(I, site, msg);
    }
    *prev = cur;
    (*pos)++;
  }
}

/* Classic mistakes, warned about (with the location of the train call) but not fatal. */
static void lint_training(Interp *I, Value model, Value loss, Data d, const Node *site) {
  int pos = 0;
  const char *prev = NULL;
  lint_squash_pairs(I, model, site, &pos, &prev);
  const Value *layers = model.type == V_MODEL ? model.as.model->layers : &model;
  int nl = model.type == V_MODEL ? model.as.model->n : 1;
  const char *last = nl && layers[nl - 1].type == V_LAYER && layers[nl - 1].as.layer->fn.type == V_FUNC
                         ? layers[nl - 1].as.layer->fn.as.fn->name : "";
  const Node *body = loss.type == V_FUNC && loss.as.fn->def && !ev_in_stdlib(loss.as.fn->def) ? loss.as.fn->def->a : NULL;
  if (!strcmp(last, "softmax") && (ast_calls(body, "softmax") || ast_calls(body, "log_softmax")))
    warn(I, site, "the model ends in softmax and the loss applies softmax again: feed the loss the "
                  "scores before softmax, or use cross_entropy on the probabilities");
  for (int i = 0; i < nl; i++)
    if (layers[i].type == V_LAYER && layers[i].as.layer->fn.type == V_FUNC &&
        !strcmp(layers[i].as.layer->fn.as.fn->name, "step")) {
      char msg[256];
      snprintf(msg, sizeof msg, "layer %d is the step function: its gradient is 0 everywhere, so "
               "the layers before it cannot learn (use sigmoid or relu)", i);
      warn(I, site, msg);
    }
  if (is_cross_entropy(loss) && strcmp(last, "softmax") && strcmp(last, "sigmoid"))
    warn(I, site, "cross_entropy takes probabilities, but the model does not end in softmax: add "
                  "softmax as its last layer (training then uses a fused, stable log-softmax)");
  bool mse = loss.type == V_FUNC && !strcmp(loss.as.fn->name, "mse");
  int64_t classes = 0;
  if (d.y->ndim == 1) {
    for (int64_t i = 0; i < d.y->size; i++)
      if (d.y->data[i] + 1 > classes && d.y->data[i] == floorf(d.y->data[i])) classes = (int64_t)d.y->data[i] + 1;
  } else if (d.y->ndim == 2) {
    classes = d.y->shape[1];
  }
  if (mse && !strcmp(last, "sigmoid") && classes > 2)
    warn(I, site, "sigmoid outputs with mse for a multi-class problem learn slowly: end the model "
                  "in softmax and train with cross_entropy");
  float big = 0;
  for (int64_t i = 0; i < d.x->size; i++) big = fabsf(d.x->data[i]) > big ? fabsf(d.x->data[i]) : big;
  if (big > 100) {
    char msg[256];
    snprintf(msg, sizeof msg, "the inputs are not scaled (|x| reaches %g): normalize(data) or divide "
             "by the largest value first, or training will crawl or diverge", (double)big);
    warn(I, site, msg);
  }
}

/* ------------------------------------------------------------------ train */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool finite_tensor(const Tensor *t) {
  for (int64_t i = 0; i < t->size; i++)
    if (!isfinite(t->data[i])) return false;
  return true;
}

/* Where did a non-finite value first appear? Re-run the batch layer by layer. */
static void nan_report(Interp *I, Value model, Value loss, Tensor *xb, long epoch, long step,
                       double lr_hint, const Node *site) {
  char where[256] = "in the loss";
  char **names;
  Tensor **ps;
  int np = nn_params(model, &names, &ps);
  for (int i = 0; i < np && !strcmp(where, "in the loss"); i++)
    if (!finite_tensor(ps[i])) snprintf(where, sizeof where, "in parameter %s", names[i]);
  for (int i = 0; i < np; i++) rt_free(names[i]);
  rt_free(names);
  rt_free(ps);
  if (!strcmp(where, "in the loss") && model.type == V_MODEL) {
    bool rec = ad_set_recording(false);
    Value r = v_tensor(t_retain(xb));
    for (int i = 0; i < model.as.model->n; i++) {
      ev_root(I, r);
      Value next = nn_apply_layer(I, model.as.model, i, r, false, site);
      ev_unroot(I, 1);
      r = next;
      if (r.type == V_TENSOR && !finite_tensor(r.as.t)) {
        Value l = model.as.model->layers[i];
        snprintf(where, sizeof where, "in the output of layer %d (%s)", i,
                 l.type == V_LAYER ? l.as.layer->kind : "model");
        break;
      }
    }
    v_release(r);
    ad_set_recording(rec);
  }
  if (is_cross_entropy(loss) && !ends_in_softmax(model))
    ev_error(I, site,
             "training stopped at epoch %ld, step %ld: a non-finite value (nan or inf) appeared %s; "
             "cross_entropy takes probabilities (it computes log q), so end the model in softmax",
             epoch, step, where);
  ev_error(I, site,
           "training stopped at epoch %ld, step %ld: a non-finite value (nan or inf) appeared %s; "
           "try a lower learning rate (lr = %g) or clip the gradients (clip = 1)",
           epoch, step, where, lr_hint);
}

static double global_norm(int n, Tensor **ps) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    Tensor *g = ad_grad(ps[i]);
    if (!g) continue;
    for (int64_t k = 0; k < g->size; k++) s += (double)g->data[k] * g->data[k];
  }
  return sqrt(s);
}

/* PyTorch's rules: clip_grad_norm_ scales every gradient by clip / (norm + 1e-6) when
   the global norm exceeds clip; clip_grad_value_ clamps each element to ±clip_value. */
static void clip_grads(int n, Tensor **ps, double clip, double clip_value) {
  if (clip > 0) {
    double norm = global_norm(n, ps);
    if (norm > clip) {
      float scale = (float)(clip / (norm + 1e-6));
      for (int i = 0; i < n; i++) {
        Tensor *g = ad_grad(ps[i]);
        if (g)
          for (int64_t k = 0; k < g->size; k++) g->data[k] *= scale;
      }
    }
  }
  if (clip_value > 0) {
    float v = (float)clip_value;
    for (int i = 0; i < n; i++) {
      Tensor *g = ad_grad(ps[i]);
      if (g)
        for (int64_t k = 0; k < g->size; k++) g->data[k] = g->data[k] > v ? v : g->data[k] < -v ? -v : g->data[k];
    }
  }
}

static void progress(int fd_tty, long epoch, long epochs, long step, long steps, double loss,
                     double acc, double started) {
  if (!fd_tty) return;
  double el = now_seconds() - started, eta = step ? el / (double)step * (double)(steps - step) : 0;
  int width = 24, done = (int)((double)width * (double)step / (double)(steps ? steps : 1));
  char bar[32];
  for (int i = 0; i < width; i++) bar[i] = i < done ? '=' : i == done ? '>' : ' ';
  bar[width] = 0;
  fprintf(stderr, "\r\033[Kepoch %ld/%ld [%s] %ld/%ld  loss %.4f  accuracy %.4f  ETA %.0fs",
          epoch, epochs, bar, step, steps, loss, acc, eta);
  fflush(stderr);
}

static Value tensor_of(const double *v, int64_t n) {
  Tensor *t = t_new(1, &n);
  for (int64_t i = 0; i < n; i++) t->data[i] = (float)v[i];
  return v_tensor(t);
}

/* The divergence watch: a hint (once per train call, before anything turns NaN) when
   the loss explodes or keeps rising. Losses are compared over blocks of at least
   WATCH_SAMPLES samples (whole steps) so that one hard sample in a batch of 1 is not
   mistaken for divergence. */
enum { WATCH_SAMPLES = 32 };
typedef struct {
  int window;                      /* steps per block: ⌊min(32, N) / batch⌋, at least 1 */
  long n_steps;                    /* steps taken so far in this train call */
  double first_sum;                /* Σ loss · samples over the first block */
  int64_t first_n;
  double ring_sum[WATCH_SAMPLES];  /* the latest `window` steps: loss · samples, samples */
  int64_t ring_n[WATCH_SAMPLES];
  bool hinted;
} Watch;

/* One training run: its settings and what it has recorded so far. */
typedef struct {
  Interp *I;
  const Node *site;
  Value model, loss;
  Optim *o;
  Data d, val;
  bool has_val, shuffle, verbose, fused, tty, labels_checked, monitor;
  long epochs, batch, steps, done_epochs;
  double clip, clip_value;
  int nt;           /* trainable parameters */
  Tensor **ps;
  int64_t *perm;
  double *h_loss, *h_acc, *h_vloss, *h_vacc;
  int n_norms;              /* monitor: the last step's gradient norm per layer */
  double norms[64];
  const char *norm_kinds[64];
  Watch watch;
} Run;

/* monitor = true: each epoch, the gradient norm of every layer at the last step, with
   the ones that vanish (under 1/1000 of the largest layer's) or explode (> 1000)
   called out. */
static void report_norms(Run *r, long epoch) {
  printf("  gradient norms (epoch %ld, last step), first layer first:", epoch);
  int vanishing = 0, exploding = 0;
  double top = 0;
  for (int i = 0; i < r->n_norms; i++) top = r->norms[i] > top ? r->norms[i] : top;
  for (int i = 0; i < r->n_norms; i++) {
    double g = r->norms[i];
    bool vanish = g < 1e-3 * top || g < 1e-12, explode = g > 1e3;
    const char *tag = vanish ? " vanishing" : explode ? " exploding" : "";
    vanishing += vanish;
    exploding += explode;
    printf("%s %d %s %.3g%s", i ? "," : "", i, r->norm_kinds[i], g, tag);
  }
  printf("\n");
  if (vanishing) printf("  %d layer(s) get almost no gradient: try relu or leaky_relu instead of sigmoid/tanh\n", vanishing);
  if (exploding) printf("  %d layer(s) get huge gradients: lower the learning rate or clip (clip = 1)\n", exploding);
}

static void run_free(Run *r) {
  for (int i = 0; i < r->nt; i++) ad_zero_grad(r->ps[i]);
  rt_free(r->ps);
  rt_free(r->perm);
  rt_free(r->h_loss);
  rt_free(r->h_acc);
  rt_free(r->h_vloss);
  rt_free(r->h_vacc);
}

static void check_labels(Run *r, const Value out) {
  labels_in_range(r->I, r->site, r->d.y, out);
  r->labels_checked = true;
}

/* A non-finite loss may come from the data rather than the training: if x or y holds a
   nan or inf, name its first one (row and position), since no learning rate fixes that.
   x: [N, ...], y: [N] or [N, k]; scanned only once training has failed. */
static void bad_data_report(Run *r, long epoch, long step) {
  const char *names[2] = {"x", "y"};
  Tensor *ts[2] = {r->d.x, r->d.y};
  for (int k = 0; k < 2; k++) {
    const Tensor *t = ts[k];
    int64_t i = 0;
    while (i < t->size && isfinite(t->data[i])) i++;
    if (i == t->size) continue;
    int64_t per_row = t->ndim > 0 && t->shape[0] ? t->size / t->shape[0] : 1;
    char at[128];
    if (t->ndim == 2) snprintf(at, sizeof at, "%s[%lld, %lld]", names[k], (long long)(i / per_row), (long long)(i % per_row));
    else if (t->ndim <= 1) snprintf(at, sizeof at, "%s[%lld]", names[k], (long long)i);
    else snprintf(at, sizeof at, "%s[%lld] (element %lld of that sample)", names[k], (long long)(i / per_row), (long long)(i % per_row));
    ev_error(r->I, r->site,
             "training stopped at epoch %ld, step %ld: the training data is not finite: %s is %s; "
             "remove or fill that sample (no learning rate fixes this)",
             epoch, step, at, isnan(t->data[i]) ? "nan" : t->data[i] > 0 ? "inf" : "-inf");
  }
}

/* One step on rows perm[from, from + n): forward, loss, backward, clip, update. */
static void run_step(Run *r, long epoch, long step, int64_t from, int64_t n, double *sum_loss,
                     int64_t *correct) {
  Interp *I = r->I;
  int height = I->n_roots;
  Tensor *xb = take_rows(r->d.x, r->perm + from, n);
  ev_root(I, v_tensor(xb));
  Tensor *yb = take_rows(r->d.y, r->perm + from, n);
  ev_root(I, v_tensor(yb));
  for (int i = 0; i < r->nt; i++) ad_zero_grad(r->ps[i]);
  Value out = forward(I, r->model, xb, true, r->fused, r->site);
  ev_root(I, out);
  if (!r->labels_checked && is_cross_entropy(r->loss)) check_labels(r, out);
  if (!r->labels_checked && is_bce(r->loss)) {
    binary_labels(I, r->site, r->d.y);
    r->labels_checked = true;
  }
  Tensor *l = batch_loss(I, r->loss, r->fused, out, yb, r->site);
  ev_root(I, v_tensor(l));
  double lv = l->data[0];
  if (!isfinite(lv)) bad_data_report(r, epoch, step);
  if (!isfinite(lv)) nan_report(I, r->model, r->loss, xb, epoch, step, optim_hyper(I, r->o, "lr", 0.01) / 10, r->site);
  ad_backward(l, NULL);
  if (r->monitor) r->n_norms = layer_grad_norms(r->model, r->norms, 64, r->norm_kinds);
  clip_grads(r->nt, r->ps, r->clip, r->clip_value);
  optim_step(I, r->o, r->nt, r->ps, r->site);
  *sum_loss += lv * (double)n;
  if (out.type == V_TENSOR) *correct += batch_correct(r->loss, r->fused, out.as.t, yb);
  while (I->n_roots > height) ev_unroot(I, 1);
}

/* Say once that the loss is diverging, naming the learning rate (with the value the NaN
   report would suggest, lr / 10) and clipping. `what` describes the evidence. */
static void divergence_hint(Run *r, const char *what) {
  r->watch.hinted = true;
  /* The lr, when it is a plain number (a hint must not fail on any other kind). */
  Value *lv = ev_env_slot(r->o->hyper, sym_intern(&r->I->syms, "lr", 2));
  double lr = lv && (lv->type == V_NUM || lv->type == V_BOOL) ? lv->as.num
              : lv && lv->type == V_TENSOR && lv->as.t->size == 1 ? lv->as.t->data[0] : NAN;
  char lower[96], clip[96], msg[768];
  if (isnan(lr)) snprintf(lower, sizeof lower, "lower the learning rate");
  else snprintf(lower, sizeof lower, "lower the learning rate (lr = %g instead of %g)", lr / 10, lr);
  if (r->clip > 0) snprintf(clip, sizeof clip, "clip harder (clip = %g instead of %g)", r->clip / 10, r->clip);
  else snprintf(clip, sizeof clip, "clip the gradients (clip = 1)");
  snprintf(msg, sizeof msg, "%s: the steps are probably too large (training diverges); %s or %s", what,
           lower, clip);
  if (r->tty && r->verbose) fputs("\r\033[K", stderr);
  warn(r->I, r->site, msg);
}

/* After each step (lv: its mean loss over n samples): does the mean loss of the latest
   block exceed 10× that of the first block (the loss the model started from)? A block is
   the whole steps that fit in 32 samples, at least one step (so the first block is the
   first step for batch >= 17: a later step has not spoiled it yet). The blocks do not
   overlap, so the first check comes after 2 blocks (step 2 for batch >= 17). */
static void watch_step(Run *r, long epoch, long step, double lv, int64_t n) {
  Watch *w = &r->watch;
  if (w->hinted || !isfinite(lv)) return;
  if (!w->window) {
    int64_t N = r->d.x->shape[0], want = N < WATCH_SAMPLES ? N : WATCH_SAMPLES;
    w->window = (int)(want / r->batch);
    if (w->window < 1) w->window = 1;
  }
  int k = (int)(w->n_steps % w->window);
  w->ring_sum[k] = lv * (double)n;
  w->ring_n[k] = n;
  if (++w->n_steps <= w->window) {
    w->first_sum += lv * (double)n;
    w->first_n += n;
    return;
  }
  if (w->n_steps < 2L * w->window) return;
  double sum = 0;
  int64_t cnt = 0;
  for (int i = 0; i < w->window; i++) {
    sum += w->ring_sum[i];
    cnt += w->ring_n[i];
  }
  double first = w->first_sum / (double)w->first_n, recent = sum / (double)cnt;
  if (!(first > 0 && recent > 10 * first)) return;
  char what[256];
  snprintf(what, sizeof what, "at epoch %ld, step %ld the loss is %.4g, more than 10 times its first "
           "value %.4g (the mean over the first %lld samples)", epoch, step, recent, first,
           (long long)w->first_n);
  divergence_hint(r, what);
}

/* After epoch e (1-based): has the training loss risen in each of the last 3 epochs, by
   half in all, and passed the first epoch's? Noise at a plateau often rises 3 epochs in a
   row by chance, but by a few percent; climbing back above where training started does
   not happen by chance either. The validation loss is not watched: it rising while the
   training loss falls is overfitting, which a smaller step does not cure. */
static void watch_epoch(Run *r, long e) {
  const double *h = r->h_loss;
  if (r->watch.hinted || e < 4) return;
  for (long i = e - 3; i < e; i++)
    if (!(h[i] > h[i - 1])) return;
  if (!(h[e - 4] > 0 && h[e - 1] > h[0] && h[e - 1] >= 1.5 * h[e - 4])) return;
  char what[256];
  snprintf(what, sizeof what, "the loss has risen 3 epochs in a row (%.4g, %.4g, %.4g, %.4g at epoch "
           "%ld), above its first epoch's %.4g", h[e - 4], h[e - 3], h[e - 2], h[e - 1], e, h[0]);
  divergence_hint(r, what);
}

static void run_epochs(Run *r) {
  Interp *I = r->I;
  I->grad_depth++; /* restored by bi_train's handler if this throws */
  int64_t N = r->d.x->shape[0];
  long every = r->epochs <= 20 ? 1 : (r->epochs + 9) / 10;
  for (int64_t i = 0; i < N; i++) r->perm[i] = i;
  for (long e = 1; e <= r->epochs; e++) {
    if (r->shuffle)
      for (int64_t i = N - 1; i > 0; i--) {
        int64_t j = (int64_t)rng_below(&I->rng, (uint64_t)i + 1), tmp = r->perm[i];
        r->perm[i] = r->perm[j];
        r->perm[j] = tmp;
      }
    double sum_loss = 0, started = now_seconds();
    int64_t correct = 0, seen = 0;
    bool stop = false;
    for (long s = 0; s < r->steps && !stop; s++) {
      int64_t from = (int64_t)s * r->batch, n = N - from < r->batch ? N - from : r->batch;
      double before = sum_loss;
      run_step(r, e, s + 1, from, n, &sum_loss, &correct);
      watch_step(r, e, s + 1, (sum_loss - before) / (double)n, n);
      seen += n;
      if (r->verbose) progress(r->tty, e, r->epochs, s + 1, r->steps, sum_loss / (double)seen,
                               (double)correct / (double)seen, started);
      if (rt_interrupted) {
        /* Ctrl-C: stop after this step; the weights reached so far are kept. */
        rt_interrupted = 0;
        if (r->tty && r->verbose) fputs("\r\033[K", stderr);
        printf("training interrupted at epoch %ld, step %ld; the weights reached so far are kept\n",
               e, s + 1);
        stop = true;
      }
    }
    r->h_loss[e - 1] = sum_loss / (double)(seen ? seen : 1);
    r->h_acc[e - 1] = (double)correct / (double)(seen ? seen : 1);
    if (r->has_val) {
      Score sc = score(I, r->model, r->val, r->loss, r->site);
      r->h_vloss[e - 1] = sc.loss;
      r->h_vacc[e - 1] = sc.accuracy;
    }
    r->done_epochs = e;
    if (r->verbose && r->tty) fputs("\r\033[K", stderr);
    if (r->verbose && (e % every == 0 || e == r->epochs || e == 1 || stop)) {
      printf("epoch %ld/%ld: loss %.4f, accuracy %.4f", e, r->epochs, r->h_loss[e - 1], r->h_acc[e - 1]);
      if (r->has_val) printf(", val_loss %.4f, val_accuracy %.4f", r->h_vloss[e - 1], r->h_vacc[e - 1]);
      if (r->tty) printf(" (%.1f s)", now_seconds() - started);
      printf("\n");
      if (r->monitor) report_norms(r, e);
      fflush(stdout);
    }
    watch_epoch(r, e);
    if (stop) break;
  }
  I->grad_depth--;
}

static Value bi_train(Call *c) {
  Interp *I = c->I;
  Run r = {.I = I, .site = c->node, .model = c->args[0]};
  if (r.model.type != V_MODEL && r.model.type != V_LAYER) arg_error(c, 0, "a model");
  r.d = arg_data(c, 1);
  r.loss = default_loss(c, 2);
  if (c->args[3].type == V_NONE)
    ev_error(I, c->node, "train needs an optimizer: optimizer = adam() (or sgd(lr = 0.1), ...)");
  r.o = arg_optim(c, 3);
  r.epochs = (long)arg_int(c, 4);
  r.batch = (long)arg_int(c, 5);
  if (r.epochs < 0) arg_error(c, 4, "a number of epochs >= 0");
  if (r.batch < 1) arg_error(c, 5, "a batch size >= 1");
  r.shuffle = arg_bool(c, 6);
  r.has_val = c->args[7].type != V_NONE;
  if (r.has_val) r.val = arg_data(c, 7);
  r.clip = c->args[8].type == V_NONE ? 0 : arg_num(c, 8);
  r.clip_value = c->args[9].type == V_NONE ? 0 : arg_num(c, 9);
  if (c->args[8].type != V_NONE && !(r.clip > 0 && isfinite(r.clip)))
    arg_error(c, 8, "a gradient norm > 0 (or none for no clipping)");
  if (c->args[9].type != V_NONE && !(r.clip_value > 0 && isfinite(r.clip_value)))
    arg_error(c, 9, "a bound > 0 (or none for no clipping)");
  r.verbose = arg_bool(c, 10);
  r.monitor = arg_bool(c, 11);
  r.fused = fusable(r.loss, r.model);
  lint_training(I, r.model, r.loss, r.d, c->node);
  r.tty = isatty(2) && !getenv("CI");
  int64_t N = r.d.x->shape[0];
  r.steps = (long)((N + r.batch - 1) / r.batch);

  /* Only trainable parameters (tracked leaves) go to the optimizer; layers sized by
     their input get theirs first. */
  nn_materialize(I, r.model, r.d.x);
  char **names;
  int np = nn_params(r.model, &names, &r.ps);
  for (int i = 0; i < np; i++) {
    if (ad_is_tracked(r.ps[i])) r.ps[r.nt++] = r.ps[i];
    rt_free(names[i]);
  }
  rt_free(names);
  size_t ne = (size_t)(r.epochs ? r.epochs : 1);
  RtFrame fr;
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth;
  LossQ loss_q = I->loss_q;
  I->loss_q = gives_probabilities(r.model) ? LOSS_Q_MODEL_PROBS : LOSS_Q_MODEL;
  if (RT_TRY(&fr)) {
    r.perm = rt_malloc(sizeof(int64_t) * (size_t)N);
    r.h_loss = rt_calloc(ne, sizeof(double));
    r.h_acc = rt_calloc(ne, sizeof(double));
    r.h_vloss = rt_calloc(ne, sizeof(double));
    r.h_vacc = rt_calloc(ne, sizeof(double));
    run_epochs(&r);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    I->grad_depth = depth;
    I->loss_q = loss_q;
    if (r.tty && r.verbose) fputs("\r\033[K", stderr);
    run_free(&r);
    rt_rethrow();
  }
  ad_set_recording(rec);
  I->loss_q = loss_q;
  /* The history: one value per epoch trained. */
  Value h = v_record_new();
  ev_root(I, h);
  Value cols[4] = {tensor_of(r.h_loss, r.done_epochs), tensor_of(r.h_acc, r.done_epochs),
                   tensor_of(r.h_vloss, r.done_epochs), tensor_of(r.h_vacc, r.done_epochs)};
  run_free(&r);
  record_set(h.as.rec, sym_intern(&I->syms, "loss", 4), cols[0]);
  record_set(h.as.rec, sym_intern(&I->syms, "accuracy", 8), cols[1]);
  if (r.has_val) {
    record_set(h.as.rec, sym_intern(&I->syms, "val_loss", 8), cols[2]);
    record_set(h.as.rec, sym_intern(&I->syms, "val_accuracy", 12), cols[3]);
  } else {
    v_release(cols[2]);
    v_release(cols[3]);
  }
  return v_retain(h);
}

/* gradient_norms(model, data): one batch forward and back (training mode, no update);
   the gradient norm of each layer with parameters, first layer first. The
   vanishing-gradient lesson: a deep sigmoid network's first layers get almost nothing. */
static Value bi_gradient_norms(Call *c) {
  Interp *I = c->I;
  Value model = c->args[0];
  if (model.type != V_MODEL && model.type != V_LAYER) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  Value loss = default_loss(c, 2);
  long long batch = arg_int(c, 3);
  if (batch < 1) arg_error(c, 3, "a batch size >= 1");
  int64_t n = d.x->shape[0] < batch ? d.x->shape[0] : batch;
  int64_t *idx = rt_malloc(sizeof(int64_t) * (size_t)n);
  for (int64_t i = 0; i < n; i++) idx[i] = i;
  Tensor *xb = NULL, *yb = NULL;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    xb = call_keep(c, take_rows(d.x, idx, n));
    yb = call_keep(c, take_rows(d.y, idx, n));
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(idx);
    rt_rethrow();
  }
  rt_free(idx);
  nn_materialize(I, model, xb);
  char **names;
  Tensor **ps;
  int np = nn_params(model, &names, &ps);
  for (int i = 0; i < np; i++) rt_free(names[i]);
  rt_free(names);
  for (int i = 0; i < np; i++)
    if (ad_is_tracked(ps[i])) ad_zero_grad(ps[i]);
  bool rec = ad_set_recording(true);
  bool fused = fusable(loss, model);
  double norms[256];
  int k = 0;
  if (RT_TRY(&fr)) {
    Value out = forward(I, model, xb, true, fused, c->node);
    ev_root(I, out);
    Tensor *l = batch_loss(I, loss, fused, out, yb, c->node);
    ev_root(I, v_tensor(l));
    ad_backward(l, NULL);
    k = layer_grad_norms(model, norms, 256, NULL);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    for (int i = 0; i < np; i++)
      if (ad_is_tracked(ps[i])) ad_zero_grad(ps[i]);
    rt_free(ps);
    rt_rethrow();
  }
  ad_set_recording(rec);
  for (int i = 0; i < np; i++)
    if (ad_is_tracked(ps[i])) ad_zero_grad(ps[i]);
  rt_free(ps);
  return tensor_of(norms, k);
}

/* ------------------------------------------------------------------ using a model */

static Value bi_evaluate(Call *c) {
  Value model = c->args[0];
  if (!callable(model)) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  Score sc = score(c->I, model, d, default_loss(c, 2), c->node);
  Value r = v_record_new();
  record_set(r.as.rec, sym_intern(&c->I->syms, "loss", 4), v_num(sc.loss));
  record_set(r.as.rec, sym_intern(&c->I->syms, "accuracy", 8), v_num(sc.accuracy));
  return r;
}

static Value bi_accuracy(Call *c) {
  Value model = c->args[0];
  if (!callable(model)) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  Value out = infer(c->I, model, v_tensor(d.x), c->node);
  ev_root(c->I, out);
  if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->shape[0] != d.x->shape[0])
    ev_error(c->I, c->node, "accuracy: the model must give one output row per sample");
  labels_in_range(c->I, c->node, d.y, out);
  if (ends_in_sigmoid(model) && out.as.t->size == out.as.t->shape[0]) binary_labels(c->I, c->node, d.y);
  return v_num((double)count_correct(out.as.t, d.y) / (double)d.x->shape[0]);
}

/* predict(net, x): the model's output in inference mode (no dropout, no recording). */
static Value bi_predict(Call *c) {
  if (!callable(c->args[0])) arg_error(c, 0, "a model");
  return infer(c->I, c->args[0], c->args[1], c->node);
}

/* params(net): a record of the model's tensors by name ("0.W", "0.b", ...). */
static Value bi_params(Call *c) {
  if (c->args[0].type != V_MODEL && c->args[0].type != V_LAYER) arg_error(c, 0, "a model or layer");
  char **names;
  Tensor **ps;
  int n = nn_params(c->args[0], &names, &ps);
  Value r = v_record_new();
  for (int i = 0; i < n; i++) {
    record_set(r.as.rec, sym_intern(&c->I->syms, names[i], strlen(names[i])), v_tensor(t_retain(ps[i])));
    rt_free(names[i]);
  }
  rt_free(names);
  rt_free(ps);
  return r;
}

/* summary(net, input): layer, output shape, parameter count, totals. The output shapes
   come from running one zero sample of the given input shape through the model. */
static Value bi_summary(Call *c) {
  Interp *I = c->I;
  Value model = c->args[0];
  if (model.type != V_MODEL && model.type != V_LAYER) arg_error(c, 0, "a model");
  int64_t in[T_MAXDIM];
  int nin = 0;
  Value shape = c->args[1];
  if (shape.type == V_NONE) {
    /* Without an input shape: the first layer's weight matrix (x @ W) tells it. */
    Value first = model.type == V_MODEL ? model.as.model->layers[0] : model;
    if (first.type == V_LAYER && first.as.layer->n_params > 0 && first.as.layer->params[0]->ndim == 2) {
      in[0] = first.as.layer->params[0]->shape[0];
      nin = 1;
    } else {
      ev_error(I, c->node, "summary: give the shape of one input sample, e.g. summary(net, [28, 28])");
    }
  } else {
    Tensor *s = arg_tensor(c, 1);
    if (s->ndim != 1 || s->size > T_MAXDIM - 1) arg_error(c, 1, "a list of sizes such as [28, 28]");
    for (int i = 0; i < s->size; i++) in[i] = (int64_t)s->data[i];
    nin = (int)s->size;
  }
  int64_t shape1[T_MAXDIM] = {1};
  memcpy(shape1 + 1, in, sizeof(int64_t) * (size_t)nin);
  bool rec = ad_set_recording(false);
  Value x = v_tensor(t_zeros(nin + 1, shape1));
  ev_root(I, x);
  Value layers1[1] = {model};
  const Value *layers = model.type == V_MODEL ? model.as.model->layers : layers1;
  int nl = model.type == V_MODEL ? model.as.model->n : 1;
  printf("%-4s %-14s %-16s %10s\n", "#", "layer", "output shape", "params");
  long long total = 0;
  Value r = x;
  ev_root(I, v_retain(r));
  for (int i = 0; i < nl; i++) {
    Value next = nn_apply(I, layers[i], r, false, c->node);
    ev_unroot(I, 1);
    ev_root(I, next);
    r = next;
    long long count = 0;
    char **names;
    Tensor **ps;
    int np = nn_params(layers[i], &names, &ps);
    for (int k = 0; k < np; k++) {
      if (ad_is_tracked(ps[k])) count += ps[k]->size;
      rt_free(names[k]);
    }
    rt_free(names);
    rt_free(ps);
    total += count;
    char sh[96] = "?";
    if (r.type == V_TENSOR && r.as.t->ndim >= 1)
      t_shape_str(r.as.t->ndim - 1, r.as.t->shape + 1, sh, sizeof sh);
    const char *kind = layers[i].type == V_LAYER ? layers[i].as.layer->kind : layers[i].as.model->name;
    printf("%-4d %-14s %-16s %10lld\n", i, kind, sh, count);
  }
  printf("total parameters: %lld\n", total);
  /* One sigmoid output: P(class 1) of a binary classifier, as accuracy and plot read it. */
  if (ends_in_sigmoid(model) && r.type == V_TENSOR && r.as.t->size == 1)
    printf("binary classifier: one sigmoid output p = P(class 1), class 1 where p > 0.5 "
           "(train with loss = bce)\n");
  ad_set_recording(rec);
  return v_none();
}

/* formula(f): the nn definition behind a native stdlib function (the same formula,
   interpreted), for tests and :source. For an optimizer: the same optimizer run
   through its declaration instead of the native kernel. */
static Value bi_formula(Call *c) {
  Value v = c->args[0];
  if (v.type == V_FUNC && v.as.fn->formula) return v_retain((Value){.type = V_FUNC, .as.fn = v.as.fn->formula});
  if (v.type == V_FUNC) return v_retain(v);
  if (v.type == V_OPTIM) {
    Optim *o = rt_calloc(1, sizeof *o);
    *o = *v.as.optim;
    o->rc = 1;
    o->kernel = NULL;
    o->n_slots = o->cap_slots = 0;
    o->slots = NULL;
    o->t = 0;
    o->hyper->rc++;
    return (Value){.type = V_OPTIM, .as.optim = o};
  }
  arg_error(c, 0, "a function or optimizer");
}

/* ------------------------------------------------------------------ model files */

/* Run f under a frame that prefixes any error message with `what` ("save: ..."). */
static _Noreturn void rethrow_prefixed(const char *what) {
  char msg[1024];
  snprintf(msg, sizeof msg, "%s", rt_errmsg());
  rt_throw_kind(rt_errkind(), "%s: %s", what, msg);
}

/* save(net, path): every parameter and buffer as safetensors, names like "0.W". */
/* Layers sized by their first input (a bare batchnorm) have no tensors before it. */
static void require_sized(Call *c, Value model, const char *what) {
  if (has_lazy(model))
    ev_error(c->I, c->node, "%s: the model has layers sized by their first input (batchnorm without "
             "n) that have not seen data yet: run it once (predict(net, x)) or give their sizes", what);
}

static Value bi_save(Call *c) {
  Value model = c->args[0];
  if (model.type != V_MODEL && model.type != V_LAYER) arg_error(c, 0, "a model");
  require_sized(c, model, "save");
  char buf[4096];
  const char *path = arg_path(c, 1, buf, sizeof buf);
  char **names;
  Tensor **ts;
  int n = nn_params(model, &names, &ts);
  const char *meta[] = {"format", "nn", "model",
                        model.type == V_MODEL ? model.as.model->name : model.as.layer->kind, NULL};
  RtFrame f;
  if (RT_TRY(&f)) {
    st_save(path, n, (const char *const *)names, ts, meta);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    for (int i = 0; i < n; i++) rt_free(names[i]);
    rt_free(names);
    rt_free(ts);
    rethrow_prefixed("save");
  }
  for (int i = 0; i < n; i++) rt_free(names[i]);
  rt_free(names);
  rt_free(ts);
  return v_none();
}

/* load(net, path): the file must hold exactly the model's tensors with their shapes;
   nothing is changed unless everything matches. */
static Value bi_load(Call *c) {
  Value model = c->args[0];
  if (model.type != V_MODEL && model.type != V_LAYER) arg_error(c, 0, "a model");
  require_sized(c, model, "load");
  char buf[4096];
  const char *path = arg_path(c, 1, buf, sizeof buf);
  char **names;
  Tensor **ts;
  int n = nn_params(model, &names, &ts);
  StFile *file = NULL;
  char err[768] = "";
  RtFrame f;
  if (RT_TRY(&f)) {
    file = st_load(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    snprintf(err, sizeof err, "%s", rt_errmsg());
  }
  if (file) {
    for (int i = 0; i < n && !*err; i++) {
      int j = 0;
      while (j < file->n && strcmp(file->names[j], names[i])) j++;
      if (j == file->n) {
        snprintf(err, sizeof err, "%s has no tensor '%s' (it holds %d tensors; the model has %d)", path,
                 names[i], file->n, n);
      } else if (!t_same_shape(file->tensors[j], ts[i])) {
        char a[96], b[96];
        snprintf(err, sizeof err, "'%s' has shape %s in %s but %s in the model", names[i],
                 t_shape_str(file->tensors[j]->ndim, file->tensors[j]->shape, a, sizeof a), path,
                 t_shape_str(ts[i]->ndim, ts[i]->shape, b, sizeof b));
      }
    }
    for (int j = 0; j < file->n && !*err; j++) {
      int i = 0;
      while (i < n && strcmp(file->names[j], names[i])) i++;
      if (i == n) snprintf(err, sizeof err, "%s holds '%s', which the model does not have", path, file->names[j]);
    }
    if (!*err)
      for (int i = 0; i < n; i++)
        for (int j = 0; j < file->n; j++)
          if (!strcmp(file->names[j], names[i]))
            memcpy(ts[i]->data, file->tensors[j]->data, sizeof(float) * (size_t)ts[i]->size);
  }
  st_free(file);
  for (int i = 0; i < n; i++) rt_free(names[i]);
  rt_free(names);
  rt_free(ts);
  if (*err) ev_error(c->I, c->node, "load: %s", err);
  return v_none();
}

static const Builtin train_builtins[] = {
    {"grad", "grad(f, *x)", bi_grad,
     "∂f/∂x for a scalar-valued f by reverse-mode autodiff; several x give a list"},
    {"deriv", "deriv(f)", bi_deriv, "the elementwise derivative f' as a function: deriv(sigmoid)(0) = 0.25"},
    {"minimize", "minimize(f, x0, optimizer, steps = 100)", bi_minimize,
     "run an optimizer on f from x0; the path of x, [steps + 1, dim]"},
    {"train", "train(model, data, loss = none, optimizer = none, epochs = 1, batch = 32, "
              "shuffle = true, validate = none, clip = none, clip_value = none, verbose = true, "
              "monitor = false)",
     bi_train, "minibatch gradient descent over the data (loss: cross_entropy unless given); "
               "returns the history per epoch"},
    {"gradient_norms", "gradient_norms(model, data, loss = none, batch = 64)", bi_gradient_norms,
     "the gradient norm of each layer for one batch, first layer first (vanishing gradients)"},
    {"evaluate", "evaluate(model, data, loss = none)", bi_evaluate,
     "{loss, accuracy} of the model on a dataset"},
    {"accuracy", "accuracy(model, data)", bi_accuracy,
     "the fraction of samples whose predicted class (argmax) is the true one"},
    {"predict", "predict(model, x)", bi_predict, "the model's output (inference: no dropout)"},
    {"params", "params(model)", bi_params, "the model's tensors by name"},
    {"summary", "summary(model, input = none)", bi_summary,
     "a table of the layers: output shape and parameter count"},
    {"save", "save(model, path)", bi_save,
     "write the model's weights to a safetensors file (atomically)"},
    {"load", "load(model, path)", bi_load,
     "read weights saved by save(); names and shapes must match the model"},
    {"formula", "formula(f)", bi_formula, "the nn formula behind a native stdlib function or optimizer"},
    {NULL, NULL, NULL, NULL},
};

void train_register(Interp *I) { builtins_register_table(I, train_builtins); }
