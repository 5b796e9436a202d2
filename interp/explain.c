/* explain.c — `explain EXPR`: walk a formula step by step with the actual numbers.
 *
 * The notes' functions get their own walk-through (softmax shows C = max, x − C, the
 * exponentials, the sum, the division, and what the naive form would give); a call of
 * an optimizer runs one step of its declaration on a given w and g, showing every line
 * of the body with its value; any other expression is shown part by part, innermost
 * first. Values are computed with the same kernels as the functions themselves.
 */
#include <math.h>
#include <string.h>

#include "autograd.h"
#include "decl.h"
#include "explain.h"
#include "graph.h"
#include "mem.h"
#include "platform.h"
#include "utf8.h"

/* ---- rows of "label = value", the labels padded to one column ---- */

typedef struct {
  Interp *I;
  int n;
  char *label[64];
  char *value[64];
} Steps;

static void step_add(Steps *s, const char *label, Value v) {
  if (s->n == 64) return;
  StrBuf b = {0};
  v_repr(&b, v);
  s->label[s->n] = rt_strdup(label);
  s->value[s->n++] = b.s ? b.s : rt_strdup("");
}

static void step_tensor(Steps *s, const char *label, const Tensor *t) {
  if (s->n == 64) return;
  StrBuf b = {0};
  fmt_tensor(&b, t);
  s->label[s->n] = rt_strdup(label);
  s->value[s->n++] = b.s;
}

static void steps_print(Steps *s) {
  int w = 0;
  for (int i = 0; i < s->n; i++) {
    int len = utf8_cols(s->label[i]); /* display columns: a Chinese label is 2 a character */
    if (len > w) w = len;
  }
  for (int i = 0; i < s->n; i++) {
    int len = utf8_cols(s->label[i]);
    pf_printf("  %s%*s = ", s->label[i], w - len, "");
    /* Continuation lines of a matrix line up under its first row. */
    for (const char *p = s->value[i]; *p; p++) {
      fputc(*p, pf_out());
      if (*p == '\n') pf_printf("  %*s   ", w, "");
    }
    fputc('\n', pf_out());
    rt_free(s->label[i]);
    rt_free(s->value[i]);
  }
  s->n = 0;
}

static void steps_clear(Steps *s) {
  for (int i = 0; i < s->n; i++) {
    rt_free(s->label[i]);
    rt_free(s->value[i]);
  }
  s->n = 0;
}

/* ---- small helpers: kernels on rooted tensors ---- */

static Tensor *keep(Interp *I, Tensor *t) {
  ev_root(I, v_tensor(t));
  return t;
}

static Tensor *bin(Interp *I, TBinOp op, Tensor *a, Tensor *b) { return keep(I, t_binary(op, a, b)); }
static Tensor *un(Interp *I, TUnOp op, Tensor *a) { return keep(I, t_unary(op, a)); }
static Tensor *red(Interp *I, TRedOp op, Tensor *a, int axis, int keepdim) {
  return keep(I, t_reduce(op, a, axis, keepdim));
}
static Tensor *num(Interp *I, double x) { return keep(I, t_scalar((float)x)); }

static bool any_nonfinite(const Tensor *t) {
  for (int64_t i = 0; i < t->size; i++)
    if (!isfinite(t->data[i])) return true;
  return false;
}

/* The source text of a node, on one line. */
static void node_text(const Node *n, char *buf, size_t cap) {
  const char *p = n->src->text;
  for (int l = 1; l < n->span.first_line && *p; l++) {
    const char *nl = strchr(p, '\n');
    if (!nl) break;
    p = nl + 1;
  }
  const char *start = p + n->span.first_col - 1;
  const char *q = start;
  for (int l = n->span.first_line; l < n->span.last_line && *q; l++) {
    const char *nl = strchr(q, '\n');
    if (!nl) break;
    q = nl + 1;
  }
  const char *line_start = q;
  if (n->span.first_line == n->span.last_line) line_start = p;
  const char *end = line_start + n->span.last_col;
  size_t len = end > start ? (size_t)(end - start) : 0;
  if (len >= cap) len = cap - 1;
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    char c = start[i];
    if (c == '\n' || c == '\t') c = ' ';
    if (c == ' ' && k && buf[k - 1] == ' ') continue;
    buf[k++] = c;
  }
  buf[k] = 0;
}

/* ---- the notes' functions ---- */

static int axis_of(Interp *I, Value v, const Node *at) {
  if (v.type == V_NONE) return -1;
  if (v.type != V_NUM) ev_error(I, at, "explain: axis must be a number");
  return (int)v.as.num;
}

static void explain_softmax(Steps *s, Tensor *x, int axis, bool log_form) {
  Interp *I = s->I;
  pf_printf("%s", log_form ? _("log_softmax(x)_k = x_k − C − log Σ_i e^(x_i − C), with C = max x\n")
                  : _("softmax(x)_k = e^(x_k − C) / Σ_i e^(x_i − C), with C = max x (softmax 函数)\n"));
  pf_printf(_("subtracting C leaves the result unchanged and keeps e^(x − C) <= 1: no overflow\n"));
  step_tensor(s, "x", x);
  Tensor *C = red(I, T_RMAX, x, axis, 1);
  step_tensor(s, "C = max x", C);
  Tensor *xc = bin(I, T_SUB, x, C);
  step_tensor(s, "x − C", xc);
  Tensor *e = un(I, T_EXP, xc);
  step_tensor(s, "e^(x − C)", e);
  Tensor *sum = red(I, T_SUM, e, axis, 1);
  step_tensor(s, "Σ e^(x − C)", sum);
  if (log_form) {
    Tensor *ls = un(I, T_LOG, sum);
    step_tensor(s, "log Σ e^(x − C)", ls);
    step_tensor(s, "log_softmax(x) = x − C − log Σ", bin(I, T_SUB, xc, ls));
  } else {
    step_tensor(s, "softmax(x) = e^(x − C) / Σ", bin(I, T_DIV, e, sum));
  }
  steps_print(s);
  /* The naive form, for comparison. */
  Tensor *en = un(I, T_EXP, x);
  Tensor *sn = red(I, T_SUM, en, axis, 1);
  Tensor *naive = log_form ? un(I, T_LOG, bin(I, T_DIV, en, sn)) : bin(I, T_DIV, en, sn);
  pf_printf(_("without C (the naive formula):\n"));
  step_tensor(s, "e^x", en);
  step_tensor(s, log_form ? "log(e^x / Σ e^x)" : "e^x / Σ e^x", naive);
  steps_print(s);
  if (any_nonfinite(en) || any_nonfinite(naive))
    pf_printf(_("e^x overflows float32 (largest 3.4e38, e^89 is already inf): inf / inf = nan. "
           "Subtracting C avoids it.\n"));
  else
    pf_printf(_("the same numbers here; with large inputs (e.g. [1000, 1001, 1002]) e^x would "
           "overflow and the naive formula give nan\n"));
}

static void explain_sigmoid(Steps *s, Tensor *x) {
  Interp *I = s->I;
  pf_printf(_("sigmoid(x) = 1 / (1 + e^−x) (sigmoid 函数): squashes any x into (0, 1)\n"));
  step_tensor(s, "x", x);
  Tensor *nx = un(I, T_NEG, x);
  Tensor *e = un(I, T_EXP, nx);
  step_tensor(s, "e^−x", e);
  Tensor *d = bin(I, T_ADD, num(I, 1), e);
  step_tensor(s, "1 + e^−x", d);
  step_tensor(s, "sigmoid(x) = 1 / (1 + e^−x)", un(I, T_SIGMOID, x));
  Tensor *y = un(I, T_SIGMOID, x);
  step_tensor(s, _("slope sigmoid'(x) = y·(1 − y)"), bin(I, T_MUL, y, bin(I, T_SUB, num(I, 1), y)));
  steps_print(s);
  pf_printf(_("the slope is at most 0.25 (at x = 0): stacked sigmoids shrink gradients — "
         "the vanishing gradient of the notes\n"));
}

static void explain_tanh(Steps *s, Tensor *x) {
  Interp *I = s->I;
  pf_printf(_("tanh(x) = (e^x − e^−x) / (e^x + e^−x): squashes into (−1, 1)\n"));
  step_tensor(s, "x", x);
  Tensor *a = un(I, T_EXP, x), *b = un(I, T_EXP, un(I, T_NEG, x));
  step_tensor(s, "e^x", a);
  step_tensor(s, "e^−x", b);
  step_tensor(s, "e^x − e^−x", bin(I, T_SUB, a, b));
  step_tensor(s, "e^x + e^−x", bin(I, T_ADD, a, b));
  step_tensor(s, "tanh(x)", un(I, T_TANH, x));
  steps_print(s);
}

static void explain_relu(Steps *s, Tensor *x, const char *name, double a) {
  Interp *I = s->I;
  bool leaky = !strcmp(name, "leaky_relu"), is_step = !strcmp(name, "step");
  if (is_step) pf_printf(_("step(x) = 1 if x > 0 else 0 (阶跃函数): its slope is 0, so nothing can be learnt through it\n"));
  else if (leaky) pf_printf(_("leaky_relu(x) = max(a·x, x) with a = %g: a small slope for x < 0 keeps gradients alive\n"), a);
  else pf_printf(_("relu(x) = max(0, x) (ReLU 函数)\n")); /* zh: full-width brackets */
  step_tensor(s, "x", x);
  step_tensor(s, "x > 0", bin(I, T_GT, x, num(I, 0)));
  if (is_step) step_tensor(s, "step(x)", un(I, T_STEP, x));
  else if (leaky) {
    step_tensor(s, "a·x", bin(I, T_MUL, num(I, a), x));
    step_tensor(s, "max(a·x, x)", keep(I, t_leaky_relu(x, (float)a)));
  } else {
    step_tensor(s, "relu(x)", un(I, T_RELU, x));
  }
  steps_print(s);
}

/* −Σ p log q along the last axis, batch-averaged like the losses. */
static Tensor *neg_sum_xlogy(Interp *I, Tensor *p, Tensor *q) {
  /* 0 − s, not −s: an entropy of 0 is +0, never "-0" in the printed check. */
  return bin(I, T_SUB, num(I, 0), red(I, T_MEAN, red(I, T_SUM, bin(I, T_XLOGY, p, q), -1, 0), T_AXIS_ALL, 0));
}

static void explain_entropy(Steps *s, Tensor *p) {
  Interp *I = s->I;
  pf_printf(_("entropy H(p) = −Σ p log p, in nats (熵); 0·log 0 counts as 0\n"));
  step_tensor(s, "p", p);
  step_tensor(s, "log p", un(I, T_LOG, p));
  step_tensor(s, "p·log p", bin(I, T_XLOGY, p, p));
  step_tensor(s, "H(p) = −Σ p·log p", un(I, T_NEG, red(I, T_SUM, bin(I, T_XLOGY, p, p), -1, 0)));
  steps_print(s);
}

static void explain_cross_entropy(Steps *s, Tensor *p, Tensor *q) {
  Interp *I = s->I;
  if (p->ndim == q->ndim - 1) {
    pf_printf(_("cross_entropy(j, q) = −log q_j: with a one-hot truth H(p) = 0, so only the true "
           "class's probability counts (the notes' L = −log q_j)\n"));
    step_tensor(s, _("j (true class)"), p);
    step_tensor(s, "q", q);
    Tensor *qj = keep(I, t_pick(q, p));
    step_tensor(s, "q_j", qj);
    step_tensor(s, "−log q_j", un(I, T_NEG, un(I, T_LOG, qj)));
    if (qj->size > 1) step_tensor(s, _("mean over the batch"), un(I, T_NEG, red(I, T_MEAN, un(I, T_LOG, qj), T_AXIS_ALL, 0)));
    steps_print(s);
    return;
  }
  pf_printf(_("cross_entropy(p, q) = H(p, q) = −Σ p log q (交叉熵): p the truth, q the prediction\n"));
  step_tensor(s, "p", p);
  step_tensor(s, "q", q);
  step_tensor(s, "log q", un(I, T_LOG, q));
  step_tensor(s, "p·log q", bin(I, T_XLOGY, p, q));
  Tensor *h = neg_sum_xlogy(I, p, q);
  step_tensor(s, "H(p, q) = −Σ p·log q", h);
  Tensor *hp = neg_sum_xlogy(I, p, p);
  Tensor *kl = bin(I, T_SUB, h, hp);
  step_tensor(s, _("check: H(p)"), hp);
  step_tensor(s, _("check: KL(p‖q) = H(p, q) − H(p)"), kl);
  steps_print(s);
  pf_printf("H(p, q) = KL(p‖q) + H(p): %g = %g + %g\n", (double)h->data[0], (double)kl->data[0],
         (double)hp->data[0]);
}

static void explain_kl(Steps *s, Tensor *p, Tensor *q) {
  Interp *I = s->I;
  pf_printf(_("KL(p‖q) = −Σ p log(q / p) = Σ p log p − Σ p log q (相对熵): how unlike q is to p; 0 when equal\n"));
  step_tensor(s, "p", p);
  step_tensor(s, "q", q);
  step_tensor(s, "q / p", bin(I, T_DIV, q, p));
  Tensor *terms = bin(I, T_SUB, bin(I, T_XLOGY, p, p), bin(I, T_XLOGY, p, q));
  step_tensor(s, "p·log(p / q)", terms);
  Tensor *kl = bin(I, T_ADD, num(I, 0), red(I, T_MEAN, red(I, T_SUM, terms, -1, 0), T_AXIS_ALL, 0));
  step_tensor(s, "KL(p‖q) = Σ p·log(p / q)", kl);
  Tensor *hp = neg_sum_xlogy(I, p, p), *hpq = neg_sum_xlogy(I, p, q);
  step_tensor(s, "H(p)", hp);
  step_tensor(s, "H(p, q)", hpq);
  steps_print(s);
  pf_printf("H(p, q) = KL(p‖q) + H(p): %g = %g + %g\n", (double)hpq->data[0], (double)kl->data[0],
         (double)hp->data[0]);
}

static void explain_mse(Steps *s, Tensor *p, Tensor *q) {
  Interp *I = s->I;
  pf_printf(_("mse(p, q) = mean((q − p)²): the mean squared error\n"));
  step_tensor(s, "p", p);
  step_tensor(s, "q", q);
  Tensor *d = bin(I, T_SUB, q, p);
  step_tensor(s, "q − p", d);
  Tensor *d2 = bin(I, T_MUL, d, d);
  step_tensor(s, "(q − p)²", d2);
  step_tensor(s, "mean((q − p)²)", red(I, T_MEAN, d2, T_AXIS_ALL, 0));
  steps_print(s);
}

/* bce(y, p): the declaration runs first (its checks, and the value the steps end at);
   then each sample's two terms, with PyTorch's clamp of log at −100 shown where it acts. */
static void explain_bce(Steps *s, const Func *f, Tensor *y, Tensor *p, const Node *site) {
  Interp *I = s->I;
  Value args[2] = {v_tensor(y), v_tensor(p)};
  Value r = ev_call(I, (Value){.type = V_FUNC, .as.fn = (Func *)f}, 2, args, site);
  ev_root(I, r);
  if (y->ndim == p->ndim - 1) y = keep(I, t_reshape(y, p->ndim, p->shape)); /* y [N], p [N, 1] */
  pf_printf(_("bce(y, p) = −mean(y log p + (1 − y) log(1 − p)) (二元交叉熵): y the labels 0/1, p = P(class 1) "
         "from one sigmoid output\n"));
  step_tensor(s, "y", y);
  step_tensor(s, "p", p);
  Tensor *lp = bin(I, T_MAX, un(I, T_LOG, p), num(I, -100));
  Tensor *l1p = bin(I, T_MAX, un(I, T_LOG, bin(I, T_SUB, num(I, 1), p)), num(I, -100));
  step_tensor(s, "log p", lp);
  step_tensor(s, "log(1 − p)", l1p);
  Tensor *terms = bin(I, T_ADD, bin(I, T_MUL, y, lp), bin(I, T_MUL, bin(I, T_SUB, num(I, 1), y), l1p));
  step_tensor(s, "−y·log p − (1 − y)·log(1 − p)", un(I, T_NEG, terms));
  step_add(s, _("bce = the mean"), r);
  steps_print(s);
  pf_printf(_("a sample of class 1 costs −log p, one of class 0 −log(1 − p): a confident wrong answer\n"
         "costs most. Each log is clamped at −100 (PyTorch's BCELoss), so p = 0 or 1 costs 100.\n"));
}

/* ---- one optimizer step, line by line ---- */

/* Each line of the optimizer's body with its value: "v = u * v + g = [0.5, -0.5]"; a
   state line shows the value it starts the step with. */
static void optimizer_line(void *ctx, const Node *line, Value v) {
  Steps *s = ctx;
  char text[160];
  if (line->kind == N_LET && line->op == 's')
    snprintf(text, sizeof text, line->a ? _("%s (state, starts at its initial value)") : _("%s (state, starts at 0)"),
             line->sym->name);
  else
    node_text(line, text, sizeof text);
  step_add(s, text, v);
}

/* One step of the optimizer the call makes, run by its declaration (never by its native
   kernel, so every line shows). w, g and t come from keyword arguments of the explained
   call, else from variables of those names, else small examples; the other arguments
   make the optimizer, as the same call would outside explain. */
static void explain_optimizer(Steps *s, Env *env, const Node *call, Value ctor) {
  Interp *I = s->I;
  Sym *sw = sym_intern(&I->syms, "w", 1), *sg = sym_intern(&I->syms, "g", 1),
      *st = sym_intern(&I->syms, "t", 1);
  Value w = v_none(), g = v_none(), t = v_none();
  const Node *t_node = call; /* where a bad t is shown: its value, once given */
  int n_pos = 0, n_kw = 0;
  Value pos[32], kw[32];
  Sym *kw_names[32];
  const Node *pos_nodes[32], *kw_nodes[32];
  for (int i = 0; i < call->n_kids && n_pos + n_kw < 32; i++) {
    const Node *a = call->kids[i];
    Value v = ev_eval(I, env, a->kind == N_KWARG ? a->a : a);
    ev_root(I, v);
    if (a->kind != N_KWARG) {
      pos_nodes[n_pos] = a;
      pos[n_pos++] = v;
    } else if (a->sym == sw) {
      w = v;
    } else if (a->sym == sg) {
      g = v;
    } else if (a->sym == st) {
      t = v;
      t_node = a->a;
    } else {
      kw_nodes[n_kw] = a->a;
      kw_names[n_kw] = a->sym;
      kw[n_kw++] = v;
    }
  }
  Value ov = ev_call_kw(I, ctor, n_pos, pos, pos_nodes, n_kw, kw_names, kw, kw_nodes, call);
  ev_root(I, ov);
  Optim *o = ov.as.optim;
  if (w.type == V_NONE) {
    Value *v = ev_env_slot(env, sw);
    if (!v && sw->gslot) v = &I->globals[sw->gslot - 1];
    w = v ? *v : v_none();
  }
  if (g.type == V_NONE) {
    Value *v = ev_env_slot(env, sg);
    if (!v && sg->gslot) v = &I->globals[sg->gslot - 1];
    g = v ? *v : v_none();
  }
  bool example = w.type == V_NONE || g.type == V_NONE;
  if (w.type == V_NONE) {
    int64_t two = 2;
    Tensor *tw = keep(I, t_new(1, &two));
    tw->data[0] = 1, tw->data[1] = -2;
    w = v_tensor(tw);
  }
  if (g.type == V_NONE) {
    int64_t two = 2;
    Tensor *tg = keep(I, t_new(1, &two));
    tg->data[0] = 0.5f, tg->data[1] = -0.1f;
    g = v_tensor(tg);
  }
  double step = 1;
  if (t.type != V_NONE && !v_to_num(t, &step)) ev_error(I, call, "explain: t must be a number, got %s", v_type_name(t));
  /* A scheduled hyper-parameter shows its value at the epoch the step uses (t, as
     optim_explain_step takes it), not <fn(e)>; a note below says it is a schedule. */
  if (!(step >= 1 && step <= 1e9 && step == floor(step))) /* NaN fails too; a long holds it */
    ev_error(I, t_node, "explain: t is the step number, a whole number from 1 to 1e9, got %g", step);
  long epoch = (long)step;
  if (o->n_sched) optim_set_epoch(I, o, epoch, call);
  StrBuf hb = {0};
  const Env *h = o->hyper;
  for (int i = 0; i < h->n; i++) {
    sb_printf(&hb, "%s%s = ", i ? ", " : "(", h->names[i]->name);
    const OptSched *sc = h->vals[i].type == V_FUNC ? optim_sched(o, h->names[i]->name) : NULL;
    if (sc) fmt_number(&hb, sc->value);
    else v_repr(&hb, h->vals[i]);
  }
  pf_printf(example ? _("one step of %s%s), t = %g (w and g are examples: give w = ..., g = ... to use your own)\n")
                    : _("one step of %s%s), t = %g\n"),
            o->name, hb.s ? hb.s : "(", step);
  sb_free(&hb);
  for (int k = 0; k < o->n_sched; k++)
    pf_printf(_("note: %s is a schedule, a function of the epoch: shown and used at epoch %ld "
                "(give t = ... for another epoch)\n"),
              o->sched[k].name->name, epoch);
  Tensor *tw = to_tensor(I, w, "w");
  ev_root(I, v_tensor(tw));
  Tensor *tg = to_tensor(I, g, "g");
  ev_root(I, v_tensor(tg));
  step_tensor(s, "w", tw);
  step_tensor(s, "g", tg);
  optim_explain_step(I, o, tw, tg, step, optimizer_line, s, call);
  steps_print(s);
  if (o->kernel && (!strcmp(o->kernel->name, "adam") || !strcmp(o->kernel->name, "adamw")))
    pf_printf(_("at small t the bias corrections 1 − u^t and 1 − ρ^t are far from 1: they scale v and r "
           "up so the first steps are not too small (the cold start the notes mention)\n"));
}

/* ---- grad(f, x): the backward pass, node by node ---- */

/* ∂(node k)/∂(its input j) for a node whose value and inputs are single numbers: the
   local derivative the chain rule multiplies by. false for ops it is not written for
   (then the walk shows the gradient the runtime passed back). */
static bool local_deriv(const Graph *g, int k, int j, double *d) {
  const GNode *nd = &g->nodes[k];
  if (nd->value->size != 1) return false;
  for (int i = 0; i < nd->n_in; i++)
    if (g->nodes[nd->in[i]].value->size != 1) return false;
  double y = nd->value->data[0], a = g->nodes[nd->in[0]].value->data[0];
  double b = nd->n_in > 1 ? g->nodes[nd->in[1]].value->data[0] : 0;
  const char *op = nd->op;
  if (nd->n_in == 2) {
    if (!strcmp(op, "+")) *d = 1;
    else if (!strcmp(op, "-")) *d = j ? -1 : 1;
    else if (!strcmp(op, "*")) *d = j ? a : b;
    else if (!strcmp(op, "/")) *d = j ? -a / (b * b) : 1 / b;
    else if (!strcmp(op, "^")) *d = j ? y * log(a) : b * pow(a, b - 1);
    else return false;
    return true;
  }
  if (nd->n_in != 1) return false;
  if (!strcmp(op, "-")) *d = -1;
  else if (!strcmp(op, "exp")) *d = y;
  else if (!strcmp(op, "log")) *d = 1 / a;
  else if (!strcmp(op, "sqrt")) *d = 0.5 / y;
  else if (!strcmp(op, "sigmoid")) *d = y * (1 - y);
  else if (!strcmp(op, "tanh")) *d = 1 - y * y;
  else if (!strcmp(op, "relu")) *d = a > 0;
  else if (!strcmp(op, "step")) *d = 0;
  else if (!strcmp(op, "sin")) *d = cos(a);
  else if (!strcmp(op, "cos")) *d = -sin(a);
  else if (!strcmp(op, "abs")) *d = a > 0 ? 1 : a < 0 ? -1 : 0;
  else if (!strcmp(op, "sum") || !strcmp(op, "mean") || !strcmp(op, "reshape") || !strcmp(op, "permute")) *d = 1;
  else return false;
  return true;
}

/* x as a factor of a product: in parentheses when negative, "0.5 × (-1)". */
static char *num_text(double x, bool factor) {
  StrBuf b = {0};
  if (factor && x < 0) sb_putc(&b, '(');
  fmt_number(&b, x);
  if (factor && x < 0) sb_putc(&b, ')');
  return b.s;
}

/* explain grad(f, x): record f at x (graph.c), then go through the backward pass in the
   order it ran, from the output to x; each node's gradient is the sum over its uses of
   ∂f/∂(user) × ∂(user)/∂(node), shown in numbers for scalars. It ends with what grad
   itself returns. */
static void explain_grad(Steps *s, Env *env, const Node *call) {
  Interp *I = s->I;
  if (call->n_kids != 2 || call->kids[0]->kind == N_KWARG || call->kids[1]->kind == N_KWARG)
    ev_error(I, call, "explain: explain grad(f, x) takes one function and one point");
  Value f = ev_eval(I, env, call->kids[0]);
  ev_root(I, f);
  Value x = ev_eval(I, env, call->kids[1]);
  ev_root(I, x);
  Graph *g = graph_build(I, f, x, call, "explain");
  const char *fn = g->fname;
  pf_printf(_("the backward pass of grad(%s, %s), from the output back to x, one node at a time.\n"
              "chain rule: ∂%s/∂node = Σ over the node's uses of ∂%s/∂(user) × ∂(user)/∂node\n"),
            fn, g->at, fn, fn);
  int *by_order = rt_calloc((size_t)g->n, sizeof(int));
  int n_order = 0;
  for (int k = 0; k < g->n; k++)
    if (g->nodes[k].order >= 0) by_order[g->nodes[k].order] = k, n_order++;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    for (int o = 0; o < n_order; o++) {
      int k = by_order[o];
      const GNode *nd = &g->nodes[k];
      StrBuf name = {0}, val = {0}, gr = {0};
      graph_node_name(&name, g, k);
      graph_fmt_tensor(&val, nd->value);
      graph_fmt_tensor(&gr, nd->grad);
      if (nd->kind == GN_OP) pf_printf("  [%d] %s = %s\n", k + 1, nd->op, val.s);
      else pf_printf("  %s = %s\n", name.s, val.s);
      if (o == 0) {
        pf_printf(_("      ∂%s/∂%s = 1 (the output itself)\n"), fn, name.s);
      } else {
        /* Every use of node k: (user c, input position j). */
        bool scalar = nd->grad->size == 1;
        int n_uses = 0;
        StrBuf known = {0}, prod = {0}, users = {0};
        for (int c = 0; c < g->n; c++) {
          const GNode *u = &g->nodes[c];
          if (u->order < 0 || !u->grad) continue;
          for (int j = 0; j < u->n_in; j++) {
            if (u->in[j] != k) continue;
            StrBuf un = {0};
            graph_node_name(&un, g, c);
            double d;
            if (scalar && u->grad->size == 1 && local_deriv(g, c, j, &d)) {
              char *G = num_text(u->grad->data[0], false), *L = num_text(d, false);
              char *Gf = num_text(u->grad->data[0], true), *Lf = num_text(d, true);
              sb_printf(&known, "%s∂%s/∂%s = %s, ∂%s/∂%s = %s", n_uses ? "; " : "", fn, un.s, G, un.s,
                        name.s, L);
              sb_printf(&prod, "%s%s × %s", n_uses ? " + " : "", Gf, Lf);
              rt_free(G);
              rt_free(L);
              rt_free(Gf);
              rt_free(Lf);
            } else {
              scalar = false;
            }
            sb_printf(&users, "%s%s", n_uses ? ", " : "", un.s);
            if (u->kind == GN_OP) sb_printf(&users, " %s", u->op);
            n_uses++;
            sb_free(&un);
          }
        }
        if (scalar)
          pf_printf("      %s → ∂%s/∂%s = %s = %s\n", known.s, fn, name.s, prod.s, gr.s);
        else
          pf_printf(_("      ∂%s/∂%s = %s (passed back from %s by its backward rule: a vector-Jacobian "
                      "product)\n"), fn, name.s, gr.s, users.s);
        sb_free(&known);
        sb_free(&prod);
        sb_free(&users);
      }
      sb_free(&name);
      sb_free(&val);
      sb_free(&gr);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(by_order);
    rt_rethrow();
  }
  rt_free(by_order);
  /* What grad itself returns, from its own run: the two must agree. */
  Value r = ev_eval(I, env, call);
  ev_root(I, r);
  char text[160];
  node_text(call, text, sizeof text);
  step_add(s, text, r);
  steps_print(s);
}

/* ---- anything else: the parts, innermost first ---- */

static void walk(Steps *s, Env *env, const Node *n, int depth) {
  if (!n || depth > 12) return;
  switch (n->kind) {
  case N_CALL:
    for (int i = 0; i < n->n_kids; i++)
      walk(s, env, n->kids[i]->kind == N_KWARG ? n->kids[i]->a : n->kids[i], depth + 1);
    break;
  case N_BINARY:
  case N_AND:
  case N_OR:
    walk(s, env, n->a, depth + 1);
    walk(s, env, n->b, depth + 1);
    break;
  case N_UNARY:
  case N_FIELD:
  case N_INDEX:
    walk(s, env, n->a, depth + 1);
    break;
  case N_NAME: {
    char text[160];
    node_text(n, text, sizeof text);
    Value v = ev_eval(s->I, env, n);
    ev_root(s->I, v);
    if (v.type != V_FUNC) step_add(s, text, v);
    return;
  }
  default: return;
  }
  char text[160];
  node_text(n, text, sizeof text);
  Value v = ev_eval(s->I, env, n);
  ev_root(s->I, v);
  step_add(s, text, v);
}

/* Is `name` in this scope the stdlib/builtin function of that name (not shadowed)? */
static const Func *notes_function(Interp *I, Env *env, const Node *callee) {
  if (callee->kind != N_NAME) return NULL;
  Value *v = ev_env_slot(env, callee->sym);
  if (!v && callee->sym->gslot) v = &I->globals[callee->sym->gslot - 1];
  if (!v || v->type != V_FUNC) return NULL;
  const Func *f = v->as.fn;
  if (f->bi || ev_in_stdlib(f->def)) return f;
  return NULL;
}

void explain_run(Interp *I, Env *env, const Node *e) {
  Steps s = {.I = I};
  int height = I->n_roots;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    const Func *f = e->kind == N_CALL ? notes_function(I, env, e->a) : NULL;
    Value callee = v_none();
    if (e->kind == N_CALL && e->a->kind == N_NAME) {
      callee = ev_eval(I, env, e->a);
      ev_root(I, callee);
    }
    if (callee.type == V_FUNC && callee.as.fn->kind == FK_OPTIMIZER) {
      explain_optimizer(&s, env, e, callee);
    } else if (f && f->bi && !strcmp(f->name, "grad")) {
      explain_grad(&s, env, e);
    } else if (f && e->n_kids >= 1) {
      /* Arguments by position or by name: x/p first, then axis/a or q. */
      Value a0 = v_none(), a1 = v_none();
      int pos = 0;
      for (int i = 0; i < e->n_kids; i++) {
        const Node *a = e->kids[i];
        Value v = ev_eval(I, env, a->kind == N_KWARG ? a->a : a);
        ev_root(I, v);
        /* bce(y, p) names its truth y, so there p is the second argument */
        const char *kw = a->kind == N_KWARG ? a->sym->name : "";
        bool first = !strcmp(kw, "x") || (!strcmp(f->name, "bce") ? !strcmp(kw, "y") : !strcmp(kw, "p"));
        int slot = a->kind == N_KWARG ? (first ? 0 : 1) : pos++;
        if (slot == 0) a0 = v;
        else a1 = v;
      }
      const char *name = f->name;
      Tensor *x = a0.type == V_NONE ? NULL : to_tensor(I, a0, _("the argument"));
      if (x) ev_root(I, v_tensor(x));
      Tensor *y = is_tensorish(a1) || a1.type == V_LIST ? to_tensor(I, a1, _("the argument")) : NULL;
      if (y) ev_root(I, v_tensor(y));
      if (!x) ev_error(I, e, "explain: %s needs its argument", name);
      /* A stdlib loss (entropy, cross_entropy, kl, mse) checks its arguments first
         (check_loss): call it once, so a bad call is reported as the call itself is. */
      if (!f->bi && callee.type == V_FUNC) {
        Value args[2] = {a0, a1};
        v_release(ev_call(I, callee, a1.type == V_NONE ? 1 : 2, args, e));
      }
      if (!strcmp(name, "softmax") || !strcmp(name, "log_softmax"))
        explain_softmax(&s, x, axis_of(I, a1, e), name[0] == 'l');
      else if (!strcmp(name, "sigmoid")) explain_sigmoid(&s, x);
      else if (!strcmp(name, "tanh")) explain_tanh(&s, x);
      else if (!strcmp(name, "relu") || !strcmp(name, "step")) explain_relu(&s, x, name, 0);
      else if (!strcmp(name, "leaky_relu")) explain_relu(&s, x, name, y ? y->data[0] : 0.1);
      else if (!strcmp(name, "entropy")) explain_entropy(&s, x);
      else if (y && !strcmp(name, "cross_entropy")) explain_cross_entropy(&s, x, y);
      else if (y && !strcmp(name, "kl")) explain_kl(&s, x, y);
      else if (y && !strcmp(name, "mse")) explain_mse(&s, x, y);
      else if (y && !strcmp(name, "bce")) explain_bce(&s, f, x, y, e);
      else f = NULL;
    } else {
      f = NULL;
    }
    if (!f && !(callee.type == V_FUNC && callee.as.fn->kind == FK_OPTIMIZER)) {
      walk(&s, env, e, 0);
      steps_print(&s);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    steps_clear(&s);
    rt_rethrow();
  }
  while (I->n_roots > height) ev_unroot(I, 1);
  fflush(pf_out());
}
