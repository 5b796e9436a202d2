/* model.c — using a trained model: evaluate, accuracy, predict, params, summary,
 * save and load (safetensors files), and formula (the nn formula behind a native
 * stdlib function or optimizer). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "figure.h"
#include "fit.h"
#include "mem.h"
#include "platform.h"
#include "model.h"
#include "safetensors.h"

/* ------------------------------------------------------------------ using a model */

static Value bi_evaluate(Call *c) {
  Value model = c->args[0];
  if (!callable(model)) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  Score sc = score(c->I, model, d, default_loss(c, 2), c->node);
  Value r = v_record_new();
  record_set(r.as.rec, sym_intern(&c->I->syms, "loss", 4), v_num(sc.loss));
  if (class_targets(d.y, sc.outputs, NULL, 0)) /* as train's history: only for classes */
    record_set(r.as.rec, sym_intern(&c->I->syms, "accuracy", 8), v_num(sc.accuracy));
  return r;
}

static Value bi_accuracy(Call *c) {
  Value model = c->args[0];
  if (!callable(model)) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  Value out = infer(c->I, model, d.x, c->node);
  ev_root(c->I, out);
  if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->shape[0] != d.n)
    ev_error(c->I, c->node, "accuracy: the model must give one output row per sample");
  labels_in_range(c->I, c->node, d.y, out);
  if (ends_in_sigmoid(model) && out.as.t->size == out.as.t->shape[0]) binary_labels(c->I, c->node, d.y);
  need_class_targets(c, d.y, outputs_per_sample(out, d.n));
  return v_num((double)count_correct(out.as.t, d.y) / (double)d.n);
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

/* s in a column of w display columns, left- or right-aligned, and a space after a left one. */
static void cell(StrBuf *b, const char *s, int w, bool right) {
  int pad = w - fig_cols(s);
  for (int i = 0; right && i < pad; i++) sb_putc(b, ' ');
  sb_puts(b, s);
  for (int i = 0; !right && i < pad; i++) sb_putc(b, ' ');
  if (!right) sb_putc(b, ' ');
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
    /* Without an input shape: the sample shape of the last batch the model saw (or its
       ONNX file declared), else the first layer's weight matrix (x @ W) tells it. */
    Value first = model.type == V_MODEL ? model.as.model->layers[0] : model;
    if (model.type == V_MODEL && model.as.model->in_ndim > 0) {
      nin = model.as.model->in_ndim;
      memcpy(in, model.as.model->in_shape, sizeof(int64_t) * (size_t)nin);
    } else if (first.type == V_LAYER && first.as.layer->n_params > 0 && first.as.layer->params[0]->ndim == 2) {
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
  /* The layer column fits its longest name ("leaky_relu(a = 0.01)"), at least 14. */
  int name_w = 14;
  for (int i = 0; i < nl; i++) {
    const char *kind = layers[i].type == V_LAYER ? layers[i].as.layer->kind : layers[i].as.model->name;
    if (fig_cols(kind) > name_w) name_w = fig_cols(kind);
  }
  if (fig_cols(_("layer")) > name_w) name_w = fig_cols(_("layer"));
  /* the headers are translated: padded by display columns (a CJK character takes 2) */
  StrBuf head = {0};
  cell(&head, "#", 4, false);
  cell(&head, _("layer"), name_w, false);
  cell(&head, _("output shape"), 16, false);
  cell(&head, _("params"), 10, true);
  pf_printf("%s\n", head.s);
  sb_free(&head);
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
    pf_printf("%-4d %-*s %-16s %10lld\n", i, name_w, kind, sh, count);
  }
  pf_printf(_("total parameters: %lld\n"), total);
  /* One sigmoid output: P(class 1) of a binary classifier, as accuracy and plot read it. */
  if (ends_in_sigmoid(model) && r.type == V_TENSOR && r.as.t->size == 1)
    pf_printf(_("binary classifier: one sigmoid output p = P(class 1), class 1 where p > 0.5 "
                "(train with loss = bce)\n"));
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
        snprintf(err, sizeof err, _("%s has no tensor '%s' (it holds %d tensors; the model has %d)"), path,
                 names[i], file->n, n);
      } else if (!t_same_shape(file->tensors[j], ts[i])) {
        char a[96], b[96];
        snprintf(err, sizeof err, _("'%s' has shape %s in %s but %s in the model"), names[i],
                 t_shape_str(file->tensors[j]->ndim, file->tensors[j]->shape, a, sizeof a), path,
                 t_shape_str(ts[i]->ndim, ts[i]->shape, b, sizeof b));
      }
    }
    for (int j = 0; j < file->n && !*err; j++) {
      int i = 0;
      while (i < n && strcmp(file->names[j], names[i])) i++;
      if (i == n) snprintf(err, sizeof err, _("%s holds '%s', which the model does not have"), path, file->names[j]);
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


static const Builtin model_builtins[] = {
    {"evaluate", "evaluate(model, data, loss = none)", bi_evaluate,
     N_("{loss, accuracy} of the model on a dataset")},
    {"accuracy", "accuracy(model, data)", bi_accuracy,
     N_("the fraction of samples whose predicted class (argmax) is the true one")},
    {"predict", "predict(model, x)", bi_predict, N_("the model's output (inference: no dropout)")},
    {"params", "params(model)", bi_params, N_("the model's tensors by name")},
    {"summary", "summary(model, input = none)", bi_summary,
     N_("a table of the layers: output shape and parameter count")},
    {"save", "save(model, path)", bi_save,
     N_("write the model's weights to a safetensors file (atomically)")},
    {"load", "load(model, path)", bi_load,
     N_("read weights saved by save(); names and shapes must match the model")},
    {"formula", "formula(f)", bi_formula, N_("the nn formula behind a native stdlib function or optimizer")},
    {NULL, NULL, NULL, NULL},
};

void model_register(Interp *I) { builtins_register_table(I, model_builtins); }
