/* fit.h — a model on a data set (fit.c), shared by the autodiff, train and model
 * libraries. Internal to those three: not part of the args.h surface. */
#ifndef NN_FIT_H
#define NN_FIT_H

#include "decl.h"

/* x is a tensor (V_TENSOR) or IDX images as bytes (V_U8): read its rows as floats with
   take_x, never its data directly; y is float. Both borrowed from the record. */
typedef struct {
  Value x;
  Tensor *y;
  int64_t n; /* samples: the rows of x and of y */
} Data;

typedef struct {
  double loss, accuracy;
  int64_t outputs; /* the model's outputs per sample (outputs_per_sample) */
} Score;

/* A function, model or layer: something a data set's x can be given to. */
bool callable(Value v);
/* A data set argument: a record {x, y} of tensors with as many rows each. */
Data arg_data(Call *c, int i);
/* Rows idx[0..n) of a: [n, ...]. */
Tensor *take_rows(const Tensor *a, const int64_t *idx, int64_t n);
/* Rows idx[0..n) of a data set's x (a tensor or bytes) as a float tensor [n, ...]. */
Tensor *take_x(Value x, const int64_t *idx, int64_t n);
/* The largest |x| of a data set's inputs (0 when empty). */
float x_abs_max(Value x);
/* Correct predictions in a batch: out [B, k] against y [B] indices or [B, k] rows. */
int64_t count_correct(const Tensor *out, const Tensor *y);
/* Outputs per sample of a model's output for B samples: its size / B (1 for [B]); 0
   when it is not a tensor of B rows, so that no targets are its classes. */
int64_t outputs_per_sample(Value out, int64_t B);
/* Are the targets y [N, ...] classes of a model with k outputs per sample, so that an
   accuracy means something? Either y [N] (or [N, 1]) of whole numbers 0 … k−1 (0 or 1
   when k = 1: one sigmoid-style output, class 1 where p > 0.5), or, for k > 1, rows of k
   values >= 0 summing to 1 (one-hot or soft labels; the argmax is the class). When not,
   writes to why[n] (unless NULL) which element is not, in the user's terms ("y[3] is
   2.7, not a class index 0..1"). One pass over y; never throws. */
bool class_targets(const Tensor *y, int64_t k, char *why, size_t n);
/* For a builtin f(model, data) that counts classes (accuracy, confusion, report): unless
   class_targets(y, k), a located error at the data argument, "accuracy needs class
   targets: y[3] is 2.7, not a class index 0..1". */
void need_class_targets(Call *c, const Tensor *y, int64_t k);
/* Is this the stdlib cross-entropy (so softmax + cross-entropy can be fused)? */
bool is_cross_entropy(Value loss);
bool ends_in_softmax(Value model); /* its last layer is softmax */
/* Is this the stdlib binary cross-entropy (bce, or its alias binary_cross_entropy)? */
bool is_bce(Value loss);
bool ends_in_sigmoid(Value model); /* its last layer is sigmoid */
/* Does training stop the forward pass before the model's last activation and fuse it
   into the loss? softmax + cross_entropy (log-softmax), sigmoid + bce (from the logit). */
bool fusable(Value loss, Value model);
/* Binary targets must be 0 or 1 (or probabilities between them): say which sample
   breaks that, in the user's terms, before the loss sees it. y: all the targets. */
void binary_labels(Interp *I, const Node *site, const Tensor *y);
/* Correct predictions of a batch; the fused sigmoid + bce forward gives logits z, whose
   class is 1 where σ(z) > 0.5, as accuracy() counts it. */
int64_t batch_correct(Value loss, bool fused, const Tensor *out, const Tensor *y);
/* Does the model end in softmax or sigmoid? Then its outputs are probabilities, and the
   stdlib losses skip checking them (check_loss, losscheck.c) while it trains. */
bool gives_probabilities(Value model);
/* Forward a batch: the model's output, or (fused) the logits before its softmax or sigmoid. */
Value forward(Interp *I, Value model, Tensor *x, bool training, bool fused, const Node *site);
/* The loss of a batch as a 0-d tracked tensor: fused softmax-cross-entropy on logits,
   or loss(y, out) — the truth first, as the notes write. */
Tensor *batch_loss(Interp *I, Value loss, bool fused, Value out, Tensor *y, const Node *site);
/* Class-index targets must name one of the model's k outputs: say so plainly (the
   sample and its label) rather than failing inside the loss. y: all the targets. */
void labels_in_range(Interp *I, const Node *site, const Tensor *y, const Value out);
/* Loss and accuracy over a dataset, in batches, without recording or training mode; the
   accuracy means something only when class_targets(d.y, outputs) holds. */
Score score(Interp *I, Value model, Data d, Value loss, const Node *site);
/* The loss argument: a function, or cross_entropy when none is given. */
Value default_loss(Call *c, int i);
/* The model's output for x in inference mode: no recording, no dropout, batchnorm's
   running statistics. */
Value infer(Interp *I, Value model, Value x, const Node *site);
bool has_lazy(Value model); /* some layer sizes itself from its first input */
/* Run a model once on the first rows of x (no recording, inference mode) when it has
   layers that size themselves from their input, so that their parameters exist before
   an optimizer or save() looks for them. */
void nn_materialize(Interp *I, Value model, Value x);
/* Per layer with trainable parameters, first layer first: √(Σ‖∂L/∂θ‖²) over its
   parameters. Layers of nested models count one by one. Returns the count. */
int layer_grad_norms(Value model, double *out, int cap, const char **kinds);

#endif
