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
 */
#ifndef NN_AUTOGRAD_H
#define NN_AUTOGRAD_H

#include <stdbool.h>

#include "tensor.h"

/* ---- leaves and gradients ---- */
void ad_track(Tensor *t);             /* make t a leaf that collects a gradient */
bool ad_is_tracked(const Tensor *t);  /* a tracked leaf or the result of a tracked op */
Tensor *ad_grad(const Tensor *leaf);  /* its accumulated gradient (borrowed) or NULL */
void ad_zero_grad(Tensor *leaf);      /* drop the accumulated gradient */
Tensor *ad_detach(const Tensor *t);   /* a new untracked copy sharing nothing */

/* Back-propagate from y: dL/dy = seed (NULL means 1, and then y must have one
   element: "grad: the function must return a scalar, got shape [3]"). Gradients add
   (+=) into the leaves' grads. The graph is kept (y may be back-propagated again). */
void ad_backward(Tensor *y, const Tensor *seed);

/* Recording switch (per thread), on by default: off for optimizer updates and
   inference. Returns the previous setting. */
bool ad_set_recording(bool on);

/* Called by t_release when a tensor that owns a node dies. */
void ad_node_free(struct AdNode *n);

/* ---- differentiable ops: the t_* op, recorded ---- */
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

#endif
