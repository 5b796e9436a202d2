/* layers.c — the built-in layer kinds: dense, flatten, dropout, conv2d, maxpool2d,
 * batchnorm. Each is a NativeLayer: a forward function built from the differentiable
 * ops of runtime/autograd.h, so gradients need no code here. Images are NCHW. */
#include <math.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "conv.h"
#include "decl.h"
#include "mem.h"

static Sym *sym(Interp *I, const char *s) { return sym_intern(&I->syms, s, strlen(s)); }

/* ---- dense: y = x @ W + b;  x: [B, n_in], W: [n_in, n_out], b: [n_out] ---- */

static const NativeLayer dense_kind;

/* x must end in n_in features. */
static void dense_check(Interp *I, const Layer *l, const Tensor *x) {
  const Tensor *W = l->params[0];
  int64_t n_in = W->shape[0];
  if (x->ndim < 1 || x->shape[x->ndim - 1] != n_in) {
    char sh[96];
    ev_error(I, NULL, "dense(%lld, %lld) expects %lld features per sample, got input of shape %s",
             (long long)n_in, (long long)W->shape[1], (long long)n_in,
             t_shape_str(x->ndim, x->shape, sh, sizeof sh));
  }
}

/* The dense forward with its activation fused into the product's store (ad_linear): one
   pass over the output and one graph node instead of matmul, add (and relu). Gives the
   numbers the separate ops give (t_gemm_bias_act's contract). */
Tensor *dense_forward_act(Interp *I, Layer *l, Tensor *x, GemmAct act) {
  dense_check(I, l, x);
  return ad_linear(x, l->params[0], l->params[1], act);
}

/* Outside training the separate ops run, so graph() and explain show x @ W + b as the
   formula is written; inside train the fused op saves a tensor and a pass. */
static Tensor *dense_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  if (training) return dense_forward_act(I, l, x, GEMM_ACT_NONE);
  dense_check(I, l, x);
  Tensor *W = l->params[0], *b = l->params[1];
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

bool is_dense_layer(Value v) {
  return v.type == V_LAYER && v.as.layer->native == &dense_kind && !v.as.layer->lazy;
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

/* ---- conv2d(c_in, c_out, k, stride = 1, padding = 0): x [B, C, H, W] → [B, c_out, OH, OW],
   OH = floor((H + 2·padding − k)/stride) + 1; W [c_out, c_in, k, k], b [c_out]. A 3-D
   input [B, H, W] is read as one channel, [B, 1, H, W], so a batch of Fashion-MNIST
   images goes in as it is. ---- */

static const char *conv_name(const Layer *l, char *buf, size_t n) {
  snprintf(buf, n, "conv2d(%.0f, %.0f, %.0f)", l->hp[0], l->hp[1], l->hp[2]);
  return buf;
}

static Tensor *conv2d_layer_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  (void)training;
  char name[96], sh[96];
  conv_name(l, name, sizeof name);
  t_shape_str(x->ndim, x->shape, sh, sizeof sh);
  int64_t c_in = (int64_t)l->hp[0], k = (int64_t)l->hp[2];
  int stride = (int)l->hp[3], pad = (int)l->hp[4];
  if (x->ndim != 3 && x->ndim != 4)
    ev_error(I, NULL, "%s expects input [B, C, H, W] (or [B, H, W] with one channel), got shape %s",
             name, sh);
  if (x->ndim == 3 && c_in != 1)
    ev_error(I, NULL, "%s: input of shape %s is read as [B, H, W] with 1 channel, expected %lld",
             name, sh, (long long)c_in);
  if (x->ndim == 4 && x->shape[1] == 1 && c_in != 1)
    ev_error(I, NULL, "%s: input has 1 channel (shape %s), expected %lld", name, sh, (long long)c_in);
  if (x->ndim == 4 && x->shape[1] != c_in)
    ev_error(I, NULL, "%s: input has %lld channels (shape %s), expected %lld", name,
             (long long)x->shape[1], sh, (long long)c_in);
  int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
  if (conv_out_size(H, k, stride, pad) < 1 || conv_out_size(W, k, stride, pad) < 1)
    ev_error(I, NULL, "%s: the %lldx%lld kernel does not fit input of shape %s with padding %d "
             "(H + 2*padding = %lld, W + 2*padding = %lld)", name, (long long)k, (long long)k, sh,
             pad, (long long)(H + 2 * pad), (long long)(W + 2 * pad));
  return ad_conv2d(x, l->params[0], l->params[1], stride, pad);
}

static int conv2d_shape(const Layer *l, int ndim, const int64_t *in, int64_t *out) {
  int64_t k = (int64_t)l->hp[2], s = (int64_t)l->hp[3], p = (int64_t)l->hp[4];
  out[0] = (int64_t)l->hp[1];
  out[1] = conv_out_size(in[ndim - 2], k, s, p);
  out[2] = conv_out_size(in[ndim - 1], k, s, p);
  return 3;
}

static const NativeLayer conv2d_kind = {"conv2d", conv2d_layer_forward, conv2d_shape};

/* A whole-number argument in [lo, hi]; `what` says what it is for the message (arg_error
   translates it: a literal, listed in tools/check_catalog.sh's KEYWORDS). */
static long long arg_range(Call *c, int i, long long lo, long long hi, const char *what) {
  long long v = arg_int(c, i);
  if (v < lo || v > hi) arg_error(c, i, what);
  return v;
}

enum { MAX_SIZE = 1 << 20 }; /* channels, kernel sizes, strides, paddings */

/* He (Kaiming) normal weights N(0, 2/(c_in·k·k)) for the ReLU networks CNNs are;
   zero biases. */
static Value bi_conv2d(Call *c) {
  Interp *I = c->I;
  long long c_in = arg_range(c, 0, 1, MAX_SIZE, "a number of channels >= 1");
  long long c_out = arg_range(c, 1, 1, MAX_SIZE, "a number of channels >= 1");
  long long k = arg_range(c, 2, 1, MAX_SIZE, "a kernel size >= 1");
  long long stride = arg_range(c, 3, 1, MAX_SIZE, "a stride >= 1");
  long long pad = arg_range(c, 4, 0, MAX_SIZE, "a padding >= 0");
  Value lv = layer_new(I, "conv2d");
  ev_root(I, lv);
  Layer *l = lv.as.layer;
  l->native = &conv2d_kind;
  l->hp[0] = (double)c_in;
  l->hp[1] = (double)c_out;
  l->hp[2] = (double)k;
  l->hp[3] = (double)stride;
  l->hp[4] = (double)pad;
  Tensor *W = t_randn(&I->rng, 4, (int64_t[]){c_out, c_in, k, k});
  float s = (float)sqrt(2.0 / (double)(c_in * k * k));
  for (int64_t i = 0; i < W->size; i++) W->data[i] *= s;
  layer_add_param(l, sym(I, "W"), W);
  layer_add_param(l, sym(I, "b"), t_zeros(1, (int64_t[]){c_out}));
  return v_retain(lv);
}

/* ---- maxpool2d(k, stride = k): the maximum of each k×k window of the last two axes,
   [B, C, H, W] → [B, C, OH, OW] (or [B, H, W] → [B, OH, OW]), OH = floor((H − k)/stride) + 1;
   the gradient goes to the first maximum of each window, as in PyTorch ---- */

static Tensor *maxpool2d_layer_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  (void)training;
  char sh[96];
  t_shape_str(x->ndim, x->shape, sh, sizeof sh);
  int k = (int)l->hp[0], stride = (int)l->hp[1];
  if (x->ndim != 3 && x->ndim != 4)
    ev_error(I, NULL, "maxpool2d(%d) expects input [B, C, H, W] (or [B, H, W]), got shape %s", k, sh);
  int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
  if (conv_out_size(H, k, stride, 0) < 1 || conv_out_size(W, k, stride, 0) < 1)
    ev_error(I, NULL, "maxpool2d(%d): the %dx%d window does not fit input of shape %s (H = %lld, W = %lld)",
             k, k, k, sh, (long long)H, (long long)W);
  return ad_maxpool2d(x, k, stride);
}

static int maxpool2d_shape(const Layer *l, int ndim, const int64_t *in, int64_t *out) {
  int64_t k = (int64_t)l->hp[0], s = (int64_t)l->hp[1];
  memcpy(out, in, sizeof(int64_t) * (size_t)ndim);
  out[ndim - 2] = conv_out_size(in[ndim - 2], k, s, 0);
  out[ndim - 1] = conv_out_size(in[ndim - 1], k, s, 0);
  return ndim;
}

static const NativeLayer maxpool2d_kind = {"maxpool2d", maxpool2d_layer_forward, maxpool2d_shape};

static Value bi_maxpool2d(Call *c) {
  long long k = arg_range(c, 0, 1, MAX_SIZE, "a window size >= 1");
  long long stride = c->args[1].type == V_NONE ? k : arg_range(c, 1, 1, MAX_SIZE, "a stride >= 1");
  Value lv = layer_new(c->I, "maxpool2d");
  lv.as.layer->native = &maxpool2d_kind;
  lv.as.layer->hp[0] = (double)k;
  lv.as.layer->hp[1] = (double)stride;
  return lv;
}

/* ---- batchnorm(n, momentum = 0.1, eps = 1e-5): per feature of [B, n], or per channel
   of [B, n, H, W] over B, H and W: y = gamma·(x − μ)/√(σ² + eps) + beta. Training
   (inside train) normalises by the batch's μ and biased σ² and moves the buffers
   running_mean and running_var by momentum towards μ and the unbiased σ²; predict,
   accuracy, evaluate and net(x) use the running statistics. As torch.nn.BatchNorm1d/2d.
   gamma (ones) and beta (zeros) are trained; the buffers are saved by save(). ---- */

static void batchnorm_params(Interp *I, Layer *l, int64_t n) {
  int64_t shape[1] = {n};
  layer_add_param(l, sym(I, "gamma"), t_full(1, shape, 1));
  layer_add_param(l, sym(I, "beta"), t_zeros(1, shape));
  layer_add_buf(l, sym(I, "running_mean"), t_zeros(1, shape));
  layer_add_buf(l, sym(I, "running_var"), t_full(1, shape, 1));
}

static Tensor *batchnorm_layer_forward(Interp *I, Layer *l, Tensor *x, bool training) {
  char sh[96];
  t_shape_str(x->ndim, x->shape, sh, sizeof sh);
  if (l->lazy && x->ndim >= 2 && x->ndim <= 4) {
    /* `batchnorm` without n: the first input's features/channels give it. */
    batchnorm_params(I, l, x->shape[1]);
    l->hp[0] = (double)x->shape[1];
    l->lazy = false;
  }
  int64_t n = (int64_t)l->hp[0];
  if (x->ndim < 2 || x->ndim > 4)
    ev_error(I, NULL, "batchnorm(%lld) expects input [B, %lld] or [B, %lld, H, W], got shape %s",
             (long long)n, (long long)n, (long long)n, sh);
  if (x->shape[1] != n && x->ndim == 2)
    ev_error(I, NULL, "batchnorm(%lld): input has %lld features (shape %s), expected %lld", (long long)n,
             (long long)x->shape[1], sh, (long long)n);
  if (x->shape[1] != n)
    ev_error(I, NULL, "batchnorm(%lld): input has %lld channels (shape %s), expected %lld", (long long)n,
             (long long)x->shape[1], sh, (long long)n);
  if (training && x->size / n <= 1)
    ev_error(I, NULL, "batchnorm(%lld): training needs more than one value per channel, got input "
             "of shape %s (use a batch size > 1)", (long long)n, sh);
  return ad_batchnorm(x, l->params[0], l->params[1], l->bufs[0], l->bufs[1], training,
                      (float)l->hp[1], (float)l->hp[2]);
}

static const NativeLayer batchnorm_kind = {"batchnorm", batchnorm_layer_forward, same_shape};

static Value bi_batchnorm(Call *c) {
  Interp *I = c->I;
  bool lazy = c->args[0].type == V_NONE;
  long long n = lazy ? 0 : arg_range(c, 0, 1, MAX_SIZE, "a number of features or channels >= 1");
  double momentum = arg_num(c, 1), eps = arg_num(c, 2);
  if (!(momentum >= 0 && momentum <= 1)) arg_error(c, 1, "a momentum in [0, 1]");
  if (!(eps > 0)) arg_error(c, 2, "an eps > 0");
  Value lv = layer_new(I, "batchnorm");
  ev_root(I, lv);
  Layer *l = lv.as.layer;
  l->native = &batchnorm_kind;
  l->hp[0] = (double)n;
  l->hp[1] = momentum;
  l->hp[2] = eps;
  l->lazy = lazy;
  if (!lazy) batchnorm_params(I, l, n);
  return v_retain(lv);
}

/* ---- an activation with settings, as a layer: `leaky_relu(a = 0.01)`, `elu(alpha = 0.5)`
   in a model body. The model gives the input, so the call names only the activation's
   other parameters: positional arguments bind them in order after the input
   (`leaky_relu(0.01)` is a = 0.01). The layer's forward calls the activation with x and
   the settings; its kind (summary, print, errors) spells the settings given:
   "leaky_relu(a = 0.01)". Settings equal to their (number) defaults are dropped, so
   `softmax(axis = -1)` is the plain softmax layer that train fuses with cross_entropy;
   any other setting makes a layer train does not take for the plain one. ---- */

/* The forward: bound[0] the activation, bound[1 .. n_bound − 1] its other parameters. */
static Value bi_activation_set(Call *c) {
  int n = c->fn->n_bound;
  Value args[n];
  args[0] = c->args[0];
  for (int i = 1; i < n; i++) args[i] = c->fn->bound[i];
  return ev_call(c->I, c->fn->bound[0], n, args, c->node);
}

static const Builtin activation_set = {"activation", "activation(x)", bi_activation_set,
                                       N_("an activation with its settings, as a layer of a model")};

/* Its parameters other than the input, "a, b" (or "none"), for messages. */
static void other_params(const Func *f, char *buf, size_t n) {
  StrBuf b = {0};
  for (int i = 1; i < f->params.n; i++) sb_printf(&b, "%s%s", i > 1 ? ", " : "", f->params.names[i]->name);
  snprintf(buf, n, "%s", b.s ? b.s : "none");
  sb_free(&b);
}

Value activation_with_settings(Interp *I, Env *env, const Node *e) {
  if (e->kind != N_CALL || !e->a || e->a->kind != N_NAME) return v_none();
  Value fv = ev_eval(I, env, e->a);
  ev_root(I, fv);
  if (fv.type != V_FUNC || fv.as.fn->kind != FK_ACTIVATION || fv.as.fn->params.n < 1 ||
      fv.as.fn->params.variadic) {
    ev_unroot(I, 1);
    return v_none();
  }
  const Func *f = fv.as.fn;
  const Params *p = &f->params;
  const char *name = f->name, *input = p->names[0]->name;
  char others[256];
  other_params(f, others, sizeof others);
  /* settings[i]: parameter i's value (given, else its default); given[i]: named in the call */
  Value settings[p->n];
  bool given[p->n];
  for (int i = 0; i < p->n; i++) settings[i] = p->defaults[i], given[i] = false;
  int next = 1; /* the parameter the next positional argument binds */
  for (int k = 0; k < e->n_kids; k++) {
    const Node *a = e->kids[k];
    int j = next;
    if (a->kind == N_KWARG) {
      j = -1;
      for (int i = 0; i < p->n; i++)
        if (p->names[i] == a->sym) j = i;
      if (j == 0)
        ev_error(I, a, "in a model the layer before gives '%s' its input '%s': name only its other "
                 "parameters (%s)", name, input, others);
      if (j < 0 && p->n == 1) /* nothing to list: "it has: none" read as a parameter's name */
        ev_error(I, a, "'%s' has no parameter '%s': its only parameter is its input '%s', which the "
                 "layer before gives; write '%s' without arguments", name, a->sym->name, input, name);
      if (j < 0)
        ev_error(I, a, "'%s' has no parameter '%s' (besides its input '%s' it has: %s)", name,
                 a->sym->name, input, others);
    } else if (next >= p->n) {
      if (p->n == 1)
        ev_error(I, a, "in a model the layer before gives '%s' its input, and it has no other "
                 "parameters: write '%s' without arguments", name, name);
      ev_error(I, a, "too many arguments to '%s' in a model: the layer before gives its input '%s', "
               "and it has %d other parameter(s) (%s)", name, input, p->n - 1, others);
    } else {
      next++;
    }
    if (given[j])
      ev_error(I, a, "setting '%s' of '%s' given twice", p->names[j]->name, name);
    Value v = ev_eval(I, env, a->kind == N_KWARG ? a->a : a);
    ev_root(I, v);
    settings[j] = v;
    given[j] = true;
  }
  /* The label spells the settings that differ from a number default. */
  StrBuf label = {0};
  sb_printf(&label, "%s(", name);
  int shown = 0;
  for (int i = 1; i < p->n; i++) {
    if (!given[i]) continue;
    if (p->has_default[i] && p->defaults[i].type == V_NUM && settings[i].type == V_NUM &&
        p->defaults[i].as.num == settings[i].as.num)
      continue;
    sb_printf(&label, "%s%s = ", shown++ ? ", " : "", p->names[i]->name);
    v_repr(&label, settings[i]);
  }
  sb_putc(&label, ')');
  Sym *kind = sym_intern(&I->syms, label.s, label.len);
  sb_free(&label);
  for (int i = 1; i < p->n; i++)
    if (!given[i] && !p->has_default[i])
      ev_error(I, e, "'%s' in a model needs its parameter '%s' (it has no default)", name,
               p->names[i]->name);
  if (shown == 0) return v_retain(fv); /* only defaults: the plain activation */
  return activation_layer(I, fv, p->n, settings, kind->name);
  /* the rooted temporaries go when the model's constructor returns */
}

Value activation_layer(Interp *I, Value fn, int n, const Value *settings, const char *kind) {
  Value bound[n];
  bound[0] = fn;
  for (int i = 1; i < n; i++) bound[i] = settings[i];
  Value f = func_native(I, &activation_set, n, bound);
  f.as.fn->name = kind;
  ev_root(I, f);
  Value lv = layer_new(I, kind);
  lv.as.layer->fn = v_retain(f);
  ev_unroot(I, 1);
  return lv;
}

static const Builtin layer_builtins[] = {
    {"dense", "dense(n_in, n_out, init = \"he\")", bi_dense,
     N_("a fully connected layer y = x @ W + b, W [n_in, n_out] (He-initialised), b [n_out]")},
    {"dropout", "dropout(p = 0.5)", bi_dropout,
     N_("zeroes inputs with probability p while training (scaling the rest by 1/(1 − p))")},
    {"conv2d", "conv2d(c_in, c_out, k, stride = 1, padding = 0)", bi_conv2d,
     N_("a 2-D convolution of [B, c_in, H, W] (or [B, H, W] as one channel) to [B, c_out, OH, OW], "
        "OH = floor((H + 2·padding − k)/stride) + 1; W [c_out, c_in, k, k] (He-initialised), b [c_out]")},
    {"maxpool2d", "maxpool2d(k = 2, stride = none)", bi_maxpool2d,
     N_("the maximum of each k×k window (k = 2 as Keras; every stride pixels, default k): [B, C, H, W] → "
        "[B, C, floor((H − k)/stride) + 1, …]")},
    {"batchnorm", "batchnorm(n = none, momentum = 0.1, eps = 1e-5)", bi_batchnorm,
     N_("normalise each feature of [B, n] (each channel of [B, n, H, W]) by the batch's mean and "
        "variance while training, by running averages otherwise; then scale gamma, shift beta "
        "(without n: sized by its first input)")},
    {NULL, NULL, NULL, NULL},
};

void layers_register(Interp *I) {
  builtins_register_table(I, layer_builtins);
  /* Layer constructors: named bare in a model, they are called with their defaults
     (`dropout`, `batchnorm`); one that needs arguments says which. */
  for (const Builtin *b = layer_builtins; b->name; b++) {
    Value *f = ev_global(I, b->name);
    if (f && f->type == V_FUNC) f->as.fn->kind = FK_LAYER;
  }
  Value *f = ev_global(I, "flatten");
  if (f && f->type == V_FUNC) f->as.fn->as_layer = &flatten_layer_kind;
}
