/* plot.h — figures: curves, paths, points and bars over a range, with an optional layer
 * beneath them (the contour of a function of a point, or the class regions of a
 * classifier), drawn in the terminal (a braille canvas) or written as a standalone SVG.
 *
 * Ownership: a Fig owns everything in it (labels and numbers are copied in). The layer's
 * function is borrowed and is only called while the figure is drawn, so drawing may throw
 * (a user's function fails): the caller keeps the Fig reachable and frees it on unwind.
 */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include "args.h"

typedef enum {
  FS_LINE,   /* y over x, braille in the terminal; non-finite values leave gaps */
  FS_PATH,   /* a walk through (x, y) points: a marker line (optimizer paths) */
  FS_POINTS, /* unconnected markers (data points of one class) */
  FS_BARS    /* one bar per point, from the baseline (0, or the bottom on a log scale) */
} FigKind;

typedef struct FigSeries {
  FigKind kind;
  char *label;
  int n;
  double *x, *y; /* n points */
  int style;     /* colour and marker: 0, 1, 2, ... */
} FigSeries;

typedef enum { FL_NONE, FL_CONTOUR, FL_REGIONS } FigLayer;

typedef struct Fig {
  Interp *I;
  const Node *site;      /* where the user's function is called from, for errors */
  char *title;
  double x0, x1, y0, y1; /* the range shown (y0, y1 in log10 units when logy) */
  bool x_whole;          /* the x axis counts (indices, epochs): whole-number ticks */
  bool logy;
  FigSeries *s;
  int n_s, cap_s;
  char **bar_labels;     /* names under the bars (or NULL: their indices) */
  int n_bar_labels;
  FigLayer layer;
  Value fn;              /* the layer's function or model (borrowed) */
  int fn_arity;          /* contour: 1 = f(p) with p = [x, y]; 2 = f(x, y) */
  int n_classes;         /* regions: classes seen in the data or the model's outputs */
  char **class_names;    /* their names (or NULL: "class 0", "class 1", ...) */
  int n_class_names;
  /* filled while drawing: the layer sampled on a grid of nodes, row 0 at the top */
  double *grid;
  int gnx, gny;
  double levels[32];
  int n_levels;
  void *canvas;          /* the text renderer's cells */
} Fig;

Fig *fig_new(Interp *I, const Node *site);
void fig_free(Fig *F);
/* Add a series of n points; x may be NULL (then x = x_start, x_start + 1, ...) and y NULL
   (zeros, for the caller to fill in). Copies. */
FigSeries *fig_add(Fig *F, FigKind kind, const char *label, int n, const double *x,
                   const double *y, double x_start);
/* Set the range from the series where the caller left it unset (NAN). */
void fig_autorange(Fig *F);

/* Draw into b: a width × height character plot (axes, ticks, legend) with ANSI colours
   when color is set. May call the layer's function (and so throw). */
void fig_text(Fig *F, StrBuf *b, int width, int height, bool color);
/* A standalone SVG document of width × height pixels. May throw likewise. */
void fig_svg(Fig *F, StrBuf *b, int width, int height);

/* plot and compare, in the terminal or as SVG. */
void plot_register(Interp *I);

#endif
