/* decl.h — what declarations make: layers, models and optimizers (interp/decl.c), and
 * the built-in layer kinds (interp/layers.c).
 *
 * A layer owns its parameters (tracked leaf tensors, runtime/autograd.h) and knows how
 * to run: a forward function (a declared layer's `forward`, or an activation function
 * used as a layer) or a native kind. A model is the list of its layers, applied in
 * order. An optimizer holds its hyper-parameters and, per parameter tensor, its state.
 */
#ifndef NN_DECL_H
#define NN_DECL_H

#include "eval.h"
#include "gemm.h"
#include "optim.h"

struct Layer;

/* The data of a layer kind kept outside this file's fields (interp/import.c's "onnx"
   layer: the ONNX nodes it runs): it begins with its own free function, which the
   layer's release calls. */
typedef struct LayerExt {
  void (*free)(struct LayerExt *ext);
} LayerExt;

/* A built-in layer kind (dense, flatten, dropout, conv2d, ...). */
typedef struct NativeLayer {
  const char *name;
  /* y = layer(x); training selects dropout/batchnorm behaviour. Owned result. */
  Tensor *(*forward)(Interp *I, struct Layer *l, Tensor *x, bool training);
  /* Output shape for summary(): from the input shape (without the batch axis). */
  int (*out_shape)(const struct Layer *l, int ndim, const int64_t *in, int64_t *out);
} NativeLayer;

struct Layer {
  int rc;
  const char *kind;        /* "dense", "affine", "relu", ... */
  int n_params;
  Sym **param_names;
  Tensor **params;         /* tracked leaves, owned */
  Value fn;                /* forward function (declared layers, activations) or none */
  Env *env;                /* a declared layer's scope, or NULL */
  const NativeLayer *native;
  double hp[8];            /* a native kind's settings (sizes, p, stride, ...) */
  int n_bufs;
  Sym **buf_names;
  Tensor **bufs;           /* state that is saved but not trained (batchnorm statistics) */
  bool lazy;               /* its parameters are made by the first forward (sizes from x) */
  LayerExt *ext;           /* a kind's own data, or NULL; owned */
};

struct Model {
  int rc;
  const char *name;
  int n;
  Value *layers; /* V_LAYER, or V_MODEL for a nested model */
  int depth;     /* 1 + the deepest nested model's depth; at most MAX_MODEL_DEPTH */
  /* The shape of one sample of the last batch it was applied to (export's default
     input): in_shape [in_ndim] is the batch's shape without its leading axis; in_ndim 0
     until it has been applied to a batch of rank 2 or more. */
  int in_ndim;
  int64_t in_shape[T_MAXDIM];
};

/* Models nest at most this deep: every walk over a model (apply, params, save, print,
   free) recurses once per level, and no real network nests more than a few levels. */
enum { MAX_MODEL_DEPTH = 100 };

/* One parameter tensor's optimizer state: the state variables of the declaration. */
typedef struct OptSlot {
  Tensor *param;  /* retained */
  int n;
  Sym **names;
  Tensor **state;
} OptSlot;

/* A hyper-parameter given as a function of the epoch (a schedule, fn(e), e from 1) and
   its value at the optimizer's current epoch. */
typedef struct OptSched {
  Sym *name;
  double value;
} OptSched;
/* At most this many hyper-parameters of one optimizer are schedules. */
enum { OPT_MAX_SCHED = 16 };

struct Optim {
  int rc;
  const char *name;
  const Node *decl;   /* the optimizer declaration (N_DECL) */
  Env *hyper;         /* the constructor's arguments: lr, u, ... */
  /* The native kernel the declaration names (`native adam`, runtime/optim.h), or NULL:
     then the declaration's body runs. formula(o) is o without its kernel. */
  const OptKernel *kernel;
  long t;             /* steps taken, from 1 */
  /* The schedules among the hyper-parameters, evaluated once per epoch (every step of
     the epoch reads these numbers): train sets the epoch (by_epoch); anywhere else a
     step is an epoch (minimize's step t runs at epoch t). epoch 0: not evaluated yet. */
  int n_sched;
  OptSched sched[OPT_MAX_SCHED];
  long epoch;
  bool by_epoch;
  int n_slots, cap_slots;
  OptSlot *slots;
};

/* Install the release hooks of V_LAYER, V_MODEL and V_OPTIM in value.c's table. */
void decl_register_types(void);

/* Run a declaration statement (exec of N_DECL). */
void decl_exec(Interp *I, Env *env, const Node *n);

/* A batch x (rank 2 or more) goes into m: remember one sample's shape (in_shape). */
void model_saw_input(Model *m, Value x);
/* Apply a layer, model or function to x; owned result. */
Value nn_apply(Interp *I, Value layer, Value x, bool training, const Node *site);
/* Layer i of model m on x; errors inside name the layer ("layer 1 (dense) of model 'clf': ..."). */
/* Inside training a dense layer followed by a bare relu runs as one fused op: *n_used
   says how many layers were applied (1, or 2 for that pair). */
Value nn_apply_layer(Interp *I, Model *m, int i, Value x, bool training, const Node *site,
                     int *n_used);
/* Every parameter of a model or layer, in order, with dotted names "0.W". The tensors
   are borrowed from the model. Returns the count; names and tensors are rt_malloc'd. */
int nn_params(Value model, char ***names, Tensor ***tensors);
/* A hyper-parameter of an optimizer as a number (dflt when it has none of that name). */
double optim_hyper(Interp *I, Optim *o, const char *name, double dflt);
/* Evaluate o's schedules at epoch e (from 1): each must give a finite number, else an
   error at site naming the hyper-parameter and the epoch. */
void optim_set_epoch(Interp *I, Optim *o, long e, const Node *site);
/* The schedule of hyper-parameter `name`, or NULL when it is not one. */
const OptSched *optim_sched(const Optim *o, const char *name);
/* One optimizer step on every parameter that has a gradient. */
void optim_step(Interp *I, Optim *o, int n, Tensor **params, const Node *site);
/* Called for each line of an optimizer's body as it runs, with the value it gave (a
   `state v` line: the state's value before the step); the value is borrowed. */
typedef void OptLineHook(void *ctx, const Node *line, Value v);
/* explain: one step of o's declaration (never its kernel) on a copy of w with gradient
   g at step t, calling hook on each line. o is not changed. */
void optim_explain_step(Interp *I, Optim *o, Tensor *w, Tensor *g, double t, OptLineHook *hook,
                        void *ctx, const Node *site);

/* Layers (layers.c). */
void layers_register(Interp *I);
/* A dense layer with its weights made, and its forward with the activation fused into
   the product (ad_linear: the numbers of the separate ops). */
bool is_dense_layer(Value v);
Tensor *dense_forward_act(Interp *I, Layer *l, Tensor *x, GemmAct act);
Value layer_new(Interp *I, const char *kind);   /* an empty layer, owned */
void layer_add_param(Layer *l, Sym *name, Tensor *t); /* takes t; tracks it */
void layer_add_buf(Layer *l, Sym *name, Tensor *t);   /* takes t */
/* A model body's call of an activation with settings (`leaky_relu(a = 0.01)`) as a layer,
   owned; the activation itself when the settings are its defaults; none when e is not a
   call of a declared activation. */
Value activation_with_settings(Interp *I, Env *env, const Node *e);
/* Activation fn as a layer with settings: settings[i] binds its parameter i (settings[0]
   is unused: the layer's input goes there); kind names it ("leaky_relu(a = 0.01)"). Owned. */
Value activation_layer(Interp *I, Value fn, int n, const Value *settings, const char *kind);

#endif
