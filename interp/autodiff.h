/* autodiff.h — the autodiff library (autodiff.c): grad, deriv, minimize. */
#ifndef NN_AUTODIFF_H
#define NN_AUTODIFF_H

#include "decl.h"

void autodiff_register(Interp *I);
/* An optimizer argument (minimize, train): "call it: adam()" for the constructor itself. */
Optim *arg_optim(Call *c, int i);

#endif
