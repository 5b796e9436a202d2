/* npyio.h — the builtins load_npy and save_npy (npyio.c): NumPy's .npy and .npz files. */
#ifndef NN_NPYIO_H
#define NN_NPYIO_H

#include "eval.h"

void npyio_register(Interp *I); /* load_npy, save_npy */

#endif
