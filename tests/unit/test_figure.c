/* test_figure.c — the figure model (interp/figure.c) on its own, linked with the runtime
 * only: what a front end other than nn's builtins relies on. Ticks and their labels, the
 * range, the title and legend rules, and the layer sampled through a C callback (a
 * contour of x² + y², class regions x > 0) — including a callback that throws, after
 * which fig_free must release everything (checked by `make asan`). */
#include "check.h"

#include "figure.h"

/* A callback's record of its calls. */
typedef struct Calls {
  int calls, points, max_n;
  int throw_after; /* throw on this call (0: never) */
} Calls;

/* f(x, y) = x² + y² */
static void bowl(void *ctx, Fig *F, int n, const double *x, const double *y, double *out) {
  Calls *c = ctx;
  c->calls++, c->points += n;
  if (n > c->max_n) c->max_n = n;
  if (c->throw_after && c->calls == c->throw_after) rt_throw("bowl: failed on call %d", c->calls);
  for (int i = 0; i < n; i++) out[i] = x[i] * x[i] + y[i] * y[i];
}

/* class 1 right of the y axis, 0 left of it */
static void halves(void *ctx, Fig *F, int n, const double *x, const double *y, double *out) {
  Calls *c = ctx;
  c->calls++, c->points += n;
  if (n > c->max_n) c->max_n = n;
  for (int i = 0; i < n; i++) out[i] = x[i] > 0;
  if (F->n_classes < 2) F->n_classes = 2;
}

static void ticks(void) {
  double t[FIG_MAX_TICKS], step;
  int n = fig_ticks(0, 1, 5, false, t, &step);
  check_int("ticks 0..1: count", n, 6);
  check_num("ticks 0..1: step", step, 0.2, 1e-12);
  check_num("ticks 0..1: last", t[n - 1], 1, 1e-12);
  n = fig_ticks(0, 3, 10, true, t, &step); /* whole numbers: never closer than 1 */
  check_num("whole ticks: step", step, 1, 0);
  check_int("whole ticks: count", n, 4);
  char buf[32];
  fig_tick_label(buf, sizeof buf, 0.4, 0.2, false);
  check_str("tick label 0.4 step 0.2", buf, "0.4");
  fig_tick_label(buf, sizeof buf, 3, 1, false);
  check_str("tick label 3 step 1", buf, "3");
  fig_tick_label(buf, sizeof buf, -5, 1, true); /* log scale: v is the exponent */
  check_str("tick label log 1e-05", buf, "1e-05");
  check_int("columns of UTF-8", fig_cols("f ≤ 1"), 5);
}

static void range_title_legend(void) {
  Fig *F = fig_new();
  double y[5] = {0, 1, 4, 9, 16};
  fig_add(F, FS_LINE, "square", 5, NULL, y, 0);
  fig_autorange(F);
  check_num("autorange x0", F->x0, 0, 0);
  check_num("autorange x1", F->x1, 4, 0);
  check_num("autorange y0 (a tick)", F->y0, 0, 0);
  check_num("autorange y1 (a tick)", F->y1, 20, 1e-12);
  check_str("a lone series names the figure", fig_title(F) ? fig_title(F) : "(none)", "square");
  FigItem it[8];
  check_int("a lone series: no legend", fig_legend(F, it, 8), 0);
  fig_add(F, FS_LINE, "twice", 5, NULL, y, 0);
  check_int("two series: no title", fig_title(F) == NULL, 1);
  check_int("two series: two entries", fig_legend(F, it, 8), 2);
  check_str("legend entry 2", it[1].name, "twice");
  check_int("legend entry 2: style", it[1].color, 1);
  fig_free(F);

  F = fig_new();
  F->logy = true;
  double p[3] = {1e-3, 1, 10};
  fig_add(F, FS_LINE, "", 3, NULL, p, 0);
  fig_autorange(F);
  check_num("log scale: y0 = log10(1e-3)", F->y0, -3, 1e-9);
  check_num("log scale: y1 = log10(10)", F->y1, 1, 1e-9);
  check_int("log scale: 0 is a gap", isnan(fig_y(F, 0)), 1);
  fig_free(F);
}

static Fig *area(double x0, double x1, double y0, double y1) {
  Fig *F = fig_new();
  F->x0 = x0, F->x1 = x1, F->y0 = y0, F->y1 = y1;
  return F;
}

static void contour(void) {
  Fig *F = area(-1, 1, -1, 1);
  Calls c = {0};
  F->layer = FL_CONTOUR, F->layer_fn = bowl, F->layer_ctx = &c;
  fig_sample(F, 21, 11, true);
  check_int("contour: grid width", F->gnx, 21);
  check_int("contour: grid height", F->gny, 11);
  check_int("contour: a call per row", c.calls, 11);
  check_int("contour: every node", c.points, 21 * 11);
  check_num("contour: top left node is (-1, 1)", F->grid[0], 2, 1e-12);
  check_num("contour: centre node is (0, 0)", F->grid[5 * 21 + 10], 0, 1e-12);
  check_num("contour: node (i=15, j=2) = f(0.5, 0.6)", F->grid[2 * 21 + 15], 0.25 + 0.36, 1e-12);
  int ordered = F->n_levels > 0;
  for (int i = 0; i < F->n_levels; i++)
    ordered = ordered && F->levels[i] > 0 && F->levels[i] < 2 && (i == 0 || F->levels[i] > F->levels[i - 1]);
  check_int("contour: levels inside (0, 2), increasing", ordered, 1);
  char lv[512];
  fig_levels_text(F, lv, sizeof lv);
  check_int("contour: levels as text", lv[0] != 0 && strchr(lv, ',') != NULL, 1);
  /* a larger grid is sampled coarsely (at most 16000 calls of f) and interpolated */
  c = (Calls){0};
  fig_sample(F, 400, 200, false);
  check_int("large contour: grid width", F->gnx, 400);
  check_int("large contour: at most 16000 values of f", c.points <= 16000, 1);
  check_num("large contour: centre, interpolated", F->grid[100 * 400 + 200], 0, 0.01);
  fig_free(F);
}

static void regions(void) {
  Fig *F = area(-1, 1, -1, 1);
  Calls c = {0};
  F->layer = FL_REGIONS, F->layer_fn = halves, F->layer_ctx = &c;
  fig_sample(F, 100, 100, true);
  check_int("regions: batches of at most 4096 points", c.max_n, 4096);
  check_int("regions: every node", c.points, 10000);
  check_int("regions: 3 calls", c.calls, 3);
  check_num("regions: left is class 0", F->grid[50 * 100 + 10], 0, 0);
  check_num("regions: right is class 1", F->grid[50 * 100 + 90], 1, 0);
  FigItem it[8];
  int n = fig_legend(F, it, 8);
  check_int("regions: a legend entry per class", n, 2);
  check_str("regions: class names", it[1].name, "class 1");
  fig_free(F);
}

/* The layer throws part way: the error reaches the caller, and fig_free releases the grid
   and the points (the asan build would report a leak). */
static void throwing(void) {
  Fig *F = area(-1, 1, -1, 1);
  Calls c = {.throw_after = 3};
  F->layer = FL_CONTOUR, F->layer_fn = bowl, F->layer_ctx = &c;
  RtFrame fr;
  int thrown = 0;
  if (RT_TRY(&fr)) {
    fig_sample(F, 30, 30, true);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    thrown = 1;
    check_str("a throwing layer: its message", rt_errmsg(), "bowl: failed on call 3");
  }
  check_int("a throwing layer: unwinds", thrown, 1);
  fig_free(F);
}

int main(void) {
  ticks();
  range_title_legend();
  contour();
  regions();
  throwing();
  return 0;
}
