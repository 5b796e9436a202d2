/* fit.c — a model on a data set, shared by train.c and model.c: the {x, y} record,
 * batches of rows, what the loss and the model's last layer mean for the targets
 * (fused softmax/sigmoid, class labels), loss and accuracy over a data set, running a
 * model in inference mode, sizing lazy layers, and the layers' gradient norms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "fit.h"
#include "mem.h"

static bool is_num(Value v) { return v.type == V_NUM || v.type == V_BOOL; }

bool callable(Value v) {
  return v.type == V_FUNC || v.type == V_MODEL || v.type == V_LAYER;
}


/* ------------------------------------------------------------------ datasets */

Data arg_data(Call *c, int i) {
  Value v = c->args[i];
  if (v.type != V_RECORD) arg_error(c, i, "a dataset (a record with tensors x and y)");
  Sym *sx = sym_intern(&c->I->syms, "x", 1), *sy = sym_intern(&c->I->syms, "y", 1);
  Value *x = record_get(v.as.rec, sx), *y = record_get(v.as.rec, sy);
  if (!x || !y) arg_error(c, i, "a dataset with fields x and y");
  /* x's rank and shape, as a tensor or as bytes (IDX images) */
  int xd = x->type == V_TENSOR ? x->as.t->ndim : x->type == V_U8 ? x->as.u8->ndim : 0;
  const int64_t *xs = x->type == V_TENSOR ? x->as.t->shape : x->type == V_U8 ? x->as.u8->shape : NULL;
  if (xd < 1) arg_error(c, i, "a dataset whose x is a tensor of samples");
  if (y->type != V_TENSOR || y->as.t->ndim < 1) arg_error(c, i, "a dataset whose y is a tensor of targets");
  if (xs[0] != y->as.t->shape[0]) {
    char a[96], b[96];
    ev_error(c->I, c->arg_nodes[i] ? c->arg_nodes[i] : c->node,
             "the dataset has %lld inputs (x %s) but %lld targets (y %s)",
             (long long)xs[0], t_shape_str(xd, xs, a, sizeof a),
             (long long)y->as.t->shape[0], t_shape_str(y->as.t->ndim, y->as.t->shape, b, sizeof b));
  }
  if (xs[0] == 0) ev_error(c->I, c->arg_nodes[i] ? c->arg_nodes[i] : c->node, "the dataset is empty");
  return (Data){*x, y->as.t, xs[0]};
}

/* Rows idx[0..n) of a: [n, ...]. */
Tensor *take_rows(const Tensor *a, const int64_t *idx, int64_t n) {
  int64_t shape[T_MAXDIM];
  memcpy(shape, a->shape, sizeof shape);
  shape[0] = n;
  Tensor *r = t_new(a->ndim, shape);
  int64_t row = a->shape[0] ? a->size / a->shape[0] : 0;
  for (int64_t i = 0; i < n; i++)
    memcpy(r->data + i * row, a->data + idx[i] * row, sizeof(float) * (size_t)row);
  return r;
}

/* Bytes become floats here, a batch at a time (runtime/u8.h): the whole set never does. */
Tensor *take_x(Value x, const int64_t *idx, int64_t n) {
  return x.type == V_U8 ? u8_rows_to_tensor(x.as.u8, idx, n) : take_rows(x.as.t, idx, n);
}

float x_abs_max(Value x) {
  float big = 0;
  if (x.type == V_U8) {
    bool seen[256] = {false};
    for (int64_t i = 0; i < x.as.u8->size; i++) seen[x.as.u8->data[i]] = true;
    for (int b = 0; b < 256; b++)
      if (seen[b] && fabsf(x.as.u8->lut[b]) > big) big = fabsf(x.as.u8->lut[b]);
    return big;
  }
  const Tensor *t = x.as.t;
  for (int64_t i = 0; i < t->size; i++) big = fabsf(t->data[i]) > big ? fabsf(t->data[i]) : big;
  return big;
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
int64_t count_correct(const Tensor *out, const Tensor *y) {
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

/* Outputs per sample of a model's output for B samples: its size / B (1 for [B]); 0
   when it is not a tensor of B rows, so that no targets are its classes. */
int64_t outputs_per_sample(Value out, int64_t B) {
  if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->shape[0] != B || B < 1) return 0;
  return out.as.t->size / B;
}

/* Rows of probabilities may miss 1 by float rounding (soft labels, k in the thousands). */
#define ROW_SUM_TOLERANCE 1e-3

/* Indices 0 … k−1 (0, 1 for one output) or rows of k probabilities; else why names the
   first element that is not. */
bool class_targets(const Tensor *y, int64_t k, char *why, size_t n) {
  int64_t N = y->ndim ? y->shape[0] : 0, ky = N ? y->size / N : 0;
  char buf[160];
  buf[0] = 0;
  if (k < 1 || N < 1) {
    snprintf(buf, sizeof buf, "%s", _("the model does not give one row of outputs per sample"));
  } else if (ky == 1) {
    /* class indices 0 … k−1; one output p is a yes/no classifier: 0 or 1 */
    int64_t top = k == 1 ? 1 : k - 1;
    for (int64_t i = 0; i < N && !buf[0]; i++) {
      float v = y->data[i];
      if (v >= 0 && v <= (float)top && v == floorf(v)) continue;
      char at[48];
      if (y->ndim == 1) snprintf(at, sizeof at, "y[%lld]", (long long)i);
      else snprintf(at, sizeof at, "y[%lld, 0]", (long long)i);
      snprintf(buf, sizeof buf, _("%s is %g, not a class index 0..%lld"), at, (double)v, (long long)top);
    }
  } else if (ky != k) {
    snprintf(buf, sizeof buf, _("each y[i] has %lld values but the model gives %lld outputs"),
             (long long)ky, (long long)k);
  } else {
    /* rows of k class probabilities: one-hot or soft labels */
    for (int64_t i = 0; i < N && !buf[0]; i++) {
      const float *row = y->data + i * ky;
      double sum = 0;
      for (int64_t j = 0; j < ky && !buf[0]; j++) {
        if (row[j] >= 0 && isfinite(row[j])) sum += row[j];
        else snprintf(buf, sizeof buf, _("y[%lld, %lld] is %g, not a class probability (0 to 1)"),
                      (long long)i, (long long)j, (double)row[j]);
      }
      if (!buf[0] && fabs(sum - 1) > ROW_SUM_TOLERANCE)
        snprintf(buf, sizeof buf, _("the row y[%lld] sums to %g, not 1 as class probabilities do"),
                 (long long)i, sum);
    }
  }
  if (why && n) snprintf(why, n, "%s", buf);
  return !buf[0];
}

/* accuracy, confusion and report count classes: anything else is an error at the data
   argument (1), naming the first element that is not a class. */
void need_class_targets(Call *c, const Tensor *y, int64_t k) {
  char why[192];
  if (class_targets(y, k, why, sizeof why)) return;
  ev_error(c->I, c->arg_nodes && c->arg_nodes[1] ? c->arg_nodes[1] : c->node,
           "%s needs class targets: %s", c->fn->name, why);
}

/* Is this the stdlib cross-entropy (so softmax + cross-entropy can be fused)? */
bool is_cross_entropy(Value loss) {
  return loss.type == V_FUNC && loss.as.fn->def && ev_in_stdlib(loss.as.fn->def) &&
         !strcmp(loss.as.fn->name, "cross_entropy");
}

/* The name of the built-in activation a model ends in, looking inside a nested model
   that stands last (`model m() { dense(2, 4); relu; head() }` ends in head's softmax);
   NULL when it ends in anything else, or when nothing comes before that activation. */
static const char *final_activation(Value model) {
  int before = 0; /* layers applied before the final one */
  while (model.type == V_MODEL && model.as.model->n >= 1) {
    Model *m = model.as.model;
    before += m->n - 1;
    Value last = m->layers[m->n - 1];
    if (last.type == V_MODEL) {
      model = last;
      continue;
    }
    if (before == 0 || last.type != V_LAYER || last.as.layer->fn.type != V_FUNC || !last.as.layer->fn.as.fn->bi)
      return NULL;
    return last.as.layer->fn.as.fn->name;
  }
  return NULL;
}

bool ends_in_softmax(Value model) {
  const char *a = final_activation(model);
  return a && !strcmp(a, "softmax");
}

/* Is this the stdlib binary cross-entropy (bce, or its alias binary_cross_entropy)? */
bool is_bce(Value loss) {
  return loss.type == V_FUNC && loss.as.fn->def && ev_in_stdlib(loss.as.fn->def) &&
         !strcmp(loss.as.fn->name, "bce");
}

bool ends_in_sigmoid(Value model) {
  const char *a = final_activation(model);
  return a && !strcmp(a, "sigmoid");
}

/* Does training stop the forward pass before the model's last activation and fuse it
   into the loss? softmax + cross_entropy (log-softmax), sigmoid + bce (from the logit). */
bool fusable(Value loss, Value model) {
  return (is_cross_entropy(loss) && ends_in_softmax(model)) || (is_bce(loss) && ends_in_sigmoid(model));
}

/* Binary targets must be 0 or 1 (or probabilities between them): say which sample
   breaks that, in the user's terms, before the loss sees it. y: all the targets. */
void binary_labels(Interp *I, const Node *site, const Tensor *y) {
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
int64_t batch_correct(Value loss, bool fused, const Tensor *out, const Tensor *y) {
  if (!fused || !is_bce(loss)) return count_correct(out, y);
  Tensor *p = t_unary(T_SIGMOID, out);
  int64_t ok = count_correct(p, y);
  t_release(p);
  return ok;
}

/* Does the model end in softmax or sigmoid? Then its outputs are probabilities, and the
   stdlib losses skip checking them (check_loss, losscheck.c) while it trains. */
bool gives_probabilities(Value model) { return ends_in_softmax(model) || ends_in_sigmoid(model); }

/* Forward a batch: the model's output, or (fused) the logits before its softmax or sigmoid. */
Value forward(Interp *I, Value model, Tensor *x, bool training, bool fused,
                     const Node *site) {
  if (!fused) return nn_apply(I, model, v_tensor(x), training, site);
  /* every layer but the final activation, which may sit inside a nested last model */
  Value r = v_tensor(t_retain(x));
  model_saw_input(model.as.model, r);
  for (Model *m = model.as.model;; m = m->layers[m->n - 1].as.model) {
    for (int i = 0, used; i < m->n - 1; i += used) {
      ev_root(I, r);
      Value next = nn_apply_layer(I, m, i, r, training, site, &used);
      ev_unroot(I, 1);
      r = next;
    }
    if (m->layers[m->n - 1].type != V_MODEL) return r;
  }
}

/* The loss of a batch as a 0-d tracked tensor: fused softmax-cross-entropy on logits,
   or loss(y, out) — the truth first, as the notes write. */
Tensor *batch_loss(Interp *I, Value loss, bool fused, Value out, Tensor *y,
                          const Node *site) {
  if (is_cross_entropy(loss)) cross_entropy_columns(I, out, site);
  if (fused) {
    Tensor *z = to_tensor(I, out, _("the model's output"));
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
      snprintf(what, sizeof what, _("a tensor of shape %s (reduce it, e.g. with mean)"),
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
void labels_in_range(Interp *I, const Node *site, const Tensor *y, const Value out) {
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

/* Loss and accuracy over a dataset, in batches, without recording or training mode; the
   accuracy means something only when class_targets(d.y, outputs) holds. */
Score score(Interp *I, Value model, Data d, Value loss, const Node *site) {
  bool rec = ad_set_recording(false);
  bool fused = fusable(loss, model);
  int64_t N = d.n, B = 1024;
  double total = 0;
  int64_t correct = 0, outputs = 0;
  int64_t *idx = rt_malloc(sizeof(int64_t) * (size_t)B);
  int height = I->n_roots;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    for (int64_t s = 0; s < N; s += B) {
      int64_t n = N - s < B ? N - s : B;
      for (int64_t i = 0; i < n; i++) idx[i] = s + i;
      Tensor *xb = take_x(d.x, idx, n);
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
      if (s == 0) outputs = outputs_per_sample(out, n);
      if (out.type == V_TENSOR) correct += batch_correct(loss, fused, out.as.t, yb);
      while (I->n_roots > height) ev_unroot(I, 1);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(idx);
    rt_rethrow();
  }
  rt_free(idx);
  ad_set_recording(rec);
  return (Score){total / (double)N, (double)correct / (double)N, outputs};
}

/* The loss argument: a function, or cross_entropy when none is given. */
Value default_loss(Call *c, int i) {
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
Value infer(Interp *I, Value model, Value x, const Node *site) {
  bool rec = ad_set_recording(false);
  /* On an error the catcher (ev_pcall) puts recording back. */
  x = ev_floats(I, v_retain(x)); /* a layer takes floats, not bytes */
  ev_root(I, x);
  Value out = model.type == V_FUNC ? ev_call(I, model, 1, &x, site) : nn_apply(I, model, x, false, site);
  ev_root(I, out);
  out = ev_unroot_keep(I);
  ev_unroot(I, 1);
  ad_set_recording(rec);
  return out;
}



bool has_lazy(Value model) {
  if (model.type == V_LAYER) return model.as.layer->lazy;
  if (model.type != V_MODEL) return false;
  for (int i = 0; i < model.as.model->n; i++)
    if (has_lazy(model.as.model->layers[i])) return true;
  return false;
}

void nn_materialize(Interp *I, Value model, Value x) {
  int ndim = x.type == V_U8 ? x.as.u8->ndim : x.as.t->ndim;
  int64_t rows = ndim < 1 ? 0 : x.type == V_U8 ? x.as.u8->shape[0] : x.as.t->shape[0];
  if (!has_lazy(model) || rows < 1) return;
  int64_t one = 0;
  Tensor *x1 = take_x(x, &one, 1);
  ev_root(I, v_tensor(x1));
  Value out = infer(I, model, v_tensor(x1), I->cur);
  v_release(out);
  ev_unroot(I, 1);
}

/* ------------------------------------------------------------------ gradient flow */

/* Per layer with trainable parameters, first layer first: √(Σ‖∂L/∂θ‖²) over its
   parameters. Layers of nested models count one by one. Returns the count. */
int layer_grad_norms(Value model, double *out, int cap, const char **kinds) {
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

