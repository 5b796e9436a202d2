/* plot.h — the plot library (plot.c): the builtin plot(), which builds a figure
 * (figure.h) from nn values and draws it with a renderer (plot_text.h, plot_svg.h), and
 * the pieces other libraries draw with (compare.c): a user function as a figure's
 * contour layer, the output arguments, and showing a figure in the terminal or a file.
 */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include "args.h"
#include "figure.h"

/* plot, in the terminal or as SVG. */
void plot_register(Interp *I);

/* The function beneath a figure (its FigLayerFn context): a contour's function of a point,
   or a classifier (function, model or layer) for decision regions. Lives on the builtin's
   stack while the figure is drawn. */
typedef struct UserFn {
  Interp *I;
  const Node *site; /* where it is called from, for errors */
  Value fn;         /* borrowed */
  int fn_arity;     /* contour: 1 = f(p) with p = [x, y]; 2 = f(x, y) */
} UserFn;

/* Arguments that size and route a picture: file, width, height (indices into c->args). */
typedef struct PlotOut {
  const char *file;
  int file_i;        /* its argument, for arg_path */
  int width, height; /* 0: the default */
} PlotOut;

/* A function, model or layer: something a figure can call. */
bool plot_callable(Value v);
/* The number in a function's result (a number or a one-element tensor); consumes r.
   Else an error at site: "WHO must return a number, got ...". */
double plot_num_of(Interp *I, const Node *site, Value r, const char *who);
/* f's name for a title or legend: its own ("sigmoid"), else "f" + (k + 1) for the k-th of a
   list, else "f" (k < 0). buf holds the made-up one. */
const char *plot_fn_name(Value f, char *buf, size_t n, int k);
/* Put f beneath F: a contour of f (arity as in UserFn) or a classifier's regions. U is the
   caller's, and must outlive the drawing. */
void plot_set_layer(Fig *F, UserFn *U, FigLayer layer, Value f, int arity);
/* A series of n points (x, y) = t->data[off + 2i], t->data[off + 2i + 1]. */
void plot_add_path(Fig *F, const Tensor *t, int64_t off, int64_t n, const char *label, FigKind kind);
/* The range of a 2-D picture: the corners from/to (argument indices), else around the
   series with a margin of pad × their extent, else [-dflt, dflt]². */
void plot_area(Call *c, Fig *F, int from_i, int to_i, double pad, double dflt);
/* The file, width and height arguments (indices into c->args), checked. */
PlotOut plot_arg_out(Call *c, int file_i, int width_i, int height_i);
/* Draw F to the terminal or to its file, through b (the caller frees it, also on unwind). */
void plot_show(Call *c, Fig *F, PlotOut o, StrBuf *b);

#endif
