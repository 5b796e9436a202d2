/* live.h — the per-epoch frames of train(..., live = true) (live.c), for a front end that
 * draws training as it runs (Platform.show_live). Internal to train.c. */
#ifndef NN_LIVE_H
#define NN_LIVE_H

#include "fit.h"

/* Where a training run is after an epoch: its history so far ([epoch] values each;
   val_loss and val_accuracy NULL without validation data, accuracy and val_accuracy NULL
   when those targets are not classes). */
typedef struct {
  Value model;
  Data data;
  const Node *site;
  long epoch, epochs;
  bool interrupted;
  bool last; /* no frame follows: the last epoch, an interrupt, or an early stop */
  const double *loss, *accuracy, *val_loss, *val_accuracy;
} LiveState;

/* Hand one frame to Platform.show_live; nothing when the platform has none. May throw
   (the model's forward pass on the grid), freeing what it built first. */
void live_frame(Interp *I, const LiveState *s);

#endif
