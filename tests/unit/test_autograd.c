/* test_autograd.c — reverse-mode gradients against central differences for every op
 * and rank case, hand-computed gradients, graph bookkeeping, and deep graphs. */
#include "check.h"

#include <stdlib.h>

#include "autograd.h"

static Rng rng;

/* ---- inputs ---- */

static Tensor *uni(int nd, const int64_t *shape, double lo, double hi) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++)
    t->data[i] = (float)(lo + (hi - lo) * rng_uniform(&rng));
  return t;
}

/* magnitude in [lo, hi], random sign: away from 0, the kink of relu, abs, sign… */
static Tensor *signed_uni(int nd, const int64_t *shape, double lo, double hi) {
  Tensor *t = uni(nd, shape, lo, hi);
  for (int64_t i = 0; i < t->size; i++)
    if (rng_uniform(&rng) < 0.5) t->data[i] = -t->data[i];
  return t;
}

/* distinct values at least 0.3 apart (for max/min), in random order */
static Tensor *spread(int nd, const int64_t *shape) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++)
    t->data[i] = (float)(0.37 * (double)i - 2);
  for (int64_t i = t->size - 1; i > 0; i--) {
    int64_t j = (int64_t)rng_below(&rng, (uint64_t)i + 1);
    float v = t->data[i];
    t->data[i] = t->data[j];
    t->data[j] = v;
  }
  return t;
}

/* x with every element at least `gap` from each of the points */
static Tensor *avoid(Tensor *t, int np, const float *pts, float gap) {
  for (int64_t i = 0; i < t->size; i++)
    for (int again = 1; again;) {
      again = 0;
      for (int k = 0; k < np; k++)
        if (fabsf(t->data[i] - pts[k]) < gap) again = 1;
      if (again) t->data[i] = (float)(4 * rng_uniform(&rng) - 2);
    }
  return t;
}

/* ---- the op under test, as data ---- */

enum {
  K_UNARY,
  K_BINARY,
  K_LEAKY,
  K_CLIP,
  K_WHERE,
  K_REDUCE,
  K_SOFTMAX,
  K_LOGSOFTMAX,
  K_PICK,
  K_MATMUL,
  K_RESHAPE,
  K_FLATTEN,
  K_TRANSPOSE,
  K_PERMUTE,
  K_CONCAT,
  K_STACK,
  K_INDEX,
  K_XENT,
  K_SIGBCE,
  K_OVERLAP,
  K_MLP
};

typedef struct Spec {
  int kind, op, axis, keepdim, n;
  float f0, f1;
  int perm[T_MAXDIM];
  TIndex ix[T_MAXDIM];
  int64_t shape[T_MAXDIM];
} Spec;

static Tensor *apply(const Spec *s, Tensor **in) {
  switch (s->kind) {
  case K_UNARY: return ad_unary(s->op, in[0]);
  case K_BINARY: return ad_binary(s->op, in[0], in[1]);
  case K_LEAKY: return ad_leaky_relu(in[0], s->f0);
  case K_CLIP: return ad_clip(in[0], s->f0, s->f1);
  case K_WHERE: return ad_where(in[0], in[1], in[2]);
  case K_REDUCE: return ad_reduce(s->op, in[0], s->axis, s->keepdim);
  case K_SOFTMAX: return ad_softmax(in[0], s->axis);
  case K_LOGSOFTMAX: return ad_log_softmax(in[0], s->axis);
  case K_PICK: return ad_pick(in[0], in[1]);
  case K_MATMUL: return ad_matmul(in[0], in[1]);
  case K_RESHAPE: return ad_reshape(in[0], s->n, s->shape);
  case K_FLATTEN: return ad_flatten(in[0]);
  case K_TRANSPOSE: return ad_transpose(in[0]);
  case K_PERMUTE: return ad_permute(in[0], s->perm);
  case K_CONCAT: return ad_concat(s->n, in, s->axis);
  case K_STACK: return ad_stack(s->n, in, s->axis);
  case K_INDEX: return ad_index(in[0], s->n, s->ix);
  case K_XENT: return ad_softmax_cross_entropy(in[0], in[1]);
  case K_SIGBCE: return ad_sigmoid_bce(in[0], in[1]);
  case K_OVERLAP: { /* x[0:3] * x[1:4] + x[::-1][1:] : one leaf through three indexings */
    TIndex a = {T_IX_SLICE, 0, 1, 1, 0, 3, 1}, b = {T_IX_SLICE, 0, 1, 1, 1, 4, 1};
    TIndex r = {T_IX_SLICE, 0, 0, 0, 0, 0, -1}, c = {T_IX_SLICE, 0, 1, 0, 1, 0, 1};
    Tensor *u = ad_index(in[0], 1, &a), *v = ad_index(in[0], 1, &b), *w = ad_index(in[0], 1, &r);
    Tensor *w1 = ad_index(w, 1, &c), *uv = ad_binary(T_MUL, u, v);
    Tensor *y = ad_binary(T_ADD, uv, w1);
    Tensor *ts[] = {u, v, w, w1, uv};
    for (int i = 0; i < 5; i++)
      t_release(ts[i]);
    return y;
  }
  case K_MLP: { /* xent(relu(x @ W1 + b1) @ W2 + b2, labels) */
    Tensor *h = ad_matmul(in[0], in[1]), *z = ad_binary(T_ADD, h, in[2]);
    Tensor *r = ad_unary(T_RELU, z), *o = ad_matmul(r, in[3]), *l = ad_binary(T_ADD, o, in[4]);
    Tensor *y = ad_softmax_cross_entropy(l, in[5]);
    Tensor *ts[] = {h, z, r, o, l};
    for (int i = 0; i < 5; i++)
      t_release(ts[i]);
    return y;
  }
  }
  return NULL;
}

static Tensor *apply_spec(const void *s, Tensor **in) { return apply((const Spec *)s, in); }

/* Every input in `diff` against central differences (check.h); releases the inputs. */
static void fd(const char *name, const Spec *s, int n, Tensor **in, unsigned diff) {
  fd_check(name, apply_spec, s, &rng, n, in, diff, 2e-2, false);
}

/* ---- finite-difference checks, op by op ---- */

static void fd_unary(void) {
  for (int op = 0; op < T_N_UNARY; op++) {
    const int64_t *sh = SHAPE(3, 4);
    Tensor *x;
    switch (op) {
    case T_LOG:
    case T_SQRT: x = uni(2, sh, 0.5, 2); break;
    case T_ABS:
    case T_RELU:
    case T_STEP:
    case T_SIGN: x = signed_uni(2, sh, 0.2, 2); break;
    case T_FLOOR:
    case T_CEIL:
    case T_ROUND: /* k + 0.2..0.3: away from integers and halves */
      x = uni(2, sh, 0.2, 0.3);
      for (int64_t i = 0; i < x->size; i++)
        x->data[i] += (float)((int)rng_below(&rng, 5) - 2);
      break;
    default: x = uni(2, sh, -2, 2);
    }
    Spec s = {.kind = K_UNARY, .op = op};
    fd(NAME("fd unary/%s", t_unary_names[op]), &s, 1, (Tensor *[]){x}, 1);
  }
}

static void fd_binary(void) {
  static const struct {
    int na, nb;
    int64_t sa[3], sb[3];
  } shp[] = {
      {2, 2, {3, 4}, {3, 4}},    {2, 1, {3, 4}, {4}}, {2, 2, {3, 1}, {1, 4}},
      {0, 2, {0}, {2, 3}},       {2, 0, {2, 3}, {0}}, {1, 3, {4}, {2, 3, 4}},
      {3, 2, {2, 1, 3}, {4, 1}},
  };
  for (int op = 0; op < T_N_BINARY; op++) {
    if (!(op < T_LT)) continue; /* comparisons (the list ends with them): see bookkeeping() */
    for (size_t k = 0; k < sizeof shp / sizeof *shp; k++) {
      int na = shp[k].na, nb = shp[k].nb;
      const int64_t *sa = shp[k].sa, *sb = shp[k].sb;
      Tensor *a, *b;
      switch (op) {
      case T_DIV:
        a = uni(na, sa, -2, 2);
        b = signed_uni(nb, sb, 0.5, 2);
        break;
      case T_POW:
        a = uni(na, sa, 0.5, 2);
        b = uni(nb, sb, -2, 2);
        break;
      case T_XLOGY:
        a = uni(na, sa, -2, 2);
        b = uni(nb, sb, 0.5, 2);
        break;
      case T_MOD: /* a mod ±4 with a 0.5..3.5 past a multiple of 4: no jumps nearby */
        a = uni(na, sa, 0.5, 3.5);
        for (int64_t i = 0; i < a->size; i++)
          a->data[i] += 4.0f * ((int)rng_below(&rng, 4) - 2);
        b = signed_uni(nb, sb, 4, 4);
        break;
      case T_MAX:
      case T_MIN: /* a in k + [0, 0.2], b in k + [0.5, 0.7]: never within 0.3 */
        a = uni(na, sa, 0, 0.2);
        b = uni(nb, sb, 0.5, 0.7);
        for (int64_t i = 0; i < a->size; i++)
          a->data[i] += (float)((int)rng_below(&rng, 5) - 2);
        for (int64_t i = 0; i < b->size; i++)
          b->data[i] += (float)((int)rng_below(&rng, 5) - 2);
        break;
      default: a = uni(na, sa, -2, 2); b = uni(nb, sb, -2, 2);
      }
      char s1[96], s2[96];
      Spec s = {.kind = K_BINARY, .op = op};
      fd(NAME("fd binary/%s %s %s", t_binary_names[op], t_shape_str(na, sa, s1, 96),
              t_shape_str(nb, sb, s2, 96)),
         &s, 2, (Tensor *[]){a, b}, 3);
    }
  }
  /* one operand tracked, the other a constant */
  Spec s = {.kind = K_BINARY, .op = T_MUL};
  fd("fd binary/mul only a tracked", &s, 2,
     (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2), uni(1, SHAPE(4), -2, 2)}, 1);
  fd("fd binary/mul only b tracked", &s, 2,
     (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2), uni(1, SHAPE(4), -2, 2)}, 2);
  /* the same tensor on both sides: x·x, x/x, x^x */
  int ops[] = {T_MUL, T_SUB, T_POW, T_ADD};
  for (int i = 0; i < 4; i++) {
    Tensor *x = uni(2, SHAPE(2, 3), 0.5, 2);
    Spec s2 = {.kind = K_BINARY, .op = ops[i]};
    ad_track(x);
    fd(NAME("fd binary/%s x x", t_binary_names[ops[i]]), &s2, 2, (Tensor *[]){x, t_retain(x)}, 3);
  }
}

static void fd_misc(void) {
  Spec s = {.kind = K_LEAKY, .f0 = 0.1f};
  fd("fd leaky_relu", &s, 1, (Tensor *[]){signed_uni(2, SHAPE(3, 4), 0.2, 2)}, 1);
  s = (Spec){.kind = K_CLIP, .f0 = -0.5f, .f1 = 0.7f};
  fd("fd clip", &s, 1,
     (Tensor *[]){avoid(uni(2, SHAPE(3, 4), -2, 2), 2, (float[]){-0.5f, 0.7f}, 0.05f)}, 1);
  s = (Spec){.kind = K_CLIP, .f0 = 1, .f1 = -1};
  fd("fd clip lo > hi", &s, 1, (Tensor *[]){uni(1, SHAPE(5), -2, 2)}, 1);

  /* where: c [3, 1], a [3, 4], b [4]; c tracked too but gets no gradient */
  Tensor *c = VEC(3, 1, 0, 1), *c2 = t_reshape(c, 2, SHAPE(3, 1));
  t_release(c);
  ad_track(c2);
  Tensor *keep = t_retain(c2);
  s = (Spec){.kind = K_WHERE};
  fd("fd where [3, 1] [3, 4] [4]", &s, 3,
     (Tensor *[]){c2, uni(2, SHAPE(3, 4), -2, 2), uni(1, SHAPE(4), -2, 2)}, 6);
  check_true("where: no gradient to the condition", ad_grad(keep) == NULL, "condition has a grad");
  t_release(keep);
  fd("fd where same shapes", &s, 3,
     (Tensor *[]){uni(2, SHAPE(2, 3), -1, 1), uni(2, SHAPE(2, 3), -2, 2),
                  uni(2, SHAPE(2, 3), -2, 2)},
     6);

  /* reductions over every axis choice */
  TRedOp rops[] = {T_SUM, T_MEAN, T_PROD, T_NORM, T_RMAX, T_RMIN};
  int axes[] = {T_AXIS_ALL, 0, 1, -1};
  for (int i = 0; i < 6; i++)
    for (int a = 0; a < 4; a++)
      for (int kd = 0; kd < 2; kd++) {
        Tensor *x = rops[i] == T_RMAX || rops[i] == T_RMIN ? spread(2, SHAPE(3, 4))
                    : rops[i] == T_PROD                    ? signed_uni(2, SHAPE(3, 4), 0.5, 1.5)
                                                           : uni(2, SHAPE(3, 4), -2, 2);
        s = (Spec){.kind = K_REDUCE, .op = rops[i], .axis = axes[a], .keepdim = kd};
        fd(NAME("fd reduce/%s axis %s keepdim %d", t_reduce_names[rops[i]],
                axes[a] == T_AXIS_ALL ? "all" : NAME("%d", axes[a]), kd),
           &s, 1, (Tensor *[]){x}, 1);
      }
  for (int i = 0; i < 6; i++) {
    Tensor *x = rops[i] == T_RMAX || rops[i] == T_RMIN ? spread(3, SHAPE(2, 3, 4))
                : rops[i] == T_PROD                    ? signed_uni(3, SHAPE(2, 3, 4), 0.5, 1.5)
                                                       : uni(3, SHAPE(2, 3, 4), -2, 2);
    s = (Spec){.kind = K_REDUCE, .op = rops[i], .axis = 1};
    fd(NAME("fd reduce/%s [2, 3, 4] axis 1", t_reduce_names[rops[i]]), &s, 1, (Tensor *[]){x}, 1);
  }
  s = (Spec){.kind = K_REDUCE, .op = T_PROD, .axis = T_AXIS_ALL};
  Tensor *z = uni(1, SHAPE(5), 0.5, 2);
  z->data[2] = 0;
  fd("fd reduce/prod with a zero", &s, 1, (Tensor *[]){z}, 1);

  int sax[] = {0, 1, -1};
  for (int a = 0; a < 3; a++) {
    s = (Spec){.kind = K_SOFTMAX, .axis = sax[a]};
    fd(NAME("fd softmax axis %d", sax[a]), &s, 1, (Tensor *[]){uni(2, SHAPE(3, 4), -3, 3)}, 1);
    s.kind = K_LOGSOFTMAX;
    fd(NAME("fd log_softmax axis %d", sax[a]), &s, 1, (Tensor *[]){uni(2, SHAPE(3, 4), -3, 3)}, 1);
  }
  s = (Spec){.kind = K_SOFTMAX, .axis = 1};
  fd("fd softmax [2, 3, 4] axis 1", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 4), -3, 3)}, 1);
  s.kind = K_LOGSOFTMAX;
  fd("fd log_softmax [2, 3, 4] axis 1", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 4), -3, 3)}, 1);

  s = (Spec){.kind = K_PICK};
  fd("fd pick [3, 4]", &s, 2, (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2), VEC(3, 2, 0, 3)}, 1);
  fd("fd pick [2, 3, 4]", &s, 2,
     (Tensor *[]){uni(3, SHAPE(2, 3, 4), -2, 2),
                  t_from(2, SHAPE(2, 3), (float[]){0, 1, 2, 3, 3, 0})},
     1);
}

static void fd_matmul(void) {
  static const struct {
    int na, nb;
    int64_t sa[4], sb[4];
  } c[] = {
      {1, 1, {4}, {4}},
      {1, 2, {4}, {4, 3}},
      {2, 1, {2, 4}, {4}},
      {2, 2, {2, 4}, {4, 3}},
      {3, 2, {2, 3, 4}, {4, 5}},
      {2, 3, {3, 4}, {2, 4, 5}},
      {3, 3, {2, 3, 4}, {2, 4, 5}},
      {4, 3, {2, 1, 3, 4}, {3, 4, 2}},
      {1, 3, {4}, {2, 4, 3}},
      {3, 1, {2, 3, 4}, {4}},
      {3, 3, {1, 3, 4}, {2, 4, 2}},
      {3, 3, {2, 3, 4}, {1, 4, 2}},
  };
  Spec s = {.kind = K_MATMUL};
  for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
    char s1[96], s2[96];
    fd(NAME("fd matmul %s @ %s", t_shape_str(c[i].na, c[i].sa, s1, 96),
            t_shape_str(c[i].nb, c[i].sb, s2, 96)),
       &s, 2, (Tensor *[]){uni(c[i].na, c[i].sa, -1, 1), uni(c[i].nb, c[i].sb, -1, 1)}, 3);
  }
  /* large enough for the BLAS path (≥ 32k multiply-adds), batched and not */
  fd("fd matmul [40, 30] @ [30, 40] (blas size)", &s, 2,
     (Tensor *[]){uni(2, SHAPE(40, 30), -1, 1), uni(2, SHAPE(30, 40), -1, 1)}, 3);
  fd("fd matmul [2, 40, 30] @ [2, 30, 40] (blas size)", &s, 2,
     (Tensor *[]){uni(3, SHAPE(2, 40, 30), -1, 1), uni(3, SHAPE(2, 30, 40), -1, 1)}, 1);
  fd("fd matmul only b tracked", &s, 2,
     (Tensor *[]){uni(3, SHAPE(2, 3, 4), -1, 1), uni(2, SHAPE(4, 2), -1, 1)}, 2);
  Tensor *x = uni(2, SHAPE(3, 3), -1, 1);
  fd("fd matmul x @ x", &s, 2, (Tensor *[]){x, t_retain(x)}, 3);
}

static void fd_shapes(void) {
  Spec s = {.kind = K_RESHAPE, .n = 2, .shape = {2, 6}};
  fd("fd reshape [3, 4] -> [2, 6]", &s, 1, (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2)}, 1);
  s = (Spec){.kind = K_RESHAPE, .n = 3, .shape = {2, -1, 3}};
  fd("fd reshape [3, 4] -> [2, -1, 3]", &s, 1, (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2)}, 1);
  s = (Spec){.kind = K_FLATTEN};
  fd("fd flatten", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 2), -2, 2)}, 1);
  s = (Spec){.kind = K_TRANSPOSE};
  fd("fd transpose [3, 4]", &s, 1, (Tensor *[]){uni(2, SHAPE(3, 4), -2, 2)}, 1);
  fd("fd transpose [2, 3, 4]", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 4), -2, 2)}, 1);
  s = (Spec){.kind = K_PERMUTE, .perm = {1, 2, 0}};
  fd("fd permute [1, 2, 0]", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 4), -2, 2)}, 1);
  s = (Spec){.kind = K_PERMUTE, .perm = {-1, 0, 1}};
  fd("fd permute [-1, 0, 1]", &s, 1, (Tensor *[]){uni(3, SHAPE(2, 3, 4), -2, 2)}, 1);

  for (int axis = -2; axis < 2; axis++) {
    s = (Spec){.kind = K_CONCAT, .n = 3, .axis = axis};
    int a = axis < 0 ? axis + 2 : axis;
    fd(NAME("fd concat axis %d", axis), &s, 3,
       (Tensor *[]){uni(2, a ? SHAPE(2, 1) : SHAPE(1, 2), -2, 2), uni(2, SHAPE(2, 2), -2, 2),
                    uni(2, a ? SHAPE(2, 3) : SHAPE(3, 2), -2, 2)},
       5); /* the middle one untracked */
  }
  for (int axis = -1; axis < 3; axis++) {
    s = (Spec){.kind = K_STACK, .n = 3, .axis = axis};
    fd(NAME("fd stack axis %d", axis), &s, 3,
       (Tensor *[]){uni(2, SHAPE(2, 3), -2, 2), uni(2, SHAPE(2, 3), -2, 2),
                    uni(2, SHAPE(2, 3), -2, 2)},
       7);
  }

  /* indexing: Python slices, negative steps and indices */
#define IX(i)                                                                                      \
  { T_IX_INDEX, i, 0, 0, 0, 0, 1 }
#define SL(hs, a, ht, b, st)                                                                       \
  { T_IX_SLICE, 0, hs, ht, a, b, st }
  static const struct {
    const char *what;
    int n;
    TIndex ix[3];
  } ixs[] = {
      {"x[1]", 1, {IX(1)}},
      {"x[-1, 2]", 2, {IX(-1), IX(2)}},
      {"x[:, 1:3]", 2, {SL(0, 0, 0, 0, 1), SL(1, 1, 1, 3, 1)}},
      {"x[::-1]", 1, {SL(0, 0, 0, 0, -1)}},
      {"x[-1:0:-2, ::-2]", 2, {SL(1, -1, 1, 0, -2), SL(0, 0, 0, 0, -2)}},
      {"x[1:, -3:-1, 2]", 3, {SL(1, 1, 0, 0, 1), SL(1, -3, 1, -1, 1), IX(2)}},
      {"x[::2, 1]", 2, {SL(0, 0, 0, 0, 2), IX(1)}},
  };
  for (size_t i = 0; i < sizeof ixs / sizeof *ixs; i++) {
    s = (Spec){.kind = K_INDEX, .n = ixs[i].n};
    memcpy(s.ix, ixs[i].ix, sizeof ixs[i].ix);
    fd(NAME("fd index %s of [4, 5, 3]", ixs[i].what), &s, 1,
       (Tensor *[]){uni(3, SHAPE(4, 5, 3), -2, 2)}, 1);
  }
  s = (Spec){.kind = K_OVERLAP};
  fd("fd index: overlapping slices of one leaf", &s, 1, (Tensor *[]){uni(1, SHAPE(4), -2, 2)}, 1);
}

static void fd_xent(void) {
  Spec s = {.kind = K_XENT};
  fd("fd softmax_cross_entropy indices", &s, 2,
     (Tensor *[]){uni(2, SHAPE(4, 5), -3, 3), VEC(4, 0, 4, 2, 2)}, 1);
  Tensor *p = uni(2, SHAPE(4, 5), 0, 1);
  fd("fd softmax_cross_entropy probabilities (both)", &s, 2,
     (Tensor *[]){uni(2, SHAPE(4, 5), -3, 3), p}, 3);
  fd("fd softmax_cross_entropy rank 1", &s, 2, (Tensor *[]){uni(1, SHAPE(5), -3, 3), t_scalar(3)},
     1);
  fd("fd softmax_cross_entropy [2, 3, 4]", &s, 2,
     (Tensor *[]){uni(3, SHAPE(2, 3, 4), -3, 3),
                  t_from(2, SHAPE(2, 3), (float[]){0, 1, 2, 3, 3, 0})},
     1);
  s = (Spec){.kind = K_MLP};
  fd("fd MLP step (matmul, bias, relu, softmax-CE)", &s, 6,
     (Tensor *[]){uni(2, SHAPE(6, 3), -1, 1), uni(2, SHAPE(3, 8), -1, 1),
                  uni(1, SHAPE(8), -0.5, 0.5), uni(2, SHAPE(8, 4), -1, 1),
                  uni(1, SHAPE(4), -0.5, 0.5), VEC(6, 0, 1, 2, 3, 1, 0)},
     0x1e);
}

/* sigmoid + bce from the logits: z [6, 1] against 0/1 labels, and soft targets [3, 4]
   (both inputs differentiated: dL/dy = −z/n). */
static void fd_sigbce(void) {
  Spec s = {.kind = K_SIGBCE};
  fd("fd sigmoid_bce labels [6, 1]", &s, 2,
     (Tensor *[]){uni(2, SHAPE(6, 1), -4, 4), t_from(2, SHAPE(6, 1), (float[]){0, 1, 1, 0, 1, 0})}, 1);
  fd("fd sigmoid_bce soft targets (both)", &s, 2,
     (Tensor *[]){uni(2, SHAPE(3, 4), -3, 3), uni(2, SHAPE(3, 4), 0.1, 0.9)}, 3);
  fd("fd sigmoid_bce rank 1", &s, 2, (Tensor *[]){uni(1, SHAPE(5), -2, 2), VEC(5, 1, 0, 0, 1, 1)}, 1);
}

/* ---- exact gradients and bookkeeping ---- */

static void exact(void) {
  Tensor *x = VEC(2, 0, 1);
  ad_track(x);
  Tensor *s = ad_unary(T_SIGMOID, x), *y = ad_reduce(T_SUM, s, T_AXIS_ALL, 0);
  ad_backward(y, NULL);
  check_data("d sum(sigmoid(x)) at [0, 1]", ad_grad(x), "[2]",
             (double[]){0.25, 0.19661193324148185}, 2, 1e-6);
  t_release(s), t_release(y), t_release(x);

  /* softmax-CE gradient = (softmax − onehot)/N, against t_softmax */
  Tensor *z = uni(2, SHAPE(3, 4), -2, 2), *lab = VEC(3, 1, 3, 0);
  ad_track(z);
  Tensor *l = ad_softmax_cross_entropy(z, lab);
  ad_backward(l, NULL);
  Tensor *sm = t_softmax(z, 1);
  double want[12];
  for (int i = 0; i < 12; i++)
    want[i] = (sm->data[i] - (i % 4 == (int)lab->data[i / 4])) / 3.0;
  check_data("softmax-CE gradient = (softmax − onehot)/N", ad_grad(z), "[3, 4]", want, 12, 1e-6);
  Tensor *ls = t_log_softmax(z, 1);
  double ref = -(ls->data[1] + ls->data[7] + ls->data[8]) / 3;
  check_num("softmax-CE value", l->data[0], ref, 1e-6);
  t_release(sm), t_release(ls), t_release(l), t_release(z), t_release(lab);

  /* logits of ±1000: finite loss and gradient */
  z = t_from(2, SHAPE(2, 3), (float[]){1000, -1000, 0, -1000, 1000, 1000});
  lab = VEC(2, 1, 0);
  ad_track(z);
  l = ad_softmax_cross_entropy(z, lab);
  ad_backward(l, NULL);
  check_num("softmax-CE logits ±1000: loss", l->data[0], (2000 + 2000 + log(2.0)) / 2, 1e-6);
  check_data("softmax-CE logits ±1000: gradient", ad_grad(z), "[2, 3]",
             (double[]){0.5, -0.5, 0, -0.5, 0.25, 0.25}, 6, 1e-6);
  t_release(l), t_release(z), t_release(lab);
  z = t_from(2, SHAPE(2, 3), (float[]){1000, -1000, 0, -1000, 1000, 1000});
  Tensor *p = t_from(2, SHAPE(2, 3), (float[]){0, 1, 0, 0.5f, 0.5f, 0});
  ad_track(z);
  l = ad_softmax_cross_entropy(z, p);
  ad_backward(l, NULL);
  int fin = isfinite(l->data[0]);
  for (int i = 0; i < 6; i++)
    fin = fin && isfinite(ad_grad(z)->data[i]);
  check_true("softmax-CE probabilities, logits ±1000: finite", fin, "NaN or inf");
  t_release(l), t_release(z), t_release(p);

  /* sigmoid + bce: gradient = (σ(z) − y)/n; logits ±1000 cost exactly |z| when wrong */
  z = t_from(2, SHAPE(4, 1), (float[]){1000, -1000, 2, -1000});
  lab = t_from(2, SHAPE(4, 1), (float[]){0, 1, 1, 0});
  ad_track(z);
  l = ad_sigmoid_bce(z, lab);
  ad_backward(l, NULL);
  check_num("sigmoid-BCE logits ±1000: loss", l->data[0], (1000 + 1000 + log1p(exp(-2.0)) + 0) / 4, 1e-6);
  check_data("sigmoid-BCE logits ±1000: gradient (σ(z) − y)/n", ad_grad(z), "[4, 1]",
             (double[]){0.25, -0.25, (1 / (1 + exp(-2.0)) - 1) / 4, 0}, 4, 1e-6);
  t_release(l), t_release(z), t_release(lab);

  /* kinks and ties, as chosen */
  x = VEC(3, -1, 0, 2);
  ad_track(x);
  Tensor *r = ad_unary(T_RELU, x), *a = ad_unary(T_ABS, x);
  Tensor *ones = VEC(3, 1, 1, 1);
  ad_backward(r, ones);
  t_release(ones);
  check_data("relu'(0) = 0", ad_grad(x), "[3]", (double[]){0, 0, 1}, 3, 0);
  ad_zero_grad(x);
  check_true("zero_grad drops the gradient", ad_grad(x) == NULL, "still there");
  Tensor *one = t_full(1, SHAPE(3), 1);
  ad_backward(a, one);
  check_data("abs'(0) = 0", ad_grad(x), "[3]", (double[]){-1, 0, 1}, 3, 0);
  t_release(r), t_release(a), t_release(x), t_release(one);

  x = VEC(3, 1, 2, 3);
  Tensor *c = VEC(3, 1, 5, 3);
  ad_track(x);
  Tensor *m = ad_binary(T_MAX, x, c), *sm2 = ad_reduce(T_SUM, m, T_AXIS_ALL, 0);
  ad_backward(sm2, NULL);
  check_data("maximum: ties split half and half", ad_grad(x), "[3]", (double[]){0.5, 0, 0.5}, 3, 0);
  t_release(m), t_release(sm2), t_release(c);
  ad_zero_grad(x);
  m = ad_binary(T_MAX, x, x);
  sm2 = ad_reduce(T_SUM, m, T_AXIS_ALL, 0);
  ad_backward(sm2, NULL);
  check_data("maximum(x, x): 1", ad_grad(x), "[3]", (double[]){1, 1, 1}, 3, 0);
  t_release(m), t_release(sm2), t_release(x);

  x = t_from(2, SHAPE(2, 3), (float[]){3, 1, 3, 2, 2, 0});
  ad_track(x);
  m = ad_reduce(T_RMAX, x, 1, 0);
  sm2 = ad_reduce(T_SUM, m, T_AXIS_ALL, 0);
  ad_backward(sm2, NULL);
  check_data("max along an axis: the first maximum", ad_grad(x), "[2, 3]",
             (double[]){1, 0, 0, 1, 0, 0}, 6, 0);
  t_release(m), t_release(sm2);
  ad_zero_grad(x);
  m = ad_reduce(T_RMAX, x, T_AXIS_ALL, 0);
  ad_backward(m, NULL);
  check_data("max of all: the first maximum", ad_grad(x), "[2, 3]", (double[]){1, 0, 0, 0, 0, 0}, 6,
             0);
  t_release(m);
  ad_zero_grad(x);
  m = ad_reduce(T_RMIN, x, T_AXIS_ALL, 0);
  ad_backward(m, NULL);
  check_data("min of all", ad_grad(x), "[2, 3]", (double[]){0, 0, 0, 0, 0, 1}, 6, 0);
  t_release(m), t_release(x);

  x = VEC(4, 2, 0, 3, 0);
  ad_track(x);
  m = ad_reduce(T_PROD, x, T_AXIS_ALL, 0);
  ad_backward(m, NULL);
  check_data("prod with two zeros: gradient 0", ad_grad(x), "[4]", (double[]){0, 0, 0, 0}, 4, 0);
  t_release(m), t_release(x);
  x = VEC(3, 2, 0, 3);
  ad_track(x);
  m = ad_reduce(T_PROD, x, T_AXIS_ALL, 0);
  ad_backward(m, NULL);
  check_data("prod with one zero: product of the others", ad_grad(x), "[3]", (double[]){0, 6, 0}, 3,
             0);
  t_release(m), t_release(x);
  x = t_zeros(1, SHAPE(3));
  ad_track(x);
  m = ad_reduce(T_NORM, x, T_AXIS_ALL, 0);
  ad_backward(m, NULL);
  check_data("norm at the zero vector: 0", ad_grad(x), "[3]", (double[]){0, 0, 0}, 3, 0);
  t_release(m), t_release(x);

  /* pow at a = 0: torch gives d/db = 0 there (not 0·log 0 = NaN) */
  Tensor *pa = VEC(2, 0, 2), *pb = VEC(2, 2, 3);
  ad_track(pa), ad_track(pb);
  m = ad_binary(T_POW, pa, pb);
  ones = t_full(1, SHAPE(2), 1);
  ad_backward(m, ones);
  t_release(ones);
  check_data("pow: d/da", ad_grad(pa), "[2]", (double[]){0, 12}, 2, 1e-6);
  check_data("pow: d/db where a = 0", ad_grad(pb), "[2]", (double[]){0, 8 * log(2.0)}, 2, 1e-6);
  t_release(m), t_release(pa), t_release(pb);
  pa = VEC(2, 0, 2), pb = VEC(2, 0, 3);
  ad_track(pa), ad_track(pb);
  m = ad_binary(T_XLOGY, pa, pb);
  Tensor *seed2 = t_full(1, SHAPE(2), 1);
  ad_backward(m, seed2);
  check_data("xlogy: d/da (0 where a = 0)", ad_grad(pa), "[2]", (double[]){0, log(3.0)}, 2, 1e-6);
  t_release(m), t_release(pa), t_release(pb), t_release(seed2);
}

static void bookkeeping(void) {
  char s1[96];
  /* broadcast gradients come back in each input's shape */
  static const struct {
    int na, nb;
    int64_t sa[3], sb[3];
  } c[] = {
      {2, 1, {3, 4}, {4}}, {2, 2, {3, 4}, {3, 1}}, {0, 2, {0}, {3, 4}}, {3, 2, {2, 1, 4}, {3, 1}}};
  for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
    Tensor *a = t_full(c[i].na, c[i].sa, 1), *b = t_full(c[i].nb, c[i].sb, 2);
    ad_track(a), ad_track(b);
    Tensor *y = ad_binary(T_ADD, a, b), *seed = t_full(y->ndim, y->shape, 1);
    ad_backward(y, seed);
    t_shape_str(c[i].na, c[i].sa, s1, 96);
    check_shape(NAME("broadcast grad shape a %s", s1), ad_grad(a), s1);
    check_num(NAME("broadcast grad a %s: counts", s1), ad_grad(a)->data[0],
              (double)y->size / a->size, 0);
    t_shape_str(c[i].nb, c[i].sb, s1, 96);
    check_shape(NAME("broadcast grad shape b %s", s1), ad_grad(b), s1);
    check_num(NAME("broadcast grad b %s: counts", s1), ad_grad(b)->data[0],
              (double)y->size / b->size, 0);
    t_release(y), t_release(seed), t_release(a), t_release(b);
  }

  /* a leaf used several times: gradients add; backward twice accumulates */
  Tensor *x = VEC(3, 1, 2, 3);
  ad_track(x);
  ad_track(x); /* twice is fine */
  Tensor *xx = ad_binary(T_MUL, x, x), *y = ad_binary(T_ADD, xx, x), *e = ad_unary(T_EXP, x);
  Tensor *y2 = ad_binary(T_SUB, y, e), *sum = ad_reduce(T_SUM, y2, T_AXIS_ALL, 0);
  ad_backward(sum, NULL);
  double w[3];
  for (int i = 0; i < 3; i++)
    w[i] = 2 * x->data[i] + 1 - exp(x->data[i]);
  check_data("leaf used three times: d(x·x + x − e^x)", ad_grad(x), "[3]", w, 3, 1e-6);
  ad_backward(sum, NULL);
  for (int i = 0; i < 3; i++)
    w[i] *= 2;
  check_data("backward twice accumulates", ad_grad(x), "[3]", w, 3, 1e-6);
  Tensor *held = t_retain(ad_grad(x)); /* someone keeps the gradient: it must not change */
  float before = held->data[0];
  ad_backward(sum, NULL);
  check_true("a held gradient is not changed by a later backward", held->data[0] == before,
             NAME("(was %g, now %g)", (double)before, (double)held->data[0]));
  check_num("… while the leaf's gradient grows", ad_grad(x)->data[0], 1.5 * w[0], 1e-6);
  t_release(held);
  ad_zero_grad(x);
  ad_backward(sum, NULL);
  for (int i = 0; i < 3; i++)
    w[i] /= 2;
  check_data("zero_grad then backward", ad_grad(x), "[3]", w, 3, 1e-6);
  Tensor *ts[] = {xx, y, e, y2, sum};
  for (int i = 0; i < 5; i++)
    t_release(ts[i]);

  /* the seed passes through add to two leaves unchanged: neither aliases it */
  Tensor *a = VEC(2, 0, 0), *b = VEC(2, 0, 0), *seed = VEC(2, 3, 4);
  ad_track(a), ad_track(b);
  Tensor *ab = ad_binary(T_ADD, a, b);
  ad_backward(ab, seed);
  ad_backward(ab, seed);
  check_data("seed is not modified", seed, "[2]", (double[]){3, 4}, 2, 0);
  check_data("add: grad a", ad_grad(a), "[2]", (double[]){6, 8}, 2, 0);
  check_data("add: grad b", ad_grad(b), "[2]", (double[]){6, 8}, 2, 0);
  check_true("leaves own their gradients", ad_grad(a) != ad_grad(b) && ad_grad(a) != seed,
             "shared");
  t_release(ab), t_release(seed), t_release(b);

  /* untracked inputs get nothing; results of untracked inputs are untracked */
  Tensor *u = VEC(2, 1, 2);
  Tensor *au = ad_binary(T_MUL, a, u), *uu = ad_unary(T_EXP, u);
  check_true("result of a tracked input is tracked", ad_is_tracked(au), "untracked");
  check_true("result of untracked inputs is untracked", !ad_is_tracked(uu) && !uu->ad, "tracked");
  Tensor *su = ad_reduce(T_SUM, au, T_AXIS_ALL, 0);
  ad_backward(su, NULL);
  check_true("untracked input gets no gradient", ad_grad(u) == NULL && !u->ad, "has one");
  check_true("a computed tensor has no grad of its own", ad_grad(au) == NULL, "has one");
  CHECK_THROWS("track a computed tensor", ad_track(au), "cannot track a computed tensor");
  t_release(su), t_release(au), t_release(uu);

  /* recording off records nothing */
  bool was = ad_set_recording(false);
  Tensor *off = ad_binary(T_MUL, a, a);
  check_true("recording off: result untracked", !ad_is_tracked(off), "tracked");
  check_true("ad_set_recording returns the previous setting", was && !ad_set_recording(true),
             "wrong");
  t_release(off);

  /* comparisons and argmax take no part */
  Tensor *lt = ad_binary(T_LT, a, u), *am = ad_reduce(T_ARGMAX, a, T_AXIS_ALL, 0);
  check_true("comparison result untracked", !ad_is_tracked(lt) && !ad_is_tracked(am), "tracked");
  t_release(lt), t_release(am);
  Tensor *q = t_zeros(2, SHAPE(2, 2)), *pk = ad_pick(q, a); /* only the indices tracked */
  check_true("pick with tracked indices only: untracked", !ad_is_tracked(pk), "tracked");
  t_release(pk), t_release(q);

  /* errors */
  Tensor *v = ad_binary(T_MUL, a, u);
  CHECK_THROWS("grad of a vector", ad_backward(v, NULL),
               "grad: the function must return a scalar, got shape [2]");
  Tensor *bad = VEC(3, 1, 2, 3);
  CHECK_THROWS("seed of the wrong shape", ad_backward(v, bad),
               "grad: the seed's shape [3] differs from the output's shape [2]");
  t_release(bad), t_release(v);
  Tensor *ux = t_scalar(2);
  ad_backward(ux, NULL); /* untracked: nothing happens */
  check_true("backward of an untracked scalar is a no-op", !ux->ad, "tracked");
  t_release(ux);
  Tensor *z = t_zeros(2, SHAPE(2, 3));
  ad_track(z);
  Tensor *cls = VEC(2, 0, 3);
  CHECK_THROWS("softmax_cross_entropy: bad class", t_release(ad_softmax_cross_entropy(z, cls)),
               "softmax_cross_entropy: index 3 is out of range for 3 classes (row 1)");
  t_release(z), t_release(cls);
  Tensor *zb = t_zeros(2, SHAPE(2, 1)), *flat = VEC(2, 0, 2);
  Tensor *two = t_from(2, SHAPE(2, 1), (float[]){0, 2});
  ad_track(zb);
  CHECK_THROWS("sigmoid_bce: shapes", t_release(ad_sigmoid_bce(zb, flat)),
               "sigmoid_bce: targets of shape [2] do not fit logits of shape [2, 1] (want the same shape)");
  CHECK_THROWS("sigmoid_bce: label 2", t_release(ad_sigmoid_bce(zb, two)),
               "sigmoid_bce: target 2 (element 1) is not between 0 and 1");
  t_release(zb), t_release(flat), t_release(two);

  /* a leaf is its own output */
  ad_zero_grad(a);
  Tensor *sc = t_scalar(5);
  ad_track(sc);
  ad_backward(sc, NULL);
  check_num("backward of a leaf: 1", ad_grad(sc)->data[0], 1, 0);
  t_release(sc), t_release(a), t_release(u), t_release(x);
}

/* y = y + x 200000 times, back-propagated and freed without recursion */
static void deep_chain(void) {
  enum { STEPS = 200000 };
  Tensor *x = VEC(2, 1, 2), *y = t_zeros(1, SHAPE(2));
  ad_track(x);
  for (int i = 0; i < STEPS; i++) {
    Tensor *n = ad_binary(T_ADD, y, x);
    t_release(y);
    y = n;
  }
  Tensor *s = ad_reduce(T_SUM, y, T_AXIS_ALL, 0);
  t_release(y);
  ad_backward(s, NULL);
  check_data("200000-step chain: gradient", ad_grad(x), "[2]", (double[]){STEPS, STEPS}, 2, 0);
  check_num("200000-step chain: value", s->data[0], 3.0 * STEPS, 1e-6);
  t_release(s); /* frees 200000 nodes */
  check_int("chain freed: the leaf is the only reference left", x->rc, 1);
  t_release(x);

  /* Ctrl-C during a long backward: the error unwinds, the pass's partial gradients
     are dropped (no leak), leaves are untouched, and the graph still works */
  x = VEC(1, 1);
  ad_track(x);
  y = t_retain(x);
  for (int i = 0; i < 10000; i++) {
    Tensor *n = ad_binary(T_MUL, y, x);
    t_release(y);
    y = n;
  }
  rt_interrupted = 1;
  CHECK_THROWS("interrupt during backward", ad_backward(y, NULL), "interrupted");
  check_true("interrupted backward leaves the leaf alone", ad_grad(x) == NULL, "has a grad");
  ad_backward(y, NULL);
  check_num("backward after an interrupted one: d x^10001 at 1", ad_grad(x)->data[0], 10001, 1e-6);
  t_release(y);
  t_release(x);

  /* a deep chain through unary ops as well, and one freed without a backward */
  x = VEC(1, 0.5f);
  ad_track(x);
  y = t_retain(x);
  for (int i = 0; i < STEPS; i++) {
    Tensor *n = ad_unary(i % 2 ? T_NEG : T_SIN, y);
    t_release(y);
    y = n;
  }
  t_release(y);
  check_int("unbacked chain freed", x->rc, 1);
  t_release(x);
}

/* The elementwise rules on a tensor large enough to be split across threads:
   d/dx Σ relu(x)·w = w where x > 0, else 0, and d/dx Σ tanh(x)·w = (1 − tanh²x)·w as the
   unsplit rule gives it on one row. */
static void large_unary(void) {
  enum { R = 300, C = 311 };
  Tensor *x = t_randn(&rng, 2, SHAPE(R, C)), *w = t_randn(&rng, 2, SHAPE(R, C));
  TUnOp ops[2] = {T_RELU, T_TANH};
  for (int k = 0; k < 2; k++) {
    ad_track(x);
    Tensor *y = ad_unary(ops[k], x), *yw = ad_binary(T_MUL, y, w), *l = ad_reduce(T_SUM, yw, T_AXIS_ALL, 0);
    ad_backward(l, NULL);
    const Tensor *g = ad_grad(x);
    int bad = 0;
    for (int64_t i = 0; i < R * C && !bad; i++) {
      float want;
      if (ops[k] == T_RELU) {
        want = x->data[i] > 0 ? w->data[i] : 0;
      } else { /* one element, unsplit */
        Tensor *x1 = t_scalar(x->data[i]), *w1 = t_scalar(w->data[i]);
        ad_track(x1);
        Tensor *y1 = ad_unary(T_TANH, x1), *l1 = ad_binary(T_MUL, y1, w1);
        ad_backward(l1, NULL);
        want = ad_grad(x1)->data[0];
        t_release(l1), t_release(y1), t_release(x1), t_release(w1);
      }
      bad = g->data[i] != want;
    }
    check_true(NAME("%s backward over [%d, %d] (split across threads)", t_unary_names[ops[k]], R, C), !bad,
               "an element of the gradient differs");
    t_release(l), t_release(yw), t_release(y);
    ad_zero_grad(x);
  }
  t_release(x), t_release(w);
}

int main(void) {
  rng_seed(&rng, 20240611);
  RUN(large_unary);
  RUN(fd_unary);
  RUN(fd_binary);
  RUN(fd_misc);
  RUN(fd_matmul);
  RUN(fd_shapes);
  RUN(fd_xent);
  RUN(fd_sigbce);
  RUN(exact);
  RUN(bookkeeping);
  RUN(deep_chain);
  return 0;
}
