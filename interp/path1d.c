/* path1d.c — optimizer paths on a function of one number: the curve of f with each path's
 * points (x, f(x)) on it, for plot(f, a, b, paths = ...) (plot.c) and compare() (compare.c)
 * when minimize ran from a number. Apart from both so that neither includes the other.
 */
#include "path1d.h"

#include <math.h>
#include <stdio.h>

#include "decl.h"
#include "mem.h"

/* The x values of a 1-D path: a tensor [n] or [n, 1]. */
static bool is_path_1d(Value v) {
  if (v.type != V_TENSOR) return false;
  const Tensor *t = v.as.t;
  return t->ndim == 1 || (t->ndim == 2 && t->shape[1] == 1);
}

bool plot_paths_1d(Value paths) {
  if (is_path_1d(paths)) return true;
  if (paths.type != V_LIST || paths.as.list->n == 0) return false;
  for (int k = 0; k < paths.as.list->n; k++)
    if (!is_path_1d(paths.as.list->items[k])) return false;
  return true;
}

/* f at x, a number (or a one-element tensor); errors in f surface at the builtin's call. */
static double f_at(Call *c, Value f, double x, const char *name) {
  Value a = v_num(x);
  Value r = f.type == V_FUNC ? ev_call(c->I, f, 1, &a, c->node) : nn_apply(c->I, f, a, false, c->node);
  double v;
  if (v_to_num(r, &v)) {
    v_release(r);
    return v;
  }
  ev_root(c->I, r);
  if (r.type == V_TENSOR) {
    char sh[96];
    ev_error(c->I, c->node, "%s: '%s' must return a number at x = %g, got a tensor of shape %s",
             c->fn->name, name, x, t_shape_str(r.as.t->ndim, r.as.t->shape, sh, sizeof sh));
  }
  ev_error(c->I, c->node, "%s: '%s' must return a number at x = %g, got %s", c->fn->name, name, x,
           v_type_name(r));
}

/* f's curve over [a, b] (npts samples), then each path as its points (x_s, f(x_s)) on the
   curve, in order: the walk of an optimizer on a function of one number. Non-finite x
   (a run that diverged) leave the point out. */
void path1d_draw(Call *c, Fig *F, Value f, const char *name, double a, double b, int npts,
                 const Tensor *const *paths, const char *const *labels, int n) {
  FigSeries *s = fig_add(F, FS_LINE, name, npts, NULL, NULL, 0);
  for (int i = 0; i < npts; i++) {
    rt_check_interrupt();
    s->x[i] = a + (b - a) * i / (npts - 1);
    s->y[i] = f_at(c, f, s->x[i], name);
  }
  for (int k = 0; k < n; k++) {
    const Tensor *p = paths[k];
    int len = (int)p->shape[0];
    FigSeries *ps = fig_add(F, FS_PATH, labels[k], len, NULL, NULL, 0);
    for (int i = 0; i < len; i++) {
      rt_check_interrupt();
      double x = p->data[i];
      ps->x[i] = x;
      ps->y[i] = isfinite(x) ? f_at(c, f, x, name) : NAN;
    }
  }
  F->x0 = a, F->x1 = b;
  if (!F->title) F->title = rt_strdup(name);
}

/* The range of x: [a, b] from arguments a_i, b_i when given (numbers), else around the
   paths' finite points with a margin of 15 % of their extent (at least 1 wide). */
void path1d_range(Call *c, int a_i, int b_i, const Tensor *const *paths, int n, double *a,
                  double *b) {
  bool has_a = c->args[a_i].type != V_NONE, has_b = c->args[b_i].type != V_NONE;
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < n; k++)
    for (int64_t i = 0; i < paths[k]->size; i++) {
      double x = paths[k]->data[i];
      if (isfinite(x)) lo = fmin(lo, x), hi = fmax(hi, x);
    }
  if (!isfinite(lo)) lo = -1, hi = 1;
  double m = fmax((hi - lo) * 0.15, 0.5 - (hi - lo) / 2);
  *a = has_a ? arg_num(c, a_i) : lo - m;
  *b = has_b ? arg_num(c, b_i) : hi + m;
  if (!(*b > *a) || !isfinite(*a) || !isfinite(*b))
    ev_error(c->I, c->node, "%s: the range of x from %g to %g is empty (to must be above from)",
             c->fn->name, *a, *b);
}

void plot_1d_paths(Call *c, Fig *F, Value f, const char *name, int a_i, int b_i, int paths_i,
                   int labels_i, int npts) {
  Value p = c->args[paths_i];
  int n = p.type == V_LIST ? p.as.list->n : 1;
  if (n > 64) arg_error(c, paths_i, "at most 64 paths");
  const Tensor *paths[64];
  const char *labels[64];
  char names[64][24];
  Value l = c->args[labels_i];
  for (int k = 0; k < n; k++) {
    paths[k] = p.type == V_LIST ? p.as.list->items[k].as.t : p.as.t;
    labels[k] = NULL;
    if (l.type == V_STR && k == 0) labels[k] = l.as.str->data;
    if (l.type == V_LIST && k < l.as.list->n && l.as.list->items[k].type == V_STR)
      labels[k] = l.as.list->items[k].as.str->data;
    if (!labels[k]) {
      snprintf(names[k], sizeof names[k], _("optimizer path %d"), k + 1);
      labels[k] = names[k];
    }
  }
  double a, b;
  path1d_range(c, a_i, b_i, paths, n, &a, &b);
  path1d_draw(c, F, f, name, a, b, npts, paths, labels, n);
}

