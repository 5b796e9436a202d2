/* autodiff.c — the autodiff builtins: grad (∂f/∂x by reverse mode), deriv (f' as a
 * function) and minimize (an optimizer's path on a function). The forward pass records
 * the graph (runtime/autograd.h), backward fills the leaves' gradients. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autodiff.h"
#include "autograd.h"
#include "fit.h"
#include "mem.h"

static bool is_num(Value v) { return v.type == V_NUM || v.type == V_BOOL; }

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
  Tensor *t = to_tensor(c->I, v, _("an argument of grad"));
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
  Value r;
  /* On an error the catcher (ev_pcall) puts recording and grad_depth back. */
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
  ad_set_recording(rec);
  I->grad_depth = depth;
  return r;
}

static const Builtin deriv_apply = {"deriv", "deriv(x)", bi_deriv_apply,
                                    N_("the elementwise derivative of a function")};

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

Optim *arg_optim(Call *c, int i) {
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

/* Clip x's gradient to a global norm of at most clip (clip > 0), as train(clip = …) does
   and PyTorch's clip_grad_norm_: when ‖g‖ > clip, g ← g · clip / (‖g‖ + 1e-6). */
static void clip_grad(Tensor *x, double clip) {
  Tensor *g = ad_grad(x);
  if (!g) return;
  double s = 0;
  for (int64_t k = 0; k < g->size; k++) s += (double)g->data[k] * g->data[k];
  double norm = sqrt(s);
  if (norm > clip) {
    float scale = (float)(clip / (norm + 1e-6));
    for (int64_t k = 0; k < g->size; k++) g->data[k] *= scale;
  }
}

/* f(x) for minimize: a scalar. A function of one number given a point of several
   (double_well at [1, 2]) maps it elementwise to as many values: say what to give. */
static void check_minimize_result(Interp *I, Value y, const Tensor *x, const Node *site) {
  if (y.type != V_TENSOR || y.as.t->size == 1 || y.as.t->size != x->size) return;
  char a[96], b[96];
  ev_error(I, site, "minimize: the function returns shape %s for x0 of shape %s, one value per "
           "coordinate: give a function of one number its x0 as a number (such as 2); a function "
           "of a point must return one number (sum its terms)",
           t_shape_str(y.as.t->ndim, y.as.t->shape, b, sizeof b),
           t_shape_str(x->ndim, x->shape, a, sizeof a));
}

/* minimize(f, x0, optimizer, steps, clip): the optimizer's path from x0, [steps + 1, dim]
   with dim = the number of elements of x0 (a number or a one-element tensor: a 1-D
   function, path [steps + 1, 1]). With clip, each step's gradient is clipped to that
   global norm first. Each call starts the optimizer afresh (t = 1, zero state). */
static Value bi_minimize(Call *c) {
  Interp *I = c->I;
  Value f = c->args[0];
  if (!callable(f)) arg_error(c, 0, "a function");
  Optim *o = arg_optim(c, 2);
  long long steps = arg_int(c, 3);
  if (steps < 0) arg_error(c, 3, "a number of steps >= 0");
  double clip = c->args[4].type == V_NONE ? 0 : arg_num(c, 4);
  if (c->args[4].type != V_NONE && !(clip > 0 && isfinite(clip)))
    arg_error(c, 4, "a gradient norm > 0 (none: no clipping)");
  Tensor *x = tracked_copy(c, 1, c->args[1]);
  int64_t dim = x->size;
  int64_t shape[2] = {steps + 1, dim};
  Tensor *path = call_keep(c, t_new(2, shape));
  memcpy(path->data, x->data, sizeof(float) * (size_t)dim);
  optim_reset(o);
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth++;
  /* On an error the catcher (ev_pcall) puts recording and grad_depth back. */
  for (long long s = 1; s <= steps; s++) {
    rt_check_interrupt();
    ad_zero_grad(x);
    Value y = apply1(I, f, v_tensor(x), c->node);
    ev_root(I, y);
    check_minimize_result(I, y, x, c->node);
    backward_scalar(I, y, "minimize", c->node);
    ev_unroot(I, 1);
    if (clip > 0) clip_grad(x, clip);
    optim_step(I, o, 1, &x, c->node);
    memcpy(path->data + s * dim, x->data, sizeof(float) * (size_t)dim);
  }
  ad_set_recording(rec);
  I->grad_depth = depth;
  return v_tensor(t_retain(path));
}

static const Builtin autodiff_builtins[] = {
    {"grad", "grad(f, *x)", bi_grad,
     N_("∂f/∂x for a scalar-valued f by reverse-mode autodiff; several x give a list")},
    {"deriv", "deriv(f)", bi_deriv,
     N_("the elementwise derivative f' as a function: deriv(sigmoid)(0) = 0.25")},
    {"minimize", "minimize(f, x0, optimizer, steps = 100, clip = none)", bi_minimize,
     N_("run an optimizer on f from x0 (a point, or a number for a 1-D f); the path of x, "
        "[steps + 1, dim]; clip = c clips each gradient to global norm c, as train does")},
    {NULL, NULL, NULL, NULL},
};

void autodiff_register(Interp *I) { builtins_register_table(I, autodiff_builtins); }
