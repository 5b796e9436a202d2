/* train.h — grad, train and the model utilities (train.c). */
#ifndef NN_TRAIN_H
#define NN_TRAIN_H

#include "decl.h"

void train_register(Interp *I);

/* Run a model once on the first rows of x (no recording, inference mode) when it has
   layers that size themselves from their input, so that their parameters exist before
   an optimizer or save() looks for them. */
void nn_materialize(Interp *I, Value model, const Tensor *x);

#endif
