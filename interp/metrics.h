/* metrics.h — how well a classifier does, class by class (metrics.c): confusion(net,
 * data), a k × k tensor of counts, and report(net, data), scikit-learn's
 * classification_report as a tensor; both carry the names of their rows and columns
 * (a TTable, runtime/tensor.h) so that printing and plot() show the class names.
 */
#ifndef NN_METRICS_H
#define NN_METRICS_H

#include "eval.h"

/* TTable kinds (tensor.h): what a named table is. */
enum { TABLE_CONFUSION = 1, TABLE_REPORT = 2 };

void metrics_register(Interp *I);
/* A tensor that carries a TTable, as a table: its title, a header of column names, one
   line per row with its name, its note. For print and the REPL's echo (print.c). */
void metrics_fmt_table(StrBuf *b, const Tensor *t);

#endif
