/* plot.c — plot() and compare(): the notes' pictures (activation functions and their
 * derivatives, loss curves, optimizer paths over contours, decision regions, bar charts
 * of gradient norms) as a braille canvas in the terminal or as a standalone SVG file.
 *
 * The builtins turn values into a Fig (plot.h); fig_text and fig_svg draw one. User
 * functions are called with recording off; their errors propagate with their location.
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
#include "mem.h"
#include "plot.h"
#include "platform.h"

enum {
  MAX_TICKS = 32,
  MAX_STYLES = 8,
  DEFAULT_W = 72, DEFAULT_H = 20,  /* characters, when the terminal's size is unknown */
  SVG_W = 640, SVG_H = 420,        /* pixels */
  BATCH = 4096                     /* grid points per call of a classifier */
};

static const int ANSI[MAX_STYLES] = {34, 31, 32, 35, 33, 36, 94, 91};
static const char *const SVG_COLOR[MAX_STYLES] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                  "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
static const char *const SVG_LIGHT[MAX_STYLES] = {"#c6dbef", "#fcbba1", "#c7e9c0", "#dadaeb",
                                                  "#fdd0a2", "#c7eae5", "#d9c3b0", "#f7cfe8"};
/* Class regions in the terminal: class k is shaded SHADES[k % 4]. */
static const char *const SHADES[4] = {" ", "░", "▒", "▓"};
static const char *const EIGHTHS[9] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

/* ------------------------------------------------------------------ ticks and numbers */

/* "Nice" ticks (1, 2 or 5 × 10^k apart) inside [lo, hi], about `target` of them. */
static int nice_ticks(double lo, double hi, int target, bool whole, double *out, double *step_out) {
  double raw = (hi - lo) / (target < 1 ? 1 : target);
  double mag = pow(10, floor(log10(raw)));
  double m = raw / mag;
  double step = (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * mag;
  if (whole && step < 1) step = 1;
  double first = ceil(lo / step - 1e-9);
  int n = 0;
  for (int k = 0; n < MAX_TICKS; k++) {
    double t = (first + k) * step;
    if (t > hi + step * 1e-9) break;
    out[n++] = fabs(t) < step * 1e-9 ? 0 : t;
  }
  *step_out = step;
  return n;
}

/* ------------------------------------------------------------------ figures */

static void free_strs(char **s, int n) {
  for (int i = 0; s && i < n; i++) rt_free(s[i]);
  rt_free(s);
}

Fig *fig_new(Interp *I, const Node *site) {
  Fig *F = rt_calloc(1, sizeof *F);
  F->I = I;
  F->site = site;
  F->x0 = F->x1 = F->y0 = F->y1 = NAN;
  F->fn = v_none();
  return F;
}

void fig_free(Fig *F) {
  if (!F) return;
  for (int i = 0; i < F->n_s; i++) {
    rt_free(F->s[i].label);
    rt_free(F->s[i].x);
    rt_free(F->s[i].y);
  }
  rt_free(F->s);
  free_strs(F->bar_labels, F->n_bar_labels);
  free_strs(F->class_names, F->n_class_names);
  rt_free(F->title);
  rt_free(F->grid);
  rt_free(F->canvas);
  rt_free(F);
}

FigSeries *fig_add(Fig *F, FigKind kind, const char *label, int n, const double *x,
                   const double *y, double x_start) {
  if (F->n_s == F->cap_s) {
    int cap = F->cap_s ? F->cap_s * 2 : 4;
    F->s = rt_realloc(F->s, sizeof *F->s * (size_t)cap);
    F->cap_s = cap;
  }
  FigSeries *s = &F->s[F->n_s];
  memset(s, 0, sizeof *s);
  F->n_s++; /* counted before allocating, so fig_free finds whatever was allocated */
  s->kind = kind;
  s->style = F->n_s - 1;
  s->label = rt_strdup(label ? label : "");
  s->x = rt_malloc(sizeof(double) * (size_t)(n ? n : 1));
  s->y = rt_malloc(sizeof(double) * (size_t)(n ? n : 1));
  s->n = n;
  for (int i = 0; i < n; i++) {
    s->x[i] = x ? x[i] : x_start + i;
    s->y[i] = y ? y[i] : 0;
  }
  return s;
}

/* y as drawn: log10 on a log scale (non-positive values are gaps). */
static double yv(const Fig *F, double y) {
  if (!F->logy) return y;
  return y > 0 ? log10(y) : NAN;
}

static void widen(double *lo, double *hi) {
  if (!isfinite(*lo) || !isfinite(*hi)) *lo = 0, *hi = 1;
  if (*hi - *lo <= 1e-12 * fmax(fabs(*lo), fabs(*hi))) {
    double d = *lo == 0 ? 1 : fabs(*lo) * 0.1;
    *lo -= d;
    *hi += d;
  }
}

void fig_autorange(Fig *F) {
  double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
  bool bars = false;
  for (int k = 0; k < F->n_s; k++) {
    const FigSeries *s = &F->s[k];
    bars = bars || s->kind == FS_BARS;
    for (int i = 0; i < s->n; i++) {
      double x = s->x[i], y = yv(F, s->y[i]);
      if (!isfinite(x) || !isfinite(y)) continue;
      xl = fmin(xl, x), xh = fmax(xh, x);
      yl = fmin(yl, y), yh = fmax(yh, y);
    }
  }
  if (bars) {
    xl -= 0.5, xh += 0.5;
    if (!F->logy && isfinite(yl)) yl = fmin(yl, 0), yh = fmax(yh, 0);
  }
  if (isnan(F->x0)) F->x0 = xl, F->x1 = xh;
  widen(&F->x0, &F->x1);
  if (isnan(F->y0)) {
    /* out to the next ticks, so the axis is labelled at both ends (sigmoid: 0 to 1) */
    widen(&yl, &yh);
    double t[MAX_TICKS], step;
    nice_ticks(yl, yh, 5, F->logy, t, &step);
    /* (tensors hold floats: 1e-4 is 9.9999997e-05, which must not round down a decade) */
    F->y0 = floor(yl / step + 1e-6) * step;
    F->y1 = ceil(yh / step - 1e-6) * step;
    if (bars && F->logy && yl - F->y0 < 0.5 * step) F->y0 -= step; /* the smallest bar shows */
  }
  widen(&F->y0, &F->y1);
}

/* ------------------------------------------------------------------ labels */

/* A tick label: as many decimals as the step needs ("0.25" no, "0.2"; "1e-05" on a log
   scale); deterministic so that golden files can hold plots. */
static void fmt_tick(char *buf, size_t n, double v, double step, bool logy) {
  if (logy) {
    snprintf(buf, n, "%.3g", pow(10, v));
    return;
  }
  double a = fabs(v);
  if (v == 0 || (a >= 1e-4 && a < 1e6 && step >= 1e-4)) {
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, n, "%.*f", dec, v == 0 ? 0.0 : v);
  } else {
    snprintf(buf, n, "%.3g", v);
  }
}

/* Display columns of a UTF-8 string (one per code point). */
static int cols_of(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static void spaces(StrBuf *b, int n) {
  for (int i = 0; i < n; i++) sb_putc(b, ' ');
}

static const char *class_name(const Fig *F, int k, char *buf, size_t n) {
  if (k < F->n_class_names && F->class_names[k]) return F->class_names[k];
  snprintf(buf, n, "class %d", k);
  return buf;
}

/* ------------------------------------------------------------------ calling nn code */

/* f(args) for a function, model or layer (a model takes one argument). Owned result. */
static Value call_fn(Fig *F, int n, Value *args) {
  if (F->fn.type == V_FUNC) return ev_call(F->I, F->fn, n, args, F->site);
  return nn_apply(F->I, F->fn, args[0], false, F->site);
}

/* The number in a function's result (a number or a one-element tensor); consumes r. */
static double num_of(Interp *I, const Node *site, Value r, const char *who) {
  if (r.type == V_NUM || r.type == V_BOOL) return r.as.num;
  if (r.type == V_TENSOR && r.as.t->size == 1) {
    double v = r.as.t->data[0];
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
static double eval_point(Fig *F, double x, double y) {
  if (F->fn_arity == 2) {
    Value a[2] = {v_num(x), v_num(y)};
    return num_of(F->I, F->site, call_fn(F, 2, a), "plot: the function");
  }
  int64_t two = 2;
  Tensor *p = t_new(1, &two);
  p->data[0] = (float)x;
  p->data[1] = (float)y;
  ev_root(F->I, v_tensor(p));
  Value a = v_tensor(p);
  Value r = call_fn(F, 1, &a);
  ev_unroot(F->I, 1);
  return num_of(F->I, F->site, r, "plot: the function");
}

static double gx(const Fig *F, int i) { return F->x0 + (F->x1 - F->x0) * i / (F->gnx - 1); }
static double gy(const Fig *F, int j) { return F->y1 - (F->y1 - F->y0) * j / (F->gny - 1); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* |x| rounded to 1, 2 or 5 × 10^k (the nearest on a log scale), sign kept. */
static double round125(double x) {
  double a = fabs(x), k = floor(log10(a)), m = a / pow(10, k);
  double r = m < sqrt(2) ? 1 : m < sqrt(10) ? 2 : m < sqrt(50) ? 5 : 10;
  return copysign(r * pow(10, k), x);
}

/* Contour levels. In a valley (most of the area close to the minimum, like Rosenbrock's)
   quantiles of f over the area (2% … 90%), rounded to 1, 2 or 5 × 10^k: bands of similar
   area, spaced about logarithmically. Otherwise (a bowl, a saddle) evenly spaced nice values. */
static void choose_levels(Fig *F, bool fine) {
  int n = 0, total = F->gnx * F->gny;
  double *v = rt_malloc(sizeof(double) * (size_t)total);
  for (int i = 0; i < total; i++)
    if (isfinite(F->grid[i])) v[n++] = F->grid[i];
  F->n_levels = 0;
  if (n < 2) {
    rt_free(v);
    return;
  }
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  /* fewer in the terminal, whose lines are a character wide */
  static const double at_fine[9] = {0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9};
  static const double at_coarse[5] = {0.03, 0.1, 0.25, 0.5, 0.8};
  const double *at = fine ? at_fine : at_coarse;
  int nq = fine ? 9 : 5;
  double lo = v[0], hi = v[n - 1], median = v[n / 2], q[9];
  for (int i = 0; i < nq; i++) q[i] = v[(size_t)(n * at[i])];
  rt_free(v);
  if (!(hi > lo)) return;
  if ((median - lo) / (hi - lo) > 0.25) { /* no valley: evenly spaced levels */
    double t[MAX_TICKS], step;
    int nt = nice_ticks(lo, hi, fine ? 8 : 5, false, t, &step);
    for (int i = 0; i < nt; i++)
      if (t[i] > lo && t[i] < hi) F->levels[F->n_levels++] = t[i];
    return;
  }
  for (int i = 0; i < nq; i++) {
    if (q[i] == 0) continue;
    double l = round125(q[i]);
    if (l > lo && l < hi && (F->n_levels == 0 || l > F->levels[F->n_levels - 1])) F->levels[F->n_levels++] = l;
  }
}

/* The band of a value: how many levels lie at or below it. */
static int band(const Fig *F, double v) {
  int b = 0;
  while (b < F->n_levels && F->levels[b] <= v) b++;
  return b;
}

static void sample_contour(Fig *F, int nx, int ny, bool fine) {
  rt_free(F->grid);
  F->grid = NULL;
  F->grid = rt_malloc(sizeof(double) * (size_t)nx * (size_t)ny);
  F->gnx = nx, F->gny = ny;
  for (int j = 0; j < ny; j++) {
    rt_check_interrupt();
    for (int i = 0; i < nx; i++) F->grid[j * nx + i] = eval_point(F, gx(F, i), gy(F, j));
  }
  choose_levels(F, fine);
}

/* The predicted class of each output row: argmax, or > 0.5 for a single output. */
static int row_class(const float *row, int64_t k) {
  if (k == 1) return row[0] > 0.5f;
  int64_t best = 0;
  for (int64_t j = 1; j < k; j++)
    if (row[j] > row[best]) best = j;
  return (int)best;
}

/* Classify every grid node with the model (inference mode), in batches. */
static void sample_regions(Fig *F, int nx, int ny) {
  Interp *I = F->I;
  rt_free(F->grid);
  F->grid = NULL;
  F->grid = rt_malloc(sizeof(double) * (size_t)nx * (size_t)ny);
  F->gnx = nx, F->gny = ny;
  int total = nx * ny;
  for (int at = 0; at < total; at += BATCH) {
    rt_check_interrupt();
    int n = total - at < BATCH ? total - at : BATCH;
    int64_t shape[2] = {n, 2};
    Tensor *X = t_new(2, shape);
    for (int k = 0; k < n; k++) {
      X->data[2 * k] = (float)gx(F, (at + k) % nx);
      X->data[2 * k + 1] = (float)gy(F, (at + k) / nx);
    }
    ev_root(I, v_tensor(X));
    Value a = v_tensor(X);
    Value out = call_fn(F, 1, &a);
    ev_root(I, out);
    if (out.type != V_TENSOR || out.as.t->ndim < 1 || out.as.t->shape[0] != n) {
      char sh[96] = "";
      if (out.type == V_TENSOR) t_shape_str(out.as.t->ndim, out.as.t->shape, sh, sizeof sh);
      ev_error(I, F->site,
               "plot: the classifier must give one row of scores per point ([%d, 2] in, [%d, k] "
               "out), got %s%s", n, n, out.type == V_TENSOR ? "a tensor of shape " : "",
               out.type == V_TENSOR ? sh : v_type_name(out));
    }
    const Tensor *o = out.as.t;
    int64_t k = o->size / n;
    if (k >= 2 && k > F->n_classes) F->n_classes = (int)(k > 64 ? 64 : k);
    if (k == 1 && F->n_classes < 2) F->n_classes = 2;
    for (int r = 0; r < n; r++) F->grid[at + r] = row_class(o->data + r * k, k);
    ev_unroot(I, 2);
  }
}

/* The grid resampled to nx × ny nodes, bilinearly (non-finite where a corner is). */
static void upsample(Fig *F, int nx, int ny) {
  int mx = F->gnx, my = F->gny;
  double *g = rt_malloc(sizeof(double) * (size_t)nx * (size_t)ny);
  for (int j = 0; j < ny; j++) {
    double fy = (double)j * (my - 1) / (ny - 1);
    int j0 = (int)fy < my - 1 ? (int)fy : my - 2;
    double ty = fy - j0;
    for (int i = 0; i < nx; i++) {
      double fx = (double)i * (mx - 1) / (nx - 1);
      int i0 = (int)fx < mx - 1 ? (int)fx : mx - 2;
      double tx = fx - i0;
      const double *r0 = F->grid + j0 * mx + i0, *r1 = r0 + mx;
      g[j * nx + i] = (1 - ty) * ((1 - tx) * r0[0] + tx * r0[1]) + ty * ((1 - tx) * r1[0] + tx * r1[1]);
    }
  }
  rt_free(F->grid);
  F->grid = g;
  F->gnx = nx, F->gny = ny;
}

/* A contour needs one call of f per node: past MAX_CALLS nodes (a large terminal), f is
   sampled on a coarser grid and interpolated, so that drawing stays fast. */
enum { MAX_CALLS = 16000 };

static void sample_layer(Fig *F, int nx, int ny, bool fine) {
  if (F->layer == FL_CONTOUR && (double)nx * ny > MAX_CALLS) {
    double k = sqrt((double)MAX_CALLS / ((double)nx * ny));
    int cx = (int)(nx * k), cy = (int)(ny * k);
    sample_contour(F, cx < 2 ? 2 : cx, cy < 2 ? 2 : cy, fine);
    upsample(F, nx, ny);
  } else if (F->layer == FL_CONTOUR) sample_contour(F, nx, ny, fine);
  else if (F->layer == FL_REGIONS) sample_regions(F, nx, ny);
}

/* ------------------------------------------------------------------ the text canvas */

typedef struct Cell {
  uint8_t dots;        /* braille dots, bit per dot */
  int8_t dot_color;    /* palette index; -1 plain, -2 grey */
  int8_t ch_color;
  int8_t shade_color;
  const char *ch;      /* a marker or a bar block, drawn instead of the dots */
  const char *shade;   /* the layer beneath, drawn where nothing else is */
} Cell;

typedef struct Canvas {
  Fig *F;
  int cols, rows; /* cells */
  int dw, dh;     /* dots: 2 per column, 4 per row */
  Cell *c;
} Canvas;

/* Dot coordinates of a point (continuous; dot (0, 0) is the top left). */
static double dx_of(const Canvas *cv, double x) {
  const Fig *F = cv->F;
  return (x - F->x0) / (F->x1 - F->x0) * (cv->dw - 1);
}
static double dy_of(const Canvas *cv, double y) {
  const Fig *F = cv->F;
  return (F->y1 - yv(F, y)) / (F->y1 - F->y0) * (cv->dh - 1);
}
static double dy_raw(const Canvas *cv, double t) { /* t already in axis units */
  const Fig *F = cv->F;
  return (F->y1 - t) / (F->y1 - F->y0) * (cv->dh - 1);
}

static Cell *cell_at_dot(Canvas *cv, int dx, int dy) {
  if (dx < 0 || dy < 0 || dx >= cv->dw || dy >= cv->dh) return NULL;
  return &cv->c[(dy / 4) * cv->cols + dx / 2];
}

static void dot(Canvas *cv, int dx, int dy, int color) {
  static const uint8_t bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
  Cell *c = cell_at_dot(cv, dx, dy);
  if (!c) return;
  c->dots |= bit[dy % 4][dx % 2];
  c->dot_color = (int8_t)color;
}

static void mark(Canvas *cv, int dx, int dy, const char *ch, int color) {
  Cell *c = cell_at_dot(cv, dx, dy);
  if (!c) return;
  c->ch = ch;
  c->ch_color = (int8_t)color;
}

/* Clip the segment a–b to [x0, x1] × [y0, y1] (Liang–Barsky); false when outside. */
static bool clip(double *ax, double *ay, double *bx, double *by, double x0, double x1,
                 double y0, double y1) {
  double t0 = 0, t1 = 1, dx = *bx - *ax, dy = *by - *ay;
  double p[4] = {-dx, dx, -dy, dy}, q[4] = {*ax - x0, x1 - *ax, *ay - y0, y1 - *ay};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    double r = q[i] / p[i];
    if (p[i] < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
  }
  double ax0 = *ax, ay0 = *ay;
  *ax = ax0 + t0 * dx, *ay = ay0 + t0 * dy;
  *bx = ax0 + t1 * dx, *by = ay0 + t1 * dy;
  return true;
}

/* A line of dots (ch == NULL) or of marker cells from a to b, in dot coordinates. */
static void seg(Canvas *cv, double ax, double ay, double bx, double by, const char *ch, int color) {
  if (!clip(&ax, &ay, &bx, &by, -0.5, cv->dw - 0.5, -0.5, cv->dh - 0.5)) return;
  int n = (int)ceil(fmax(fabs(bx - ax), fabs(by - ay)));
  for (int k = 0; k <= n; k++) {
    double t = n ? (double)k / n : 0;
    int x = (int)floor(ax + t * (bx - ax) + 0.5), y = (int)floor(ay + t * (by - ay) + 0.5);
    if (ch) mark(cv, x, y, ch, color);
    else dot(cv, x, y, color);
  }
}

static const char *marker_str(int style) {
  static const char *const m[MAX_STYLES] = {"o", "x", "+", "*", "#", "@", "%", "&"};
  return m[style % MAX_STYLES];
}

static void draw_series_text(Canvas *cv, const FigSeries *s, int n_lines, int line_index) {
  int color = s->style % MAX_STYLES;
  const char *mk = marker_str(s->style);
  switch (s->kind) {
  case FS_LINE:
  case FS_PATH: {
    bool have = false;
    double px = 0, py = 0;
    for (int i = 0; i < s->n; i++) {
      double x = s->x[i], y = yv(cv->F, s->y[i]);
      if (!isfinite(x) || !isfinite(y)) {
        have = false;
        continue;
      }
      double dx = dx_of(cv, x), dy = dy_of(cv, s->y[i]);
      bool lone = !have && (i + 1 >= s->n || !isfinite(s->x[i + 1]) || !isfinite(yv(cv->F, s->y[i + 1])));
      if (have) seg(cv, px, py, dx, dy, s->kind == FS_PATH ? mk : NULL, color);
      else if (lone || s->kind == FS_PATH) seg(cv, dx, dy, dx, dy, s->kind == FS_PATH ? mk : NULL, color);
      px = dx, py = dy, have = true;
    }
    /* Several curves: the legend's marker at a few places along each. */
    if (s->kind == FS_LINE && n_lines > 1 && s->n > 0) {
      int m = cv->cols / 16 < 2 ? 2 : cv->cols / 16;
      for (int j = 0; j < m; j++) {
        double col = (j + (line_index + 1.0) / (n_lines + 1)) * cv->cols / m;
        double x = cv->F->x0 + (2 * col) / (cv->dw - 1) * (cv->F->x1 - cv->F->x0);
        int best = 0;
        for (int i = 1; i < s->n; i++)
          if (fabs(s->x[i] - x) < fabs(s->x[best] - x)) best = i;
        double y = yv(cv->F, s->y[best]);
        if (!isfinite(y) || y < cv->F->y0 || y > cv->F->y1) continue;
        int dx = (int)floor(dx_of(cv, s->x[best]) + 0.5), dy = (int)floor(dy_of(cv, s->y[best]) + 0.5);
        Cell *c = cell_at_dot(cv, dx, dy);
        if (c && !c->ch) mark(cv, dx, dy, mk, color);
      }
    }
    break;
  }
  case FS_POINTS:
    for (int i = 0; i < s->n; i++) {
      if (!isfinite(s->x[i]) || !isfinite(yv(cv->F, s->y[i]))) continue;
      mark(cv, (int)floor(dx_of(cv, s->x[i]) + 0.5), (int)floor(dy_of(cv, s->y[i]) + 0.5), mk, color);
    }
    break;
  case FS_BARS: {
    const Fig *F = cv->F;
    double base = F->logy ? F->y0 : fmin(fmax(0, F->y0), F->y1);
    double e0 = floor((base - F->y0) / (F->y1 - F->y0) * cv->rows + 0.5) * 8; /* eighths */
    double slot = (double)cv->cols / s->n;
    int bw = slot >= 3 ? (int)(slot * 0.7) : slot >= 2 ? (int)slot - 1 : 1;
    for (int i = 0; i < s->n; i++) {
      double y = yv(F, s->y[i]);
      if (!isfinite(y)) continue;
      double e1 = floor((fmin(fmax(y, F->y0), F->y1) - F->y0) / (F->y1 - F->y0) * cv->rows * 8 + 0.5);
      int c0 = (int)floor(i * slot + (slot - bw) / 2);
      for (int rb = 0; rb < cv->rows; rb++) {
        const char *ch = NULL;
        double lo = rb * 8.0;
        if (e1 >= e0) {
          if (lo >= e0) {
            double amt = fmin(fmax(e1 - lo, 0), 8);
            if (amt >= 1) ch = EIGHTHS[(int)amt];
          }
        } else if (lo < e0) {
          double amt = fmin(fmax(lo + 8 - e1, 0), 8);
          ch = amt >= 6 ? "█" : amt >= 3 ? "▀" : amt >= 1 ? "▔" : NULL;
        }
        if (!ch) continue;
        for (int cc = c0; cc < c0 + bw && cc < cv->cols; cc++) {
          Cell *c = &cv->c[(cv->rows - 1 - rb) * cv->cols + (cc < 0 ? 0 : cc)];
          c->ch = ch;
          c->ch_color = (int8_t)color;
        }
      }
    }
    break;
  }
  }
}

/* The layer, sampled at every dot: contour lines (dots where the band changes) or class
   regions (shaded cells, dots along the boundary). */
static void draw_layer_text(Canvas *cv) {
  Fig *F = cv->F;
  int nx = F->gnx, ny = F->gny;
  const double *g = F->grid;
  if (F->layer == FL_CONTOUR) {
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        double v = g[j * nx + i];
        if (!isfinite(v)) continue;
        int b = band(F, v);
        bool edge = (i + 1 < nx && isfinite(g[j * nx + i + 1]) && band(F, g[j * nx + i + 1]) != b) ||
                    (j + 1 < ny && isfinite(g[(j + 1) * nx + i]) && band(F, g[(j + 1) * nx + i]) != b);
        if (edge) dot(cv, i, j, -2);
      }
  } else if (F->layer == FL_REGIONS) {
    for (int r = 0; r < cv->rows; r++)
      for (int c = 0; c < cv->cols; c++) {
        int count[MAX_STYLES] = {0}, best = (int)g[(4 * r) * nx + 2 * c];
        for (int j = 4 * r; j < 4 * r + 4; j++)
          for (int i = 2 * c; i < 2 * c + 2; i++) {
            int k = (int)g[j * nx + i];
            if (k < MAX_STYLES && ++count[k] > count[best < MAX_STYLES ? best : 0]) best = k;
          }
        Cell *cell = &cv->c[r * cv->cols + c];
        cell->shade = SHADES[best % 4];
        cell->shade_color = (int8_t)(best % MAX_STYLES);
      }
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        double k = g[j * nx + i];
        if ((i + 1 < nx && g[j * nx + i + 1] != k) || (j + 1 < ny && g[(j + 1) * nx + i] != k))
          dot(cv, i, j, -1);
      }
  }
}

/* Colour switching: emit an SGR sequence only when the colour changes. */
static void set_color(StrBuf *b, bool on, int *cur, int color) {
  if (!on || *cur == color) return;
  if (color == -1) sb_puts(b, "\033[0m");
  else if (color == -2) sb_puts(b, "\033[90m");
  else sb_printf(b, "\033[%dm", ANSI[color % MAX_STYLES]);
  *cur = color;
}

static void end_line(StrBuf *b, bool color, int *cur, size_t start) {
  while (b->len > start && b->s[b->len - 1] == ' ') b->len--;
  set_color(b, color, cur, -1);
  sb_putc(b, '\n');
}

/* One legend item: its symbol then its name. */
typedef struct Item {
  const char *sym;
  int color;
  const char *shade; /* regions: the class's shading, shown after the marker */
  char name[160];
} Item;

static int legend_items(Fig *F, Item *it, int max) {
  int n = 0;
  if (F->layer == FL_REGIONS) {
    for (int k = 0; k < F->n_classes && n < max; k++, n++) {
      char buf[32];
      it[n] = (Item){.sym = marker_str(k), .color = k % MAX_STYLES, .shade = SHADES[k % 4]};
      snprintf(it[n].name, sizeof it[n].name, "%s", class_name(F, k, buf, sizeof buf));
    }
    return n;
  }
  int labelled = 0;
  for (int k = 0; k < F->n_s; k++) labelled += F->s[k].label[0] != 0;
  if (labelled < 2 && F->layer == FL_NONE) return 0; /* one series: its name is the title */
  for (int k = 0; k < F->n_s && n < max; k++) {
    const FigSeries *s = &F->s[k];
    if (!s->label[0] || s->kind == FS_BARS) continue;
    it[n] = (Item){.sym = marker_str(s->style), .color = s->style % MAX_STYLES};
    snprintf(it[n].name, sizeof it[n].name, "%s", s->label);
    n++;
  }
  return n;
}

/* Contour levels as text: "0.3, 1, 3, 10". */
static void levels_text(const Fig *F, StrBuf *b) {
  for (int i = 0; i < F->n_levels; i++) sb_printf(b, "%s%.3g", i ? ", " : "", F->levels[i]);
}

void fig_text(Fig *F, StrBuf *b, int width, int height, bool color) {
  bool bars = F->n_s > 0 && F->s[0].kind == FS_BARS;
  int rows = height - 2;
  /* y ticks first: their labels set the left margin. */
  double yt[MAX_TICKS], ystep;
  int nyt = nice_ticks(F->y0, F->y1, rows / 3 < 2 ? 2 : rows / 3, false, yt, &ystep);
  if (F->logy && F->y1 - F->y0 >= 2) nyt = nice_ticks(F->y0, F->y1, rows / 3 < 2 ? 2 : rows / 3, true, yt, &ystep);
  char ylab[MAX_TICKS][32];
  int lw = 1;
  for (int i = 0; i < nyt; i++) {
    fmt_tick(ylab[i], sizeof ylab[i], yt[i], ystep, F->logy);
    int w = (int)strlen(ylab[i]);
    if (w > lw) lw = w;
  }
  int cols = width - lw - 2;
  if (cols < 8) cols = 8;
  Canvas cv = {.F = F, .cols = cols, .rows = rows, .dw = 2 * cols, .dh = 4 * rows};
  sample_layer(F, cv.dw, cv.dh, false);
  rt_free(F->canvas);
  F->canvas = NULL;
  F->canvas = cv.c = rt_calloc((size_t)cols * (size_t)rows, sizeof(Cell));
  draw_layer_text(&cv);
  int n_lines = 0;
  for (int k = 0; k < F->n_s; k++) n_lines += F->s[k].kind == FS_LINE;
  for (int k = 0, li = 0; k < F->n_s; k++) {
    draw_series_text(&cv, &F->s[k], n_lines, li);
    li += F->s[k].kind == FS_LINE;
  }

  int cur = -1;
  size_t start;
  /* Title, centred over the canvas. */
  const char *title = F->title;
  if (!title && F->n_s == 1 && F->layer == FL_NONE && F->s[0].label[0]) title = F->s[0].label;
  if (title) {
    start = b->len;
    int pad = lw + 2 + (cols - cols_of(title)) / 2;
    spaces(b, pad < 0 ? 0 : pad);
    sb_puts(b, title);
    end_line(b, color, &cur, start);
  }
  /* The canvas with the y axis. */
  int tick_row[MAX_TICKS];
  for (int i = 0; i < nyt; i++) tick_row[i] = (int)floor(dy_raw(&cv, yt[i]) + 0.5) / 4;
  for (int r = 0; r < rows; r++) {
    start = b->len;
    int t = -1;
    for (int i = 0; i < nyt; i++)
      if (tick_row[i] == r && t < 0) t = i;
    if (t >= 0) {
      spaces(b, lw - (int)strlen(ylab[t]));
      sb_puts(b, ylab[t]);
      sb_puts(b, " ┤");
    } else {
      spaces(b, lw + 1);
      sb_puts(b, "│");
    }
    for (int c = 0; c < cols; c++) {
      const Cell *cell = &cv.c[r * cols + c];
      if (cell->ch) {
        set_color(b, color, &cur, cell->ch_color);
        sb_puts(b, cell->ch);
      } else if (cell->dots) {
        set_color(b, color, &cur, cell->dot_color);
        char u[4] = {(char)0xE2, (char)(0xA0 | (cell->dots >> 6)), (char)(0x80 | (cell->dots & 0x3F)), 0};
        sb_puts(b, u);
      } else if (cell->shade && strcmp(cell->shade, " ")) {
        set_color(b, color, &cur, cell->shade_color);
        sb_puts(b, cell->shade);
      } else {
        sb_putc(b, ' ');
      }
    }
    end_line(b, color, &cur, start);
  }
  /* The x axis: ticks, then their labels (or the bars' names). */
  double xt[MAX_TICKS], xstep;
  int nxt;
  if (bars) {
    nxt = 0;
    int n = F->s[0].n;
    for (int i = 0; i < n && nxt < MAX_TICKS; i += (n + MAX_TICKS - 1) / MAX_TICKS) xt[nxt++] = i;
    xstep = 1;
  } else {
    nxt = nice_ticks(F->x0, F->x1, cols / 10 < 2 ? 2 : cols / 10, F->x_whole, xt, &xstep);
  }
  int tick_col[MAX_TICKS];
  for (int i = 0; i < nxt; i++) {
    if (bars) {
      double slot = (double)cols / F->s[0].n;
      tick_col[i] = (int)floor((xt[i] + 0.5) * slot);
    } else {
      tick_col[i] = (int)floor(dx_of(&cv, xt[i]) + 0.5) / 2;
    }
  }
  start = b->len;
  spaces(b, lw + 1);
  sb_puts(b, "└");
  for (int c = 0; c < cols; c++) {
    bool tk = false;
    for (int i = 0; i < nxt; i++) tk = tk || tick_col[i] == c;
    sb_puts(b, tk ? "┬" : "─");
  }
  end_line(b, color, &cur, start);
  start = b->len;
  int at = 0; /* display column reached */
  for (int i = 0; i < nxt; i++) {
    char buf[64];
    const char *lab = buf;
    if (bars) {
      int k = (int)xt[i];
      if (k < F->n_bar_labels && F->bar_labels[k]) lab = F->bar_labels[k];
      else snprintf(buf, sizeof buf, "%d", k);
    } else {
      fmt_tick(buf, sizeof buf, xt[i], xstep, false);
    }
    int w = cols_of(lab);
    int pos = lw + 2 + tick_col[i] - (w - 1) / 2;
    if (pos + w > width) pos = width - w;
    if (pos < 0) pos = 0;
    if (pos < at + (at ? 1 : 0)) continue; /* would touch the previous label */
    spaces(b, pos - at);
    sb_puts(b, lab);
    at = pos + w;
  }
  end_line(b, color, &cur, start);
  /* The legend, wrapped to the width. */
  Item items[64];
  int ni = legend_items(F, items, 64);
  if (ni > 0) {
    start = b->len;
    spaces(b, lw + 2);
    at = lw + 2;
    for (int i = 0; i < ni; i++) {
      int w = cols_of(items[i].name) + 2 + (items[i].shade ? 4 : 0);
      if (at > lw + 2 && at + 3 + w > width) {
        end_line(b, color, &cur, start);
        start = b->len;
        spaces(b, lw + 2);
        at = lw + 2;
      } else if (at > lw + 2) {
        spaces(b, 3);
        at += 3;
      }
      set_color(b, color, &cur, items[i].color);
      sb_puts(b, items[i].sym);
      set_color(b, color, &cur, -1);
      if (items[i].shade) {
        sb_puts(b, " [");
        set_color(b, color, &cur, items[i].color);
        sb_puts(b, items[i].shade);
        set_color(b, color, &cur, -1);
        sb_puts(b, "]");
      }
      sb_putc(b, ' ');
      sb_puts(b, items[i].name);
      at += w;
    }
    end_line(b, color, &cur, start);
  }
  if (F->layer == FL_CONTOUR && F->n_levels > 0) {
    start = b->len;
    spaces(b, lw + 2);
    set_color(b, color, &cur, -2);
    sb_puts(b, "contours at ");
    levels_text(F, b);
    end_line(b, color, &cur, start);
  }
  rt_free(F->canvas);
  F->canvas = NULL;
}

/* ------------------------------------------------------------------ SVG */

/* Text for XML: &, <, >, quotes escaped; control characters and invalid UTF-8 dropped
   (XML 1.0 cannot hold them). */
static void xml_text(StrBuf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    if (c == '&') sb_puts(b, "&amp;");
    else if (c == '<') sb_puts(b, "&lt;");
    else if (c == '>') sb_puts(b, "&gt;");
    else if (c == '"') sb_puts(b, "&quot;");
    else if (c == '\'') sb_puts(b, "&apos;");
    else if (c < 0x20) {
      if (c == '\t' || c == '\n') sb_putc(b, ' ');
    } else if (c < 0x80) {
      sb_putc(b, (char)c);
    } else {
      int n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      int k = 1;
      while (n && k < n && (p[k] & 0xC0) == 0x80) k++;
      if (n && k == n) {
        for (int i = 0; i < n; i++) sb_putc(b, (char)p[i]);
        p += n;
        continue;
      }
    }
    p++;
  }
}

typedef struct Box {
  double L, R, T, B; /* the plot area, pixels */
} Box;

static double px_of(const Fig *F, const Box *bx, double x) {
  return bx->L + (x - F->x0) / (F->x1 - F->x0) * (bx->R - bx->L);
}
static double py_raw(const Fig *F, const Box *bx, double t) {
  return bx->B - (t - F->y0) / (F->y1 - F->y0) * (bx->B - bx->T);
}
static double py_of(const Fig *F, const Box *bx, double y) { return py_raw(F, bx, yv(F, y)); }

/* Marching squares: each level's iso-line as one path of segments. */
static void svg_contour(Fig *F, const Box *bx, StrBuf *b) {
  int nx = F->gnx, ny = F->gny;
  const double *g = F->grid;
  sb_puts(b, "<g class=\"contour\" fill=\"none\" stroke-width=\"1\">\n");
  for (int l = 0; l < F->n_levels; l++) {
    double lv = F->levels[l];
    /* colour from blue (low) to red (high) */
    double t = F->n_levels > 1 ? (double)l / (F->n_levels - 1) : 0;
    int r = (int)(44 + t * (215 - 44)), gr = (int)(123 + t * (25 - 123)), bl = (int)(182 + t * (28 - 182));
    sb_printf(b, "<path class=\"level\" data-level=\"%.6g\" stroke=\"#%02x%02x%02x\" d=\"", lv, r, gr, bl);
    for (int j = 0; j + 1 < ny; j++)
      for (int i = 0; i + 1 < nx; i++) {
        double v[4] = {g[j * nx + i], g[j * nx + i + 1], g[(j + 1) * nx + i + 1], g[(j + 1) * nx + i]};
        if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]) || !isfinite(v[3])) continue;
        int idx = (v[0] > lv) | (v[1] > lv) << 1 | (v[2] > lv) << 2 | (v[3] > lv) << 3;
        if (idx == 0 || idx == 15) continue;
        /* corners: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left; edge e joins
           corner e and corner (e + 1) % 4 */
        double cxs[4] = {gx(F, i), gx(F, i + 1), gx(F, i + 1), gx(F, i)};
        double cys[4] = {gy(F, j), gy(F, j), gy(F, j + 1), gy(F, j + 1)};
        double ex[4], ey[4];
        for (int e = 0; e < 4; e++) {
          int a = e, c = (e + 1) % 4;
          double s = v[c] != v[a] ? (lv - v[a]) / (v[c] - v[a]) : 0.5;
          ex[e] = cxs[a] + s * (cxs[c] - cxs[a]);
          ey[e] = cys[a] + s * (cys[c] - cys[a]);
        }
        int pairs[2][2], np = 0;
        /* the edges crossed, paired; the two saddle cases split by the centre value */
        bool centre = (v[0] + v[1] + v[2] + v[3]) / 4 > lv;
        switch (idx) {
        case 1: case 14: pairs[np][0] = 3, pairs[np++][1] = 0; break;
        case 2: case 13: pairs[np][0] = 0, pairs[np++][1] = 1; break;
        case 3: case 12: pairs[np][0] = 3, pairs[np++][1] = 1; break;
        case 4: case 11: pairs[np][0] = 1, pairs[np++][1] = 2; break;
        case 6: case 9: pairs[np][0] = 0, pairs[np++][1] = 2; break;
        case 7: case 8: pairs[np][0] = 2, pairs[np++][1] = 3; break;
        case 5:
        case 10:
          if ((idx == 5) == centre) {
            pairs[np][0] = 0, pairs[np++][1] = 1;
            pairs[np][0] = 2, pairs[np++][1] = 3;
          } else {
            pairs[np][0] = 3, pairs[np++][1] = 0;
            pairs[np][0] = 1, pairs[np++][1] = 2;
          }
          break;
        }
        for (int k = 0; k < np; k++)
          sb_printf(b, "M%.1f %.1fL%.1f %.1f", px_of(F, bx, ex[pairs[k][0]]), py_raw(F, bx, ey[pairs[k][0]]),
                    px_of(F, bx, ex[pairs[k][1]]), py_raw(F, bx, ey[pairs[k][1]]));
      }
    sb_puts(b, "\"/>\n");
  }
  sb_puts(b, "</g>\n");
}

/* Class regions: one rectangle per run of equal classes along a row of the grid. */
static void svg_regions(Fig *F, const Box *bx, StrBuf *b) {
  int nx = F->gnx, ny = F->gny;
  double cw = (bx->R - bx->L) / (nx - 1), ch = (bx->B - bx->T) / (ny - 1);
  sb_puts(b, "<g class=\"regions\" shape-rendering=\"crispEdges\">\n");
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx;) {
      int k = (int)F->grid[j * nx + i], e = i;
      while (e < nx && (int)F->grid[j * nx + e] == k) e++;
      double x = bx->L + (i - 0.5) * cw, y = bx->T + (j - 0.5) * ch;
      sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y,
                (e - i) * cw, ch, SVG_LIGHT[k % MAX_STYLES]);
      i = e;
    }
  sb_puts(b, "</g>\n");
}

static void svg_marker(StrBuf *b, double x, double y, int style, const char *cls) {
  sb_printf(b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"white\" stroke-width=\"0.8\"/>\n",
            cls, x, y, SVG_COLOR[style % MAX_STYLES]);
}

static void svg_series(Fig *F, const Box *bx, StrBuf *b, const FigSeries *s) {
  const char *col = SVG_COLOR[s->style % MAX_STYLES];
  sb_printf(b, "<g class=\"series\" data-label=\"");
  xml_text(b, s->label);
  sb_puts(b, "\">\n");
  switch (s->kind) {
  case FS_LINE:
  case FS_PATH: {
    bool open = false;
    int first = -1, last = -1;
    for (int i = 0; i < s->n; i++) {
      double y = yv(F, s->y[i]);
      if (!isfinite(s->x[i]) || !isfinite(y)) {
        if (open) sb_puts(b, "\"/>\n");
        open = false;
        continue;
      }
      if (!open)
        sb_printf(b, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" "
                     "stroke-linejoin=\"round\" points=\"",
                  s->kind == FS_LINE ? "line" : "path", col, s->kind == FS_LINE ? "2" : "1.5");
      sb_printf(b, "%s%.1f,%.1f", open ? " " : "", px_of(F, bx, s->x[i]), py_of(F, bx, s->y[i]));
      open = true;
      if (first < 0) first = i;
      last = i;
    }
    if (open) sb_puts(b, "\"/>\n");
    if (s->kind == FS_PATH && first >= 0) {
      svg_marker(b, px_of(F, bx, s->x[first]), py_of(F, bx, s->y[first]), s->style, "start");
      sb_printf(b, "<circle class=\"end\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"white\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                px_of(F, bx, s->x[last]), py_of(F, bx, s->y[last]), col);
    }
    break;
  }
  case FS_POINTS:
    for (int i = 0; i < s->n; i++)
      if (isfinite(s->x[i]) && isfinite(yv(F, s->y[i])))
        svg_marker(b, px_of(F, bx, s->x[i]), py_of(F, bx, s->y[i]), s->style, "point");
    break;
  case FS_BARS: {
    double base = F->logy ? F->y0 : fmin(fmax(0, F->y0), F->y1);
    double slot = (bx->R - bx->L) / s->n, w = slot * 0.7;
    for (int i = 0; i < s->n; i++) {
      double y = yv(F, s->y[i]);
      if (!isfinite(y)) continue;
      y = fmin(fmax(y, F->y0), F->y1);
      double top = py_raw(F, bx, fmax(y, base)), bot = py_raw(F, bx, fmin(y, base));
      double x = bx->L + i * slot + (slot - w) / 2;
      sb_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x, top, w, bot - top, col);
      sb_printf(b, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%.3g</text>\n",
                x + w / 2, top - 3, s->y[i]);
    }
    break;
  }
  }
  sb_puts(b, "</g>\n");
}

void fig_svg(Fig *F, StrBuf *b, int W, int H) {
  bool bars = F->n_s > 0 && F->s[0].kind == FS_BARS;
  const char *title = F->title;
  if (!title && F->n_s == 1 && F->layer == FL_NONE && F->s[0].label[0]) title = F->s[0].label;
  Box bx = {.L = 70, .R = W - 20, .T = title ? 40 : 20, .B = H - 45};
  if (F->layer != FL_NONE) {
    int nx = (int)((bx.R - bx.L) / 4), ny = (int)((bx.B - bx.T) / 4);
    sample_layer(F, nx < 2 ? 2 : nx, ny < 2 ? 2 : ny, true);
  }
  sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n", W, H, W, H);
  if (title) {
    sb_puts(b, "<title>");
    xml_text(b, title);
    sb_puts(b, "</title>\n");
  }
  sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
  sb_printf(b, "<defs><clipPath id=\"area\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
            bx.L, bx.T, bx.R - bx.L, bx.B - bx.T);
  /* ticks and grid lines */
  double yt[MAX_TICKS], xt[MAX_TICKS], ystep, xstep;
  int nyt = nice_ticks(F->y0, F->y1, 6, F->logy && F->y1 - F->y0 >= 2, yt, &ystep);
  int nxt = bars ? 0 : nice_ticks(F->x0, F->x1, 8, F->x_whole, xt, &xstep);
  sb_puts(b, "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n");
  for (int i = 0; i < nyt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", bx.L, py_raw(F, &bx, yt[i]), bx.R,
              py_raw(F, &bx, yt[i]));
  for (int i = 0; i < nxt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px_of(F, &bx, xt[i]), bx.T,
              px_of(F, &bx, xt[i]), bx.B);
  sb_puts(b, "</g>\n<g clip-path=\"url(#area)\">\n");
  if (F->layer == FL_REGIONS) svg_regions(F, &bx, b);
  if (F->layer == FL_CONTOUR) svg_contour(F, &bx, b);
  for (int k = 0; k < F->n_s; k++) svg_series(F, &bx, b, &F->s[k]);
  sb_puts(b, "</g>\n");
  /* axes */
  sb_printf(b, "<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n"
               "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\"/>\n",
            bx.L, bx.T, bx.R - bx.L, bx.B - bx.T);
  for (int i = 0; i < nyt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", bx.L - 5, py_raw(F, &bx, yt[i]), bx.L,
              py_raw(F, &bx, yt[i]));
  for (int i = 0; i < nxt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px_of(F, &bx, xt[i]), bx.B,
              px_of(F, &bx, xt[i]), bx.B + 5);
  sb_puts(b, "</g>\n<g class=\"ticks\" fill=\"black\">\n");
  for (int i = 0; i < nyt; i++) {
    char lab[32];
    fmt_tick(lab, sizeof lab, yt[i], ystep, F->logy);
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", bx.L - 8, py_raw(F, &bx, yt[i]) + 4, lab);
  }
  for (int i = 0; i < nxt; i++) {
    char lab[32];
    fmt_tick(lab, sizeof lab, xt[i], xstep, false);
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px_of(F, &bx, xt[i]), bx.B + 18, lab);
  }
  if (bars) {
    int n = F->s[0].n;
    double slot = (bx.R - bx.L) / n;
    for (int i = 0; i < n; i++) {
      sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", bx.L + (i + 0.5) * slot, bx.B + 18);
      if (i < F->n_bar_labels && F->bar_labels[i]) xml_text(b, F->bar_labels[i]);
      else sb_printf(b, "%d", i);
      sb_puts(b, "</text>\n");
    }
  }
  sb_puts(b, "</g>\n");
  if (title) {
    sb_printf(b, "<text class=\"title\" x=\"%.1f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">", (bx.L + bx.R) / 2);
    xml_text(b, title);
    sb_puts(b, "</text>\n");
  }
  /* legend: top right, inside the plot */
  Item items[64];
  int ni = legend_items(F, items, 64);
  if (F->layer == FL_CONTOUR && F->n_levels > 0 && ni < 64) {
    StrBuf lv = {0};
    sb_puts(&lv, "contours at ");
    levels_text(F, &lv);
    items[ni] = (Item){.sym = NULL, .color = -2};
    snprintf(items[ni].name, sizeof items[ni].name, "%s", lv.s);
    sb_free(&lv);
    ni++;
  }
  if (ni > 0) {
    int maxw = 0;
    for (int i = 0; i < ni; i++) maxw = cols_of(items[i].name) > maxw ? cols_of(items[i].name) : maxw;
    double w = 36 + maxw * 7.0, h = 8 + 18.0 * ni, x = bx.R - w - 8, y = bx.T + 8;
    /* the corner that hides the fewest points of the series */
    int best = -1;
    for (int corner = 0; corner < 4; corner++) {
      double cx = corner & 1 ? bx.L + 8 : bx.R - w - 8, cy = corner & 2 ? bx.B - h - 8 : bx.T + 8;
      int hidden = 0;
      for (int k = 0; k < F->n_s; k++)
        for (int i = 0; i < F->s[k].n; i++) {
          double px = px_of(F, &bx, F->s[k].x[i]), py = py_of(F, &bx, F->s[k].y[i]);
          hidden += px >= cx - 4 && px <= cx + w + 4 && py >= cy - 4 && py <= cy + h + 4;
        }
      if (best < 0 || hidden < best) best = hidden, x = cx, y = cy;
    }
    sb_printf(b, "<g class=\"legend\">\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" "
                 "fill-opacity=\"0.85\" stroke=\"#999999\"/>\n", x, y, w, h);
    for (int i = 0; i < ni; i++) {
      double cy = y + 14 + 18.0 * i;
      const Item *it = &items[i];
      if (F->layer == FL_REGIONS) {
        sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"12\" fill=\"%s\"/>\n", x + 6, cy - 6,
                  SVG_LIGHT[it->color % MAX_STYLES]);
        svg_marker(b, x + 15, cy, it->color, "key");
      } else if (it->color >= 0) {
        const FigSeries *s = NULL;
        for (int k = 0; k < F->n_s && !s; k++)
          if (!strcmp(F->s[k].label, it->name)) s = &F->s[k];
        if (s && s->kind == FS_POINTS) svg_marker(b, x + 15, cy, it->color, "key");
        else
          sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                    x + 6, cy, x + 24, cy, SVG_COLOR[it->color % MAX_STYLES]);
      }
      sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x + 30, cy + 4, it->color == -2 ? " fill=\"#555555\"" : "");
      xml_text(b, it->name);
      sb_puts(b, "</text>\n");
    }
    sb_puts(b, "</g>\n");
  }
  sb_puts(b, "</svg>\n");
}

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
    ev_error(I, site, "plot: cannot write '%s': %s", path, strerror(e));
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
    ev_error(I, site, "plot: cannot write '%s': %s", path, strerror(e));
  }
  rt_free(tmp);
}

/* ------------------------------------------------------------------ output */

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

/* Arguments that size and route a picture: file, width, height (indices into c->args). */
typedef struct Out {
  const char *file;
  int file_i;        /* its argument, for arg_path */
  int width, height; /* 0: the default */
} Out;

static Out arg_out(Call *c, int file_i, int width_i, int height_i) {
  Out o = {0};
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
      arg_error(c, width_i, o.file ? "a width in pixels from 100 to 10000" : "a width in characters from 20 to 1000");
    o.width = (int)w;
  }
  if (c->args[height_i].type != V_NONE) {
    long long h = arg_int(c, height_i);
    if (h < min_h || h > lim_h)
      arg_error(c, height_i, o.file ? "a height in pixels from 100 to 10000" : "a height in lines from 5 to 500");
    o.height = (int)h;
  }
  return o;
}

/* Draw F to the terminal or to its file, through b (the caller frees it, also on unwind). */
static void show(Call *c, Fig *F, Out o, StrBuf *b) {
  fig_autorange(F);
  if (o.file) {
    fig_svg(F, b, o.width ? o.width : SVG_W, o.height ? o.height : SVG_H);
    char buf[4096];
    write_atomic(c->I, c->node, arg_path(c, o.file_i, buf, sizeof buf), b->s, b->len);
  } else {
    int w, h;
    term_size(&w, &h);
    fig_text(F, b, o.width ? o.width : w, o.height ? o.height : h, want_color());
    fputs(b->s, pf_out());
    fflush(pf_out());
  }
}

/* ------------------------------------------------------------------ building figures */

static bool callable(Value v) { return v.type == V_FUNC || v.type == V_MODEL || v.type == V_LAYER; }

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

static const char *fn_name(Value f, char *buf, size_t n, int k) {
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
    s->y[i] = num_of(I, c->node, r, who);
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

static void add_path(Fig *F, const Tensor *t, int64_t off, int64_t n, const char *label, FigKind kind) {
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
    if (!l) snprintf(buf, sizeof buf, "path %d", k0 + 1), l = buf;
    add_path(F, t, 0, t->shape[0], l, FS_PATH);
  } else if (t->ndim == 2) {
    for (int64_t r = 0; r < t->shape[0] && r < 64; r++) {
      int64_t n = t->shape[1];
      const char *l = label_at(c, li, k0 + (int)r);
      if (!l) snprintf(buf, sizeof buf, "row %lld", (long long)r), l = buf;
      FigSeries *s = fig_add(F, FS_LINE, l, (int)n, NULL, NULL, 0);
      for (int64_t i = 0; i < n; i++) s->y[i] = t->data[r * n + i];
    }
    F->x_whole = true;
  } else if (t->ndim == 3 && t->shape[2] == 2) {
    for (int64_t r = 0; r < t->shape[0] && r < 64; r++) {
      const char *l = label_at(c, li, k0 + (int)r);
      if (!l) snprintf(buf, sizeof buf, "path %d", k0 + (int)r + 1), l = buf;
      add_path(F, t, r * t->shape[1] * 2, t->shape[1], l, FS_PATH);
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
static void area(Call *c, Fig *F, int from_i, int to_i, double pad, double dflt) {
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
  if (!xv || !yv_ || xv->type != V_TENSOR || yv_->type != V_TENSOR) arg_error(c, di, "a dataset {x, y} of tensors");
  const Tensor *x = xv->as.t, *y = yv_->as.t;
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
    FigSeries *s = fig_add(F, FS_POINTS, class_name(F, k, buf, sizeof buf), n, NULL, NULL, 0);
    s->style = k;
    n = 0;
    for (int64_t i = 0; i < N; i++)
      if (cls[i] == k) s->x[n] = x->data[2 * i], s->y[n] = x->data[2 * i + 1], n++;
  }
  rt_free(cls);
}

/* plot(what, ...) — see the table entry. Arguments: 0 what, 1 from, 2 to, 3 file,
   4 width, 5 height, 6 title, 7 labels, 8 paths, 9 data, 10 bars, 11 log, 12 points. */
static void build_plot(Call *c, Fig *F) {
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
    if (!callable(what)) arg_error(c, 0, "a model or function to classify the points of data = {x, y}");
    if (c->args[9].type != V_NONE) add_dataset(c, F, c->args[9], 9, 7);
    else if (c->args[1].type == V_NONE)
      ev_error(I, c->node, "plot: to draw a model's decision regions give its data (data = {x, y}) or an area "
                           "(from = [x0, y0], to = [x1, y1])");
    area(c, F, 1, 2, 0.1, 1);
    F->layer = FL_REGIONS;
    F->fn = what;
    if (F->n_classes < 2) F->n_classes = 2;
    if (!F->title) F->title = rt_strdup(fn_name(what, buf, sizeof buf, -1));
    return;
  }
  if (what.type == V_RECORD) {
    Record *r = what.as.rec;
    Value *loss = record_get(r, sym_intern(&I->syms, "loss", 4));
    if (loss) {
      /* a training history: loss and validation loss per epoch */
      Value *vl = record_get(r, sym_intern(&I->syms, "val_loss", 8));
      if (loss->type != V_TENSOR || loss->as.t->ndim != 1) arg_error(c, 0, "a history whose loss is a 1-D tensor");
      const Tensor *lt = loss->as.t;
      const char *l0 = label_at(c, 7, 0);
      FigSeries *s = fig_add(F, FS_LINE, l0 ? l0 : "loss", (int)lt->size, NULL, NULL, 1);
      for (int64_t i = 0; i < lt->size; i++) s->y[i] = lt->data[i];
      if (vl && vl->type == V_TENSOR && vl->as.t->ndim == 1) {
        const Tensor *vt = vl->as.t;
        const char *l1 = label_at(c, 7, 1);
        s = fig_add(F, FS_LINE, l1 ? l1 : "val_loss", (int)vt->size, NULL, NULL, 1);
        for (int64_t i = 0; i < vt->size; i++) s->y[i] = vt->data[i];
      }
      F->x_whole = true;
      if (!F->title) F->title = rt_strdup("loss per epoch");
      return;
    }
    add_dataset(c, F, what, 0, 7);
    area(c, F, 1, 2, 0.05, 1);
    if (!F->title) F->title = rt_strdup("data");
    return;
  }
  if (what.type == V_FUNC && (two_d || point_arity(what) > 0)) {
    /* a contour of f over a 2-D area, with paths drawn over it */
    add_paths(c, F, 8, 7);
    area(c, F, 1, 2, 0.15, 2);
    F->layer = FL_CONTOUR;
    F->fn = what;
    F->fn_arity = point_arity(what) == 2 ? 2 : 1;
    if (!F->title) F->title = rt_strdup(fn_name(what, buf, sizeof buf, -1));
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
        add_curve(c, F, v, a, b, (int)npts, lab ? lab : fn_name(v, buf, sizeof buf, k));
      } else if (is_tensorish(v) || v.type == V_LIST) {
        Tensor *t = call_keep(c, to_tensor(I, v, "each item to plot"));
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
    add_curve(c, F, what, a, b, (int)npts, lab ? lab : fn_name(what, buf, sizeof buf, -1));
    F->x0 = a, F->x1 = b;
    return;
  }
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
  Out o = arg_out(c, 3, 4, 5);
  Fig *F = fig_new(c->I, c->node);
  StrBuf b = {0};
  bool rec = ad_set_recording(false);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    build_plot(c, F);
    show(c, F, o, &b);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    fig_free(F);
    sb_free(&b);
    rt_rethrow();
  }
  ad_set_recording(rec);
  fig_free(F);
  sb_free(&b);
  return v_none();
}

/* ------------------------------------------------------------------ compare */

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

static void pad_cell(StrBuf *b, const char *s, int w) {
  sb_puts(b, s);
  spaces(b, w - cols_of(s));
}

/* compare(optimizers, f, x0, ...): arguments 0 optimizers, 1 f, 2 x0, 3 steps, 4 tol,
   5 fmin, 6 from, 7 to, 8 file, 9 width, 10 height. Everything it makes is rooted or
   owned by F, so an error in f (or Ctrl-C) leaks nothing. */
static void run_compare(Call *c, Fig *F, StrBuf *b, Value *result) {
  Interp *I = c->I;
  Value opts = c->args[0], f = c->args[1];
  const char *want = "a list of optimizers, such as [sgd(lr = 0.01), adam(lr = 0.1)]";
  if (opts.type != V_LIST || opts.as.list->n == 0) arg_error(c, 0, want);
  List *ol = opts.as.list;
  for (int k = 0; k < ol->n; k++)
    if (ol->items[k].type != V_OPTIM) arg_error(c, 0, want);
  if (!callable(f)) arg_error(c, 1, "a function of a point, such as rosenbrock");
  long long steps = arg_int(c, 3);
  if (steps < 0 || steps > 10000000) arg_error(c, 3, "a number of steps from 0 to 10000000");
  double tol = arg_num(c, 4);
  if (!(tol >= 0)) arg_error(c, 4, "a tolerance >= 0");
  bool has_fmin = c->args[5].type != V_NONE;
  double fmin = has_fmin ? arg_num(c, 5) : INFINITY;
  Out o = arg_out(c, 8, 9, 10);
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
      double v = num_of(I, c->node, r, "compare: the function");
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
      add_path(F, result->as.list->items[k].as.t, 0, len, labels.as.list->items[k].as.str->data, FS_PATH);
    area(c, F, 6, 7, 0.15, 2);
    F->layer = FL_CONTOUR;
    F->fn = f;
    F->fn_arity = 1;
    char buf[64];
    F->title = rt_strdup(fn_name(f, buf, sizeof buf, -1));
    show(c, F, o, b);
  }

  /* The table: final f and the steps each needed to come within tol of f*. */
  int w0 = (int)strlen("optimizer");
  for (int k = 0; k < n; k++) {
    int w = cols_of(labels.as.list->items[k].as.str->data);
    if (w > w0) w0 = w;
  }
  b->len = 0;
  pad_cell(b, "optimizer", w0 + 3);
  pad_cell(b, "final f", 14);
  sb_printf(b, "steps to f ≤ %.6g\n", thr);
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
  sb_printf(b, "f* = %.6g (%s), tol = %.6g\n", fmin, has_fmin ? "fmin" : "the best value reached", tol);
  if (dim != 2) sb_printf(b, "(no picture: the points have %lld coordinates; a contour needs 2)\n", (long long)dim);
  fputs(b->s, pf_out());
  fflush(pf_out());
}

static Value bi_compare(Call *c) {
  Fig *F = fig_new(c->I, c->node);
  StrBuf b = {0};
  Value result = v_none();
  bool rec = ad_set_recording(false);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    run_compare(c, F, &b, &result);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    ad_set_recording(rec);
    fig_free(F);
    sb_free(&b);
    rt_rethrow();
  }
  ad_set_recording(rec);
  fig_free(F);
  sb_free(&b);
  return v_retain(result); /* rooted in run_compare until the call returns */
}

/* ------------------------------------------------------------------ registration */

static const Builtin plot_builtins[] = {
    {"plot",
     "plot(what, from = none, to = none, file = none, width = none, height = none, title = none, "
     "labels = none, paths = none, data = none, bars = false, log = false, points = 200)",
     bi_plot,
     "draw functions over [from, to], a tensor, a training history (loss, val_loss), a contour of "
     "f(p) with paths = [...] over the area from = [x0, y0] to = [x1, y1], or a model's decision "
     "regions with data = {x, y}; in the terminal, or as SVG with file = \"x.svg\""},
    {"compare",
     "compare(optimizers, f, x0, steps = 100, tol = 0.001, fmin = none, from = none, to = none, "
     "file = none, width = none, height = none)",
     bi_compare,
     "run minimize(f, x0, opt, steps) for each optimizer: their paths on one contour and a table "
     "of the final f and the steps each took to reach f ≤ f* + tol; returns the paths"},
    {NULL, NULL, NULL, NULL},
};

void plot_register(Interp *I) { builtins_register_table(I, plot_builtins); }
