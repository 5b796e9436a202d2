/* metrics.c — how well a classifier does, class by class: confusion(net, data) counts
 * C[i, j] = the samples of true class i that the model predicts as j (its trace over N
 * is accuracy(net, data)); report(net, data) derives from C each class's precision,
 * recall, F1 and support, their macro and weighted averages, and the accuracy, with
 * scikit-learn's definitions (classification_report with labels = 0 … k−1).
 *
 * The predicted class is what accuracy() counts: the argmax of the model's k outputs,
 * or for a single output p (a sigmoid) class 1 where p > 0.5, so k = 2. Both results are
 * tensors carrying a TTable (runtime/tensor.h): the class names (data.classes, as
 * load_csv gives them, else 0 … k−1) travel with the numbers, for printing and plot().
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "figure.h"
#include "fit.h"
#include "mem.h"
#include "metrics.h"

/* ------------------------------------------------------------------ the counts */

typedef struct Counts {
  int64_t k, N;
  Tensor *C;    /* [k, k], rooted for the call */
  char **names; /* k class names, owned (freed by the caller or handed to a TTable) */
} Counts;

/* Where errors about the data point: its argument. */
static const Node *data_site(Call *c) { return c->arg_nodes && c->arg_nodes[1] ? c->arg_nodes[1] : c->node; }

/* The data's class names, data.classes (a list of k strings), or NULL when it has none.
   A list of another length is an error: the data and the model disagree. */
static const List *data_classes(Call *c, int64_t k) {
  Value *v = record_get(c->args[1].as.rec, sym_intern(&c->I->syms, "classes", 7));
  if (!v || v->type != V_LIST) return NULL;
  const List *l = v->as.list;
  for (int i = 0; i < l->n; i++)
    if (l->items[i].type != V_STR) return NULL;
  if (l->n != k)
    ev_error(c->I, data_site(c),
             "%s: the data names %d classes (data.classes) but the model has %lld", c->fn->name,
             l->n, (long long)k);
  return l;
}

/* The true class of sample i: y[i] (a whole number 0 … k−1) or the argmax of a row
   y[i, :] of k one-hot or probability values. one_output: the model gives one p (k = 2). */
static int64_t truth_of(Call *c, const Tensor *y, int64_t i, int64_t ky, int64_t k, bool one_output) {
  if (ky > 1) {
    int64_t best = 0;
    for (int64_t j = 1; j < ky; j++)
      if (y->data[i * ky + j] > y->data[i * ky + best]) best = j;
    return best;
  }
  double v = y->data[i];
  if (!(v >= 0 && v < (double)k && v == floor(v))) {
    const Node *at = data_site(c);
    if (one_output)
      ev_error(c->I, at, "%s: label %g of sample %lld is not 0 or 1, the classes of a model with one "
               "output (class 1 where p > 0.5)", c->fn->name, v, (long long)i);
    ev_error(c->I, at, "%s: label %g of sample %lld is not one of the model's %lld classes (whole "
             "numbers 0 to %lld)", c->fn->name, v, (long long)i, (long long)k, (long long)k - 1);
  }
  return (int64_t)v;
}

/* Run the model on the whole data set (inference) and count C[truth, prediction]. */
static Counts count(Call *c) {
  Interp *I = c->I;
  Value model = c->args[0];
  if (!callable(model)) arg_error(c, 0, "a model");
  Data d = arg_data(c, 1);
  int64_t N = d.n;
  Value out = infer(I, model, d.x, c->node);
  ev_root(I, out);
  if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->ndim > 2 || out.as.t->shape[0] != N) {
    char sh[96] = "";
    if (out.type == V_TENSOR) t_shape_str(out.as.t->ndim, out.as.t->shape, sh, sizeof sh);
    ev_error(I, c->node, "%s: the model must give one row of class scores per sample ([%lld, k]), got %s",
             c->fn->name, (long long)N, out.type == V_TENSOR ? sh : v_type_name(out));
  }
  const Tensor *o = out.as.t;
  int64_t ko = o->ndim == 2 ? o->shape[1] : 1;
  int64_t k = ko == 1 ? 2 : ko; /* one output p: classes 0 and 1, as accuracy() counts */
  const Tensor *y = d.y;
  int64_t ky = y->ndim >= 2 ? y->size / N : 1;
  if (ky > 1 && ky != k) {
    char sh[96];
    ev_error(I, data_site(c),
             "%s: the data's targets are rows of %lld classes (y %s) but the model has %lld",
             c->fn->name, (long long)ky, t_shape_str(y->ndim, y->shape, sh, sizeof sh), (long long)k);
  }
  if (ky > 1) need_class_targets(c, y, k); /* rows of class probabilities; indices: truth_of */
  const List *names = data_classes(c, k);
  int64_t shape[2] = {k, k};
  Tensor *C = call_keep(c, t_zeros(2, shape));
  for (int64_t i = 0; i < N; i++) {
    int64_t t = truth_of(c, y, i, ky, k, ko == 1), p = 0;
    const float *row = o->data + i * ko;
    if (ko == 1) p = row[0] > 0.5f;
    else
      for (int64_t j = 1; j < ko; j++)
        if (row[j] > row[p]) p = j;
    C->data[t * k + p] += 1;
  }
  /* nothing throws from here on: the names are handed to a TTable or freed */
  Counts r = {.k = k, .N = N, .C = C, .names = rt_calloc((size_t)k, sizeof(char *))};
  for (int64_t j = 0; j < k; j++) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)j);
    r.names[j] = rt_strdup(names ? names->items[j].as.str->data : buf);
  }
  return r;
}

static char **copy_names(char **names, int64_t n) {
  char **r = rt_calloc((size_t)n, sizeof(char *));
  for (int64_t i = 0; i < n; i++) r[i] = rt_strdup(names[i]);
  return r;
}

/* Class names joined "a, b, c" for a note. */
static void join_names(char *buf, size_t n, char **names, const bool *pick, int64_t k) {
  size_t at = 0;
  buf[0] = 0;
  for (int64_t i = 0; i < k && at < n; i++)
    if (pick[i]) at += (size_t)snprintf(buf + at, n - at, "%s%s", at ? ", " : "", names[i]);
}

/* confusion(net, data): C [k, k], rows the truth, columns the prediction. */
static Value bi_confusion(Call *c) {
  Counts s = count(c);
  double diag = 0;
  for (int64_t i = 0; i < s.k; i++) diag += s.C->data[i * s.k + i];
  TTable *tb = rt_calloc(1, sizeof *tb);
  tb->kind = TABLE_CONFUSION;
  tb->title = rt_strdup(_("confusion matrix: rows are the truth, columns the prediction"));
  char note[160];
  snprintf(note, sizeof note, _("accuracy = trace / N = %.0f / %lld = %.4g"), diag, (long long)s.N,
           diag / (double)s.N);
  tb->note = rt_strdup(note);
  tb->rows = s.names;
  tb->cols = copy_names(s.names, s.k);
  t_set_table(s.C, tb);
  return v_tensor(t_retain(s.C));
}

/* report(net, data): per class i, with C's column sum P_i (predicted as i) and row sum
   S_i (the support): precision_i = C_ii / P_i, recall_i = C_ii / S_i, F1_i = 2 p r / (p + r),
   each 0 where its denominator is (as scikit-learn's zero_division default gives, with a
   note); then the accuracy row (trace / N: for one label per sample the micro average,
   so precision = recall = F1 = accuracy), the macro average (the plain mean over the k
   classes) and the average weighted by support. R: [k + 3, 4], columns precision,
   recall, F1, support. */
static Value bi_report(Call *c) {
  Counts s = count(c);
  int64_t k = s.k;
  const float *C = s.C->data;
  int64_t shape[2] = {k + 3, 4};
  Tensor *R = t_zeros(2, shape);
  bool *no_pred = rt_calloc((size_t)k, sizeof(bool)), *no_true = rt_calloc((size_t)k, sizeof(bool));
  bool any_pred = false, any_true = false;
  double diag = 0, macro[3] = {0}, weighted[3] = {0};
  for (int64_t i = 0; i < k; i++) {
    double tp = C[i * k + i], P = 0, S = 0;
    for (int64_t j = 0; j < k; j++) P += C[j * k + i], S += C[i * k + j];
    double p = P > 0 ? tp / P : 0, r = S > 0 ? tp / S : 0, f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    no_pred[i] = P == 0, no_true[i] = S == 0;
    any_pred = any_pred || P == 0, any_true = any_true || S == 0;
    float *row = R->data + i * 4;
    row[0] = (float)p, row[1] = (float)r, row[2] = (float)f, row[3] = (float)S;
    double m[3] = {p, r, f};
    for (int q = 0; q < 3; q++) macro[q] += m[q] / (double)k, weighted[q] += m[q] * S / (double)s.N;
    diag += tp;
  }
  float *acc = R->data + k * 4, *mac = acc + 4, *wei = mac + 4;
  acc[0] = acc[1] = acc[2] = (float)(diag / (double)s.N);
  for (int q = 0; q < 3; q++) mac[q] = (float)macro[q], wei[q] = (float)weighted[q];
  acc[3] = mac[3] = wei[3] = (float)s.N;

  TTable *tb = rt_calloc(1, sizeof *tb);
  tb->kind = TABLE_REPORT;
  tb->rows = rt_calloc((size_t)k + 3, sizeof(char *));
  for (int64_t i = 0; i < k; i++) tb->rows[i] = rt_strdup(s.names[i]);
  tb->rows[k] = rt_strdup(_("accuracy"));
  tb->rows[k + 1] = rt_strdup(_("macro avg"));
  tb->rows[k + 2] = rt_strdup(_("weighted avg"));
  const char *cols[4] = {_("precision"), _("recall"), _("f1-score"), _("support")};
  tb->cols = rt_calloc(4, sizeof(char *));
  for (int q = 0; q < 4; q++) tb->cols[q] = rt_strdup(cols[q]);
  StrBuf note = {0};
  char list[512];
  if (any_pred) {
    join_names(list, sizeof list, s.names, no_pred, k);
    sb_printf(&note, _("note: no sample is predicted as %s: precision is taken as 0 there, as scikit-learn does"),
              list);
  }
  if (any_true) {
    join_names(list, sizeof list, s.names, no_true, k);
    if (note.len) sb_putc(&note, '\n');
    sb_printf(&note, _("note: the data has no sample of %s: recall is taken as 0 there"), list);
  }
  tb->note = note.s; /* NULL when empty */
  for (int64_t i = 0; i < k; i++) rt_free(s.names[i]);
  rt_free(s.names);
  rt_free(no_pred);
  rt_free(no_true);
  t_set_table(R, tb);
  return v_tensor(R);
}

/* ------------------------------------------------------------------ printing */

static void pad(StrBuf *b, int n) {
  for (int i = 0; i < n; i++) sb_putc(b, ' ');
}

/* A row's label (compact: "i name") or a column's header (compact: its index i). */
static const char *label(const TTable *tb, int64_t i, bool row, bool compact, char *buf, size_t n) {
  const char *s = row ? tb->rows[i] : tb->cols[i];
  if (!compact) return s;
  if (row) snprintf(buf, n, "%lld %s", (long long)i, s);
  else snprintf(buf, n, "%lld", (long long)i);
  return buf;
}

/* Counts print as integers, rates (the report's precision, recall, F1) with 4 decimals.
   A confusion matrix wider than a screen (80 columns) heads its columns with the
   classes' numbers, and each row's name starts with its number. */
void metrics_fmt_table(StrBuf *b, const Tensor *t) {
  const TTable *tb = t->table;
  int64_t nr = t->shape[0], nc = t->shape[1];
  if (tb->title) sb_printf(b, "%s\n", tb->title);
  int *w = rt_calloc((size_t)nc, sizeof(int));
  bool *whole = rt_calloc((size_t)nc, sizeof(bool));
  char buf[200];
  int lw = 0;
  bool compact = false;
  for (int pass = 0; pass < 2; pass++, compact = true) {
    int total = lw = 0;
    for (int64_t i = 0; i < nr; i++) {
      int c = fig_cols(label(tb, i, true, compact, buf, sizeof buf));
      lw = c > lw ? c : lw;
    }
    for (int64_t j = 0; j < nc; j++) {
      whole[j] = tb->kind != TABLE_REPORT || j == nc - 1; /* counts; the report's rates are not */
      w[j] = fig_cols(label(tb, j, false, compact, buf, sizeof buf));
      for (int64_t i = 0; i < nr; i++) {
        int n = whole[j] ? snprintf(buf, sizeof buf, "%.0f", t->data[i * nc + j])
                         : snprintf(buf, sizeof buf, "%.4f", t->data[i * nc + j]);
        w[j] = n > w[j] ? n : w[j];
      }
      total += 2 + w[j];
    }
    if (tb->kind != TABLE_CONFUSION || lw + total <= 80) break;
  }
  pad(b, lw);
  for (int64_t j = 0; j < nc; j++) {
    const char *h = label(tb, j, false, compact, buf, sizeof buf);
    pad(b, 2 + w[j] - fig_cols(h));
    sb_puts(b, h);
  }
  sb_putc(b, '\n');
  for (int64_t i = 0; i < nr; i++) {
    const char *r = label(tb, i, true, compact, buf, sizeof buf);
    sb_puts(b, r);
    pad(b, lw - fig_cols(r));
    for (int64_t j = 0; j < nc; j++) {
      char num[48];
      int n = whole[j] ? snprintf(num, sizeof num, "%.0f", t->data[i * nc + j])
                       : snprintf(num, sizeof num, "%.4f", t->data[i * nc + j]);
      pad(b, 2 + w[j] - n);
      sb_puts(b, num);
    }
    if (i + 1 < nr || tb->note) sb_putc(b, '\n');
  }
  if (tb->note) sb_puts(b, tb->note);
  rt_free(w);
  rt_free(whole);
}

/* ------------------------------------------------------------------ registration */

static const Builtin metrics_builtins[] = {
    {"confusion", "confusion(model, data)", bi_confusion,
     N_("the confusion matrix [k, k]: C[i, j] counts the samples of true class i predicted as j; "
        "trace / N is the accuracy")},
    {"report", "report(model, data)", bi_report,
     N_("per-class precision, recall, F1 and support, with macro and weighted averages and the "
        "accuracy (scikit-learn's classification_report)")},
    {NULL, NULL, NULL, NULL},
};

void metrics_register(Interp *I) { builtins_register_table(I, metrics_builtins); }
