/* plot_svg.h — the SVG renderer: a figure as a standalone SVG document. */
#ifndef NN_PLOT_SVG_H
#define NN_PLOT_SVG_H

#include "figure.h"

struct StrBuf;

/* A standalone SVG document of width × height pixels, into b. Samples the layer
   (fig_sample), so it may throw. */
void fig_svg(Fig *F, struct StrBuf *b, int width, int height);

/* The SVG font list: Latin first, then CJK fonts so Chinese labels render, then any sans. */
#define SVG_FONT_FAMILY \
  "DejaVu Sans, Helvetica, Arial, Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"

#endif
