/* ad_nn.c — the differentiable ops of training's layers and losses (autograd.h), each
 * forward beside its backward rule: the fused softmax cross-entropy and sigmoid binary
 * cross-entropy, conv2d, maxpool2d and batchnorm (kernels in conv.c), and the fused
 * dense layer (kernels in gemm.c). The graph is autograd.c's.
 */
#include "autograd.h"

#include <stdbool.h>
#include <string.h>
#include <tgmath.h>

#include "autograd_impl.h"
#include "conv.h"
#include "error.h"
#include "gemm.h"
#include "mem.h"

/* y's node, with the rule its kind has in this file's table (at the end). */
static AdNode *record(Tensor *y, AdOp op, int n, Tensor *const *in, unsigned nograd,
                      size_t extra);

/* ---- fused softmax cross-entropy ---- */

static int64_t xent_class(float v, int64_t k, int64_t row) {
  if (v != floorf(v))
    rt_throw("softmax_cross_entropy: index %g is not an integer (row %lld)", v, (long long)row);
  if (v < 0 || v >= (float)k)
    rt_throw("softmax_cross_entropy: index %.0f is out of range for %lld classes (row %lld)",
             v, (long long)k, (long long)row);
  return (int64_t)v;
}

/* z [..., k] in rows [R, k]; per row l = log Σ_j e^z_j, computed as c + log Σ e^(z−c)
   with c = max z so logits of ±1000 stay finite; loss_r = l − z[y_r] for class
   indices, Σ_j p_j (l − z_j) for probabilities (0 where p_j = 0); result mean_r. */
Tensor *ad_softmax_cross_entropy(Tensor *logits, Tensor *target) {
  const char *op = "softmax_cross_entropy";
  char s1[96], s2[96];
  const Tensor *z = logits;
  if (z->ndim == 0) rt_throw("%s: logits must have a class axis (got shape [])", op);
  int64_t k = z->shape[z->ndim - 1], rows = 1;
  rows = t_span(z->shape, 0, z->ndim - 1);
  int probs = t_same_shape(target, z), ok = probs || target->ndim == z->ndim - 1;
  for (int i = 0; ok && !probs && i < target->ndim; i++) ok = target->shape[i] == z->shape[i];
  if (!ok)
    rt_throw("%s: targets of shape %s do not fit logits of shape %s (want class indices "
             "of the logits' shape without its last axis, or probabilities of its shape)",
             op, t_shape_str(target->ndim, target->shape, s1, 96),
             t_shape_str(z->ndim, z->shape, s2, 96));
  if (k == 0 && rows > 0)
    rt_throw("%s: logits of shape %s have no classes", op, t_shape_str(z->ndim, z->shape, s1, 96));
  if (!probs)
    for (int64_t r = 0; r < rows; r++) xent_class(target->data[r], k, r);
  /* per row c and log Σ e^(z−c), kept apart: c + log… in one float would lose the
     bits that make e^(z − l) exact for |z| ≈ 1000 */
  Tensor *lse = t_new(2, (int64_t[]){rows, 2});
  double loss = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float *x = z->data + r * k;
    float c = x[0];
    for (int64_t j = 1; j < k; j++)
      if (x[j] > c) c = x[j];
    double s = 0;
    for (int64_t j = 0; j < k; j++) s += exp((double)x[j] - c);
    double l = c + log(s);
    lse->data[2 * r] = c;
    lse->data[2 * r + 1] = (float)log(s);
    if (!probs) {
      loss += l - x[(int64_t)target->data[r]];
    } else {
      const float *p = target->data + r * k;
      for (int64_t j = 0; j < k; j++)
        if (p[j] != 0) loss += p[j] * (l - x[j]);
    }
  }
  Tensor *y;
  RtFrame f;
  if (RT_TRY(&f)) {
    y = t_scalar((float)(loss / (double)rows));
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(lse);
    rt_rethrow();
  }
  AdNode *n = record(y, AD_XENT, 2, (Tensor *[]){logits, target}, probs ? 0 : 2u, 0);
  if (n) {
    n->p.probs = probs;
    n->aux = lse;
  } else {
    t_release(lse);
  }
  return y;
}

/* s = e^(z − l) = softmax(z); dz = dy/R · (s − onehot(y)) or dy/R · (s·Σp − p);
   probabilities also get dp = dy/R · (l − z) = −dy/R · log_softmax(z).
   l − z_j is taken as (c − z_j) + log Σ e^(z−c). */
static void bw_XENT(const Bw *b) {
  const Tensor *z = b->n->in[0], *t = b->n->in[1];
  const float *cl = b->n->aux->data;
  int64_t rows = b->n->aux->shape[0], k = z->shape[z->ndim - 1];
  float d = b->dy->data[0] / (float)rows;
  if (need(b->n, 0)) {
    int fresh;
    float *g = slot(b, 0, &fresh)->data;
    for (int64_t r = 0; r < rows; r++) {
      const float *x = z->data + r * k;
      float *gr = g + r * k, sp = 1;
      if (b->n->p.probs) {
        sp = 0;
        for (int64_t j = 0; j < k; j++) sp += t->data[r * k + j];
      }
      for (int64_t j = 0; j < k; j++) {
        float v = expf((x[j] - cl[2 * r]) - cl[2 * r + 1]) * sp;
        if (b->n->p.probs) v -= t->data[r * k + j];
        else if (j == (int64_t)t->data[r]) v -= 1;
        gr[j] = fresh ? d * v : gr[j] + d * v;
      }
    }
  }
  if (b->n->p.probs && need(b->n, 1)) {
    float *g = slot(b, 1, NULL)->data;
    for (int64_t r = 0; r < rows; r++)
      for (int64_t j = 0; j < k; j++)
        g[r * k + j] += d * ((cl[2 * r] - z->data[r * k + j]) + cl[2 * r + 1]);
  }
}

/* ---- fused sigmoid binary cross-entropy ---- */

/* z, y of one shape (n elements): the mean over elements of
   −(y log σ(z) + (1 − y) log(1 − σ(z))) = max(z, 0) − z·y + log(1 + e^−|z|),
   which never exponentiates a positive number, so logits of ±1000 stay finite and
   exact (PyTorch's BCEWithLogitsLoss; no clamp at −100 is needed). */
Tensor *ad_sigmoid_bce(Tensor *logits, Tensor *target) {
  const char *op = "sigmoid_bce";
  char s1[96], s2[96];
  if (!t_same_shape(logits, target))
    rt_throw("%s: targets of shape %s do not fit logits of shape %s (want the same shape)", op,
             t_shape_str(target->ndim, target->shape, s1, 96),
             t_shape_str(logits->ndim, logits->shape, s2, 96));
  double loss = 0;
  for (int64_t i = 0; i < logits->size; i++) {
    double z = logits->data[i], y = target->data[i];
    if (!(y >= 0 && y <= 1))
      rt_throw("%s: target %g (element %lld) is not between 0 and 1", op, y, (long long)i);
    loss += (z > 0 ? z : 0) - z * y + log1p(exp(-fabs(z)));
  }
  Tensor *y = t_scalar((float)(logits->size ? loss / (double)logits->size : NAN));
  record(y, AD_SIGBCE, 2, (Tensor *[]){logits, target}, 0, 0);
  return y;
}

/* dz = dy/n · (σ(z) − y), σ taken as 1/(1 + e^−z) or e^z/(1 + e^z) by the sign of z so
   that the exponential never overflows; dy_target = −dy/n · z (soft targets). */
static void bw_SIGBCE(const Bw *b) {
  const Tensor *z = b->n->in[0], *t = b->n->in[1];
  float d = b->dy->data[0] / (float)z->size;
  if (need(b->n, 0)) {
    int fresh;
    float *g = slot(b, 0, &fresh)->data;
    for (int64_t i = 0; i < z->size; i++) {
      double x = z->data[i], e = exp(-fabs(x));
      float v = d * (float)((x >= 0 ? 1 / (1 + e) : e / (1 + e)) - t->data[i]);
      g[i] = fresh ? v : g[i] + v;
    }
  }
  if (need(b->n, 1)) {
    float *g = slot(b, 1, NULL)->data;
    for (int64_t i = 0; i < z->size; i++) g[i] -= d * z->data[i];
  }
}

/* ---- convolution, max pooling, batch normalisation (kernels in runtime/conv.c) ---- */

/* x ⋆ w as conv.c sees it; throws, naming both shapes, when they do not fit. */
static ConvShape conv_shape(const Tensor *x, const Tensor *w, const Tensor *b, int stride,
                            int pad) {
  char s1[96], s2[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  t_shape_str(w->ndim, w->shape, s2, sizeof s2);
  if (x->ndim != 3 && x->ndim != 4)
    rt_throw("conv2d: the input must be [B, C, H, W] (or [B, H, W] with one channel), got shape %s", s1);
  if (w->ndim != 4 || w->shape[2] != w->shape[3])
    rt_throw("conv2d: the weights must be [F, C, k, k], got shape %s", s2);
  if (b->ndim != 1 || b->shape[0] != w->shape[0]) {
    char s3[96];
    rt_throw("conv2d: a bias of shape %s does not fit weights of shape %s (want [%lld])",
             t_shape_str(b->ndim, b->shape, s3, sizeof s3), s2, (long long)w->shape[0]);
  }
  if (stride < 1) rt_throw("conv2d: the stride must be >= 1, got %d", stride);
  if (pad < 0) rt_throw("conv2d: the padding must be >= 0, got %d", pad);
  int four = x->ndim == 4;
  ConvShape s = {.B = x->shape[0], .C = four ? x->shape[1] : 1, .H = x->shape[1 + four],
                 .W = x->shape[2 + four], .F = w->shape[0], .k = w->shape[2], .stride = stride,
                 .pad = pad};
  if (s.C != w->shape[1] && s.C == 1)
    rt_throw("conv2d: input of shape %s has 1 channel, weights of shape %s expect %lld", s1, s2,
             (long long)w->shape[1]);
  if (s.C != w->shape[1])
    rt_throw("conv2d: input of shape %s has %lld channels, weights of shape %s expect %lld", s1,
             (long long)s.C, s2, (long long)w->shape[1]);
  s.OH = conv_out_size(s.H, s.k, stride, pad);
  s.OW = conv_out_size(s.W, s.k, stride, pad);
  if (s.OH < 1 || s.OW < 1)
    rt_throw("conv2d: a %lldx%lld kernel does not fit input of shape %s with padding %d "
             "(H + 2*padding = %lld, W + 2*padding = %lld)", (long long)s.k, (long long)s.k, s1,
             pad, (long long)(s.H + 2 * pad), (long long)(s.W + 2 * pad));
  return s;
}

/* y[n, f] = b[f] + Σ_c x[n, c] ⋆ w[f, c] (cross-correlation, like torch): im2col over
   the batch + gemm (conv.h); the column matrix stays on the node for dw's backward */
Tensor *ad_conv2d(Tensor *x, Tensor *w, Tensor *b, int stride, int pad) {
  ConvShape s = conv_shape(x, w, b, stride, pad);
  Tensor *y = t_new(4, (int64_t[]){s.B, s.F, s.OH, s.OW}), *col = NULL, *yt = NULL;
  int64_t n_out = conv_out_floats(&s);
  RtFrame f;
  if (RT_TRY(&f)) {
    col = t_new(1, (int64_t[]){conv_col_floats(&s)});
    if (n_out > 0) yt = t_new(1, &n_out);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    if (col) t_release(col);
    rt_rethrow();
  }
  conv2d_forward(&s, x->data, w->data, b->data, y->data, col->data, yt ? yt->data : NULL);
  if (yt) t_release(yt);
  AdNode *n = NULL;
  if (RT_TRY(&f)) {
    n = record(y, AD_CONV2D, 3, (Tensor *[]){x, w, b}, 0, 0);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(col);
    rt_rethrow();
  }
  if (n) {
    n->p.cv.stride = stride, n->p.cv.pad = pad;
    if (need(n, 1) && conv_block(&s) == s.B) n->aux = col; /* the batch's column matrix */
    else t_release(col);
  } else {
    t_release(col);
  }
  return y;
}

/* dw += Σ dy·colᵀ, dx += col2im(wᵀ·dy), db += Σ dy (conv.h's conv2d_backward), with the
   forward's column matrix when it kept one */
static void bw_CONV2D(const Bw *b) {
  AdNode *n = b->n;
  const Tensor *x = n->in[0], *w = n->in[1];
  ConvShape s = conv_shape(x, w, n->in[2], n->p.cv.stride, n->p.cv.pad);
  float *dx = need(n, 0) ? slot(b, 0, NULL)->data : NULL;
  float *dw = need(n, 1) ? slot(b, 1, NULL)->data : NULL;
  float *db = need(n, 2) ? slot(b, 2, NULL)->data : NULL;
  const float *kept = n->aux ? n->aux->data : NULL;
  int64_t n_col = conv_col_floats(&s), n_out = conv_out_floats(&s);
  float *col = dx || (dw && !kept) ? scratch_new(1, &n_col, 0)->data : NULL;
  float *yt = (dx || dw) && n_out > 0 ? scratch_new(1, &n_out, 0)->data : NULL;
  conv2d_backward(&s, x->data, w->data, b->dy->data, dx, dw, db, kept, col, yt);
}

/* y = the maximum of each k×k window of the last two axes, every `stride` pixels */
Tensor *ad_maxpool2d(Tensor *x, int k, int stride) {
  char s1[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  if (x->ndim < 2) rt_throw("maxpool2d: the input must have H and W axes ([B, C, H, W]), got shape %s", s1);
  if (k < 1) rt_throw("maxpool2d: the window must be >= 1, got %d", k);
  if (stride < 1) rt_throw("maxpool2d: the stride must be >= 1, got %d", stride);
  int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
  int64_t OH = conv_out_size(H, k, stride, 0), OW = conv_out_size(W, k, stride, 0);
  if (OH < 1 || OW < 1)
    rt_throw("maxpool2d: a %dx%d window does not fit input of shape %s (H = %lld, W = %lld)", k, k,
             s1, (long long)H, (long long)W);
  if (H * W > INT32_MAX) rt_throw("maxpool2d: planes of %lldx%lld pixels are too large", (long long)H, (long long)W);
  int64_t shape[T_MAXDIM];
  memcpy(shape, x->shape, sizeof shape);
  shape[x->ndim - 2] = OH;
  shape[x->ndim - 1] = OW;
  Tensor *y = t_new(x->ndim, shape), *arg;
  RtFrame f;
  if (RT_TRY(&f)) {
    arg = t_new(x->ndim, shape); /* int32 indices in float-sized cells */
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  int64_t P = x->size / (H * W);
  maxpool2d_forward(P, H, W, k, stride, OH, OW, x->data, y->data, (int32_t *)(void *)arg->data);
  AdNode *n = NULL;
  if (RT_TRY(&f)) {
    n = record(y, AD_MAXPOOL2D, 1, &x, 0, 0);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(arg);
    rt_rethrow();
  }
  if (n) {
    n->aux = arg;
    n->p.pool.k = k;
    n->p.pool.stride = stride;
  } else {
    t_release(arg);
  }
  return y;
}

/* dx += dy at each window's first maximum (the index saved by the forward) */
static void bw_MAXPOOL2D(const Bw *b) {
  const Tensor *x = b->n->in[0];
  int64_t HW = x->shape[x->ndim - 2] * x->shape[x->ndim - 1];
  int64_t OHW = b->y->shape[b->y->ndim - 2] * b->y->shape[b->y->ndim - 1];
  float *dx = slot(b, 0, NULL)->data;
  maxpool2d_backward(x->size / HW, HW, OHW, (const int32_t *)(const void *)b->n->aux->data,
                     b->dy->data, dx);
}

/* y = gamma·(x − μ)/√(σ² + eps) + beta per channel (axis 1), μ and σ² from the batch
   (training: biased σ²; the running statistics move by momentum, with the unbiased σ²)
   or the running statistics (eval), exactly as torch.nn.BatchNorm1d/2d */
Tensor *ad_batchnorm(Tensor *x, Tensor *gamma, Tensor *beta, Tensor *running_mean,
                     Tensor *running_var, bool training, float momentum, float eps) {
  char s1[96], s2[96];
  t_shape_str(x->ndim, x->shape, s1, sizeof s1);
  if (x->ndim < 2) rt_throw("batchnorm: the input must be [B, C] or [B, C, H, W], got shape %s", s1);
  int64_t B = x->shape[0], C = x->shape[1], S = 1;
  S = t_span(x->shape, 2, x->ndim);
  Tensor *ps[4] = {gamma, beta, running_mean, running_var};
  for (int i = 0; i < 4; i++)
    if (ps[i]->ndim != 1 || ps[i]->shape[0] != C)
      rt_throw("batchnorm: input of shape %s has %lld channels (axis 1), but a parameter has shape %s",
               s1, (long long)C, t_shape_str(ps[i]->ndim, ps[i]->shape, s2, sizeof s2));
  if (training && B * S <= 1)
    rt_throw("batchnorm: training needs more than one value per channel, got input of shape %s", s1);
  Tensor *y = t_new(x->ndim, x->shape), *stats; /* stats [2, C]: mean, 1/std */
  RtFrame f;
  if (RT_TRY(&f)) {
    stats = t_new(2, (int64_t[]){2, C});
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
  float *mean = stats->data, *istd = stats->data + C;
  if (training) {
    bn_stats(B, C, S, x->data, mean, istd);
    double unbias = (double)(B * S) / (double)(B * S - 1);
    for (int64_t c = 0; c < C; c++) {
      float *rm = running_mean->data + c, *rv = running_var->data + c;
      *rm = (1 - momentum) * *rm + momentum * mean[c];
      *rv = (1 - momentum) * *rv + momentum * (float)(istd[c] * unbias);
      istd[c] = 1 / sqrtf(istd[c] + eps);
    }
  } else {
    for (int64_t c = 0; c < C; c++) {
      mean[c] = running_mean->data[c];
      istd[c] = 1 / sqrtf(running_var->data[c] + eps);
    }
  }
  bn_forward(B, C, S, x->data, mean, istd, gamma->data, beta->data, y->data);
  AdNode *n = NULL;
  if (RT_TRY(&f)) {
    n = record(y, AD_BATCHNORM, 3, (Tensor *[]){x, gamma, beta}, 0, 0);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(stats);
    rt_rethrow();
  }
  if (n) {
    n->aux = stats;
    n->p.bn.batch_stats = training;
    n->p.bn.eps = eps;
  } else {
    t_release(stats);
  }
  return y;
}

/* dbeta += Σ dy, dgamma += Σ dy·x̂, dx as conv.h's bn_backward (through the batch
   statistics in training, a per-channel scale in eval) */
static void bw_BATCHNORM(const Bw *b) {
  AdNode *n = b->n;
  const Tensor *x = n->in[0];
  int64_t B = x->shape[0], C = x->shape[1], S = t_span(x->shape, 2, x->ndim);
  float *dx = need(n, 0) ? slot(b, 0, NULL)->data : NULL;
  float *dg = need(n, 1) ? slot(b, 1, NULL)->data : NULL;
  float *dbeta = need(n, 2) ? slot(b, 2, NULL)->data : NULL;
  bn_backward(B, C, S, x->data, n->aux->data, n->aux->data + C, n->in[1]->data, b->dy->data,
              n->p.bn.batch_stats, dx, dg, dbeta);
}

/* ---- the fused dense layer ---- */

Tensor *ad_linear(Tensor *x, Tensor *W, Tensor *b, GemmAct act) {
  if (x->ndim < 1 || W->ndim != 2 || x->shape[x->ndim - 1] != W->shape[0] ||
      (b && (b->ndim != 1 || b->shape[0] != W->shape[1]))) {
    char s1[96], s2[96], s3[96] = "—";
    if (b) t_shape_str(b->ndim, b->shape, s3, 96);
    rt_throw("linear: x of shape %s, W of shape %s and b of shape %s do not fit (want x "
             "[..., in], W [in, out], b [out])",
             t_shape_str(x->ndim, x->shape, s1, 96), t_shape_str(W->ndim, W->shape, s2, 96), s3);
  }
  int64_t in = W->shape[0], out = W->shape[1], rows = t_span(x->shape, 0, x->ndim - 1);
  int64_t shape[T_MAXDIM];
  memcpy(shape, x->shape, sizeof shape);
  shape[x->ndim - 1] = out;
  Tensor *y = t_new(x->ndim, shape);
  t_gemm_bias_act(0, 0, rows, out, in, x->data, W->data, b ? b->data : NULL, act, y->data);
  AdNode *n = record(y, AD_LINEAR, b ? 3 : 2, (Tensor *[]){x, W, b}, 0, 0);
  if (n) n->p.act = act;
  return y;
}

/* With g = dy (times relu'(y) = [y > 0], read from the output: y > 0 exactly where
   x·W + b > 0), x and g as [rows, in] and [rows, out]:
     db += Σ_rows g,   dW += xᵀ·g   t_gemm(1, 0, in, out, rows),
     dx += g·Wᵀ        t_gemm(0, 1, rows, in, out)
   (no transposed copies; a new accumulator is written with β = 0). */
static void bw_LINEAR(const Bw *bw) {
  AdNode *n = bw->n;
  const Tensor *x = n->in[0], *W = n->in[1];
  int64_t in = W->shape[0], out = W->shape[1], rows = t_span(x->shape, 0, x->ndim - 1);
  const Tensor *gt = bw->dy; /* g as [rows, out] */
  if (n->p.act == GEMM_ACT_RELU) {
    Tensor *m = scratch_new(2, (int64_t[]){rows, out}, 0);
    relu_grad(rows * out, bw->y->data, bw->dy->data, m->data, 1);
    gt = m;
  } else if (gt->ndim != 2) {
    gt = scratch_keep(t_reshape(gt, 2, (int64_t[]){rows, out}));
  }
  const float *g = gt->data;
  int fresh;
  if (n->n_in == 3 && need(n, 2)) {
    /* row by row into the accumulator, as the broadcast add's rule sums dy down to b */
    float *db = slot(bw, 2, &fresh)->data;
    if (fresh) memset(db, 0, (size_t)out * sizeof *db);
    for (int64_t r = 0; r < rows; r++) axpy(out, 1, g + r * out, db, 0);
  }
  if (need(n, 1)) {
    float *dW = slot(bw, 1, &fresh)->data;
    t_gemm(1, 0, in, out, rows, 1, x->data, g, fresh ? 0 : 1, dW);
  }
  if (need(n, 0)) {
    float *dx = slot(bw, 0, &fresh)->data;
    t_gemm(0, 1, rows, in, out, 1, g, W->data, fresh ? 0 : 1, dx);
  }
}

/* ---- this file's rules, by node kind (AD_NN_NODES in autograd_impl.h) ---- */

static BwRule *const bw_rule[AD_N_OPS] = {
#define X(id, name) [AD_##id] = bw_##id,
    AD_NN_NODES(X)
#undef X
};

static AdNode *record(Tensor *y, AdOp op, int n, Tensor *const *in, unsigned nograd,
                      size_t extra) {
  return ad_record(y, op, bw_rule[op], n, in, nograd, extra);
}
