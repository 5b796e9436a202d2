/* data.h — the data library (data.c): data sets, IDX/CSV/safetensors files. */
#ifndef NN_DATA_H
#define NN_DATA_H

#include "eval.h"

void data_register(Interp *I);

#endif
