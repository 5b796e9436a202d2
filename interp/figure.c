/* figure.c — the figure model (figure.h): series and their range, ticks and their labels,
 * the layer sampled on a grid through the builder's callback, contour levels, the legend.
 * No output and no nn values: the renderers (plot_text.c, plot_svg.c) draw what is here.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "figure.h"
#include "i18n.h"
#include "mem.h"
#include "utf8.h"

enum { BATCH = 4096 }; /* grid points per call of a classifier */

/* ------------------------------------------------------------------ ticks and numbers */

int fig_ticks(double lo, double hi, int target, bool whole, double *out, double *step_out) {
  double raw = (hi - lo) / (target < 1 ? 1 : target);
  double mag = pow(10, floor(log10(raw)));
  double m = raw / mag;
  double step = (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * mag;
  if (whole && step < 1) step = 1;
  double first = ceil(lo / step - 1e-9);
  int n = 0;
  for (int k = 0; n < FIG_MAX_TICKS; k++) {
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

Fig *fig_new(void) {
  Fig *F = rt_calloc(1, sizeof *F);
  F->x0 = F->x1 = F->y0 = F->y1 = NAN;
  F->mark_x = NAN;
  return F;
}

Fig *fig_add_panel(Fig *F) {
  while (F->next) F = F->next;
  return F->next = fig_new();
}

void fig_free(Fig *F) {
  if (!F) return;
  fig_free(F->next);
  rt_free(F->mat);
  rt_free(F->xname);
  rt_free(F->yname);
  rt_free(F->mark_label);
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
  rt_free(F->px);
  rt_free(F->py);
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

double fig_y(const Fig *F, double y) {
  if (!F->logy) return y;
  return y > 0 ? log10(y) : NAN;
}

static void widen(double *lo, double *hi) {
  if (!isfinite(*lo) || !isfinite(*hi)) *lo = 0, *hi = 1;
  /* a span past DBL_MAX (data from -1e308 to 1e308) would make every scaled coordinate
     NaN: keep the middle of it; points beyond are clipped like any off-axis point */
  if (!isfinite(*hi - *lo)) *lo = fmax(*lo, -DBL_MAX / 4), *hi = fmin(*hi, DBL_MAX / 4);
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
      double x = s->x[i], y = fig_y(F, s->y[i]);
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
    double t[FIG_MAX_TICKS], step;
    fig_ticks(yl, yh, 5, F->logy, t, &step);
    /* (tensors hold floats: 1e-4 is 9.9999997e-05, which must not round down a decade) */
    F->y0 = floor(yl / step + 1e-6) * step;
    F->y1 = ceil(yh / step - 1e-6) * step;
    if (bars && F->logy && yl - F->y0 < 0.5 * step) F->y0 -= step; /* the smallest bar shows */
  }
  widen(&F->y0, &F->y1);
  if (F->next) fig_autorange(F->next);
}

/* ------------------------------------------------------------------ labels */

/* Deterministic, so that golden files can hold plots. */
void fig_tick_label(char *buf, size_t n, double v, double step, bool logy) {
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

int fig_cols(const char *s) { return utf8_cols(s); }

const char *fig_title(const Fig *F) {
  const char *title = F->title;
  if (!title && F->n_s == 1 && F->layer == FL_NONE && F->s[0].label[0]) title = F->s[0].label;
  return title;
}

const char *fig_class_name(const Fig *F, int k, char *buf, size_t n) {
  if (k < F->n_class_names && F->class_names[k]) return F->class_names[k];
  snprintf(buf, n, _("class %d"), k);
  return buf;
}

/* ------------------------------------------------------------------ the layer on a grid */

double fig_gx(const Fig *F, int i) { return F->x0 + (F->x1 - F->x0) * i / (F->gnx - 1); }
double fig_gy(const Fig *F, int j) { return F->y1 - (F->y1 - F->y0) * j / (F->gny - 1); }

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
    double t[FIG_MAX_TICKS], step;
    int nt = fig_ticks(lo, hi, fine ? 8 : 5, false, t, &step);
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

/* Room for n points to hand to layer_fn (owned by F, so nothing leaks if it throws). */
static void scratch(Fig *F, int n) {
  rt_free(F->px);
  F->px = NULL;
  rt_free(F->py);
  F->py = NULL;
  F->px = rt_malloc(sizeof(double) * (size_t)n);
  F->py = rt_malloc(sizeof(double) * (size_t)n);
}

/* The function at every node, a row per call of layer_fn. */
static void sample_contour(Fig *F, int nx, int ny, bool fine) {
  rt_free(F->grid);
  F->grid = NULL;
  F->grid = rt_malloc(sizeof(double) * (size_t)nx * (size_t)ny);
  F->gnx = nx, F->gny = ny;
  scratch(F, nx);
  for (int j = 0; j < ny; j++) {
    rt_check_interrupt();
    for (int i = 0; i < nx; i++) F->px[i] = fig_gx(F, i), F->py[i] = fig_gy(F, j);
    F->layer_fn(F->layer_ctx, F, nx, F->px, F->py, F->grid + j * nx);
  }
  choose_levels(F, fine);
}

/* The class at every node, BATCH nodes per call of layer_fn (a classifier takes them in
   batches). */
static void sample_regions(Fig *F, int nx, int ny) {
  rt_free(F->grid);
  F->grid = NULL;
  F->grid = rt_malloc(sizeof(double) * (size_t)nx * (size_t)ny);
  F->gnx = nx, F->gny = ny;
  int total = nx * ny;
  scratch(F, BATCH);
  for (int at = 0; at < total; at += BATCH) {
    rt_check_interrupt();
    int n = total - at < BATCH ? total - at : BATCH;
    for (int k = 0; k < n; k++) {
      F->px[k] = fig_gx(F, (at + k) % nx);
      F->py[k] = fig_gy(F, (at + k) / nx);
    }
    F->layer_fn(F->layer_ctx, F, n, F->px, F->py, F->grid + at);
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

void fig_sample(Fig *F, int nx, int ny, bool fine) {
  if (F->layer == FL_CONTOUR && (double)nx * ny > MAX_CALLS) {
    double k = sqrt((double)MAX_CALLS / ((double)nx * ny));
    int cx = (int)(nx * k), cy = (int)(ny * k);
    sample_contour(F, cx < 2 ? 2 : cx, cy < 2 ? 2 : cy, fine);
    upsample(F, nx, ny);
  } else if (F->layer == FL_CONTOUR) sample_contour(F, nx, ny, fine);
  else if (F->layer == FL_REGIONS) sample_regions(F, nx, ny);
}

/* ------------------------------------------------------------------ legend */

int fig_legend(const Fig *F, FigItem *it, int max) {
  int n = 0;
  if (F->layer == FL_REGIONS) {
    for (int k = 0; k < F->n_classes && n < max; k++, n++) {
      char buf[32];
      it[n] = (FigItem){.color = k % FIG_STYLES};
      snprintf(it[n].name, sizeof it[n].name, "%s", fig_class_name(F, k, buf, sizeof buf));
    }
    return n;
  }
  int labelled = 0;
  for (int k = 0; k < F->n_s; k++) labelled += F->s[k].label[0] != 0;
  if (labelled < 2 && F->layer == FL_NONE) return 0; /* one series: its name is the title */
  for (int k = 0; k < F->n_s && n < max; k++) {
    const FigSeries *s = &F->s[k];
    if (!s->label[0] || s->kind == FS_BARS) continue;
    it[n] = (FigItem){.color = s->style % FIG_STYLES};
    snprintf(it[n].name, sizeof it[n].name, "%s", s->label);
    n++;
  }
  return n;
}

void fig_levels_text(const Fig *F, char *buf, size_t n) {
  size_t at = 0;
  buf[0] = 0;
  for (int i = 0; i < F->n_levels && at < n; i++)
    at += (size_t)snprintf(buf + at, n - at, "%s%.3g", i ? ", " : "", F->levels[i]);
}
