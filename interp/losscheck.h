/* losscheck.h — check_loss and the losses' argument checks (losscheck.c). */
#ifndef NN_LOSSCHECK_H
#define NN_LOSSCHECK_H

#include "eval.h"

void losscheck_register(Interp *I);

#endif
