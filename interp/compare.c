/* compare.c — compare(): an optimizer experiment next to minimize (autodiff.c). It runs
 * minimize(f, x0, opt, steps) with each optimizer, tabulates the final f and the steps
 * each took to come within tol of f*, and draws their paths on a contour of f.
 *
 * From the plot library (plot.h) it uses the user-function layer (UserFn, plot_set_layer),
 * plot_callable, plot_num_of, plot_fn_name, plot_add_path, plot_area, and plot_arg_out and
 * plot_show (routing the picture to the terminal or a file); for a function of one number it
 * draws the paths as points on the curve (path1d.h).
 */
#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "autograd.h"
#include "decl.h"
#include "figure.h"
#include "mem.h"
#include "path1d.h"
#include "platform.h"
#include "plot.h"
#include "utf8.h"

/* A literal default of a declaration's parameter (1e-3, -1), if it is one. */
static bool literal(const Node *n, double *v) {
  if (!n) return false;
  if (n->kind == N_NUM) return *v = n->num, true;
  if (n->kind == N_UNARY && n->op == '-' && n->a && n->a->kind == N_NUM) return *v = -n->a->num, true;
  return false;
}

/* "adam(lr = 0.1)": the optimizer with the settings that differ from its defaults. */
static void optim_label(const Optim *o, StrBuf *b) {
  sb_printf(b, "%s(", o->name);
  const Env *h = o->hyper;
  int shown = 0;
  for (int i = 0; h && i < h->n; i++) {
    const Node *dflt = NULL;
    for (int k = 0; o->decl && k < o->decl->n_kids; k++)
      if (o->decl->kids[k]->kind == N_PARAM && o->decl->kids[k]->sym == h->names[i]) dflt = o->decl->kids[k]->a;
    double d;
    if (literal(dflt, &d) && h->vals[i].type == V_NUM && h->vals[i].as.num == d) continue;
    sb_printf(b, "%s%s = ", shown++ ? ", " : "", h->names[i]->name);
    v_repr(b, h->vals[i]);
  }
  sb_putc(b, ')');
}

static void spaces(StrBuf *b, int n) {
  for (int i = 0; i < n; i++) sb_putc(b, ' ');
}

static void pad_cell(StrBuf *b, const char *s, int w) {
  sb_puts(b, s);
  spaces(b, w - utf8_cols(s));
}

/* compare(optimizers, f, x0, ...): arguments 0 optimizers, 1 f, 2 x0, 3 steps, 4 tol,
   5 fmin, 6 from, 7 to, 8 file, 9 width, 10 height. Everything it makes is rooted or
   owned by F, so an error in f (or Ctrl-C) leaks nothing. */
static void run_compare(Call *c, Fig *F, StrBuf *b, Value *result) {
  Interp *I = c->I;
  Value opts = c->args[0], f = c->args[1];
  UserFn u = {.I = I, .site = c->node, .fn = v_none()};
  const char *want = N_("a list of optimizers, such as [sgd(lr = 0.01), adam(lr = 0.1)]");
  if (opts.type != V_LIST || opts.as.list->n == 0) arg_error(c, 0, want);
  List *ol = opts.as.list;
  for (int k = 0; k < ol->n; k++)
    if (ol->items[k].type != V_OPTIM) arg_error(c, 0, want);
  if (!plot_callable(f)) arg_error(c, 1, "a function of a point, such as rosenbrock");
  long long steps = arg_int(c, 3);
  if (steps < 0 || steps > 10000000) arg_error(c, 3, "a number of steps from 0 to 10000000");
  double tol = arg_num(c, 4);
  if (!(tol >= 0)) arg_error(c, 4, "a tolerance >= 0");
  bool has_fmin = c->args[5].type != V_NONE;
  double fmin = has_fmin ? arg_num(c, 5) : INFINITY;
  PlotOut o = plot_arg_out(c, 8, 9, 10);
  Value *mini = ev_global(I, "minimize");
  if (!mini || mini->type != V_FUNC || !mini->as.fn->bi || strcmp(mini->as.fn->bi->name, "minimize"))
    ev_error(I, c->node, "compare: the builtin 'minimize' has been redefined");
  Value mf = v_retain(*mini);
  ev_root(I, mf);
  Tensor *x0 = arg_tensor(c, 2);
  int64_t dim = x0->size, len = steps + 1;
  int n = ol->n;
  if ((double)n * (double)len > 1e8) arg_error(c, 3, "fewer steps (the paths would not fit in memory)");

  /* Run each optimizer from x0; keep its path, f along it, and its label. */
  *result = v_list_new(n);
  ev_root(I, *result);
  Value labels = v_list_new(n);
  ev_root(I, labels);
  Tensor *fs = call_keep(c, t_new(1, &(int64_t){n * len})); /* f at every step */
  for (int k = 0; k < n; k++) {
    Value args[4] = {f, c->args[2], ol->items[k], v_num((double)steps)};
    Value p = ev_call(I, mf, 4, args, c->node);
    list_push(result->as.list, p);
    const Tensor *pt = p.as.t;
    for (int64_t s = 0; s < len; s++) {
      rt_check_interrupt();
      Tensor *row = t_from(x0->ndim, x0->shape, pt->data + s * dim);
      ev_root(I, v_tensor(row));
      Value a = v_tensor(row);
      Value r = f.type == V_FUNC ? ev_call(I, f, 1, &a, c->node) : nn_apply(I, f, a, false, c->node);
      ev_unroot(I, 1);
      double v = plot_num_of(I, c->node, r, _("compare: the function"));
      fs->data[k * len + s] = (float)v;
      if (!has_fmin && v < fmin) fmin = v;
    }
    StrBuf lb = {0};
    optim_label(ol->items[k].as.optim, &lb);
    Value l = v_str(lb.s, lb.len);
    sb_free(&lb);
    list_push(labels.as.list, l);
  }
  double thr = fmin + tol;

  /* The picture: every path on one contour (when the points are 2-D). */
  if (dim == 2) {
    for (int k = 0; k < n; k++)
      plot_add_path(F, result->as.list->items[k].as.t, 0, len, labels.as.list->items[k].as.str->data, FS_PATH);
    plot_area(c, F, 6, 7, 0.15, 2);
    plot_set_layer(F, &u, FL_CONTOUR, f, 1);
    char buf[64];
    F->title = rt_strdup(plot_fn_name(f, buf, sizeof buf, -1));
    plot_show(c, F, o, b);
  }

  /* A function of one number: every path as points on its curve. */
  if (dim == 1) {
    const Tensor *paths[n];
    const char *names[n];
    for (int k = 0; k < n; k++) {
      paths[k] = result->as.list->items[k].as.t;
      names[k] = labels.as.list->items[k].as.str->data;
    }
    double a, bb;
    char buf[64];
    path1d_range(c, 6, 7, paths, n, &a, &bb);
    path1d_draw(c, F, f, plot_fn_name(f, buf, sizeof buf, -1), a, bb, 200, paths, names, n);
    plot_show(c, F, o, b);
  }

  /* The table: final f and the steps each needed to come within tol of f*. */
  const char *head = _("optimizer");
  int w0 = utf8_cols(head);
  for (int k = 0; k < n; k++) {
    int w = utf8_cols(labels.as.list->items[k].as.str->data);
    if (w > w0) w0 = w;
  }
  b->len = 0;
  pad_cell(b, head, w0 + 3);
  pad_cell(b, _("final f"), 14);
  sb_printf(b, _("steps to f ≤ %.6g\n"), thr);
  for (int k = 0; k < n; k++) {
    char st[32] = "—";
    for (int64_t s = 0; s < len; s++)
      if (fs->data[k * len + s] <= thr) {
        snprintf(st, sizeof st, "%lld", (long long)s);
        break;
      }
    pad_cell(b, labels.as.list->items[k].as.str->data, w0 + 3);
    size_t at = b->len;
    fmt_number(b, fs->data[k * len + len - 1]);
    spaces(b, 14 - (int)(b->len - at));
    sb_puts(b, st);
    sb_putc(b, '\n');
  }
  if (has_fmin) sb_printf(b, _("f* = %.6g (fmin), tol = %.6g\n"), fmin, tol);
  else sb_printf(b, _("f* = %.6g (the best value reached), tol = %.6g\n"), fmin, tol);
  if (dim > 2)
    sb_printf(b, _("(no picture: the points have %lld coordinates; a contour needs 2, a curve 1)\n"),
              (long long)dim);
  fputs(b->s, pf_out());
  fflush(pf_out());
}

static Value bi_compare(Call *c) {
  Fig *F = fig_new();
  StrBuf b = {0};
  Value result = v_none();
  bool rec = ad_set_recording(false);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    run_compare(c, F, &b, &result);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    fig_free(F); /* recording: the catcher (ev_pcall) puts it back */
    sb_free(&b);
    rt_rethrow();
  }
  ad_set_recording(rec);
  fig_free(F);
  sb_free(&b);
  return v_retain(result); /* rooted in run_compare until the call returns */
}

/* ------------------------------------------------------------------ registration */

static const Builtin compare_builtins[] = {
    {"compare",
     "compare(optimizers, f, x0, steps = 100, tol = 0.001, fmin = none, from = none, to = none, "
     "file = none, width = none, height = none)",
     bi_compare,
     N_("run minimize(f, x0, opt, steps) for each optimizer: their paths on one contour (on the "
        "curve, for a function of one number) and a table of the final f and the steps each took "
        "to reach f ≤ f* + tol; returns the paths")},
    {NULL, NULL, NULL, NULL},
};

void compare_register(Interp *I) { builtins_register_table(I, compare_builtins); }
