/* lib.h — one place that registers every builtin library (lib.c, like Lua's linit.c). */
#ifndef NN_LIB_H
#define NN_LIB_H

#include "eval.h"

/* Define every library's builtins and constants as globals, in a fixed order. */
void lib_register_all(Interp *I);

#endif
