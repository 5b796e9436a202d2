/* layers.c — the built-in layer kinds: dense, flatten, dropout (and the registry the
 * convolutional ones join). Each is a NativeLayer: a forward function built from the
 * differentiable ops of runtime/autograd.h, so gradients need no code here. */
#include <math.h>
#include <string.h>

#include "autograd.h"
#include "decl.h"
#include "mem.h"

static Sym *sym(Interp *I, const char *s) { return sym_intern(&I->syms, s, strlen(s)); }

/* ---- dense: y = x @ W + b;  x: [B, n_in], W: [n_in, n_out], b: [n_out] ---- */

static Tensor *dense_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  (void)training;
  Tensor *W = l->params[0], *b = l->params[1];
  int64_t n_in = W->shape[0];
  if (x->ndim < 1 || x->shape[x->ndim - 1] != n_in) {
    char sh[96];
    ev_error(I, NULL, "dense(%lld, %lld) expects %lld features per sample, got input of shape %s",
             (long long)n_in, (long long)W->shape[1], (long long)n_in,
             t_shape_str(x->ndim, x->shape, sh, sizeof sh));
  }
  Tensor *h = ad_matmul(x, W);
  RtFrame f;
  Tensor *y = NULL;
  if (RT_TRY(&f)) {
    y = ad_binary(T_ADD, h, b);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(h);
    rt_rethrow();
  }
  t_release(h);
  return y;
}

static int dense_shape(const Layer *l, int ndim, const int64_t *in, int64_t *out) {
  (void)in, (void)ndim;
  out[0] = l->params[0]->shape[1];
  return 1;
}

static const NativeLayer dense_kind = {"dense", dense_forward, dense_shape};

/* He (Kaiming) normal N(0, 2/n_in) suits ReLU networks and is the default; "xavier"
   (Glorot uniform, U(±√(6/(n_in + n_out)))) suits tanh/sigmoid; "torch" is PyTorch's
   nn.Linear default, U(±1/√n_in) for W and b. Biases start at zero otherwise. */
static Value bi_dense(Call *c) {
  Interp *I = c->I;
  long long n_in = arg_int(c, 0), n_out = arg_int(c, 1);
  if (n_in <= 0) arg_error(c, 0, "a size >= 1");
  if (n_out <= 0) arg_error(c, 1, "a size >= 1");
  const char *init = arg_str(c, 2);
  Value lv = layer_new(I, "dense");
  ev_root(I, lv);
  Layer *l = lv.as.layer;
  l->native = &dense_kind;
  l->hp[0] = (double)n_in;
  l->hp[1] = (double)n_out;
  int64_t ws[2] = {n_in, n_out}, bs[1] = {n_out};
  Tensor *W, *b;
  if (!strcmp(init, "he")) {
    W = t_randn(&I->rng, 2, ws);
    float s = (float)sqrt(2.0 / (double)n_in);
    for (int64_t i = 0; i < W->size; i++) W->data[i] *= s;
    layer_add_param(l, sym(I, "W"), W);
    layer_add_param(l, sym(I, "b"), t_zeros(1, bs));
  } else if (!strcmp(init, "xavier") || !strcmp(init, "torch")) {
    double a = init[0] == 'x' ? sqrt(6.0 / (double)(n_in + n_out)) : 1 / sqrt((double)n_in);
    W = t_rand(&I->rng, 2, ws);
    for (int64_t i = 0; i < W->size; i++) W->data[i] = (float)((2 * W->data[i] - 1) * a);
    layer_add_param(l, sym(I, "W"), W);
    b = init[0] == 'x' ? t_zeros(1, bs) : t_rand(&I->rng, 1, bs);
    if (init[0] == 't')
      for (int64_t i = 0; i < b->size; i++) b->data[i] = (float)((2 * b->data[i] - 1) * a);
    layer_add_param(l, sym(I, "b"), b);
  } else {
    arg_error(c, 2, "\"he\", \"xavier\" or \"torch\"");
  }
  return v_retain(lv);
}

/* ---- flatten (as a layer): [B, d1, d2, ...] → [B, d1·d2·…], the batch axis kept ---- */

static Tensor *flatten_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  (void)I, (void)l, (void)training;
  if (x->ndim <= 1) return t_retain(x);
  int64_t shape[2] = {x->shape[0], -1};
  if (x->shape[0] == 0) shape[1] = 0;
  return ad_reshape(x, 2, shape);
}

static int flatten_shape(const Layer *l, int ndim, const int64_t *in, int64_t *out) {
  (void)l;
  int64_t n = 1;
  for (int i = 0; i < ndim; i++) n *= in[i];
  out[0] = n;
  return 1;
}

const NativeLayer flatten_layer_kind = {"flatten", flatten_forward, flatten_shape};

/* ---- dropout(p): in training, zero each input with probability p and scale the rest
   by 1/(1 − p) (inverted dropout, as PyTorch); in predict/accuracy, the identity ---- */

static Tensor *dropout_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  double p = l->hp[0];
  if (!training || p == 0) return t_retain(x);
  Tensor *mask = t_rand(&I->rng, x->ndim, x->shape);
  float keep = (float)(1 / (1 - p));
  for (int64_t i = 0; i < mask->size; i++) mask->data[i] = mask->data[i] >= p ? keep : 0;
  RtFrame f;
  Tensor *y = NULL;
  if (RT_TRY(&f)) {
    y = ad_binary(T_MUL, x, mask);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(mask);
    rt_rethrow();
  }
  t_release(mask);
  return y;
}

static int same_shape(const Layer *l, int ndim, const int64_t *in, int64_t *out) {
  (void)l;
  memcpy(out, in, sizeof(int64_t) * (size_t)ndim);
  return ndim;
}

static const NativeLayer dropout_kind = {"dropout", dropout_forward, same_shape};

static Value bi_dropout(Call *c) {
  double p = arg_num(c, 0);
  if (!(p >= 0 && p < 1)) arg_error(c, 0, "a probability in [0, 1)");
  Value lv = layer_new(c->I, "dropout");
  lv.as.layer->native = &dropout_kind;
  lv.as.layer->hp[0] = p;
  return lv;
}

static const Builtin layer_builtins[] = {
    {"dense", "dense(n_in, n_out, init = \"he\")", bi_dense,
     "a fully connected layer y = x @ W + b, W [n_in, n_out] (He-initialised), b [n_out]"},
    {"dropout", "dropout(p = 0.5)", bi_dropout,
     "zeroes inputs with probability p while training (scaling the rest by 1/(1 − p))"},
    {NULL, NULL, NULL, NULL},
};

void layers_register(Interp *I) {
  builtins_register_table(I, layer_builtins);
  Value *f = ev_global(I, "flatten");
  if (f && f->type == V_FUNC) f->as.fn->as_layer = &flatten_layer_kind;
}
