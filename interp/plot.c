/* plot.c — the plot library: plot() builds a figure (figure.h) from nn
 * values — the notes' pictures: activation functions and their derivatives, loss curves,
 * optimizer paths over contours, decision regions, bar charts of gradient norms — and hand
 * it to a renderer: the terminal's (plot_text.h) or an SVG file (plot_svg.h).
 *
 * User functions are called with recording off; their errors propagate with their location.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autograd.h"
#include "decl.h"
#include "figure.h"
#include "graph.h"
#include "file.h"
#include "mem.h"
#include "path1d.h"
#include "metrics.h"
#include "plot.h"
#include "platform.h"
#include "plot_svg.h"
#include "plot_text.h"

enum {
  DEFAULT_W = 72, DEFAULT_H = 20,  /* characters, when the terminal's size is unknown */
  SVG_W = 640, SVG_H = 420,        /* pixels */
  SVG_PANEL_H = 280                /* pixels per panel of a picture with several */
};

/* ------------------------------------------------------------------ calling nn code */

/* f(args) for a function, model or layer (a model takes one argument). Owned result. */
static Value call_fn(UserFn *F, int n, Value *args) {
  if (F->fn.type == V_FUNC) return ev_call(F->I, F->fn, n, args, F->site);
  return nn_apply(F->I, F->fn, args[0], false, F->site);
}

/* The number in a function's result (a number or a one-element tensor); consumes r. */
double plot_num_of(Interp *I, const Node *site, Value r, const char *who) {
  double v;
  if (v_to_num(r, &v)) {
    v_release(r);
    return v;
  }
  ev_root(I, r);
  if (r.type == V_TENSOR) {
    char sh[96];
    ev_error(I, site, "%s must return a number, got a tensor of shape %s", who,
             t_shape_str(r.as.t->ndim, r.as.t->shape, sh, sizeof sh));
  }
  ev_error(I, site, "%s must return a number, got %s", who, v_type_name(r));
}

/* The contour's function at (x, y): f([x, y]) or f(x, y). */
static double eval_point(UserFn *F, double x, double y) {
  if (F->fn_arity == 2) {
    Value a[2] = {v_num(x), v_num(y)};
    return plot_num_of(F->I, F->site, call_fn(F, 2, a), _("plot: the function"));
  }
  int64_t two = 2;
  Tensor *p = t_new(1, &two);
  p->data[0] = (float)x;
  p->data[1] = (float)y;
  ev_root(F->I, v_tensor(p));
  Value a = v_tensor(p);
  Value r = call_fn(F, 1, &a);
  ev_unroot(F->I, 1);
  return plot_num_of(F->I, F->site, r, _("plot: the function"));
}

/* The predicted class of each output row: argmax, or > 0.5 for a single output. */
static int row_class(const float *row, int64_t k) {
  if (k == 1) return row[0] > 0.5f;
  int64_t best = 0;
  for (int64_t j = 1; j < k; j++)
    if (row[j] > row[best]) best = j;
  return (int)best;
}

/* Classify the n points (x[i], y[i]) with the model (inference mode), in one batch. */
static void classify(UserFn *U, Fig *F, int n, const double *x, const double *y, double *cls) {
  Interp *I = U->I;
  int64_t shape[2] = {n, 2};
  Tensor *X = t_new(2, shape);
  for (int k = 0; k < n; k++) {
    X->data[2 * k] = (float)x[k];
    X->data[2 * k + 1] = (float)y[k];
  }
  ev_root(I, v_tensor(X));
  Value a = v_tensor(X);
  Value out = call_fn(U, 1, &a);
  ev_root(I, out);
  if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->shape[0] != n) {
    char sh[96] = "";
    if (out.type != V_TENSOR)
      ev_error(I, U->site, "plot: the classifier must give one row of scores per point ([%d, 2] in, "
               "[%d, k] out), got %s", n, n, v_type_name(out));
    ev_error(I, U->site, "plot: the classifier must give one row of scores per point ([%d, 2] in, "
             "[%d, k] out), got a tensor of shape %s", n, n,
             t_shape_str(out.as.t->ndim, out.as.t->shape, sh, sizeof sh));
  }
  const Tensor *o = out.as.t;
  int64_t k = o->size / n;
  if (k >= 2 && k > F->n_classes) F->n_classes = (int)(k > 64 ? 64 : k);
  if (k == 1 && F->n_classes < 2) F->n_classes = 2;
  for (int r = 0; r < n; r++) cls[r] = row_class(o->data + r * k, k);
  ev_unroot(I, 2);
}

/* The figure's layer (FigLayerFn): f at each point, or the classes of a batch of points. */
static void user_fn_values(void *ctx, Fig *F, int n, const double *x, const double *y, double *out) {
  UserFn *U = ctx;
  if (F->layer == FL_REGIONS) {
    classify(U, F, n, x, y, out);
    return;
  }
  for (int i = 0; i < n; i++) out[i] = eval_point(U, x[i], y[i]);
}

/* Put f beneath F: a contour of f (arity as in UserFn) or a classifier's regions. U is the
   caller's, and must outlive the drawing. */
void plot_set_layer(Fig *F, UserFn *U, FigLayer layer, Value f, int arity) {
  F->layer = layer;
  F->layer_fn = user_fn_values;
  F->layer_ctx = U;
  U->fn = f;
  U->fn_arity = arity;
}

/* ------------------------------------------------------------------ output */

/* Write a file through a temporary in the same directory and a rename, so a reader never
   sees half a picture. Errors name the file. */
static void write_atomic(Interp *I, const Node *site, const char *path, const char *data, size_t len) {
  size_t n = strlen(path);
  char *tmp = rt_malloc(n + 8);
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".XXXXXX", 8);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    rt_free(tmp);
    ev_error(I, site, "plot: cannot write '%s': %s", path, rt_strerror(e));
  }
  mode_t um = umask(0);
  umask(um);
  fchmod(fd, 0666 & ~um);
  size_t done = 0;
  int e = 0;
  while (done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      e = errno;
      break;
    }
    done += (size_t)w;
  }
  if (close(fd) != 0 && !e) e = errno;
  if (!e && rename(tmp, path) != 0) e = errno;
  if (e) {
    unlink(tmp);
    rt_free(tmp);
    ev_error(I, site, "plot: cannot write '%s': %s", path, rt_strerror(e));
  }
  rt_free(tmp);
}

/* One line on stderr naming the file as nn wrote it: a script's relative path is
   resolved against the script's folder, so the name shown is the one to open from where
   nn was run. stderr, also in the REPL: a script's stdout stays its printed output. */
static void say_wrote(const char *path, int w, int h) {
  fprintf(pf_err(), _("wrote %s (%d×%d)\n"), path, w, h);
  fflush(pf_err());
}

/* The terminal's size, else COLUMNS/LINES, else 72 × 20. */
static void term_size(int *w, int *h) {
  int cols = 0, lines = 0;
  pf_term_size(&cols, &lines);
  const char *e;
  if (cols <= 0 && (e = getenv("COLUMNS"))) cols = atoi(e);
  if (lines <= 0 && (e = getenv("LINES"))) lines = atoi(e);
  *w = cols > 0 ? cols - 1 : DEFAULT_W;
  if (*w < 30) *w = 30;
  if (*w > 240) *w = 240;
  int cap = *w / 3 > 12 ? *w / 3 : 12;
  *h = lines > 0 ? lines - 5 : DEFAULT_H;
  if (*h > cap) *h = cap;
  if (*h < 8) *h = 8;
}

static bool want_color(void) {
  const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
  return pf_is_terminal(PF_OUT) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

PlotOut plot_arg_out(Call *c, int file_i, int width_i, int height_i) {
  PlotOut o = {0};
  if (c->args[file_i].type != V_NONE) {
    o.file = arg_str(c, file_i);
    o.file_i = file_i;
    size_t n = strlen(o.file);
    if (n < 5 || strcmp(o.file + n - 4, ".svg"))
      arg_error(c, file_i, "a file name ending in .svg (plots are written as SVG)");
  }
  long long lim_w = o.file ? 10000 : 1000, min_w = o.file ? 100 : 20;
  long long lim_h = o.file ? 10000 : 500, min_h = o.file ? 100 : 5;
  if (c->args[width_i].type != V_NONE) {
    long long w = arg_int(c, width_i);
    if (w < min_w || w > lim_w)
      arg_error(c, width_i, o.file ? N_("a width in pixels from 100 to 10000") : N_("a width in characters from 20 to 1000"));
    o.width = (int)w;
  }
  if (c->args[height_i].type != V_NONE) {
    long long h = arg_int(c, height_i);
    if (h < min_h || h > lim_h)
      arg_error(c, height_i, o.file ? N_("a height in pixels from 100 to 10000") : N_("a height in lines from 5 to 500"));
    o.height = (int)h;
  }
  return o;
}

/* Draw F to the terminal or to its file, through b (the caller frees it, also on unwind). */
void plot_show(Call *c, Fig *F, PlotOut o, StrBuf *b) {
  fig_autorange(F);
  int panels = 0;
  for (const Fig *p = F; p; p = p->next) panels++;
  int svg_h = panels > 1 ? SVG_PANEL_H * panels : SVG_H;
  if (o.file) {
    int w = o.width ? o.width : SVG_W, h = o.height ? o.height : svg_h;
    fig_svg(F, b, w, h);
    char buf[4096];
    const char *path = arg_path(c, o.file_i, buf, sizeof buf);
    write_atomic(c->I, c->node, path, b->s, b->len);
    say_wrote(path, w, h);
  } else if (pf_get()->show_svg) {
    /* A page or notebook shows the SVG itself, at its default size (without file =,
       width and height count characters, which an SVG has none of). */
    fig_svg(F, b, SVG_W, svg_h);
    pf_get()->show_svg(pf_get()->ctx, b->s, b->len);
  } else {
    int w, h;
    term_size(&w, &h);
    fig_text(F, b, o.width ? o.width : w, o.height ? o.height : h, want_color());
    fputs(b->s, pf_out());
    fflush(pf_out());
  }
}

/* ------------------------------------------------------------------ building figures */

bool plot_callable(Value v) { return v.type == V_FUNC || v.type == V_MODEL || v.type == V_LAYER; }

/* The label for series k: labels[k] (a list of strings, or one string for k = 0). */
static const char *label_at(Call *c, int li, int k) {
  Value l = c->args[li];
  if (l.type == V_STR) return k == 0 ? l.as.str->data : NULL;
  if (l.type == V_LIST && k < l.as.list->n) {
    Value v = l.as.list->items[k];
    if (v.type == V_STR) return v.as.str->data;
  }
  return NULL;
}

static void check_labels(Call *c, int li) {
  Value l = c->args[li];
  if (l.type == V_NONE || l.type == V_STR) return;
  if (l.type != V_LIST) arg_error(c, li, "a list of strings");
  for (int i = 0; i < l.as.list->n; i++)
    if (l.as.list->items[i].type != V_STR) arg_error(c, li, "a list of strings");
}

const char *plot_fn_name(Value f, char *buf, size_t n, int k) {
  const char *name = f.type == V_FUNC ? f.as.fn->name : f.type == V_MODEL ? f.as.model->name : NULL;
  if (f.type == V_LAYER) name = f.as.layer->kind;
  if (name && name[0] && name[0] != '<') return name;
  if (k < 0) return "f";
  snprintf(buf, n, "f%d", k + 1);
  return buf;
}

/* Does the expression index the name s (p[0], p[1]: the function takes a point)? */
static bool indexes(const Node *n, const Sym *s) {
  if (!n) return false;
  if (n->kind == N_INDEX && n->a && n->a->kind == N_NAME && n->a->sym == s) return true;
  if (indexes(n->a, s) || indexes(n->b, s) || indexes(n->c, s)) return true;
  for (int i = 0; i < n->n_kids; i++)
    if (indexes(n->kids[i], s)) return true;
  return false;
}

/* 2: f(x, y); 1: f(p) with p = [x, y] (it indexes its parameter); 0: f(x) of a number. */
static int point_arity(Value f) {
  if (f.type != V_FUNC) return 1;
  const Func *fn = f.as.fn;
  int required = 0;
  for (int i = 0; i < fn->params.n; i++) required += !fn->params.has_default[i];
  if (required >= 2) return 2;
  if (fn->def && fn->def->kind == N_FN && fn->params.n >= 1 && indexes(fn->def->a, fn->params.names[0]))
    return 1;
  return 0;
}

/* f over [a, b] at n points; errors in f surface with their location. */
static void add_curve(Call *c, Fig *F, Value f, double a, double b, int n, const char *label) {
  Interp *I = c->I;
  FigSeries *s = fig_add(F, FS_LINE, label, n, NULL, NULL, 0);
  for (int i = 0; i < n; i++) {
    rt_check_interrupt();
    s->x[i] = a + (b - a) * i / (n - 1);
    Value v = v_num(s->x[i]);
    Value r = f.type == V_FUNC ? ev_call(I, f, 1, &v, c->node) : nn_apply(I, f, v, false, c->node);
    char who[200];
    snprintf(who, sizeof who, "plot: %s", label);
    s->y[i] = plot_num_of(I, c->node, r, who);
  }
}

static void check_xy(Call *c, const Tensor *t, int arg) {
  if (t->ndim != 2 || t->shape[1] != 2) {
    char sh[96];
    ev_error(c->I, c->arg_nodes && c->arg_nodes[arg] ? c->arg_nodes[arg] : c->node,
             "plot: a path is a tensor of points [n, 2], got shape %s",
             t_shape_str(t->ndim, t->shape, sh, sizeof sh));
  }
}

void plot_add_path(Fig *F, const Tensor *t, int64_t off, int64_t n, const char *label, FigKind kind) {
  FigSeries *s = fig_add(F, kind, label, (int)n, NULL, NULL, 0);
  for (int64_t i = 0; i < n; i++) s->x[i] = t->data[off + 2 * i], s->y[i] = t->data[off + 2 * i + 1];
}

/* A tensor: 1-D → y over its index (or bars); [n, 2] → a path; [k, n] → k curves;
   [k, n, 2] → k paths. */
static void add_tensor(Call *c, Fig *F, const Tensor *t, int li, int k0, bool bars) {
  char buf[64];
  if (t->size > 10000000) ev_error(c->I, c->node, "plot: the tensor is too large to draw (%lld values)", (long long)t->size);
  if (bars && t->ndim != 1)
    ev_error(c->I, c->node, "plot: bars = true draws a 1-D tensor (one bar per value)");
  if (t->ndim == 0 || t->ndim == 1) {
    int64_t n = t->ndim ? t->shape[0] : 1;
    const char *l = bars ? "" : label_at(c, li, k0);
    FigSeries *s = fig_add(F, bars ? FS_BARS : FS_LINE, l, (int)n, NULL, NULL, 0);
    for (int64_t i = 0; i < n; i++) s->y[i] = t->data[i];
    F->x_whole = true;
  } else if (t->ndim == 2 && t->shape[1] == 2) {
    const char *l = label_at(c, li, k0);
    if (!l) snprintf(buf, sizeof buf, _("path %d"), k0 + 1), l = buf;
    plot_add_path(F, t, 0, t->shape[0], l, FS_PATH);
  } else if (t->ndim == 2) {
    for (int64_t r = 0; r < t->shape[0] && r < 64; r++) {
      int64_t n = t->shape[1];
      const char *l = label_at(c, li, k0 + (int)r);
      if (!l) snprintf(buf, sizeof buf, _("row %lld"), (long long)r), l = buf;
      FigSeries *s = fig_add(F, FS_LINE, l, (int)n, NULL, NULL, 0);
      for (int64_t i = 0; i < n; i++) s->y[i] = t->data[r * n + i];
    }
    F->x_whole = true;
  } else if (t->ndim == 3 && t->shape[2] == 2) {
    for (int64_t r = 0; r < t->shape[0] && r < 64; r++) {
      const char *l = label_at(c, li, k0 + (int)r);
      if (!l) snprintf(buf, sizeof buf, _("path %d"), k0 + (int)r + 1), l = buf;
      plot_add_path(F, t, r * t->shape[1] * 2, t->shape[1], l, FS_PATH);
    }
  } else {
    char sh[96];
    ev_error(c->I, c->node, "plot: cannot draw a tensor of shape %s (1-D values, [n, 2] points or [k, n] rows)",
             t_shape_str(t->ndim, t->shape, sh, sizeof sh));
  }
}

/* A corner [x, y] from a list or tensor of two numbers. */
static bool corner(Call *c, int i, double *x, double *y) {
  Value v = c->args[i];
  if (v.type == V_NONE) return false;
  if (v.type != V_LIST && v.type != V_TENSOR) arg_error(c, i, "a point [x, y]");
  Tensor *t = arg_tensor(c, i);
  if (t->size != 2) arg_error(c, i, "a point [x, y]");
  *x = t->data[0], *y = t->data[1];
  return true;
}

/* The range of a 2-D picture: the corners from/to, else around the series, else default. */
void plot_area(Call *c, Fig *F, int from_i, int to_i, double pad, double dflt) {
  double ax, ay, bx, by;
  bool has_a = corner(c, from_i, &ax, &ay), has_b = corner(c, to_i, &bx, &by);
  if (has_a != has_b) ev_error(c->I, c->node, "plot: give both corners of the area: from = [x0, y0], to = [x1, y1]");
  if (has_a) {
    if (!(bx > ax && by > ay))
      ev_error(c->I, c->node, "plot: the area from [%g, %g] to [%g, %g] is empty (to must be above and right of from)",
               ax, ay, bx, by);
    F->x0 = ax, F->x1 = bx, F->y0 = ay, F->y1 = by;
    return;
  }
  double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
  for (int k = 0; k < F->n_s; k++)
    for (int i = 0; i < F->s[k].n; i++) {
      double x = F->s[k].x[i], y = F->s[k].y[i];
      if (!isfinite(x) || !isfinite(y)) continue;
      xl = fmin(xl, x), xh = fmax(xh, x), yl = fmin(yl, y), yh = fmax(yh, y);
    }
  if (!isfinite(xl)) {
    F->x0 = F->y0 = -dflt, F->x1 = F->y1 = dflt;
    return;
  }
  double w = fmax(xh - xl, 1e-3), h = fmax(yh - yl, 1e-3);
  double m = fmax(w, h) * pad; /* the same margin both ways */
  F->x0 = xl - m, F->x1 = xh + m, F->y0 = yl - m, F->y1 = yh + m;
}

/* The paths argument: one [n, 2] tensor, a list of them, or a [k, n, 2] tensor. */
static void add_paths(Call *c, Fig *F, int pi, int li) {
  Value p = c->args[pi];
  if (p.type == V_NONE) return;
  if (p.type == V_TENSOR) {
    if (p.as.t->ndim == 2) check_xy(c, p.as.t, pi);
    else if (p.as.t->ndim != 3 || p.as.t->shape[2] != 2) check_xy(c, p.as.t, pi);
    add_tensor(c, F, p.as.t, li, 0, false);
    return;
  }
  if (p.type != V_LIST) arg_error(c, pi, "a path [n, 2] or a list of paths");
  for (int k = 0; k < p.as.list->n; k++) {
    Value v = p.as.list->items[k];
    if (v.type != V_TENSOR) arg_error(c, pi, "a list of paths (tensors [n, 2])");
    check_xy(c, v.as.t, pi);
    add_tensor(c, F, v.as.t, li, k, false);
  }
}

/* Class indices of a dataset's targets: y [N] of whole numbers, or one-hot rows [N, k]. */
static int *classes_of(Call *c, const Tensor *y, int64_t N, int *n_classes) {
  int *cls = rt_malloc(sizeof(int) * (size_t)N);
  int64_t k = y->ndim >= 2 ? y->size / N : 1;
  int mx = 0;
  for (int64_t i = 0; i < N; i++) {
    double v;
    if (k > 1) v = row_class(y->data + i * k, k);
    else v = y->data[i];
    if (v != floor(v) || v < 0 || v >= 64) {
      rt_free(cls);
      ev_error(c->I, c->node, "plot: data.y must hold class indices 0, 1, … (below 64), got %g at row %lld", v,
               (long long)i);
    }
    cls[i] = (int)v;
    if (cls[i] + 1 > mx) mx = cls[i] + 1;
  }
  *n_classes = mx < (int)k ? (int)k : mx;
  return cls;
}

/* A dataset's points, one series per class (style = the class). */
static void add_dataset(Call *c, Fig *F, Value d, int di, int li) {
  if (d.type != V_RECORD) arg_error(c, di, "a dataset {x, y}");
  Value *xv = record_get(d.as.rec, sym_intern(&c->I->syms, "x", 1));
  Value *yv_ = record_get(d.as.rec, sym_intern(&c->I->syms, "y", 1));
  bool x_ok = xv && (xv->type == V_TENSOR || xv->type == V_U8); /* images as bytes too */
  if (!x_ok || !yv_ || yv_->type != V_TENSOR) arg_error(c, di, "a dataset {x, y} of tensors");
  const Tensor *x = xv->type == V_U8 ? call_keep(c, to_tensor(c->I, *xv, "x")) : xv->as.t, *y = yv_->as.t;
  if (x->ndim != 2 || x->shape[1] != 2) {
    char sh[96];
    ev_error(c->I, c->node, "plot: the data's points must be [n, 2] (two features to draw), got x of shape %s",
             t_shape_str(x->ndim, x->shape, sh, sizeof sh));
  }
  int64_t N = x->shape[0];
  if (y->ndim < 1 || y->shape[0] != N)
    ev_error(c->I, c->node, "plot: the data has %lld points but y has a different number of rows", (long long)N);
  int nc;
  int *cls = classes_of(c, y, N, &nc);
  if (nc > F->n_classes) F->n_classes = nc;
  F->class_names = rt_calloc((size_t)nc, sizeof(char *));
  F->n_class_names = nc;
  for (int k = 0; k < nc; k++) {
    const char *l = label_at(c, li, k);
    if (l) F->class_names[k] = rt_strdup(l);
  }
  for (int k = 0; k < nc; k++) {
    int n = 0;
    for (int64_t i = 0; i < N; i++) n += cls[i] == k;
    char buf[32];
    FigSeries *s = fig_add(F, FS_POINTS, fig_class_name(F, k, buf, sizeof buf), n, NULL, NULL, 0);
    s->style = k;
    n = 0;
    for (int64_t i = 0; i < N; i++)
      if (cls[i] == k) s->x[n] = x->data[2 * i], s->y[n] = x->data[2 * i + 1], n++;
  }
  rt_free(cls);
}

/* The 1-D tensor h.<name> of a history, or NULL when it has none. */
static const Tensor *history_field(Call *c, Record *r, const char *name) {
  Value *v = record_get(r, sym_intern(&c->I->syms, name, strlen(name)));
  return v && v->type == V_TENSOR && v->as.t->ndim == 1 && v->as.t->size > 0 ? v->as.t : NULL;
}

/* One curve of a history, per epoch from 1. */
static void add_epochs(Fig *F, const Tensor *t, const char *label) {
  FigSeries *s = fig_add(F, FS_LINE, label, (int)t->size, NULL, NULL, 1);
  for (int64_t i = 0; i < t->size; i++) s->y[i] = t->data[i];
}

/* A training history (train's record): what it recorded, one panel each, epochs along x —
   loss (+ val_loss), then accuracy (+ val_accuracy) on [0, 1], then the learning rate
   when h.lr changed from epoch to epoch (a schedule); with patience, a marker at
   h.best_epoch (the epoch whose weights were kept). F's title is the first panel's. */
static void add_history(Call *c, Fig *F, Record *r, const Value *loss) {
  if (loss->type != V_TENSOR || loss->as.t->ndim != 1) arg_error(c, 0, "a history whose loss is a 1-D tensor");
  const char *l0 = label_at(c, 7, 0), *l1 = label_at(c, 7, 1);
  add_epochs(F, loss->as.t, l0 ? l0 : "loss");
  const Tensor *t = history_field(c, r, "val_loss");
  if (t) add_epochs(F, t, l1 ? l1 : "val_loss");
  if (!F->title) F->title = rt_strdup(_("loss per epoch"));
  Fig *last = F;
  if ((t = history_field(c, r, "accuracy"))) {
    last = fig_add_panel(F);
    add_epochs(last, t, "accuracy");
    const Tensor *v = history_field(c, r, "val_accuracy");
    if (v) add_epochs(last, v, "val_accuracy");
    bool unit = true; /* fractions: the axis from 0 to 1, as a teacher reads accuracy */
    for (int k = 0; k < last->n_s; k++)
      for (int i = 0; i < last->s[k].n; i++) unit = unit && last->s[k].y[i] >= 0 && last->s[k].y[i] <= 1;
    if (unit) last->y0 = 0, last->y1 = 1;
    last->title = rt_strdup(_("accuracy per epoch"));
  }
  if ((t = history_field(c, r, "lr"))) {
    bool varies = false;
    for (int64_t i = 1; i < t->size; i++) varies = varies || t->data[i] != t->data[0];
    if (varies) {
      last = fig_add_panel(F);
      add_epochs(last, t, "lr");
      last->title = rt_strdup(_("learning rate (lr) per epoch"));
    }
  }
  Value *best = record_get(r, sym_intern(&c->I->syms, "best_epoch", 10));
  double be;
  if (best && v_to_num(*best, &be) && isfinite(be)) {
    char buf[160];
    snprintf(buf, sizeof buf, _("best epoch %.0f: the weights kept (lowest val_loss)"), be);
    F->mark_label = rt_strdup(buf);
    for (Fig *p = F; p; p = p->next) p->mark_x = be;
  }
  for (Fig *p = F; p; p = p->next) {
    p->x_whole = true;
    p->xname = rt_strdup(_("epoch"));
  }
}

/* A confusion matrix (confusion(), metrics.c): its counts as a grid, named by class. */
static void add_confusion(Call *c, Fig *F, const Tensor *t) {
  int64_t k = t->shape[0];
  if (k > 64) ev_error(c->I, c->node, "plot: a confusion matrix of %lld classes is too large to draw (at most 64)",
                       (long long)k);
  F->n_classes = (int)k;
  F->mat = rt_malloc(sizeof(double) * (size_t)(k * k));
  for (int64_t i = 0; i < k * k; i++) F->mat[i] = t->data[i];
  F->class_names = rt_calloc((size_t)k, sizeof(char *));
  F->n_class_names = (int)k;
  for (int64_t i = 0; i < k; i++) F->class_names[i] = rt_strdup(t->table->rows[i]);
  if (!F->title) F->title = rt_strdup(_("confusion matrix"));
  F->xname = rt_strdup(_("prediction"));
  F->yname = rt_strdup(_("truth"));
}

/* plot(what, ...) — see the table entry. Arguments: 0 what, 1 from, 2 to, 3 file,
   4 width, 5 height, 6 title, 7 labels, 8 paths, 9 data, 10 bars, 11 log, 12 points.
   A function beneath the series is put in U. */
static void build_plot(Call *c, Fig *F, UserFn *U) {
  Interp *I = c->I;
  Value what = c->args[0];
  bool bars = arg_bool(c, 10);
  F->logy = arg_bool(c, 11);
  long long npts = arg_int(c, 12);
  if (npts < 2 || npts > 100000) arg_error(c, 12, "a number of points from 2 to 100000");
  check_labels(c, 7);
  if (c->args[6].type != V_NONE) F->title = rt_strdup(arg_str(c, 6));
  char buf[64];
  bool two_d = c->args[8].type != V_NONE || c->args[1].type == V_LIST ||
               (c->args[1].type == V_TENSOR && c->args[1].as.t->size == 2);

  if (c->args[9].type != V_NONE || what.type == V_MODEL || what.type == V_LAYER) {
    /* decision regions of a classifier, with its data points */
    if (!plot_callable(what)) arg_error(c, 0, "a model or function to classify the points of data = {x, y}");
    if (c->args[9].type != V_NONE) add_dataset(c, F, c->args[9], 9, 7);
    else if (c->args[1].type == V_NONE)
      ev_error(I, c->node, "plot: to draw a model's decision regions give its data (data = {x, y}) or an area "
                           "(from = [x0, y0], to = [x1, y1])");
    plot_area(c, F, 1, 2, 0.1, 1);
    plot_set_layer(F, U, FL_REGIONS, what, 0);
    if (F->n_classes < 2) F->n_classes = 2;
    if (!F->title) F->title = rt_strdup(plot_fn_name(what, buf, sizeof buf, -1));
    return;
  }
  if (what.type == V_RECORD) {
    Record *r = what.as.rec;
    Value *loss = record_get(r, sym_intern(&I->syms, "loss", 4));
    if (loss) {
      add_history(c, F, r, loss);
      return;
    }
    add_dataset(c, F, what, 0, 7);
    plot_area(c, F, 1, 2, 0.05, 1);
    if (!F->title) F->title = rt_strdup(_("data"));
    return;
  }
  if (what.type == V_FUNC && plot_paths_1d(c->args[8])) {
    /* a function of one number with optimizer paths on its curve (path1d.c) */
    plot_1d_paths(c, F, what, plot_fn_name(what, buf, sizeof buf, -1), 1, 2, 8, 7, (int)npts);
    return;
  }
  if (what.type == V_FUNC && point_arity(what) == 0 && c->args[8].type != V_NONE &&
      c->args[1].type == V_NUM)
    /* a curve's range (numbers from, to) with paths that are not 1-D: the paths are what
       is wrong, not from (which the contour branch would ask to be a point) */
    arg_error(c, 8, "paths of x values ([n] or [n, 1], as minimize(f, 2, ...) gives) on the "
                    "curve of a function of one number");
  if (what.type == V_FUNC && (two_d || point_arity(what) > 0)) {
    /* a contour of f over a 2-D area, with paths drawn over it */
    add_paths(c, F, 8, 7);
    plot_area(c, F, 1, 2, 0.15, 2);
    plot_set_layer(F, U, FL_CONTOUR, what, point_arity(what) == 2 ? 2 : 1);
    if (!F->title) F->title = rt_strdup(plot_fn_name(what, buf, sizeof buf, -1));
    return;
  }
  /* curves and tensors */
  double a = -5, b = 5;
  if (c->args[1].type != V_NONE) a = arg_num(c, 1);
  if (c->args[2].type != V_NONE) b = arg_num(c, 2);
  if (!(b > a) || !isfinite(a) || !isfinite(b))
    ev_error(I, c->node, "plot: the range from %g to %g is empty (to must be above from)", a, b);
  /* The curve is sampled in a float tensor: beyond FLT_MAX the x values become inf and
     the steps between them NaN. */
  if (fabs(a) > FLT_MAX || fabs(b) > FLT_MAX)
    ev_error(I, c->node, "plot: the range from %g to %g is too wide (tensors hold numbers up to %g)",
             a, b, (double)FLT_MAX);
  if (bars && what.type != V_TENSOR && what.type != V_LIST)
    arg_error(c, 0, "a 1-D tensor to draw as bars");
  if (what.type == V_LIST && !bars) {
    List *l = what.as.list;
    if (l->n == 0) arg_error(c, 0, "something to draw (the list is empty)");
    for (int k = 0; k < l->n; k++) {
      Value v = l->items[k];
      if (v.type == V_FUNC) {
        const char *lab = label_at(c, 7, k);
        add_curve(c, F, v, a, b, (int)npts, lab ? lab : plot_fn_name(v, buf, sizeof buf, k));
      } else if (is_tensorish(v) || v.type == V_LIST) {
        Tensor *t = call_keep(c, to_tensor(I, v, _("each item to plot")));
        add_tensor(c, F, t, 7, k, false);
      } else {
        ev_error(I, c->arg_nodes && c->arg_nodes[0] ? c->arg_nodes[0] : c->node,
                 "plot: item %d of the list is a %s (expected functions or tensors)", k, v_type_name(v));
      }
    }
    if (c->args[1].type != V_NONE || c->args[2].type != V_NONE) {
      bool fns = false;
      for (int k = 0; k < l->n; k++) fns = fns || l->items[k].type == V_FUNC;
      if (fns) F->x0 = a, F->x1 = b;
    }
    return;
  }
  if (what.type == V_FUNC) {
    const char *lab = label_at(c, 7, 0);
    add_curve(c, F, what, a, b, (int)npts, lab ? lab : plot_fn_name(what, buf, sizeof buf, -1));
    F->x0 = a, F->x1 = b;
    return;
  }
  if (what.type == V_TENSOR && what.as.t->table && what.as.t->table->kind == TABLE_CONFUSION) {
    add_confusion(c, F, what.as.t);
    return;
  }
  if (what.type == V_TENSOR && what.as.t->table)
    arg_error(c, 0, "a confusion matrix (a report is a table to print: plot(confusion(net, data)) draws the counts)");
  if (what.type == V_TENSOR || what.type == V_LIST || what.type == V_NUM) {
    Tensor *t = arg_tensor(c, 0);
    if (bars) {
      Value l = c->args[7];
      if (l.type == V_LIST) {
        F->bar_labels = rt_calloc((size_t)l.as.list->n + 1, sizeof(char *));
        F->n_bar_labels = l.as.list->n;
        for (int i = 0; i < l.as.list->n; i++) F->bar_labels[i] = rt_strdup(l.as.list->items[i].as.str->data);
      }
    }
    add_tensor(c, F, t, 7, 0, bars);
    return;
  }
  arg_error(c, 0, "a function, list of functions, tensor, training history or dataset");
}

static Value bi_plot(Call *c) {
  PlotOut o = plot_arg_out(c, 3, 4, 5);
  if (c->args[0].type == V_GRAPH) { /* graph.c draws it; written and announced as any plot */
    const Graph *g = c->args[0].as.graph;
    StrBuf b = {0};
    RtFrame fr;
    if (RT_TRY(&fr)) {
      if (o.file) {
        int w, h;
        graph_svg(&b, g, &w, &h);
        char buf[4096];
        const char *path = arg_path(c, o.file_i, buf, sizeof buf);
        write_atomic(c->I, c->node, path, b.s, b.len);
        say_wrote(path, w, h);
      } else if (pf_get()->show_svg) {
        int w, h;
        graph_svg(&b, g, &w, &h);
        pf_get()->show_svg(pf_get()->ctx, b.s, b.len);
      } else {
        graph_format(&b, g); /* the text tree, as printing the graph shows it */
        pf_printf("%s\n", b.s);
        fflush(pf_out());
      }
      rt_pop(&fr);
    } else {
      rt_pop(&fr);
      sb_free(&b);
      rt_rethrow();
    }
    sb_free(&b);
    return v_none();
  }
  Fig *F = fig_new();
  UserFn u = {.I = c->I, .site = c->node, .fn = v_none()};
  StrBuf b = {0};
  bool rec = ad_set_recording(false);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    build_plot(c, F, &u);
    plot_show(c, F, o, &b);
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
  return v_none();
}

/* ------------------------------------------------------------------ registration */

static const Builtin plot_builtins[] = {
    {"plot",
     "plot(what, from = none, to = none, file = none, width = none, height = none, title = none, "
     "labels = none, paths = none, data = none, bars = false, log = false, points = 200)",
     bi_plot,
     N_("draw functions over [from, to], a tensor, a training history (loss and accuracy per epoch, "
        "lr when it varied), a confusion matrix, a contour of f(p) with paths = [...] over the area "
        "from = [x0, y0] to = [x1, y1], or a model's decision regions with data = {x, y}; in the "
        "terminal, or as SVG with file = \"x.svg\"")},
    {NULL, NULL, NULL, NULL},
};

void plot_register(Interp *I) { builtins_register_table(I, plot_builtins); }
