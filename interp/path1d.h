/* path1d.h — optimizer paths on a function of one number (path1d.c): f's curve with the
 * points (x_s, f(x_s)) of each path on it. minimize from a number gives a path [steps + 1, 1].
 */
#ifndef NN_PATH1D_H
#define NN_PATH1D_H

#include "args.h"
#include "figure.h"

/* Are the paths of plot(f, ..., paths = p) those of a function of one number: a tensor [n]
   or [n, 1], or a list of them? */
bool plot_paths_1d(Value paths);
/* The range of x: c->args[a_i], c->args[b_i] (numbers) when given, else around the paths'
   finite points with a margin of 15 % of their extent (at least 1 wide). */
void path1d_range(Call *c, int a_i, int b_i, const Tensor *const *paths, int n, double *a,
                  double *b);
/* f (called `name`) over [a, b] at npts points, then each path [len] or [len, 1] as its
   points on the curve, in order; a non-finite x (a run that diverged) is left out. */
void path1d_draw(Call *c, Fig *F, Value f, const char *name, double a, double b, int npts,
                 const Tensor *const *paths, const char *const *labels, int n);
/* plot(f, a, b, paths = p, labels = ...) for such paths (argument indices), the paths
   labelled from c->args[labels_i], else "optimizer path 1", .... */
void plot_1d_paths(Call *c, Fig *F, Value f, const char *name, int a_i, int b_i, int paths_i,
                   int labels_i, int npts);

#endif
