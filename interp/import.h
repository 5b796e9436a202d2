/* import.h — load_onnx: ONNX files as nn models (interp/import.c). */
#ifndef NN_IMPORT_H
#define NN_IMPORT_H

#include "eval.h"

/* Register load_onnx. */
void import_register(Interp *I);

#endif
