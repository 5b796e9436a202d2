/* autograd.h — reverse-mode automatic differentiation, recorded as the program runs.
 *
 * A tensor takes part when it is tracked: a leaf marked with ad_track (a model's
 * parameter, or the argument of grad), or the result of an ad_* op with a tracked
 * input while recording is on. Such a result owns an AdNode that names the op and
 * retains its inputs, so the graph lives exactly as long as the results that need it
 * (inputs never point at results: there are no cycles). ad_backward(y) walks the graph
 * from y in reverse topological order and accumulates dy/dleaf into every leaf's grad.
 *
 * Each ad_* op computes exactly what its t_* twin computes (tensor.h), same errors;
 * with no tracked input, or recording off, it is the t_* op plus one branch.
 * Ownership as in tensor.h: results are new references, arguments borrowed.
 * The graph and its leaves are autograd.c's; the ops are defined in ad_ops.c and ad_nn.c.
 */
#ifndef NN_AUTOGRAD_H
#define NN_AUTOGRAD_H

#include <stdbool.h>

#include "gemm.h"
#include "tensor.h"

/* ---- leaves and gradients ---- */
void ad_track(Tensor *t);             /* make t a leaf that collects a gradient */
bool ad_is_tracked(const Tensor *t);  /* a tracked leaf or the result of a tracked op */
bool ad_is_leaf(const Tensor *t);     /* a tracked leaf (a parameter, grad's argument) */
Tensor *ad_grad(const Tensor *leaf);  /* its accumulated gradient (borrowed) or NULL */
void ad_zero_grad(Tensor *leaf);      /* drop the accumulated gradient */
Tensor *ad_detach(const Tensor *t);   /* a new untracked copy sharing nothing */

/* Back-propagate from y: dL/dy = seed (NULL means 1, and then y must have one
   element: "grad: the function must return a scalar, got shape [3]"). Gradients add
   (+=) into the leaves' grads. The graph is kept (y may be back-propagated again). */
void ad_backward(Tensor *y, const Tensor *seed);

/* ---- reading the recorded graph (interp/graph.c draws it; nothing here changes it) ----
 * t's op as the runtime names it: "leaf", the t_* name of a unary, binary or reduce op
 * ("sigmoid", "add", "sum"), else the node's kind ("matmul", "softmax"); NULL when t is
 * not tracked. Its inputs (borrowed; an input that is not tracked is a constant). */
const char *ad_op_name(const Tensor *t);
int ad_n_inputs(const Tensor *t);
Tensor *ad_input(const Tensor *t, int i);
/* The settings t's node was recorded with (read-only), for a graph export; every field
   not named for t's op is 0. false when t is not tracked. */
typedef struct AdAttrs {
  int axis, keepdim;      /* reduce (axis T_AXIS_ALL: every axis), softmax, log_softmax,
                             concat, stack (the new axis) */
  float slope;            /* leaky_relu */
  float lo, hi;           /* clip */
  int perm[T_MAXDIM];     /* permute and transpose: y's axis k is x's axis perm[k] */
  int stride, pad;        /* conv2d; maxpool2d's stride */
  int k;                  /* maxpool2d's window */
  float eps;              /* batchnorm */
  bool batch_stats;       /* batchnorm normalised by the batch's statistics (training) */
  int n_index;            /* index: n_index entries, borrowed from the node */
  const TIndex *index;
  int act;                /* linear: its GemmAct */
} AdAttrs;
bool ad_attrs(const Tensor *t, AdAttrs *out);
/* Tracing (per thread), off by default: while on, every op with a tracked input is
   recorded, also those that take no gradient (comparisons, argmax/argmin, where's
   condition alone), so that the recorded graph holds every op the output depends on
   (interp/export.c writes it as ONNX). Their nodes pass no gradient. Returns the previous
   setting. */
bool ad_set_tracing(bool on);
bool ad_is_tracing(void);
/* As ad_backward, except that no leaf's grad changes: visit(ctx, t, dt) is called once for
   every node t the pass reaches (leaves included), with dt = dL/dt (borrowed, valid during
   the call), in the order the pass processes them: y first, each node after all of its
   consumers. */
typedef void AdVisit(void *ctx, const Tensor *t, const Tensor *dt);
void ad_backward_visit(Tensor *y, const Tensor *seed, AdVisit *visit, void *ctx);
/* While a tagger is set (per thread), each node recorded keeps tagger(ctx) as its tag
   (graph.c: which user function was running); ad_tag reads it (0: none, or a leaf).
   The previous tagger is returned in prev_fn and prev_ctx, to be put back after. */
typedef int AdTagger(void *ctx);
void ad_set_tagger(AdTagger *fn, void *ctx, AdTagger **prev_fn, void **prev_ctx);
int ad_tag(const Tensor *t);

/* Recording switch (per thread), on by default: off for optimizer updates and
   inference. Returns the previous setting. */
bool ad_set_recording(bool on);
bool ad_is_recording(void);

/* Frees a tensor's node when the tensor dies: installed as its ad_release hook
   (tensor.h) beside ad, so tensor.c never calls into this file. */
void ad_node_free(struct AdNode *n);

/* ---- differentiable ops: the t_* op, recorded (ad_ops.c; the losses: ad_nn.c) ---- */
Tensor *ad_unary(TUnOp op, Tensor *a);
Tensor *ad_binary(TBinOp op, Tensor *a, Tensor *b);
Tensor *ad_leaky_relu(Tensor *a, float slope);
Tensor *ad_clip(Tensor *a, float lo, float hi);
Tensor *ad_where(Tensor *c, Tensor *a, Tensor *b);       /* no gradient to c */
Tensor *ad_reduce(TRedOp op, Tensor *a, int axis, int keepdim);
Tensor *ad_softmax(Tensor *a, int axis);
Tensor *ad_log_softmax(Tensor *a, int axis);
Tensor *ad_pick(Tensor *q, Tensor *idx);                 /* no gradient to idx */
Tensor *ad_matmul(Tensor *a, Tensor *b);
Tensor *ad_reshape(Tensor *a, int ndim, const int64_t *shape);
Tensor *ad_transpose(Tensor *a);
Tensor *ad_permute(Tensor *a, const int *perm);
Tensor *ad_flatten(Tensor *a);
Tensor *ad_concat(int n, Tensor *const *ts, int axis);
Tensor *ad_stack(int n, Tensor *const *ts, int axis);
Tensor *ad_index(Tensor *a, int n, const TIndex *ix);
/* Fused −mean_i log softmax(z)_i[y_i] (y class indices [N]) or −mean_i Σ p log softmax(z)
   (p [N, k] probabilities): the stable softmax + cross-entropy of training. */
Tensor *ad_softmax_cross_entropy(Tensor *logits, Tensor *target);
/* Fused mean(max(z, 0) − z·y + log(1 + e^−|z|)) = bce(y, sigmoid(z)) for logits z and
   targets y in [0, 1] of the same shape: the stable sigmoid + binary cross-entropy of
   training (PyTorch's BCEWithLogitsLoss). */
Tensor *ad_sigmoid_bce(Tensor *logits, Tensor *target);

/* ---- convolutional layers' ops (ad_nn.c, kernels in conv.h), layout NCHW ----
 * conv2d: x [B, C, H, W] (or [B, H, W], read as C = 1), w [F, C, k, k], b [F] →
 * y [B, F, OH, OW], OH = floor((H + 2·pad − k)/stride) + 1; y = b + Σ_c x_c ⋆ w_c
 * (cross-correlation, as torch). Throws naming both shapes when they do not fit. */
Tensor *ad_conv2d(Tensor *x, Tensor *w, Tensor *b, int stride, int pad);
/* max over each k×k window of the last two axes, every `stride` pixels, no padding:
   [..., H, W] → [..., OH, OW]; the gradient goes to each window's first maximum. */
Tensor *ad_maxpool2d(Tensor *x, int k, int stride);
/* y = gamma·(x − μ)/√(σ² + eps) + beta per channel c = axis 1 of x [B, C, ...], with
   gamma, beta, running_mean, running_var all [C]. training: μ, σ² (biased) of the
   batch, and running_mean/var (not part of the graph) move in place by momentum
   towards μ and the unbiased σ²; else the running statistics are used. As
   torch.nn.BatchNorm1d/2d. Training needs more than one value per channel. */
Tensor *ad_batchnorm(Tensor *x, Tensor *gamma, Tensor *beta, Tensor *running_mean,
                     Tensor *running_var, bool training, float momentum, float eps);

/* ---- the fused dense layer (ad_nn.c) ----
 * y = act(x·W + b): x [..., in], W [in, out], b [out] or NULL → y [..., out], in one
 * product with the bias and the activation applied as it is stored (gemm.h's
 * gemm_own_bias_act). act is GEMM_ACT_NONE or GEMM_ACT_RELU (relu'(0) = 0, as ad_unary's
 * relu). Throws naming the three shapes when they do not fit. */
Tensor *ad_linear(Tensor *x, Tensor *W, Tensor *b, GemmAct act);

#endif
