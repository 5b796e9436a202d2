/* export.h — the export library (export.c): export(net, path, input = none) writes a
 * model as an ONNX file, traced through the autograd tape. */
#ifndef NN_EXPORT_H
#define NN_EXPORT_H

#include "eval.h"

void export_register(Interp *I);

#endif
