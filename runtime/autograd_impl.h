/* autograd_impl.h — inside the autodiff layer (autograd.h): the graph's node and the
 * graph core's services to the differentiable ops.
 *
 * The core, autograd.c, records nodes, tracks leaves, runs ad_backward and frees
 * nodes; the ops, each forward beside its backward rule, are in ad_ops.c
 * (elementwise, reductions, softmax, matmul, shapes, indexing) and ad_nn.c (the
 * fused losses, convolution, pooling, batch normalisation). Dependencies point one
 * way: the ops call the core (ad_record and the helpers below); the core reaches a
 * rule only through the pointer in its node, never by name. Only those three files
 * include this header.
 */
#ifndef NN_AUTOGRAD_IMPL_H
#define NN_AUTOGRAD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tensor.h"

/* ---- the graph ----
 * One entry per kind of node; each has its rule bw_<ID> next to its forward op in the
 * file whose list names it, and that file's table of rules is generated from its list
 * (a kind without a rule does not compile). */
#define AD_NODE_OPS(X)                                  \
  X(LEAF, "leaf")               /* dleaf += dy */       \
  AD_OPS_NODES(X)                                       \
  AD_NN_NODES(X)

/* ad_ops.c: elementwise, reductions, softmax, matmul, shapes, indexing */
#define AD_OPS_NODES(X)                                 \
  X(UNARY, "unary")             /* T_UNARY_OPS */       \
  X(BINARY, "binary")           /* T_BINARY_OPS */      \
  X(LEAKY_RELU, "leaky_relu")                           \
  X(CLIP, "clip")                                       \
  X(WHERE, "where")                                     \
  X(REDUCE, "reduce")           /* T_REDUCE_OPS */      \
  X(SOFTMAX, "softmax")                                 \
  X(LOG_SOFTMAX, "log_softmax")                         \
  X(PICK, "pick")                                       \
  X(MATMUL, "matmul")                                   \
  X(RESHAPE, "reshape")         /* and flatten */       \
  X(PERMUTE, "permute")         /* and transpose */     \
  X(CONCAT, "concat")                                   \
  X(STACK, "stack")                                     \
  X(INDEX, "index")

/* ad_nn.c: the fused losses and the convolutional layers' ops */
#define AD_NN_NODES(X)                                  \
  X(XENT, "softmax_cross_entropy")                      \
  X(SIGBCE, "sigmoid_bce")                              \
  X(CONV2D, "conv2d")                                   \
  X(MAXPOOL2D, "maxpool2d")                             \
  X(BATCHNORM, "batchnorm")                             \
  X(LINEAR, "linear")

typedef enum {
#define X(id, name) AD_##id,
  AD_NODE_OPS(X)
#undef X
      AD_N_OPS
} AdOp;

typedef struct AdNode AdNode;
typedef struct Bw Bw;
typedef void BwRule(const Bw *b);

struct AdNode {
  size_t bytes;     /* the node's block (with in[] and the op's extra bytes), for freeing */
  AdOp op;
  BwRule *rule;     /* the op's backward rule, reached only through here by ad_backward */
  int sub;          /* TUnOp / TBinOp / TRedOp of UNARY, BINARY, REDUCE */
  int tag;          /* what the tagger said when the node was made (ad_set_tagger), else 0 */
  int n_in;
  unsigned nograd;  /* bit i set: no gradient flows to in[i] (where's c, pick's idx) */
  Tensor **in;      /* n_in retained inputs, stored after the node */
  Tensor *grad;     /* LEAF: dL/dleaf, summed over ad_backward calls; owned */
  Tensor *aux;      /* saved forward data: XENT's per-row max and log-sum-exp,
                       MAXPOOL2D's argmax indices, BATCHNORM's mean and 1/std */
  union {
    float f[2];                      /* LEAKY_RELU slope; CLIP lo, hi */
    struct { int axis, keepdim; } r; /* REDUCE, SOFTMAX, LOG_SOFTMAX, CONCAT, STACK */
    int perm[T_MAXDIM];              /* PERMUTE */
    struct { int n; TIndex *v; } ix; /* INDEX: a copy stored after the node */
    int probs;                       /* XENT: the target holds probabilities */
    struct { int stride, pad; } cv;  /* CONV2D */
    struct { int k, stride; } pool;  /* MAXPOOL2D */
    struct { int batch_stats; float eps; } bn; /* BATCHNORM: the batch's statistics used; eps */
    int act;                         /* LINEAR: its GemmAct */
  } p;
  /* scratch of ad_backward */
  uint64_t epoch;       /* last backward pass that reached this node */
  int64_t pending;      /* consumers not yet processed in that pass */
  Tensor *tmp;          /* dL/d(output) being accumulated in that pass */
  struct AdNode *next;  /* ad_node_free's work list */
};

/* What a backward rule is given. */
struct Bw {
  AdNode *n;        /* the node being differentiated */
  const Tensor *y;  /* its output */
  const Tensor *dy; /* dL/dy, y's shape */
};

/* ---- the core's services to the rules (autograd.c, documented there) ---- */

int need(const AdNode *n, int i); /* input i is tracked and takes a gradient */
/* y's node, recorded with its op's rule when recording is on and an input that takes
   a gradient is tracked (while tracing, any tracked input); else NULL. Each op file wraps it as a static record(). */
AdNode *ad_record(Tensor *y, AdOp op, BwRule *rule, int n, Tensor *const *in,
                  unsigned nograd, size_t extra);
Tensor *scratch_new(int ndim, const int64_t *shape, int zero); /* a rule's temporaries */
Tensor *scratch_keep(Tensor *t);
Tensor *slot(const Bw *b, int i, int *fresh); /* input i's writable accumulator */
void axpy(int64_t n, float s, const float *restrict src, float *restrict g, int fresh);
/* relu's rule from its output (ad_ops.c): g = dy·[y > 0] (fresh) or g += dy·[y > 0]; a
   multiply by 1 or 0, so NaN and inf in dy give what the generic rule gives. */
void relu_grad(int64_t n, const float *restrict y, const float *restrict dy, float *restrict g,
               int fresh);
void pass(const Bw *b, int i, const Tensor *g, float s); /* d(input i) += s·g */

#endif
