/* lib_core.h — the core builtin library (lib_core.c). */
#ifndef NN_LIB_CORE_H
#define NN_LIB_CORE_H

#include "eval.h"

void lib_core_register(Interp *I);  /* zeros, exp, sum, softmax, print, len, ... */
void lib_core_constants(Interp *I); /* pi, e, inf, nan */

#endif
