/* explain.h — `explain EXPR` (explain.c). */
#ifndef NN_EXPLAIN_H
#define NN_EXPLAIN_H

#include "eval.h"

/* Print the formula's steps with the actual numbers. */
void explain_run(Interp *I, Env *env, const Node *e);

#endif
