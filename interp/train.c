/* train.c — the training loop: train (minibatch gradient descent with clipping,
 * validation and history), its lint warnings before the first step, the watch that
 * names the batch and sample where the loss turned NaN, and gradient_norms. An
 * optimizer (decl.c) updates the parameters from the gradients backward fills. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "autodiff.h"
#include "autograd.h"
#include "blas.h"
#include "diag.h"
#include "fit.h"
#include "live.h"
#include "mem.h"
#include "platform.h"
#include "totorch.h"
#include "train.h"

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
  fflush(pf_out());
  msg = _(msg); /* a literal from the catalogue; a formatted message was translated before */
  if (at) diag_report(pf_err(), I->color, at->src, at->span, "warning", msg);
  else diag_report(pf_err(), I->color, NULL, (Span){0}, "warning", msg);
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
          ? _("sigmoid of probabilities lies between 0.5 and 0.73")
          : _("softmax of values in [0, 1] is nearly uniform (no two outputs differ by more than a factor e)");
      const char *fix = !strcmp(*prev, "sigmoid") && !strcmp(cur, "softmax")
          ? _("remove the sigmoid: softmax wants the raw scores")
          : !strcmp(cur, "softmax") ? _("keep only the last softmax")
          : _("keep one: softmax for one class out of k, sigmoid for a yes/no output");
      snprintf(msg, sizeof msg, _("layers %d (%s) and %d (%s) squash twice in a row: %s, so the model "
               "cannot become confident and learns slowly; %s"), *pos - 1, *prev, *pos, cur, why, fix);
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
      snprintf(msg, sizeof msg, _("layer %d is the step function: its gradient is 0 everywhere, so "
               "the layers before it cannot learn (use sigmoid or relu)"), i);
      warn(I, site, msg);
    }
  if (is_cross_entropy(loss) && !gives_probabilities(model))
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
  float big = x_abs_max(d.x);
  if (big > 100) {
    char msg[256];
    snprintf(msg, sizeof msg, _("the inputs are not scaled (|x| reaches %g): normalize(data) or divide "
             "by the largest value first, or training will crawl or diverge"), (double)big);
    warn(I, site, msg);
  }
}

/* ------------------------------------------------------------------ train */

static double now_seconds(void) { return pf_clock(); }

static bool finite_tensor(const Tensor *t) {
  for (int64_t i = 0; i < t->size; i++)
    if (!isfinite(t->data[i])) return false;
  return true;
}

/* Where did a non-finite value first appear? Re-run the batch layer by layer. */
static void nan_report(Interp *I, Value model, Value loss, Tensor *xb, long epoch, long step,
                       double lr_hint, double clip, const Node *site) {
  char where[256];
  snprintf(where, sizeof where, "%s", _("in the loss"));
  bool found = false; /* in a parameter or a layer's output, rather than the loss */
  char **names;
  Tensor **ps;
  int np = nn_params(model, &names, &ps);
  for (int i = 0; i < np && !found; i++)
    if (!finite_tensor(ps[i])) {
      snprintf(where, sizeof where, _("in parameter %s"), names[i]);
      found = true;
    }
  for (int i = 0; i < np; i++) rt_free(names[i]);
  rt_free(names);
  rt_free(ps);
  if (!found && model.type == V_MODEL) {
    bool rec = ad_set_recording(false);
    Value r = v_tensor(t_retain(xb));
    for (int i = 0, used; i < model.as.model->n; i += used) {
      ev_root(I, r);
      Value next = nn_apply_layer(I, model.as.model, i, r, false, site, &used);
      ev_unroot(I, 1);
      r = next;
      if (r.type == V_TENSOR && !finite_tensor(r.as.t)) {
        Value l = model.as.model->layers[i];
        snprintf(where, sizeof where, _("in the output of layer %d (%s)"), i,
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
  /* the same advice as the divergence hint: clip = 1, or harder than the clip already set */
  char clip_hint[96];
  if (clip > 0) snprintf(clip_hint, sizeof clip_hint, _("clip harder (clip = %g instead of %g)"), clip / 10, clip);
  else snprintf(clip_hint, sizeof clip_hint, "%s", _("clip the gradients (clip = 1)"));
  ev_error(I, site,
           "training stopped at epoch %ld, step %ld: a non-finite value (nan or inf) appeared %s; "
           "try a lower learning rate (lr = %g) or %s",
           epoch, step, where, lr_hint, clip_hint);
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

/* The progress line of a step: the platform's show_progress when it has one, else
   redrawn with \r on a terminal (tty), else not shown. acc < 0: the targets are not
   classes, and no accuracy is shown. */
static void progress(bool tty, long epoch, long epochs, long step, long steps, double loss,
                     double acc, double started) {
  const Platform *p = pf_get();
  if (!tty && !p->show_progress) return;
  double el = now_seconds() - started, eta = step ? el / (double)step * (double)(steps - step) : 0;
  int width = 24, done = (int)((double)width * (double)step / (double)(steps ? steps : 1));
  char bar[32], line[512];
  for (int i = 0; i < width; i++) bar[i] = i < done ? '=' : i == done ? '>' : ' ';
  bar[width] = 0;
  int n = acc >= 0 ? snprintf(line, sizeof line, _("epoch %ld/%ld [%s] %ld/%ld  loss %.4f  accuracy %.4f  ETA %.0fs"),
                               epoch, epochs, bar, step, steps, loss, acc, eta)
                   : snprintf(line, sizeof line, _("epoch %ld/%ld [%s] %ld/%ld  loss %.4f  ETA %.0fs"),
                              epoch, epochs, bar, step, steps, loss, eta);
  if (n < 0) return;
  if (p->show_progress) {
    p->show_progress(p->ctx, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return;
  }
  fputs("\r\033[K", pf_err());
  fputs(line, pf_err());
  fflush(pf_err());
}

/* Training is over (ended, stopped or failed): a platform that shows the progress line
   itself is told so; a terminal's line was already cleared. */
static void progress_over(bool verbose) {
  const Platform *p = pf_get();
  if (verbose && p->show_progress) p->show_progress(p->ctx, "", 0);
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
  bool has_val, shuffle, verbose, fused, tty, labels_checked, monitor, live;
  /* Are the targets classes (class_targets), so that accuracy means something? Decided
     at the first step, when the model's outputs per sample are known: the training
     targets, and the validation targets on their own. No step, no accuracy. */
  bool decided, classes, val_classes;
  long epochs, batch, steps, done_epochs;
  double clip, clip_value;
  int nt;           /* trainable parameters */
  Tensor **ps;
  int64_t *perm;
  double *h_loss, *h_acc, *h_vloss, *h_vacc;
  /* The hyper-parameters recorded per epoch: lr (when the optimizer has one), then every
     other schedule; h_hyper[k] [epochs]. */
  int n_hyper;
  const char *hyper_names[OPT_MAX_SCHED + 1];
  double *h_hyper[OPT_MAX_SCHED + 1];
  /* Early stopping (patience > 0): the best epoch so far by val_loss, and a copy of every
     parameter and buffer of the model as it was then (best_w[i] shaped like all_w[i]). */
  long patience, best_epoch, stopped_epoch;
  double best_vloss;
  int n_w;
  Tensor **all_w, **best_w;
  int n_norms;              /* monitor: the last step's gradient norm per layer */
  double norms[64];
  const char *norm_kinds[64];
  Watch watch;
} Run;

/* monitor = true: each epoch, the gradient norm of every layer at the last step, with
   the ones that vanish (under 1/1000 of the largest layer's) or explode (> 1000)
   called out. */
static void report_norms(Run *r, long epoch) {
  pf_printf(_("  gradient norms (epoch %ld, last step), first layer first:"), epoch);
  int vanishing = 0, exploding = 0;
  double top = 0;
  for (int i = 0; i < r->n_norms; i++) top = r->norms[i] > top ? r->norms[i] : top;
  for (int i = 0; i < r->n_norms; i++) {
    double g = r->norms[i];
    bool vanish = g < 1e-3 * top || g < 1e-12, explode = g > 1e3;
    const char *tag = vanish ? _(" vanishing") : explode ? _(" exploding") : "";
    vanishing += vanish;
    exploding += explode;
    pf_printf("%s %d %s %.3g%s", i ? "," : "", i, r->norm_kinds[i], g, tag);
  }
  pf_printf("\n");
  if (vanishing) pf_printf(_("  %d layer(s) get almost no gradient: try relu or leaky_relu instead of sigmoid/tanh\n"), vanishing);
  if (exploding) pf_printf(_("  %d layer(s) get huge gradients: lower the learning rate or clip (clip = 1)\n"), exploding);
}

/* The run's memory, and the blocks its steps left in the block cache (mem.h): what
   runs next (an evaluation on a whole test set) gets them from malloc instead. */
static void run_free(Run *r) {
  for (int i = 0; i < r->nt; i++) ad_zero_grad(r->ps[i]);
  rt_free(r->ps);
  for (int k = 0; k < r->n_hyper; k++) rt_free(r->h_hyper[k]);
  r->n_hyper = 0;
  for (int i = 0; r->best_w && i < r->n_w; i++)
    if (r->best_w[i]) t_release(r->best_w[i]);
  rt_free(r->best_w);
  rt_free(r->all_w);
  r->best_w = r->all_w = NULL;
  rt_free(r->perm);
  rt_free(r->h_loss);
  rt_free(r->h_acc);
  rt_free(r->h_vloss);
  rt_free(r->h_vacc);
  rt_cache_trim();
}

/* At the first step (out: its output for n samples): one pass over each y for the run. */
static void decide_classes(Run *r, Value out, int64_t n) {
  int64_t k = outputs_per_sample(out, n);
  r->classes = class_targets(r->d.y, k, NULL, 0);
  r->val_classes = r->has_val && class_targets(r->val.y, k, NULL, 0);
  r->decided = true;
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
  /* bytes (IDX images) stand for finite floats: only a float x is scanned */
  Tensor *ts[2] = {r->d.x.type == V_TENSOR ? r->d.x.as.t : NULL, r->d.y};
  for (int k = 0; k < 2; k++) {
    const Tensor *t = ts[k];
    if (!t) continue;
    int64_t i = 0;
    while (i < t->size && isfinite(t->data[i])) i++;
    if (i == t->size) continue;
    int64_t per_row = t->ndim > 0 && t->shape[0] ? t->size / t->shape[0] : 1;
    char at[128];
    if (t->ndim == 2) snprintf(at, sizeof at, "%s[%lld, %lld]", names[k], (long long)(i / per_row), (long long)(i % per_row));
    else if (t->ndim <= 1) snprintf(at, sizeof at, "%s[%lld]", names[k], (long long)i);
    else snprintf(at, sizeof at, _("%s[%lld] (element %lld of that sample)"), names[k], (long long)(i / per_row), (long long)(i % per_row));
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
  Tensor *xb = take_x(r->d.x, r->perm + from, n);
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
  if (!r->decided) decide_classes(r, out, n);
  Tensor *l = batch_loss(I, r->loss, r->fused, out, yb, r->site);
  ev_root(I, v_tensor(l));
  double lv = l->data[0];
  if (!isfinite(lv)) bad_data_report(r, epoch, step);
  if (!isfinite(lv)) nan_report(I, r->model, r->loss, xb, epoch, step, optim_hyper(I, r->o, "lr", 0.01) / 10, r->clip, r->site);
  ad_backward(l, NULL);
  if (r->monitor) r->n_norms = layer_grad_norms(r->model, r->norms, 64, r->norm_kinds);
  clip_grads(r->nt, r->ps, r->clip, r->clip_value);
  optim_step(I, r->o, r->nt, r->ps, r->site);
  *sum_loss += lv * (double)n;
  if (r->classes && out.type == V_TENSOR) *correct += batch_correct(r->loss, r->fused, out.as.t, yb);
  while (I->n_roots > height) ev_unroot(I, 1);
}

/* Say once that the loss is diverging, naming the learning rate (with the value the NaN
   report would suggest, lr / 10) and clipping. `what` describes the evidence. */
static void divergence_hint(Run *r, const char *what) {
  r->watch.hinted = true;
  /* The lr, when it is a plain number (a hint must not fail on any other kind). */
  Value *lv = ev_env_slot(r->o->hyper, sym_intern(&r->I->syms, "lr", 2));
  double lr = NAN;
  if (lv) v_to_num(*lv, &lr);
  char lower[96], clip[96], msg[768];
  if (isnan(lr)) snprintf(lower, sizeof lower, "%s", _("lower the learning rate"));
  else snprintf(lower, sizeof lower, _("lower the learning rate (lr = %g instead of %g)"), lr / 10, lr);
  if (r->clip > 0) snprintf(clip, sizeof clip, _("clip harder (clip = %g instead of %g)"), r->clip / 10, r->clip);
  else snprintf(clip, sizeof clip, "%s", _("clip the gradients (clip = 1)"));
  snprintf(msg, sizeof msg, _("%s: the steps are probably too large (training diverges); %s or %s"), what,
           lower, clip);
  if (r->tty && r->verbose) fputs("\r\033[K", pf_err());
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
    int64_t N = r->d.n, want = N < WATCH_SAMPLES ? N : WATCH_SAMPLES;
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
  snprintf(what, sizeof what, _("at epoch %ld, step %ld the loss is %.4g, more than 10 times its first "
           "value %.4g (the mean over the first %lld samples)"), epoch, step, recent, first,
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
  snprintf(what, sizeof what, _("the loss has risen 3 epochs in a row (%.4g, %.4g, %.4g, %.4g at epoch "
           "%ld), above its first epoch's %.4g"), h[e - 4], h[e - 3], h[e - 2], h[e - 1], e, h[0]);
  divergence_hint(r, what);
}

/* Early stopping, after epoch e's validation: has val_loss improved (strictly lower than
   the best so far, Keras's min_delta = 0) — then remember these weights — or has it not
   for `patience` epochs, with epochs left to run (then stop)? A nan val_loss is never an
   improvement, except over a nan. */
static bool watch_patience(Run *r, long e) {
  double v = r->h_vloss[e - 1];
  if (r->best_epoch == 0 || v < r->best_vloss || (isnan(r->best_vloss) && !isnan(v))) {
    r->best_epoch = e;
    r->best_vloss = v;
    for (int i = 0; i < r->n_w; i++) {
      if (!r->best_w[i]) r->best_w[i] = t_copy(r->all_w[i]);
      else memcpy(r->best_w[i]->data, r->all_w[i]->data, sizeof(float) * (size_t)r->all_w[i]->size);
    }
    return false;
  }
  return e - r->best_epoch >= r->patience && e < r->epochs;
}

/* Put the best epoch's weights (and buffers: batchnorm's running statistics) back. */
static void restore_best(Run *r) {
  for (int i = 0; i < r->n_w; i++)
    memcpy(r->all_w[i]->data, r->best_w[i]->data, sizeof(float) * (size_t)r->all_w[i]->size);
}

/* Once per session, after the first step has loaded the matrix-product kernels: say so
   when they run far below this machine's speed (a slow BLAS forced by NN_BLAS, or no
   SIMD kernel and no fast library), since nothing else would tell the user. */
static void note_slow_path(Run *r) {
  const BlasChoice *c = blas_choice_if_made();
  if (!c || !c->slow || r->I->slow_path_noted) return;
  r->I->slow_path_noted = true;
  char line[512], msg[700];
  blas_describe(line, sizeof line);
  snprintf(msg, sizeof msg, _("matrix products run on a slow path here (%s): training is much slower than this machine allows"), line);
  warn(r->I, r->site, msg);
}

static void run_epochs(Run *r) {
  Interp *I = r->I;
  I->grad_depth++; /* on an error the catcher (ev_pcall) puts it back */
  /* A first Ctrl-C waits for the check after the current step, wherever it lands (a
     schedule, the validation pass, a declared loss): the history is still returned. */
  rt_set_interrupt_defer_depth(rt_interrupt_defer_depth() + 1);
  int64_t N = r->d.n;
  long every = r->epochs <= 20 ? 1 : (r->epochs + 9) / 10;
  for (int64_t i = 0; i < N; i++) r->perm[i] = i;
  for (long e = 1; e <= r->epochs; e++) {
    if (r->shuffle)
      for (int64_t i = N - 1; i > 0; i--) {
        int64_t j = (int64_t)rng_below(&I->rng, (uint64_t)i + 1), tmp = r->perm[i];
        r->perm[i] = r->perm[j];
        r->perm[j] = tmp;
      }
    optim_set_epoch(I, r->o, e, r->site);
    for (int k = 0; k < r->n_hyper; k++) r->h_hyper[k][e - 1] = optim_hyper(I, r->o, r->hyper_names[k], 0);
    double sum_loss = 0, started = now_seconds();
    int64_t correct = 0, seen = 0;
    bool stop = false;
    for (long s = 0; s < r->steps && !stop; s++) {
      int64_t from = (int64_t)s * r->batch, n = N - from < r->batch ? N - from : r->batch;
      double before = sum_loss;
      run_step(r, e, s + 1, from, n, &sum_loss, &correct);
      if (e == 1 && s == 0) note_slow_path(r);
      watch_step(r, e, s + 1, (sum_loss - before) / (double)n, n);
      seen += n;
      if (r->verbose) progress(r->tty, e, r->epochs, s + 1, r->steps, sum_loss / (double)seen,
                               r->classes ? (double)correct / (double)seen : -1, started);
      pf_poll(); /* a page's Stop button arrives here (Platform.poll) */
      if (rt_interrupted) {
        /* Ctrl-C: stop after this step; the weights reached so far are kept. */
        rt_interrupted = 0;
        if (r->tty && r->verbose) fputs("\r\033[K", pf_err());
        pf_printf(_("training interrupted at epoch %ld, step %ld; the weights reached so far are kept\n"),
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
    bool early = !stop && r->patience && watch_patience(r, e);
    if (r->verbose && r->tty) fputs("\r\033[K", pf_err());
    if (r->verbose && (e % every == 0 || e == r->epochs || e == 1 || stop || early)) {
      if (r->classes) pf_printf(_("epoch %ld/%ld: loss %.4f, accuracy %.4f"), e, r->epochs, r->h_loss[e - 1], r->h_acc[e - 1]);
      else pf_printf(_("epoch %ld/%ld: loss %.4f"), e, r->epochs, r->h_loss[e - 1]);
      if (r->has_val && r->val_classes) pf_printf(_(", val_loss %.4f, val_accuracy %.4f"), r->h_vloss[e - 1], r->h_vacc[e - 1]);
      else if (r->has_val) pf_printf(_(", val_loss %.4f"), r->h_vloss[e - 1]);
      for (int k = 0; k < r->o->n_sched; k++) pf_printf(_(", %s %g"), r->o->sched[k].name->name, r->o->sched[k].value);
      if (r->tty) pf_printf(_(" (%.1f s)"), now_seconds() - started); /* time so far */
      pf_printf("\n");
      if (r->monitor) report_norms(r, e);
      fflush(pf_out());
    }
    watch_epoch(r, e);
    if (r->live)
      live_frame(r->I, &(LiveState){.model = r->model, .data = r->d, .site = r->site, .epoch = e,
                                    .epochs = r->epochs, .interrupted = stop,
                                    .last = stop || early || e == r->epochs, .loss = r->h_loss,
                                    .accuracy = r->classes ? r->h_acc : NULL,
                                    .val_loss = r->has_val ? r->h_vloss : NULL,
                                    .val_accuracy = r->val_classes ? r->h_vacc : NULL});
    if (early) {
      restore_best(r);
      if (r->verbose)
        pf_printf(_("early stopping at epoch %ld: val_loss has not improved for %ld epochs since epoch %ld "
                    "(%.4f); the weights of epoch %ld are restored\n"),
                  e, r->patience, r->best_epoch, r->best_vloss, r->best_epoch);
      r->stopped_epoch = e;
      break;
    }
    if (stop) break;
  }
  /* All epochs run: end with the best weights too (Keras restores them only on an early
     stop; with patience the model ends at its best either way). After
     Ctrl-C the weights reached are kept, as the interrupt message says. */
  if (r->patience && !r->stopped_epoch && r->best_epoch && r->best_epoch < r->done_epochs &&
      r->done_epochs == r->epochs) {
    restore_best(r);
    if (r->verbose)
      pf_printf(_("val_loss was lowest at epoch %ld (%.4f), not at the last epoch %ld: the weights of "
                  "epoch %ld are restored\n"), r->best_epoch, r->best_vloss, r->done_epochs, r->best_epoch);
  }
  rt_set_interrupt_defer_depth(rt_interrupt_defer_depth() - 1);
  I->grad_depth--;
}

/* Is `name` one of the optimizer's own hyper-parameters (not a name of an enclosing
   scope), holding a number? */
static bool has_number_hyper(const Optim *o, const Sym *name) {
  double x;
  for (int i = 0; i < o->hyper->n; i++)
    if (o->hyper->names[i] == name) return v_to_num(o->hyper->vals[i], &x);
  return false;
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
  if (c->args[12].type != V_NONE) {
    long long k = arg_int(c, 12);
    if (k < 1) {
      char got[32];
      snprintf(got, sizeof got, "%lld", k);
      arg_fail(c, 12, "expected a whole number of epochs >= 1, got %s", got);
    }
    if (!r.has_val)
      ev_error(I, c->arg_nodes && c->arg_nodes[12] ? c->arg_nodes[12] : c->node,
               "patience stops training when val_loss has not improved for that many epochs, so it "
               "needs validation data: add validate = (data held out from training, e.g. from split)");
    r.patience = (long)k;
  }
  r.live = arg_bool(c, 13);
  r.fused = fusable(r.loss, r.model);
  lint_training(I, r.model, r.loss, r.d, c->node);
  r.tty = pf_is_terminal(PF_ERR) && !getenv("CI");
  int64_t N = r.d.n;
  r.steps = (long)((N + r.batch - 1) / r.batch);

  /* Only trainable parameters (tracked leaves) go to the optimizer; layers sized by
     their input get theirs first. */
  nn_materialize(I, r.model, r.d.x);
  if (I->to_torch) /* nn --to-torch: this call becomes a PyTorch program, and the script stops */
    totorch_write(I, &(TorchTrain){.site = r.site, .model = r.model, .loss = r.loss, .o = r.o, .d = r.d,
                                   .val = r.val, .has_val = r.has_val, .shuffle = r.shuffle,
                                   .verbose = r.verbose, .fused = r.fused, .epochs = r.epochs,
                                   .batch = r.batch, .clip = r.clip, .clip_value = r.clip_value,
                                   .patience = !r.patience ? NULL
                                               : c->arg_nodes && c->arg_nodes[12] ? c->arg_nodes[12]
                                                                                  : c->node});
  char **names;
  int np = nn_params(r.model, &names, &r.ps);
  for (int i = 0; i < np; i++) {
    if (ad_is_tracked(r.ps[i])) r.ps[r.nt++] = r.ps[i];
    rt_free(names[i]);
  }
  rt_free(names);
  size_t ne = (size_t)(r.epochs ? r.epochs : 1);
  bool by_epoch = r.o->by_epoch;
  r.o->by_epoch = true; /* the schedules run per epoch here, not per step */
  RtFrame fr;
  bool rec = ad_set_recording(true);
  LossQ loss_q = I->loss_q;
  I->loss_q = gives_probabilities(r.model) ? LOSS_Q_MODEL_PROBS : LOSS_Q_MODEL;
  if (RT_TRY(&fr)) {
    r.perm = rt_malloc(sizeof(int64_t) * (size_t)N);
    r.h_loss = rt_calloc(ne, sizeof(double));
    r.h_acc = rt_calloc(ne, sizeof(double));
    r.h_vloss = rt_calloc(ne, sizeof(double));
    r.h_vacc = rt_calloc(ne, sizeof(double));
    if (optim_sched(r.o, "lr") || has_number_hyper(r.o, sym_intern(&I->syms, "lr", 2))) {
      r.hyper_names[0] = "lr";
      r.h_hyper[r.n_hyper++] = rt_calloc(ne, sizeof(double));
    }
    for (int k = 0; k < r.o->n_sched; k++)
      if (strcmp(r.o->sched[k].name->name, "lr")) {
        r.hyper_names[r.n_hyper] = r.o->sched[k].name->name;
        r.h_hyper[r.n_hyper++] = rt_calloc(ne, sizeof(double));
      }
    if (r.patience) {
      char **wn;
      r.n_w = nn_params(r.model, &wn, &r.all_w);
      for (int i = 0; i < r.n_w; i++) rt_free(wn[i]);
      rt_free(wn);
      r.best_w = rt_calloc((size_t)(r.n_w ? r.n_w : 1), sizeof(Tensor *));
    }
    run_epochs(&r);
    rt_pop(&fr);
    progress_over(r.verbose);
  } else {
    rt_pop(&fr);
    r.o->by_epoch = by_epoch;
    if (r.tty && r.verbose) fputs("\r\033[K", pf_err());
    progress_over(r.verbose);
    run_free(&r);
    rt_rethrow();
  }
  r.o->by_epoch = by_epoch;
  ad_set_recording(rec);
  I->loss_q = loss_q;
  /* The history: one value per epoch trained; accuracy only for class targets. */
  Value h = v_record_new();
  ev_root(I, h);
  record_set(h.as.rec, sym_intern(&I->syms, "loss", 4), tensor_of(r.h_loss, r.done_epochs));
  if (r.classes) record_set(h.as.rec, sym_intern(&I->syms, "accuracy", 8), tensor_of(r.h_acc, r.done_epochs));
  if (r.has_val)
    record_set(h.as.rec, sym_intern(&I->syms, "val_loss", 8), tensor_of(r.h_vloss, r.done_epochs));
  if (r.val_classes)
    record_set(h.as.rec, sym_intern(&I->syms, "val_accuracy", 12), tensor_of(r.h_vacc, r.done_epochs));
  /* h.lr and each other scheduled hyper-parameter, per epoch; where early stopping was. */
  for (int k = 0; k < r.n_hyper; k++)
    record_set(h.as.rec, sym_intern(&I->syms, r.hyper_names[k], strlen(r.hyper_names[k])),
               tensor_of(r.h_hyper[k], r.done_epochs));
  if (r.patience && r.best_epoch)
    record_set(h.as.rec, sym_intern(&I->syms, "best_epoch", 10), v_num((double)r.best_epoch));
  if (r.stopped_epoch)
    record_set(h.as.rec, sym_intern(&I->syms, "stopped_epoch", 13), v_num((double)r.stopped_epoch));
  run_free(&r);
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
  int64_t n = d.n < batch ? d.n : batch;
  int64_t *idx = rt_malloc(sizeof(int64_t) * (size_t)n);
  for (int64_t i = 0; i < n; i++) idx[i] = i;
  Tensor *xb = NULL, *yb = NULL;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    xb = call_keep(c, take_x(d.x, idx, n));
    yb = call_keep(c, take_rows(d.y, idx, n));
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(idx);
    rt_rethrow();
  }
  rt_free(idx);
  nn_materialize(I, model, v_tensor(xb));
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


/* check_epochs(n): n unless it is not a whole number >= 1; the stdlib's schedules run it
   on their `every`/`epochs` argument, so the error stands at the user's call. */
static Value bi_check_epochs(Call *c) {
  Value v = c->args[0];
  double n = 0;
  if (v.type != V_NUM || !v_to_num(v, &n)) arg_error(c, 0, "a whole number of epochs >= 1");
  if (!(n >= 1 && n == floor(n))) {
    char got[64];
    snprintf(got, sizeof got, "%g", n);
    arg_fail(c, 0, "expected a whole number of epochs >= 1, got %s", got);
  }
  return v_num(n);
}

static const Builtin train_builtins[] = {
    {"train", "train(model, data, loss = none, optimizer = none, epochs = 1, batch = 32, "
              "shuffle = true, validate = none, clip = none, clip_value = none, verbose = true, "
              "monitor = false, patience = none, live = false)",
     bi_train, N_("minibatch gradient descent over the data (loss: cross_entropy unless given); "
               "returns the history per epoch")},
    {"gradient_norms", "gradient_norms(model, data, loss = none, batch = 64)", bi_gradient_norms,
     N_("the gradient norm of each layer for one batch, first layer first (vanishing gradients)")},
    {"check_epochs", "check_epochs(n)", bi_check_epochs,
     N_("n, unless it is not a whole number >= 1 (then an error at the caller's argument)")},
    {NULL, NULL, NULL, NULL},
};

void train_register(Interp *I) { builtins_register_table(I, train_builtins); }
