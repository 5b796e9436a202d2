/* train.h — the training library (train.c): train and gradient_norms. */
#ifndef NN_TRAIN_H
#define NN_TRAIN_H

#include "eval.h"

void train_register(Interp *I);

#endif
