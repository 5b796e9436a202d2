/* losscheck.c — check_loss(p, q, kind): the argument checks each stdlib loss runs first.
 *
 * A loss given its arguments the PyTorch way round (prediction first), logits instead
 * of probabilities, or shapes that do not fit, would otherwise print a wrong number or
 * fail inside a helper the student never called (xlogy, pick). The check reports the
 * mistake at the user's call of the loss, in the loss's own names (p the truth and q
 * the prediction; y and p for bce), and says what to do. Kinds, one per family of loss:
 *   "classes"  cross_entropy: p class indices [N] (or one) for q [N, k], or p rows like q
 *   "dist"     kl, and entropy (q = none): rows along `axis` are distributions
 *   "binary"   bce: p labels 0/1 or probabilities, q probabilities, the same shape
 *   "values"   mse: any values, the same shape
 * A distribution has entries in [0, 1] and sums to 1 within 1e-3 (float32 softmax rows
 * are well inside that). Inside train q is the model's output (Interp.loss_q): when the
 * model ends in softmax or sigmoid its values are probabilities and are not checked;
 * otherwise a bad one says to end the model in softmax (sigmoid for bce).
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "losscheck.h"

#define SUM_TOLERANCE 1e-3

/* Who to blame: the loss's name, its names for the truth and the prediction (p and q;
   y and p for bce), the call to point at, and the expressions given for them. */
typedef struct {
  Interp *I;
  const char *name;
  const char *pn, *qn;
  const Node *site;
  const Node *arg[2];
  bool own_frame; /* the error belongs to the loss's call: drop its frame from the trace */
} Blame;

/* The parameter of f that the expression n is, or -1. */
static int param_of(const Func *f, const Node *n) {
  if (!n || n->kind != N_NAME) return -1;
  for (int j = 0; j < f->params.n; j++)
    if (f->params.names[j] == n->sym) return j;
  return -1;
}

/* check_loss(p, q, …) as the first line of a loss (the stdlib's or the user's own), on
   the loss's parameters: blame the call of that loss, at its arguments, and drop the
   loss's frame from the trace. Otherwise blame the check_loss call itself. Nothing
   changes until fail(). */
static Blame blame_of(Call *c) {
  Interp *I = c->I;
  const Node *a0 = c->arg_nodes ? c->arg_nodes[0] : NULL, *a1 = c->arg_nodes ? c->arg_nodes[1] : NULL;
  Blame b = {I, "check_loss", a0 && a0->kind == N_NAME ? a0->sym->name : "p",
             a1 && a1->kind == N_NAME ? a1->sym->name : "q", c->node, {a0, a1}, false};
  if (I->n_calls == 0) return b;
  const CallFrame *fr = &I->calls[I->n_calls - 1];
  b.name = fr->fn->name;
  int jp = param_of(fr->fn, a0), jq = param_of(fr->fn, a1);
  if (jp < 0 || (jq < 0 && c->args[1].type != V_NONE)) return b;
  b.own_frame = true;
  b.site = fr->site ? fr->site : I->cur;
  b.arg[0] = b.arg[1] = NULL;
  /* Only a call written as `name(...)` has its arguments where the parameters say (train
     calls the loss from C, with its own call as the site). */
  const Node *s = fr->site;
  if (s && s->kind == N_CALL && s->a->kind == N_NAME && !strcmp(s->a->sym->name, b.name)) {
    b.arg[0] = site_arg(s, fr->fn, jp);
    b.arg[1] = jq >= 0 ? site_arg(s, fr->fn, jq) : NULL;
  }
  return b;
}

/* which: 0 blames the truth, 1 the prediction, -1 the whole call. */
static _Noreturn __attribute__((format(printf, 3, 4))) void fail(const Blame *b, int which,
                                                                  const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, _(fmt), ap); /* the catalogue's text (i18n.h) */
  va_end(ap);
  const Node *at = which >= 0 && b->arg[which] ? b->arg[which] : b->site;
  if (b->own_frame) b->I->n_calls--;
  /* the loss's name and the message, already translated: nothing for the catalogue */
  static const char name_msg[] = "%s: %s";
  ev_error(b->I, at, name_msg, b->name, msg);
}

/* The source text of an argument, when it is short and on one line, else `fallback`:
   lets a hint show the user's own call with the arguments swapped. */
static const char *text_of(const Node *n, const char *fallback, char *buf, size_t size) {
  if (!n || n->span.first_line != n->span.last_line) return fallback;
  const char *t = n->src->text;
  for (int line = 1; line < n->span.first_line && *t; t++)
    if (*t == '\n') line++;
  int len = n->span.last_col - n->span.first_col + 1;
  if (len <= 0 || (size_t)len >= size || len > 40) return fallback;
  snprintf(buf, size, "%.*s", len, t + n->span.first_col - 1);
  return buf;
}

/* "p has shape [3] but q has shape [3, 2]: need"; a 0-d operand "is a number" (one
   whole sentence per case for the catalogue). */
static _Noreturn void shape_fail(const Blame *b, const Tensor *p, const Tensor *q, const char *need) {
  char a[96], c[96];
  const char *ps = t_shape_str(p->ndim, p->shape, a, sizeof a), *qs = t_shape_str(q->ndim, q->shape, c, sizeof c);
  if (p->ndim && q->ndim) fail(b, -1, "%s has shape %s but %s has shape %s: %s", b->pn, ps, b->qn, qs, need);
  if (q->ndim) fail(b, -1, "%s is a number but %s has shape %s: %s", b->pn, b->qn, qs, need);
  if (p->ndim) fail(b, -1, "%s has shape %s but %s is a number: %s", b->pn, ps, b->qn, need);
  fail(b, -1, "%s is a number and so is %s: %s", b->pn, b->qn, need);
}

/* "q[2, 1]" for flat element i of t; the slot of `axis` is ":" when whole is set (a row). */
static void where_str(const char *name, const Tensor *t, int64_t i, int axis, bool whole, char *buf, size_t n) {
  int64_t idx[T_MAXDIM];
  for (int d = t->ndim - 1; d >= 0; d--) {
    idx[d] = t->shape[d] ? i % t->shape[d] : 0;
    i = t->shape[d] ? i / t->shape[d] : 0;
  }
  int last = whole && axis == t->ndim - 1 ? t->ndim - 1 : t->ndim;
  if (last == 0) {
    snprintf(buf, n, "%s", name);
    return;
  }
  size_t k = (size_t)snprintf(buf, n, "%s[", name);
  for (int d = 0; d < last && k < n; d++)
    k += whole && d == axis ? (size_t)snprintf(buf + k, n - k, "%s:", d ? ", " : "")
                            : (size_t)snprintf(buf + k, n - k, "%s%lld", d ? ", " : "", (long long)idx[d]);
  if (k < n) snprintf(buf + k, n - k, "]");
}

typedef enum { PROBS, NOT_A_NUMBER, OUT_OF_RANGE, BAD_SUM } Probs;

/* Are t's entries probabilities whose rows along axis sum to 1 (sum_to_one)? If not,
   describe the first culprit in why ("q[1] = -0.5 is negative", "q[2] sums to 1.3"). */
static Probs probabilities(const char *name, const Tensor *t, int axis, bool sum_to_one, char *why, size_t n) {
  char at[160];
  for (int64_t i = 0; i < t->size; i++) {
    float v = t->data[i];
    if (v >= 0 && v <= 1) continue;
    where_str(name, t, i, axis, false, at, sizeof at);
    if (v != v) {
      snprintf(why, n, _("%s is nan (not a number)"), at);
      return NOT_A_NUMBER;
    }
    snprintf(why, n, v < 0 ? _("%s = %g is negative") : _("%s = %g is above 1"), at, (double)v);
    return OUT_OF_RANGE;
  }
  if (!sum_to_one || t->ndim == 0) return PROBS;
  int64_t len = t->shape[axis], inner = 1;
  for (int d = axis + 1; d < t->ndim; d++) inner *= t->shape[d];
  int64_t outer = len && inner ? t->size / (len * inner) : 0;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t in = 0; in < inner; in++) {
      double s = 0;
      const float *row = t->data + o * len * inner + in;
      for (int64_t j = 0; j < len; j++) s += row[j * inner];
      /* within 1e-3, plus the float32 rounding of the len entries */
      if (fabs(s - 1) <= SUM_TOLERANCE + (double)len * FLT_EPSILON) continue;
      where_str(name, t, o * len * inner + in, axis, true, at, sizeof at);
      snprintf(why, n, _("%s sums to %g, not 1"), at, s);
      return BAD_SUM;
    }
  return PROBS;
}

/* Every row along the last axis all 0 except one 1: how a truth is written. */
static bool one_hot(const Tensor *t) {
  if (t->ndim == 0) return false;
  int64_t k = t->shape[t->ndim - 1];
  for (int64_t r = 0; k && r < t->size / k; r++) {
    int ones = 0;
    for (int64_t j = 0; j < k; j++) {
      float v = t->data[r * k + j];
      if (v != 0 && v != 1) return false;
      ones += v == 1;
    }
    if (ones != 1) return false;
  }
  return true;
}

/* q [N] against p [N, k] (or a number against [k]): whole numbers 0 … k − 1, one per
   row of p, as class labels are written. */
static bool labels_for(const Tensor *q, const Tensor *p) {
  if (q->ndim != p->ndim - 1) return false;
  for (int d = 0; d < q->ndim; d++)
    if (q->shape[d] != p->shape[d]) return false;
  for (int64_t i = 0; i < q->size; i++)
    if (!(q->data[i] >= 0 && q->data[i] < (float)p->shape[p->ndim - 1] && q->data[i] == floorf(q->data[i])))
      return false;
  return true;
}

static bool zeros_and_ones(const Tensor *t) {
  for (int64_t i = 0; i < t->size; i++)
    if (t->data[i] != 0 && t->data[i] != 1) return false;
  return true;
}

/* The prediction in the truth's place and the truth in the prediction's: the order
   PyTorch uses. Show the user's call the other way round. `what` is the clause saying
   what q looks like ("q is one-hot"), a format with q's name (and p's) for %s. */
static _Noreturn void swapped(const Blame *b, const char *what, const char *loss) {
  char pt[48], qt[48], clause[192];
  snprintf(clause, sizeof clause, _(what), b->qn, b->pn);
  const char *q_text = text_of(b->arg[1], b->qn, qt, sizeof qt), *p_text = text_of(b->arg[0], b->pn, pt, sizeof pt);
  if (strcmp(loss, b->name))
    fail(b, 1, "%s, which is how a truth is written: nn takes the truth first and class indices go to "
               "cross_entropy, %s(%s, %s)", clause, loss, q_text, p_text);
  fail(b, 1, "%s, which is how a truth is written: nn takes the truth first, %s(%s, %s)", clause, loss, q_text,
       p_text);
}

/* q outside [0, 1]: scores (logits) that need `squash` (softmax or sigmoid) first. q in
   range but rows not summing to 1: not logits, just not a distribution. Inside train q
   is the model's output: a model that ends in squash gives probabilities (no check);
   any other is told to. */
static void check_prediction(const Blame *b, LossQ from, const Tensor *q, int axis, bool sum_to_one,
                             const char *squash) {
  if (from == LOSS_Q_MODEL_PROBS) return;
  char why[256];
  Probs r = probabilities(b->qn, q, axis, sum_to_one, why, sizeof why);
  const char *qn = b->qn;
  if (r != PROBS && from == LOSS_Q_MODEL)
    fail(b, 1, "the model's output %s must be probabilities, but %s: end the model in %s", qn, why, squash);
  if (r == NOT_A_NUMBER) fail(b, 1, "the prediction %s must be probabilities, but %s", qn, why);
  if (r == OUT_OF_RANGE && sum_to_one)
    fail(b, 1, "the prediction %s must be probabilities, but %s: these look like logits: use %s(%s) first, "
               "or log_softmax", qn, why, squash, qn);
  if (r == OUT_OF_RANGE)
    fail(b, 1, "the prediction %s must be probabilities, but %s: these look like logits: use %s(%s) first",
         qn, why, squash, qn);
  if (r == BAD_SUM)
    fail(b, 1, "the prediction %s must be probabilities summing to 1, but %s: if these are scores, "
               "use softmax(%s) first", qn, why, qn);
}

/* The truth p must be `what` (a noun phrase, translated here): "the truth p must be
   probabilities (…), but p[2] = -0.1 is negative" (`truth` unset for entropy's one
   argument, which is not called the truth). */
static void check_truth(const Blame *b, const Tensor *p, int axis, bool sum_to_one, bool truth,
                        const char *what) {
  char why[256];
  if (probabilities(b->pn, p, axis, sum_to_one, why, sizeof why) != PROBS) {
    if (truth) fail(b, 0, "the truth %s must be %s, but %s", b->pn, _(what), why);
    fail(b, 0, "%s must be %s, but %s", b->pn, _(what), why);
  }
}

/* cross_entropy(p, q): p class indices (one per row of q) or rows like q's. */
static void check_classes(const Blame *b, const Tensor *p, const Tensor *q, LossQ from) {
  if (q->ndim == 0 && p->ndim > 0) swapped(b, N_("%s is a number (a class index)"), b->name);
  char need[160];
  if (from == LOSS_Q_USER && q->ndim > 0 && labels_for(q, p))
    swapped(b, N_("%s holds class indices, one per row of %s"), b->name);
  if (q->ndim == 0)
    fail(b, 1, "%s must be the predicted probabilities of the classes (a vector), got a number: for one "
               "sigmoid output (two classes) use bce, with labels 0 and 1", b->qn);
  if (q->shape[q->ndim - 1] == 1) {
    char sh[96];
    fail(b, 1, "one column per class is needed, but %s has shape %s: for one sigmoid output (two "
               "classes) use bce, with labels 0 and 1", b->qn, t_shape_str(q->ndim, q->shape, sh, sizeof sh));
  }
  snprintf(need, sizeof need, _("the truth %s is a class index for each row of %s, or a row of probabilities like %s"),
           b->pn, b->qn, b->qn);
  if (p->ndim == q->ndim - 1) {
    for (int d = 0; d < p->ndim; d++)
      if (p->shape[d] != q->shape[d]) shape_fail(b, p, q, need);
    int64_t k = q->shape[q->ndim - 1];
    for (int64_t i = 0; i < p->size; i++) {
      float v = p->data[i];
      char at[160];
      where_str(b->pn, p, i, 0, false, at, sizeof at);
      if (v != floorf(v))
        fail(b, 0, "the class index %s = %g is not a whole number", at, (double)v);
      if (v < 0 || v >= (float)k)
        fail(b, 0, "the class index %s = %g is out of range: %s has %lld classes, numbered 0 to %lld", at,
             (double)v, b->qn, (long long)k, (long long)k - 1);
    }
  } else {
    if (!t_same_shape(p, q)) shape_fail(b, p, q, need);
    if (from == LOSS_Q_USER && one_hot(q) && !one_hot(p)) swapped(b, N_("%s is one-hot"), b->name);
    check_truth(b, p, q->ndim - 1, true, true, N_("probabilities (each row summing to 1)"));
  }
  check_prediction(b, from, q, q->ndim - 1, true, "softmax");
}

/* kl(p, q), and entropy(p) with q none: distributions along axis. */
static void check_dists(const Blame *b, const Tensor *p, const Tensor *q, int axis, LossQ from) {
  if (!q) {
    if (p->ndim == 0)
      fail(b, 0, "%s must be a distribution (probabilities summing to 1), got the number %g; for a "
                 "yes/no probability write %s([%s, 1 - %s])", b->pn, (double)p->data[0], b->name, b->pn, b->pn);
    char sh[96];
    if (axis < -p->ndim || axis >= p->ndim)
      fail(b, -1, "axis %d is out of range for %s of shape %s", axis, b->pn,
           t_shape_str(p->ndim, p->shape, sh, sizeof sh));
    check_truth(b, p, axis < 0 ? axis + p->ndim : axis, true, false, N_("a distribution (probabilities summing to 1)"));
    return;
  }
  if (q->ndim == 0 && p->ndim > 0) swapped(b, N_("%s is a number (a class index)"), "cross_entropy");
  char need[160];
  if (from == LOSS_Q_USER && q->ndim > 0 && labels_for(q, p))
    swapped(b, N_("%s holds class indices, one per row of %s"), "cross_entropy");
  if (p->ndim == q->ndim - 1)
    fail(b, 0, "%s must be the true distribution, with the shape of %s; for a class index use "
               "cross_entropy(%s, %s), or one_hot(%s, k) here", b->pn, b->qn, b->pn, b->qn, b->pn);
  snprintf(need, sizeof need, _("the truth %s and the prediction %s must be distributions of the same shape"),
           b->pn, b->qn);
  if (!t_same_shape(p, q) || q->ndim == 0) shape_fail(b, p, q, need);
  if (from == LOSS_Q_USER && one_hot(q) && !one_hot(p)) swapped(b, N_("%s is one-hot"), b->name);
  check_truth(b, p, p->ndim - 1, true, true, N_("a distribution (each row summing to 1)"));
  check_prediction(b, from, q, q->ndim - 1, true, "softmax");
}

/* bce(y, p), which calls check_loss(y, p, "binary"): labels 0/1 or probabilities, and
   probabilities, the same shape. */
static void check_binary(const Blame *b, const Tensor *p, const Tensor *q, LossQ from) {
  if (!t_same_shape(p, q))
    shape_fail(b, p, q, _("the truth and the prediction need the same shape, one probability per label"));
  if (from == LOSS_Q_USER && zeros_and_ones(q) && !zeros_and_ones(p)) swapped(b, N_("%s is all 0s and 1s"), b->name);
  check_truth(b, p, 0, false, true, N_("labels 0 or 1 (or probabilities)"));
  check_prediction(b, from, q, 0, false, "sigmoid");
}

/* Argument i (0 the truth, 1 the prediction) as a tensor, not empty. A list that does not
   make one (ragged rows, a string inside) is the user's mistake at that argument. */
static const Tensor *operand(Call *c, const Blame *b, int i) {
  const char *name = i ? b->qn : b->pn;
  const Tensor *t;
  if (c->args[i].type == V_LIST) {
    RtFrame f;
    if (RT_TRY(&f)) {
      t = call_keep(c, to_tensor(c->I, c->args[i], name));
      rt_pop(&f);
    } else {
      rt_pop(&f);
      if (rt_errkind() != RT_ERR_GENERIC) rt_rethrow(); /* interrupted, out of memory */
      fail(b, i, "%s must be a tensor: a list of numbers whose rows all have the same length", name);
    }
  } else {
    t = arg_tensor(c, i);
  }
  char sh[96];
  if (t->size == 0) fail(b, i, "%s is empty (shape %s)", name, t_shape_str(t->ndim, t->shape, sh, sizeof sh));
  return t;
}

/* check_loss(p, q, kind, axis = -1): none when the arguments suit the loss; else a
   located error in the loss's terms. */
static Value bi_check_loss(Call *c) {
  Interp *I = c->I;
  const char *kind = arg_str(c, 2);
  int axis = (int)arg_int(c, 3);
  Blame b = blame_of(c);
  const Tensor *p = operand(c, &b, 0);
  const Tensor *q = c->args[1].type == V_NONE && !strcmp(kind, "dist") ? NULL : operand(c, &b, 1);
  if (!strcmp(kind, "classes")) check_classes(&b, p, q, I->loss_q);
  else if (!strcmp(kind, "dist")) check_dists(&b, p, q, axis, I->loss_q);
  else if (!strcmp(kind, "binary")) check_binary(&b, p, q, I->loss_q);
  else if (!strcmp(kind, "values")) {
    if (!t_same_shape(p, q)) {
      bool labels = p->ndim == q->ndim - 1;
      for (int d = 0; labels && d < p->ndim; d++) labels = p->shape[d] == q->shape[d];
      char need[128];
      if (labels) snprintf(need, sizeof need, _("for class indices use cross_entropy, or compare with one_hot(%s, k)"), b.pn);
      else snprintf(need, sizeof need, _("the truth %s and the prediction %s need the same shape"), b.pn, b.qn);
      shape_fail(&b, p, q, need);
    }
  } else {
    ev_error(I, c->arg_nodes ? c->arg_nodes[2] : NULL,
             "check_loss: kind must be \"classes\", \"dist\", \"binary\" or \"values\", got \"%s\"", kind);
  }
  return v_none();
}

static const Builtin loss_builtins[] = {
    {"check_loss", "check_loss(p, q, kind, axis = -1)", bi_check_loss,
     N_("stop with a clear error unless p (truth) and q (prediction) suit a loss of this kind: "
        "\"classes\", \"dist\", \"binary\" or \"values\"")},
    {NULL, NULL, NULL, NULL},
};

void losscheck_register(Interp *I) { builtins_register_table(I, loss_builtins); }
