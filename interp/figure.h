/* figure.h — the figure model: curves, paths, points and bars over a range, with an
 * optional layer beneath them (the contour of a function of a point, or the class regions
 * of a classifier), and what every renderer shares: the range, the ticks and their labels,
 * the layer sampled on a grid with its contour levels, the legend.
 *
 * A figure knows nothing of nn's values or interpreter: the code that builds one
 * (interp/plot.c) supplies the layer as a callback, and a renderer (plot_text.h,
 * plot_svg.h, or a web front end's own) draws it.
 *
 * Ownership: a Fig owns everything in it (labels and numbers are copied in). The layer's
 * callback and its context are borrowed and only called while the figure is sampled, so
 * drawing may throw (a user's function fails): the caller keeps the Fig reachable and frees
 * it on unwind.
 */
#ifndef NN_FIGURE_H
#define NN_FIGURE_H

#include <stdbool.h>
#include <stddef.h>

enum {
  FIG_MAX_TICKS = 32,
  FIG_STYLES = 8 /* colours and markers of the renderers: style k is drawn as k % FIG_STYLES */
};

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

typedef struct Fig Fig;

/* The layer at the n points (x[i], y[i]), into out[i]: the function's value (FL_CONTOUR)
   or the class it predicts, 0, 1, ... (FL_REGIONS; it may raise F->n_classes to the
   number of classes the classifier can give). Supplied by whoever built the figure, with
   its context ctx; it may throw (an rt error), which unwinds through the renderer. */
typedef void FigLayerFn(void *ctx, Fig *F, int n, const double *x, const double *y, double *out);

struct Fig {
  char *title;
  double x0, x1, y0, y1; /* the range shown (y0, y1 in log10 units when logy) */
  bool x_whole;          /* the x axis counts (indices, epochs): whole-number ticks */
  bool logy;
  FigSeries *s;
  int n_s, cap_s;
  char **bar_labels;     /* names under the bars (or NULL: their indices) */
  int n_bar_labels;
  FigLayer layer;
  FigLayerFn *layer_fn;  /* the layer's values (borrowed, with layer_ctx) */
  void *layer_ctx;
  int n_classes;         /* regions: classes seen in the data or the model's outputs */
  char **class_names;    /* their names (or NULL: "class 0", "class 1", ...) */
  int n_class_names;
  /* filled by fig_sample: the layer sampled on a grid of nodes, row 0 at the top */
  double *grid;
  int gnx, gny;
  double levels[32];
  int n_levels;
  double *px, *py;       /* the points handed to layer_fn (scratch) */
  void *canvas;          /* a renderer's scratch (the text renderer's cells), freed with F */
  /* A matrix of counts drawn as a grid instead of series (a confusion matrix): mat is
     [n_classes × n_classes], row i the truth, column j the prediction; class_names name
     them. NULL for an ordinary figure. */
  double *mat;
  char *xname, *yname;   /* the axes' names, or NULL */
  double mark_x;         /* a vertical marker at this x (a history's best epoch), NAN: none */
  char *mark_label;      /* its legend text, or NULL */
  Fig *next;             /* the next panel, drawn below this one in the same picture; owned */
};

Fig *fig_new(void);
/* A new panel below the last of F's chain (F->next ...), returned. */
Fig *fig_add_panel(Fig *F);
void fig_free(Fig *F);
/* Add a series of n points; x may be NULL (then x = x_start, x_start + 1, ...) and y NULL
   (zeros, for the caller to fill in). Copies. */
FigSeries *fig_add(Fig *F, FigKind kind, const char *label, int n, const double *x,
                   const double *y, double x_start);
/* Set the range from the series where the caller left it unset (NAN). */
void fig_autorange(Fig *F);

/* ---- for renderers ---- */

/* y as drawn: log10 on a log scale (non-positive values are gaps, NAN). */
double fig_y(const Fig *F, double y);
/* "Nice" ticks (1, 2 or 5 × 10^k apart) inside [lo, hi], about `target` of them (at most
   FIG_MAX_TICKS), into out; their spacing into *step_out. Whole: at least 1 apart. */
int fig_ticks(double lo, double hi, int target, bool whole, double *out, double *step_out);
/* A tick's label: as many decimals as the step needs ("1e-05" on a log scale, where v is
   the exponent). */
void fig_tick_label(char *buf, size_t n, double v, double step, bool logy);
/* Display columns of a UTF-8 string: one per code point, two for a wide (CJK) one, as a
   terminal draws them; the SVG renderer sizes text by the same count. */
int fig_cols(const char *s);
/* The title shown: the figure's, else a lone series' label; NULL for none. */
const char *fig_title(const Fig *F);
/* Class k's name (from class_names, else "class k" written into buf). */
const char *fig_class_name(const Fig *F, int k, char *buf, size_t n);

/* One legend entry: a series' (or a class's) style, and its name. */
typedef struct FigItem {
  int color; /* its style % FIG_STYLES; -2: a note (the contour levels), in grey */
  char name[160];
} FigItem;
/* The legend, at most max entries: the classes (regions), else the labelled series other
   than bars (none when a single series names the figure). */
int fig_legend(const Fig *F, FigItem *it, int max);

/* Sample the layer on a grid of nx × ny nodes spanning the range (into grid, gnx, gny),
   and choose the contour levels (more when fine). Calls layer_fn, so it may throw. */
void fig_sample(Fig *F, int nx, int ny, bool fine);
/* The coordinates of grid column i and row j (row 0 at the top). */
double fig_gx(const Fig *F, int i);
double fig_gy(const Fig *F, int j);
/* The contour levels as text, "0.3, 1, 3, 10", into buf (512 bytes hold all 32). */
void fig_levels_text(const Fig *F, char *buf, size_t n);

#endif
