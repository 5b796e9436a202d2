/* plot_text.c — draws a figure (figure.h) in the terminal: braille dots for curves and
 * contour lines, marker cells for paths and points, block characters for bars and shaded
 * class regions, with axes, ticks, a legend and optional ANSI colours.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "figure.h"
#include "i18n.h"
#include "mem.h"
#include "plot_text.h"
#include "strbuf.h"

static const int ANSI[FIG_STYLES] = {34, 31, 32, 35, 33, 36, 94, 91};
/* Class regions in the terminal: class k is shaded SHADES[k % 4]. */
static const char *const SHADES[4] = {" ", "░", "▒", "▓"};
static const char *const EIGHTHS[9] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

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
  return (F->y1 - fig_y(F, y)) / (F->y1 - F->y0) * (cv->dh - 1);
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
  static const char *const m[FIG_STYLES] = {"o", "x", "+", "*", "#", "@", "%", "&"};
  return m[style % FIG_STYLES];
}

static void draw_series_text(Canvas *cv, const FigSeries *s, int n_lines, int line_index) {
  int color = s->style % FIG_STYLES;
  const char *mk = marker_str(s->style);
  switch (s->kind) {
  case FS_LINE:
  case FS_PATH: {
    bool have = false;
    double px = 0, py = 0;
    for (int i = 0; i < s->n; i++) {
      double x = s->x[i], y = fig_y(cv->F, s->y[i]);
      if (!isfinite(x) || !isfinite(y)) {
        have = false;
        continue;
      }
      double dx = dx_of(cv, x), dy = dy_of(cv, s->y[i]);
      bool lone = !have && (i + 1 >= s->n || !isfinite(s->x[i + 1]) || !isfinite(fig_y(cv->F, s->y[i + 1])));
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
        double y = fig_y(cv->F, s->y[best]);
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
      if (!isfinite(s->x[i]) || !isfinite(fig_y(cv->F, s->y[i]))) continue;
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
      double y = fig_y(F, s->y[i]);
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

static int band(const Fig *F, double v) {
  int b = 0;
  while (b < F->n_levels && F->levels[b] <= v) b++;
  return b;
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
        int count[FIG_STYLES] = {0}, best = (int)g[(4 * r) * nx + 2 * c];
        for (int j = 4 * r; j < 4 * r + 4; j++)
          for (int i = 2 * c; i < 2 * c + 2; i++) {
            int k = (int)g[j * nx + i];
            if (k < FIG_STYLES && ++count[k] > count[best < FIG_STYLES ? best : 0]) best = k;
          }
        Cell *cell = &cv->c[r * cv->cols + c];
        cell->shade = SHADES[best % 4];
        cell->shade_color = (int8_t)(best % FIG_STYLES);
      }
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        double k = g[j * nx + i];
        if ((i + 1 < nx && g[j * nx + i + 1] != k) || (j + 1 < ny && g[(j + 1) * nx + i] != k))
          dot(cv, i, j, -1);
      }
  }
}

static void spaces(StrBuf *b, int n) {
  for (int i = 0; i < n; i++) sb_putc(b, ' ');
}

/* Colour switching: emit an SGR sequence only when the colour changes. */
static void set_color(StrBuf *b, bool on, int *cur, int color) {
  if (!on || *cur == color) return;
  if (color == -1) sb_puts(b, "\033[0m");
  else if (color == -2) sb_puts(b, "\033[90m");
  else sb_printf(b, "\033[%dm", ANSI[color % FIG_STYLES]);
  *cur = color;
}

static void end_line(StrBuf *b, bool color, int *cur, size_t start) {
  while (b->len > start && b->s[b->len - 1] == ' ') b->len--;
  set_color(b, color, cur, -1);
  sb_putc(b, '\n');
}

static void text_panel(Fig *F, StrBuf *b, int width, int height, bool color) {
  bool bars = F->n_s > 0 && F->s[0].kind == FS_BARS;
  int rows = height - 2;
  /* y ticks first: their labels set the left margin. */
  double yt[FIG_MAX_TICKS], ystep;
  int nyt = fig_ticks(F->y0, F->y1, rows / 3 < 2 ? 2 : rows / 3, false, yt, &ystep);
  if (F->logy && F->y1 - F->y0 >= 2) nyt = fig_ticks(F->y0, F->y1, rows / 3 < 2 ? 2 : rows / 3, true, yt, &ystep);
  char ylab[FIG_MAX_TICKS][32];
  int lw = 1;
  for (int i = 0; i < nyt; i++) {
    fig_tick_label(ylab[i], sizeof ylab[i], yt[i], ystep, F->logy);
    int w = (int)strlen(ylab[i]);
    if (w > lw) lw = w;
  }
  int cols = width - lw - 2;
  if (cols < 8) cols = 8;
  Canvas cv = {.F = F, .cols = cols, .rows = rows, .dw = 2 * cols, .dh = 4 * rows};
  fig_sample(F, cv.dw, cv.dh, false);
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
  /* The marker: a dotted column wherever the series left the cell empty. */
  if (isfinite(F->mark_x) && F->mark_x >= F->x0 && F->mark_x <= F->x1) {
    int col = (int)floor(dx_of(&cv, F->mark_x) + 0.5) / 2;
    for (int r = 0; r < rows; r++) {
      Cell *cell = &cv.c[r * cols + col];
      if (!cell->ch && !cell->dots) cell->ch = "┊", cell->ch_color = -2;
    }
  }

  int cur = -1;
  size_t start;
  /* Title, centred over the canvas. */
  const char *title = fig_title(F);
  if (title) {
    start = b->len;
    int pad = lw + 2 + (cols - fig_cols(title)) / 2;
    spaces(b, pad < 0 ? 0 : pad);
    sb_puts(b, title);
    end_line(b, color, &cur, start);
  }
  /* The canvas with the y axis. */
  int tick_row[FIG_MAX_TICKS];
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
  double xt[FIG_MAX_TICKS], xstep;
  int nxt;
  if (bars) {
    nxt = 0;
    int n = F->s[0].n;
    for (int i = 0; i < n && nxt < FIG_MAX_TICKS; i += (n + FIG_MAX_TICKS - 1) / FIG_MAX_TICKS) xt[nxt++] = i;
    xstep = 1;
  } else {
    nxt = fig_ticks(F->x0, F->x1, cols / 10 < 2 ? 2 : cols / 10, F->x_whole, xt, &xstep);
  }
  int tick_col[FIG_MAX_TICKS];
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
      fig_tick_label(buf, sizeof buf, xt[i], xstep, false);
    }
    int w = fig_cols(lab);
    int pos = lw + 2 + tick_col[i] - (w - 1) / 2;
    if (pos + w > width) pos = width - w;
    if (pos < 0) pos = 0;
    if (pos < at + (at ? 1 : 0)) continue; /* would touch the previous label */
    spaces(b, pos - at);
    sb_puts(b, lab);
    at = pos + w;
  }
  if (F->xname && at + 2 + fig_cols(F->xname) <= width) { /* the axis's name, at its right end */
    spaces(b, width - fig_cols(F->xname) - at);
    sb_puts(b, F->xname);
  }
  end_line(b, color, &cur, start);
  /* The legend, wrapped to the width. */
  FigItem items[64];
  int ni = fig_legend(F, items, 64);
  if (ni > 0) {
    start = b->len;
    spaces(b, lw + 2);
    at = lw + 2;
    for (int i = 0; i < ni; i++) {
      /* its marker, then for regions the class's shading */
      const char *sym = marker_str(items[i].color);
      const char *shade = F->layer == FL_REGIONS ? SHADES[items[i].color % 4] : NULL;
      int w = fig_cols(items[i].name) + 2 + (shade ? 4 : 0);
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
      sb_puts(b, sym);
      set_color(b, color, &cur, -1);
      if (shade) {
        sb_puts(b, " [");
        set_color(b, color, &cur, items[i].color);
        sb_puts(b, shade);
        set_color(b, color, &cur, -1);
        sb_puts(b, "]");
      }
      sb_putc(b, ' ');
      sb_puts(b, items[i].name);
      at += w;
    }
    end_line(b, color, &cur, start);
  }
  if (F->mark_label) {
    start = b->len;
    spaces(b, lw + 2);
    set_color(b, color, &cur, -2);
    sb_puts(b, "┊ ");
    set_color(b, color, &cur, -1);
    sb_puts(b, F->mark_label);
    end_line(b, color, &cur, start);
  }
  if (F->layer == FL_CONTOUR && F->n_levels > 0) {
    start = b->len;
    spaces(b, lw + 2);
    set_color(b, color, &cur, -2);
    sb_puts(b, _("contours at "));
    char lv[512];
    fig_levels_text(F, lv, sizeof lv);
    sb_puts(b, lv);
    end_line(b, color, &cur, start);
  }
  rt_free(F->canvas);
  F->canvas = NULL;
}

/* Shading of a count relative to the largest: none, then quarters. */
static const char *count_shade(double v, double max) {
  double t = max > 0 ? v / max : 0;
  return t <= 0 ? " " : t <= 0.25 ? "░" : t <= 0.5 ? "▒" : t <= 0.75 ? "▓" : "█";
}

/* Row i's label (compact: "i name") or column j's header (compact: its index). */
static const char *matrix_label(const Fig *F, int i, bool compact, bool row, char *buf, size_t n) {
  char name[32];
  const char *s = fig_class_name(F, i, name, sizeof name);
  if (!compact) {
    snprintf(buf, n, "%s", s);
    return buf;
  }
  if (row) snprintf(buf, n, "%d %s", i, s);
  else snprintf(buf, n, "%d", i);
  return buf;
}

/* A matrix of counts (a confusion matrix): one cell per count, shaded by its share of the
   largest, the count written in its middle; rows named on the left (the truth), columns
   above (the prediction). When the names make it wider than the width, the columns are
   headed by the classes' numbers and each row's name starts with its number. */
static void text_matrix(Fig *F, StrBuf *b, int width, bool color) {
  int k = F->n_classes, cur = -1;
  double max = 0;
  for (int i = 0; i < k * k; i++) max = F->mat[i] > max ? F->mat[i] : max;
  char buf[200];
  int lw = 0, cw = 3;
  bool compact = false;
  for (int pass = 0; pass < 2; pass++, compact = true) {
    lw = F->yname ? fig_cols(F->yname) : 0, cw = 3;
    for (int i = 0; i < k; i++) {
      int w = fig_cols(matrix_label(F, i, compact, true, buf, sizeof buf));
      lw = w > lw ? w : lw;
      w = fig_cols(matrix_label(F, i, compact, false, buf, sizeof buf));
      cw = w + 2 > cw ? w + 2 : cw;
      for (int j = 0; j < k; j++) {
        int n = snprintf(buf, sizeof buf, "%.0f", F->mat[i * k + j]);
        cw = n + 2 > cw ? n + 2 : cw;
      }
    }
    if (lw + 1 + k * cw <= width) break;
  }
  size_t start = b->len;
  const char *title = fig_title(F);
  if (title) {
    int pad = (lw + 1 + k * cw - fig_cols(title)) / 2;
    spaces(b, pad > 0 ? pad : 0);
    sb_puts(b, title);
    end_line(b, color, &cur, start);
  }
  if (F->xname) {
    start = b->len;
    spaces(b, lw + 1 + (k * cw - fig_cols(F->xname)) / 2);
    sb_puts(b, F->xname);
    end_line(b, color, &cur, start);
  }
  start = b->len;
  if (F->yname) sb_puts(b, F->yname);
  spaces(b, lw + 1 - (F->yname ? fig_cols(F->yname) : 0));
  for (int j = 0; j < k; j++) {
    const char *name = matrix_label(F, j, compact, false, buf, sizeof buf);
    int w = fig_cols(name);
    /* the odd space goes to the right, as in the cells below: the name over the count */
    spaces(b, (cw - w) / 2);
    sb_puts(b, name);
    spaces(b, cw - w - (cw - w) / 2);
  }
  end_line(b, color, &cur, start);
  for (int i = 0; i < k; i++) {
    start = b->len;
    const char *name = matrix_label(F, i, compact, true, buf, sizeof buf);
    sb_puts(b, name);
    spaces(b, lw - fig_cols(name));
    sb_puts(b, "│");
    for (int j = 0; j < k; j++) {
      double v = F->mat[i * k + j];
      const char *sh = count_shade(v, max);
      char num[32];
      int n = snprintf(num, sizeof num, "%.0f", v), left = (cw - n) / 2;
      set_color(b, color, &cur, i == j ? 0 : 1);
      for (int c = 0; c < left; c++) sb_puts(b, sh);
      set_color(b, color, &cur, -1);
      sb_puts(b, num);
      set_color(b, color, &cur, i == j ? 0 : 1);
      for (int c = left + n; c < cw; c++) sb_puts(b, sh);
    }
    set_color(b, color, &cur, -1);
    end_line(b, color, &cur, start);
  }
  start = b->len;
  spaces(b, lw + 1);
  set_color(b, color, &cur, -2);
  char key[200];
  snprintf(key, sizeof key, _("░ ▒ ▓ █: up to ¼, ½, ¾, all of the largest count (%.0f)"), max);
  sb_puts(b, key);
  end_line(b, color, &cur, start);
}

/* Panels one below the other, each given an equal share of the height (at least 8
   lines); a matrix takes the lines it needs. */
void fig_text(Fig *F, StrBuf *b, int width, int height, bool color) {
  int n = 0;
  for (const Fig *p = F; p; p = p->next) n++;
  int h = height / n < 8 ? 8 : height / n;
  for (Fig *p = F; p; p = p->next) {
    if (p->mat) text_matrix(p, b, width, color);
    else text_panel(p, b, width, n > 1 ? h : height, color);
  }
}
