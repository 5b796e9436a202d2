/* plot_svg.c — writes a figure (figure.h) as a standalone SVG document: grid, contour
 * lines by marching squares, class regions as rectangles, series, axes, ticks, legend.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figure.h"
#include "i18n.h"
#include "plot_svg.h"
#include "strbuf.h"

static const char *const SVG_COLOR[FIG_STYLES] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                  "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
static const char *const SVG_LIGHT[FIG_STYLES] = {"#c6dbef", "#fcbba1", "#c7e9c0", "#dadaeb",
                                                  "#fdd0a2", "#c7eae5", "#d9c3b0", "#f7cfe8"};

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

typedef struct Box Box;
static void axis_names(const Fig *F, const Box *bx, StrBuf *b, double y_at);
static void svg_title(StrBuf *b, const char *title, const Box *bx);

struct Box {
  double L, R, T, B; /* the plot area, pixels */
};

static double px_of(const Fig *F, const Box *bx, double x) {
  return bx->L + (x - F->x0) / (F->x1 - F->x0) * (bx->R - bx->L);
}
static double py_raw(const Fig *F, const Box *bx, double t) {
  return bx->B - (t - F->y0) / (F->y1 - F->y0) * (bx->B - bx->T);
}
static double py_of(const Fig *F, const Box *bx, double y) { return py_raw(F, bx, fig_y(F, y)); }

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
        double cxs[4] = {fig_gx(F, i), fig_gx(F, i + 1), fig_gx(F, i + 1), fig_gx(F, i)};
        double cys[4] = {fig_gy(F, j), fig_gy(F, j), fig_gy(F, j + 1), fig_gy(F, j + 1)};
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
                (e - i) * cw, ch, SVG_LIGHT[k % FIG_STYLES]);
      i = e;
    }
  sb_puts(b, "</g>\n");
}

static void svg_marker(StrBuf *b, double x, double y, int style, const char *cls) {
  sb_printf(b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"white\" stroke-width=\"0.8\"/>\n",
            cls, x, y, SVG_COLOR[style % FIG_STYLES]);
}

static void svg_series(Fig *F, const Box *bx, StrBuf *b, const FigSeries *s) {
  const char *col = SVG_COLOR[s->style % FIG_STYLES];
  sb_printf(b, "<g class=\"series\" data-label=\"");
  xml_text(b, s->label);
  sb_puts(b, "\">\n");
  switch (s->kind) {
  case FS_LINE:
  case FS_PATH: {
    bool open = false;
    int first = -1, last = -1;
    for (int i = 0; i < s->n; i++) {
      double y = fig_y(F, s->y[i]);
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
      if (isfinite(s->x[i]) && isfinite(fig_y(F, s->y[i])))
        svg_marker(b, px_of(F, bx, s->x[i]), py_of(F, bx, s->y[i]), s->style, "point");
    break;
  case FS_BARS: {
    double base = F->logy ? F->y0 : fmin(fmax(0, F->y0), F->y1);
    double slot = (bx->R - bx->L) / s->n, w = slot * 0.7;
    for (int i = 0; i < s->n; i++) {
      double y = fig_y(F, s->y[i]);
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

/* One panel of W × H pixels, its clip path named area<idx> (unique in the document). */
static void svg_panel(Fig *F, StrBuf *b, int W, int H, int idx) {
  bool bars = F->n_s > 0 && F->s[0].kind == FS_BARS;
  const char *title = fig_title(F);
  Box bx = {.L = 70, .R = W - 20, .T = title ? 40 : 20, .B = H - 45};
  if (F->layer != FL_NONE) {
    int nx = (int)((bx.R - bx.L) / 4), ny = (int)((bx.B - bx.T) / 4);
    fig_sample(F, nx < 2 ? 2 : nx, ny < 2 ? 2 : ny, true);
  }
  char clip[32];
  snprintf(clip, sizeof clip, idx ? "area%d" : "area", idx);
  sb_printf(b, "<defs><clipPath id=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
            clip, bx.L, bx.T, bx.R - bx.L, bx.B - bx.T);
  /* ticks and grid lines */
  double yt[FIG_MAX_TICKS], xt[FIG_MAX_TICKS], ystep, xstep;
  int nyt = fig_ticks(F->y0, F->y1, 6, F->logy && F->y1 - F->y0 >= 2, yt, &ystep);
  int nxt = bars ? 0 : fig_ticks(F->x0, F->x1, 8, F->x_whole, xt, &xstep);
  sb_puts(b, "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n");
  for (int i = 0; i < nyt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", bx.L, py_raw(F, &bx, yt[i]), bx.R,
              py_raw(F, &bx, yt[i]));
  for (int i = 0; i < nxt; i++)
    sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px_of(F, &bx, xt[i]), bx.T,
              px_of(F, &bx, xt[i]), bx.B);
  sb_printf(b, "</g>\n<g clip-path=\"url(#%s)\">\n", clip);
  if (F->layer == FL_REGIONS) svg_regions(F, &bx, b);
  if (F->layer == FL_CONTOUR) svg_contour(F, &bx, b);
  for (int k = 0; k < F->n_s; k++) svg_series(F, &bx, b, &F->s[k]);
  if (isfinite(F->mark_x) && F->mark_x >= F->x0 && F->mark_x <= F->x1) {
    double x = px_of(F, &bx, F->mark_x);
    sb_printf(b, "<line class=\"marker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
                 "stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n", x, bx.T, x, bx.B);
  }
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
    fig_tick_label(lab, sizeof lab, yt[i], ystep, F->logy);
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", bx.L - 8, py_raw(F, &bx, yt[i]) + 4, lab);
  }
  for (int i = 0; i < nxt; i++) {
    char lab[32];
    fig_tick_label(lab, sizeof lab, xt[i], xstep, false);
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
  if (title) svg_title(b, title, &bx);
  axis_names(F, &bx, b, 16);
  /* legend: top right, inside the plot */
  FigItem items[64];
  int ni = fig_legend(F, items, 64);
  if (F->layer == FL_CONTOUR && F->n_levels > 0 && ni < 64) {
    items[ni] = (FigItem){.color = -2};
    int k = snprintf(items[ni].name, sizeof items[ni].name, "%s", _("contours at "));
    fig_levels_text(F, items[ni].name + k, sizeof items[ni].name - (size_t)k);
    ni++;
  }
  if (F->mark_label && ni < 64) {
    items[ni] = (FigItem){.color = -3};
    snprintf(items[ni].name, sizeof items[ni].name, "%s", F->mark_label);
    ni++;
  }
  if (ni > 0) {
    int maxw = 0;
    for (int i = 0; i < ni; i++) maxw = fig_cols(items[i].name) > maxw ? fig_cols(items[i].name) : maxw;
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
      const FigItem *it = &items[i];
      if (F->layer == FL_REGIONS) {
        sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"12\" fill=\"%s\"/>\n", x + 6, cy - 6,
                  SVG_LIGHT[it->color % FIG_STYLES]);
        svg_marker(b, x + 15, cy, it->color, "key");
      } else if (it->color == -3) { /* the marker's dashed line */
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
                     "stroke-dasharray=\"4 3\"/>\n", x + 15, cy - 7, x + 15, cy + 7);
      } else if (it->color >= 0) {
        const FigSeries *s = NULL;
        for (int k = 0; k < F->n_s && !s; k++)
          if (!strcmp(F->s[k].label, it->name)) s = &F->s[k];
        if (s && s->kind == FS_POINTS) svg_marker(b, x + 15, cy, it->color, "key");
        else
          sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                    x + 6, cy, x + 24, cy, SVG_COLOR[it->color % FIG_STYLES]);
      }
      sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x + 30, cy + 4, it->color == -2 ? " fill=\"#555555\"" : "");
      xml_text(b, it->name);
      sb_puts(b, "</text>\n");
    }
    sb_puts(b, "</g>\n");
  }
}

/* The axes' names: x centred under the tick labels, y turned up at x = y_at. */
/* A panel's title, centred over its plot area. */
static void svg_title(StrBuf *b, const char *title, const Box *bx) {
  sb_printf(b, "<text class=\"title\" x=\"%.1f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">", (bx->L + bx->R) / 2);
  xml_text(b, title);
  sb_puts(b, "</text>\n");
}

static void axis_names(const Fig *F, const Box *bx, StrBuf *b, double y_at) {
  if (F->xname) {
    sb_printf(b, "<text class=\"axis-name\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (bx->L + bx->R) / 2,
              bx->B + 36);
    xml_text(b, F->xname);
    sb_puts(b, "</text>\n");
  }
  if (F->yname) {
    double y = (bx->T + bx->B) / 2;
    sb_printf(b, "<text class=\"axis-name\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                 "transform=\"rotate(-90 %.1f %.1f)\">", y_at, y, y_at, y);
    xml_text(b, F->yname);
    sb_puts(b, "</text>\n");
  }
}

/* A matrix of counts (a confusion matrix) as a heat map: square cells from white to dark
   blue by their share of the largest count, each with its count; the class names along
   both axes, the truth down the left, the prediction along the bottom. */
static void svg_matrix(Fig *F, StrBuf *b, int W, int H) {
  int k = F->n_classes;
  char buf[32];
  int lw = 0;
  for (int i = 0; i < k; i++) {
    int w = fig_cols(fig_class_name(F, i, buf, sizeof buf));
    lw = w > lw ? w : lw;
  }
  const char *title = fig_title(F);
  Box bx = {.L = 36 + lw * 7.0, .R = W - 20, .T = title ? 40 : 20, .B = H - 45 - (lw > 6 ? lw * 4.0 : 0)};
  double cell = fmin((bx.R - bx.L) / k, (bx.B - bx.T) / k);
  bx.L = fmax(bx.L, (W - cell * k) / 2); /* centred when the names leave room */
  bx.R = bx.L + cell * k, bx.B = bx.T + cell * k;
  double max = 0;
  for (int i = 0; i < k * k; i++) max = F->mat[i] > max ? F->mat[i] : max;
  double fs = fmin(14, fmax(6, cell / 3));
  sb_puts(b, "<g class=\"matrix\">\n");
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      double v = F->mat[i * k + j], t = max > 0 ? v / max : 0;
      /* #f7fbff (none) to #08306b (the largest), as matplotlib's Blues */
      int r = (int)(247 + t * (8 - 247)), g = (int)(251 + t * (48 - 251)), bl = (int)(255 + t * (107 - 255));
      double x = bx.L + j * cell, y = bx.T + i * cell;
      sb_printf(b, "<rect class=\"cell\" data-truth=\"%d\" data-prediction=\"%d\" x=\"%.1f\" y=\"%.1f\" "
                   "width=\"%.1f\" height=\"%.1f\" fill=\"#%02x%02x%02x\" stroke=\"white\"/>\n",
                i, j, x, y, cell, cell, r, g, bl);
      sb_printf(b, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.0f\" "
                   "fill=\"%s\">%.0f</text>\n", x + cell / 2, y + cell / 2 + fs / 3, fs, t > 0.5 ? "white" : "black", v);
    }
  sb_puts(b, "</g>\n<g class=\"ticks\" fill=\"black\">\n");
  bool turn = lw * 7.0 > cell; /* long names along the bottom: turned 45° */
  for (int i = 0; i < k; i++) {
    const char *name = fig_class_name(F, i, buf, sizeof buf);
    double y = bx.T + (i + 0.5) * cell + 4;
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", bx.L - 6, y);
    xml_text(b, name);
    sb_puts(b, "</text>\n");
    double x = bx.L + (i + 0.5) * cell;
    if (turn)
      sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" transform=\"rotate(-45 %.1f %.1f)\">", x,
                bx.B + 14, x, bx.B + 14);
    else sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, bx.B + 16);
    xml_text(b, name);
    sb_puts(b, "</text>\n");
  }
  sb_puts(b, "</g>\n");
  if (title) svg_title(b, title, &bx);
  Box names = bx;
  names.B = turn ? fmin(bx.B + lw * 5.0, H - 40) : bx.B;
  axis_names(F, &names, b, fmax(16, bx.L - lw * 7.0 - 24)); /* beside the row names */
}

void fig_svg(Fig *F, StrBuf *b, int W, int H) {
  int n = 0;
  for (const Fig *p = F; p; p = p->next) n++;
  const char *title = fig_title(F);
  sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  /* CJK fonts in the list: titles and legends may be Chinese (--lang zh) */
  sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"%s\" font-size=\"12\">\n", W, H, W, H, SVG_FONT_FAMILY);
  if (title) {
    sb_puts(b, "<title>");
    xml_text(b, title);
    sb_puts(b, "</title>\n");
  }
  sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
  /* panels one below the other, sharing the height */
  int i = 0, y = 0;
  for (Fig *p = F; p; p = p->next, i++) {
    int h = (H - y) / (n - i);
    if (n > 1) sb_printf(b, "<g class=\"panel\" transform=\"translate(0 %d)\">\n", y);
    if (p->mat) svg_matrix(p, b, W, h);
    else svg_panel(p, b, W, h, i);
    if (n > 1) sb_puts(b, "</g>\n");
    y += h;
  }
  sb_puts(b, "</svg>\n");
}
