/* test_tensor.c — tensor lifetime and creation, reductions, softmax/pick/one_hot. */
#include "check.h"

#include <stdint.h>

static void lifetime(void) {
  Tensor *t = t_zeros(2, SHAPE(2, 3));
  check_int("rc/new", t->rc, 1);
  check_true("rc/retain returns same", t_retain(t) == t, "different pointer");
  check_int("rc/retained", t->rc, 2);
  t_release(t);
  check_int("rc/released once", t->rc, 1);
  t_release(t); /* freed here; ASan reports any use after this */
  t_release(NULL);
  check_true("rc/release NULL", 1, "");
  int aligned = 1;
  for (int64_t n = 0; n < 300; n += 7) {
    Tensor *u = t_new(1, &n);
    aligned &= (uintptr_t)u->data % 64 == 0;
    t_release(u);
  }
  check_true("new/64-byte aligned", aligned, "data not 64-byte aligned");
}

static void creation(void) {
  Tensor *s = t_scalar(2.5f);
  check_data("scalar", s, "[]", (double[]){2.5}, 1, 0);
  Tensor *f = t_full(2, SHAPE(2, 2), 7);
  check_data("full", f, "[2, 2]", (double[]){7, 7, 7, 7}, 4, 0);
  Tensor *c = t_copy(f);
  check_true("copy/new data", c->data != f->data && c->rc == 1, "copy shares data");
  Tensor *a = t_arange(0, 5, 1);
  check_data("arange 0..5", a, "[5]", (double[]){0, 1, 2, 3, 4}, 5, 0);
  Tensor *a2 = t_arange(1, 0, -0.25);
  check_data("arange negative step", a2, "[4]", (double[]){1, 0.75, 0.5, 0.25}, 4, 0);
  Tensor *a3 = t_arange(0, 1, 0.3);
  check_int("arange ceil length", a3->size, 4);
  Tensor *a4 = t_arange(3, 1, 1);
  check_shape("arange empty", a4, "[0]");
  CHECK_THROWS("arange step 0", t_release(t_arange(0, 1, 0)), "arange: step must not be zero");
  Tensor *l = t_linspace(0, 1, 5);
  check_data("linspace", l, "[5]", (double[]){0, 0.25, 0.5, 0.75, 1}, 5, 0);
  Tensor *l1 = t_linspace(3, 9, 1);
  check_data("linspace n=1", l1, "[1]", (double[]){3}, 1, 0);
  Tensor *e = t_eye(3);
  check_data("eye", e, "[3, 3]", (double[]){1, 0, 0, 0, 1, 0, 0, 0, 1}, 9, 0);
  Tensor *z = t_zeros(2, SHAPE(0, 4));
  check_int("zeros empty size", z->size, 0);
  Tensor *ts[] = {s, f, c, a, a2, a3, a4, l, l1, e, z};
  for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) t_release(ts[i]);

  char buf[96];
  check_str("shape_str scalar", t_shape_str(0, NULL, buf, sizeof buf), "[]");
  check_str("shape_str 2-d", t_shape_str(2, SHAPE(2, 3), buf, sizeof buf), "[2, 3]");
  check_str("shape_str truncates", t_shape_str(2, SHAPE(2, 3), buf, 4), "[2,");
  check_int("axis -1", t_axis("x", -1, 3), 2);
  check_int("axis 1", t_axis("x", 1, 3), 1);
  CHECK_THROWS("axis out of range", t_axis("softmax", 2, 2),
               "softmax: axis 2 is out of range for a tensor of rank 2");
  CHECK_THROWS("axis too negative", t_axis("sum", -3, 2),
               "sum: axis -3 is out of range for a tensor of rank 2");
}

static void oversized(void) {
  RtFrame f;
  if (RT_TRY(&f)) {
    Tensor *t = t_new(2, SHAPE(1000000, 1000000));
    rt_pop(&f);
    t_release(t);
    check_true("oom/throws", 0, "3.6 TiB tensor was allocated");
  } else {
    rt_pop(&f);
    check_str("oom/message", rt_errmsg(),
              "tensor too large: shape [1000000, 1000000] needs 3725.3 GiB");
    check_int("oom/kind", rt_errkind(), RT_ERR_OOM);
  }
  /* 2^40 · 2^40 elements overflow int64 itself */
  CHECK_THROWS("oom/overflow", t_release(t_zeros(2, SHAPE(1LL << 40, 1LL << 40))),
               "tensor too large: shape [1099511627776, 1099511627776] needs "
               "4503599627370496.0 GiB");
  CHECK_THROWS("new/negative dim", t_release(t_new(2, SHAPE(2, -1))),
               "tensor: negative dimension -1 in shape [2, -1]");
  CHECK_THROWS("new/rank 9", t_release(t_new(9, SHAPE(1, 1, 1, 1, 1, 1, 1, 1, 1))),
               "tensor: rank 9 is not supported (at most 8 axes)");
}

static void reductions(void) {
  Tensor *a = t_arange(0, 24, 1), *x = t_reshape(a, 3, SHAPE(2, 3, 4));
  Tensor *r;
  r = t_reduce(T_SUM, x, T_AXIS_ALL, 0);
  check_data("sum all", r, "[]", (double[]){276}, 1, 0);
  t_release(r);
  r = t_reduce(T_SUM, x, T_AXIS_ALL, 1);
  check_data("sum all keepdim", r, "[1, 1, 1]", (double[]){276}, 1, 0);
  t_release(r);
  r = t_reduce(T_SUM, x, 0, 0);
  double s0[12];
  for (int i = 0; i < 12; i++) s0[i] = i + (i + 12);
  check_data("sum axis 0", r, "[3, 4]", s0, 12, 0);
  t_release(r);
  r = t_reduce(T_SUM, x, 1, 1);
  check_data("sum axis 1 keepdim", r, "[2, 1, 4]",
             (double[]){12, 15, 18, 21, 48, 51, 54, 57}, 8, 0);
  t_release(r);
  r = t_reduce(T_SUM, x, -1, 0);
  check_data("sum axis -1", r, "[2, 3]", (double[]){6, 22, 38, 54, 70, 86}, 6, 0);
  t_release(r);
  r = t_reduce(T_MEAN, x, 2, 0);
  check_data("mean axis 2", r, "[2, 3]", (double[]){1.5, 5.5, 9.5, 13.5, 17.5, 21.5}, 6, 1e-7);
  t_release(r);
  r = t_reduce(T_MEAN, x, 1, 0);
  check_data("mean axis 1", r, "[2, 4]", (double[]){4, 5, 6, 7, 16, 17, 18, 19}, 8, 1e-7);
  t_release(r);
  r = t_reduce(T_RMAX, x, 1, 0);
  check_data("max axis 1", r, "[2, 4]", (double[]){8, 9, 10, 11, 20, 21, 22, 23}, 8, 0);
  t_release(r);
  r = t_reduce(T_RMIN, x, -3, 0);
  check_data("min axis -3", r, "[3, 4]", (double[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 12,
             0);
  t_release(r);
  r = t_reduce(T_ARGMAX, x, 1, 0);
  check_data("argmax axis 1", r, "[2, 4]", (double[]){2, 2, 2, 2, 2, 2, 2, 2}, 8, 0);
  t_release(r);
  r = t_reduce(T_ARGMAX, x, T_AXIS_ALL, 0);
  check_data("argmax all (flat)", r, "[]", (double[]){23}, 1, 0);
  t_release(r);
  r = t_reduce(T_NORM, x, 2, 0);
  check_data("norm axis 2", r, "[2, 3]",
             (double[]){sqrt(14), sqrt(126), sqrt(366), sqrt(734), sqrt(1230), sqrt(1854)}, 6,
             1e-6);
  t_release(r);
  Tensor *p = VEC(4, 1, 2, 3, 4);
  r = t_reduce(T_PROD, p, 0, 0);
  check_data("prod", r, "[]", (double[]){24}, 1, 0);
  t_release(r);
  Tensor *p2 = t_reshape(p, 2, SHAPE(2, 2));
  r = t_reduce(T_PROD, p2, 0, 0);
  check_data("prod axis 0", r, "[2]", (double[]){3, 8}, 2, 0);
  t_release(r);

  Tensor *ties = VEC(5, 1, 3, 3, 2, 3);
  r = t_reduce(T_ARGMAX, ties, 0, 0);
  check_data("argmax ties first", r, "[]", (double[]){1}, 1, 0);
  t_release(r);
  Tensor *ties2 = VEC(4, 2, 0, 5, 0);
  r = t_reduce(T_ARGMIN, ties2, -1, 1);
  check_data("argmin ties first keepdim", r, "[1]", (double[]){1}, 1, 0);
  t_release(r);
  Tensor *nan = VEC(3, 1, NAN, 3);
  r = t_reduce(T_RMAX, nan, 0, 0);
  check_data("max NaN propagates", r, "[]", (double[]){NAN}, 1, 0);
  t_release(r);
  r = t_reduce(T_RMIN, nan, T_AXIS_ALL, 0);
  check_data("min NaN propagates", r, "[]", (double[]){NAN}, 1, 0);
  t_release(r);
  r = t_reduce(T_ARGMAX, nan, 0, 0);
  check_data("argmax NaN first", r, "[]", (double[]){1}, 1, 0);
  t_release(r);

  Tensor *empty = t_zeros(1, SHAPE(0));
  r = t_reduce(T_SUM, empty, 0, 0);
  check_data("sum empty", r, "[]", (double[]){0}, 1, 0);
  t_release(r);
  r = t_reduce(T_MEAN, empty, T_AXIS_ALL, 0);
  check_data("mean empty NaN", r, "[]", (double[]){NAN}, 1, 0);
  t_release(r);
  CHECK_THROWS("max empty", t_release(t_reduce(T_RMAX, empty, 0, 0)), "max: empty axis");
  CHECK_THROWS("argmin empty", t_release(t_reduce(T_ARGMIN, empty, T_AXIS_ALL, 0)),
               "argmin: empty axis");
  CHECK_THROWS("sum bad axis", t_release(t_reduce(T_SUM, x, 3, 0)),
               "sum: axis 3 is out of range for a tensor of rank 3");
  Tensor *ts[] = {a, x, p, p2, ties, ties2, nan, empty};
  for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) t_release(ts[i]);
}

static void softmaxes(void) {
  Tensor *a = VEC(3, 1, 2, 3), *b = VEC(3, 1000, 1001, 1002), *r;
  const double want[] = {0.0900306, 0.244728, 0.665241};
  r = t_softmax(a, 0);
  check_data("softmax [1,2,3]", r, "[3]", want, 3, 1e-5);
  t_release(r);
  r = t_softmax(b, -1);
  check_data("softmax [1000,1001,1002]", r, "[3]", want, 3, 1e-5);
  t_release(r);
  Tensor *c = VEC(3, 1000, 0, -1000);
  r = t_log_softmax(c, 0);
  check_data("log_softmax [1000,0,-1000]", r, "[3]", (double[]){0, -1000, -2000}, 3, 1e-6);
  t_release(r);
  r = t_log_softmax(a, 0);
  check_data("log_softmax [1,2,3]", r, "[3]",
             (double[]){log(want[0]), log(want[1]), log(want[2])}, 3, 1e-5);
  t_release(r);
  /* along axis 0 of [3, 2]: columns [1,2,3] and [1000,1001,1002] */
  Tensor *m = t_from(2, SHAPE(3, 2), (float[]){1, 1000, 2, 1001, 3, 1002});
  r = t_softmax(m, 0);
  check_data("softmax axis 0", r, "[3, 2]",
             (double[]){want[0], want[0], want[1], want[1], want[2], want[2]}, 6, 1e-5);
  t_release(r);
  Tensor *ninf = VEC(2, -INFINITY, -INFINITY);
  r = t_softmax(ninf, 0);
  check_data("softmax all -inf is NaN", r, "[2]", (double[]){NAN, NAN}, 2, 0);
  t_release(r);
  CHECK_THROWS("softmax bad axis", t_release(t_softmax(m, 2)),
               "softmax: axis 2 is out of range for a tensor of rank 2");

  /* pick and one_hot */
  Tensor *q = t_from(2, SHAPE(2, 3), (float[]){.1f, .2f, .7f, .5f, .3f, .2f});
  Tensor *ix = VEC(2, 2, 0);
  r = t_pick(q, ix);
  check_data("pick", r, "[2]", (double[]){.7f, .5f}, 2, 0);
  t_release(r);
  Tensor *bad = VEC(2, 0, 3), *frac = VEC(2, 0.5f, 1);
  CHECK_THROWS("pick out of range", t_release(t_pick(q, bad)),
               "pick: index 3 is out of range for 3 classes (row 1)");
  CHECK_THROWS("pick non-integer", t_release(t_pick(q, frac)),
               "pick: index 0.5 is not an integer (row 0)");
  CHECK_THROWS("pick shapes", t_release(t_pick(q, a)),
               "pick: indices of shape [3] do not fit scores of shape [2, 3] (want the "
               "scores' shape without its last axis)");
  r = t_one_hot(ix, 3);
  check_data("one_hot", r, "[2, 3]", (double[]){0, 0, 1, 1, 0, 0}, 6, 0);
  t_release(r);
  CHECK_THROWS("one_hot out of range", t_release(t_one_hot(bad, 3)),
               "one_hot: index 3 is out of range for 3 classes (element 1)");
  Tensor *ts[] = {a, b, c, m, ninf, q, ix, bad, frac};
  for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) t_release(ts[i]);
}

int main(void) {
  RUN(lifetime);
  RUN(creation);
  RUN(oversized);
  RUN(reductions);
  RUN(softmaxes);
  return 0;
}
