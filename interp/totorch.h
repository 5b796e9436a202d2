/* totorch.h — nn --to-torch (totorch.c): a script's first train(...) call, with the
 * declarations it uses, written as one self-contained PyTorch program, with its data and
 * the model's initial weights beside it as safetensors.
 *
 * main.c starts a run (totorch_new, stored in Interp.to_torch) and runs the script;
 * train() hands its resolved arguments to totorch_write, which writes the files and
 * stops the script; main.c then asks totorch_finish for the exit status.
 */
#ifndef NN_TOTORCH_H
#define NN_TOTORCH_H

#include "fit.h"

typedef struct TorchRun TorchRun;

/* A to-torch run of `script`, writing the program to `out` (NULL: the script's name
   with .py for .nn). Owned by the caller; totorch_free releases it. */
TorchRun *totorch_new(const char *script, const char *out);
void totorch_free(TorchRun *t);

/* The settings of one train(...) call, resolved and checked by train.c. */
typedef struct TorchTrain {
  const Node *site;        /* the train call */
  Value model, loss;       /* borrowed */
  Optim *o;
  Data d, val;
  bool has_val, shuffle, verbose, fused;
  long epochs, batch;
  double clip, clip_value; /* 0: none */
  const Node *patience;    /* where patience was given (not translated: an error), or NULL */
} TorchTrain;

/* Write OUT.py, OUT.data.safetensors and OUT.init.safetensors for this call (OUT: the
   output path without .py), then stop the script: throws an error that the run loop
   does not report (totorch_stopped says so). A construct the translator cannot express
   is a located error naming it. */
_Noreturn void totorch_write(Interp *I, const TorchTrain *tt);

/* Has the run written its program (so the error unwinding the script is the stop)? */
bool totorch_stopped(const Interp *I);

/* The exit status of a to-torch run after interp_run_file returned `status`: 0 when the
   program was written; an error (and 1) when the script ended without a train call. */
int totorch_finish(Interp *I, int status);

#endif
