/* optim.h — the native kernels behind the stdlib optimizers.
 *
 * An optimizer's formula lives in its declaration in stdlib/optim.nn; a declaration that
 * says `native NAME` is run by the kernel of that name here instead, which computes the
 * same update (tests/ref/optim_kernels.nn runs both and compares). The interpreter fills
 * one OptHyper from the declaration's hyper-parameters once per step and calls the
 * kernel on each parameter tensor in turn.
 */
#ifndef NN_OPTIM_H
#define NN_OPTIM_H

#include <stdint.h>

/* The hyper-parameters a kernel can read, X(field, what): each field is the declaration's
   parameter of the same name, so a kernel names what it reads by these bits. */
#define OPT_HYPER_LIST(X)                                                   \
  X(lr, "ε, the learning rate")                                             \
  X(u, "u, the momentum (the decay of the gradient average)")               \
  X(rho, "ρ, the decay of the squared-gradient average")                    \
  X(delta, "δ, added to √r so the step stays finite")                       \
  X(decay, "λ, AdamW's decoupled weight decay")

enum {
#define X(field, what) OPT_BIT_##field,
  OPT_HYPER_LIST(X)
#undef X
  OPT_N_HYPER
};
enum {
#define X(field, what) OPT_##field = 1 << OPT_BIT_##field,
  OPT_HYPER_LIST(X)
#undef X
};

/* One step's hyper-parameters, typed, as the declaration's arithmetic sees them: nn
   works out a scalar expression such as `1 - rho` in double and rounds the result to
   float when it meets a tensor, so the derived values are made the same way (then the
   kernels' float operations are the declaration's, in its order). Fields a kernel does
   not read stay 0. */
typedef struct OptHyper {
#define X(field, what) float field;
  OPT_HYPER_LIST(X)
#undef X
  float u1, rho1; /* 1 − u and 1 − ρ */
  float lr_decay; /* ε·λ */
  float cv, cr;   /* Adam's bias corrections 1 − u^t and 1 − ρ^t */
} OptHyper;

/* The kernels, X(name, states, hyper):
 *   name   — what `native NAME` says in stdlib/optim.nn; the kernel is opt_NAME.
 *   states — the declaration's `state` variables, in its order: the kernel's s[0], s[1].
 *   hyper  — the hyper-parameters it reads (the declaration must have them). */
#define OPT_KERNEL_LIST(X)                                              \
  X(sgd, "", OPT_lr)                                                    \
  X(momentum, "v", OPT_lr | OPT_u)                                      \
  X(nesterov, "v", OPT_lr | OPT_u)                                      \
  X(adagrad, "r", OPT_lr | OPT_delta)                                   \
  X(rmsprop, "r", OPT_lr | OPT_rho | OPT_delta)                         \
  X(adam, "v r", OPT_lr | OPT_u | OPT_rho | OPT_delta)                  \
  X(adamw, "v r", OPT_lr | OPT_u | OPT_rho | OPT_delta | OPT_decay)

/* At most this many state variables per kernel. */
#define OPT_MAX_STATES 4

/* One update in place: w [n] the parameter, g [n] its gradient, s[k] [n] the state
   variables (zeros at the first step). */
typedef void OptKernelFn(const OptHyper *h, float *w, const float *g, float *const *s,
                         int64_t n);

typedef struct OptKernel {
  const char *name;
  const char *states; /* "v r": names separated by single spaces */
  unsigned hyper; /* OPT_lr | ... */
  OptKernelFn *update;
} OptKernel;

/* k's update of one parameter, split across threads (parallel.h) for large tensors: every
   element's update is independent, so the split never changes a result. n_states: the
   entries of s (k's state variables). */
void opt_run(const OptKernel *k, const OptHyper *h, float *w, const float *g, float *const *s,
             int n_states, int64_t n);

/* The kernel called `name`, or NULL. */
const OptKernel *opt_kernel_find(const char *name);
/* The name of hyper-parameter bit b (0 <= b < OPT_N_HYPER): "lr", "u", ... */
const char *opt_hyper_name(int b);
/* Fill h from the hyper-parameters' values (x[OPT_BIT_lr] is ε, ...; 0 for those the
   declaration does not have) at step t (from 1). */
void opt_hyper_set(OptHyper *h, const double x[OPT_N_HYPER], double t);

/* The vector loops the kernels may use: OPT_ISA_BEST (the default) takes the widest
   the CPU has; a lower level lets a test compare each loop with the scalar one. */
typedef enum { OPT_ISA_SCALAR, OPT_ISA_AVX2, OPT_ISA_AVX512, OPT_ISA_BEST } OptIsa;
void opt_limit_isa(OptIsa isa);

#endif
