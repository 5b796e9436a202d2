/* model.h — the model library (model.c): evaluate, accuracy, predict, params, summary,
 * save, load, formula. */
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include "eval.h"

void model_register(Interp *I);

#endif
