/* plot_svg.h — the SVG renderer: a figure as a standalone SVG document. */
#ifndef NN_PLOT_SVG_H
#define NN_PLOT_SVG_H

#include "figure.h"

struct StrBuf;

/* A standalone SVG document of width × height pixels, into b. Samples the layer
   (fig_sample), so it may throw. */
void fig_svg(Fig *F, struct StrBuf *b, int width, int height);

#endif
