/* plot.h — the plot library (plot.c): the builtins plot() and compare(), which build a
 * figure (figure.h) from nn values and draw it with a renderer (plot_text.h, plot_svg.h).
 */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include "args.h"

/* Register plot and compare (also declared in interp.h until the catch-all is split). */
void plot_register(Interp *I);

/* plot and compare, in the terminal or as SVG. */
void plot_register(Interp *I);

#endif
