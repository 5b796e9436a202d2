/* plot_text.h — the terminal renderer: a figure drawn with braille and block characters. */
#ifndef NN_PLOT_TEXT_H
#define NN_PLOT_TEXT_H

#include <stdbool.h>

#include "figure.h"

struct StrBuf;

/* Draw F into b: a width × height character plot (axes, ticks, legend) with ANSI colours
   when color is set. Samples the layer (fig_sample), so it may throw. */
void fig_text(Fig *F, struct StrBuf *b, int width, int height, bool color);

#endif
