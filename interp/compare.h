/* compare.h — the builtin compare() (compare.c): optimizers raced by minimize on one
 * function, their paths drawn on its contour and tabulated by steps to f*.
 */
#ifndef NN_COMPARE_H
#define NN_COMPARE_H

#include "args.h"

void compare_register(Interp *I);

#endif
