/* test_ops.c — elementwise ops against double references, broadcasting, where, clip. */
#include "check.h"

/* Independent double-precision references for every op (straight from the maths). */
static double ref_unary(TUnOp op, double x) {
  switch (op) {
  case T_NEG: return -x;
  case T_EXP: return exp(x);
  case T_LOG: return log(x);
  case T_SQRT: return sqrt(x);
  case T_ABS: return x < 0 ? -x : x;
  case T_SIN: return sin(x);
  case T_COS: return cos(x);
  case T_TANH: return (exp(x) - exp(-x)) / (exp(x) + exp(-x));
  case T_SIGMOID: return 1 / (1 + exp(-x));
  case T_RELU: return x > 0 ? x : 0;
  case T_STEP: return x > 0;
  case T_SIGN: return x > 0 ? 1 : x < 0 ? -1 : 0;
  case T_FLOOR: return floor(x);
  case T_CEIL: return ceil(x);
  case T_ROUND: return floor(x + 0.5); /* no .5 ties among the test values */
  default: return NAN;
  }
}

static double ref_binary(TBinOp op, double a, double b) {
  switch (op) {
  case T_ADD: return a + b;
  case T_SUB: return a - b;
  case T_MUL: return a * b;
  case T_DIV: return a / b;
  case T_POW: return pow(a, b);
  case T_MOD: return a - b * floor(a / b);
  case T_MAX: return a > b ? a : b;
  case T_MIN: return a < b ? a : b;
  case T_XLOGY: return a == 0 ? 0 : a * log(b);
  case T_LT: return a < b;
  case T_LE: return a <= b;
  case T_GT: return a > b;
  case T_GE: return a >= b;
  case T_EQ: return a == b;
  case T_NE: return a != b;
  default: return NAN;
  }
}

static void unary(void) {
  const float xs[] = {-2.25f, -1, -0.3f, 0, 0.3f, 1, 2.25f, 3.7f};
  enum { N = sizeof xs / sizeof *xs };
  Tensor *x = t_from(1, SHAPE(N), xs);
  for (int op = 0; op < T_N_UNARY; op++) {
    Tensor *y = t_unary(op, x);
    double want[N];
    for (int i = 0; i < N; i++) want[i] = ref_unary(op, xs[i]);
    check_data(NAME("unary/%s", t_unary_names[op]), y, "[8]", want, N, 1e-6);
    int ok = 1;
    double got = 0, w = 0;
    for (int i = 0; i < N && ok; i++) {
      got = t_unary_scalar(op, xs[i]);
      w = want[i];
      ok = near(got, w, 1e-12);
    }
    check_true(NAME("unary_scalar/%s", t_unary_names[op]), ok,
               NAME("(got %.17g, want %.17g)", got, w));
    t_release(y);
  }
  t_release(x);

  /* edges: no overflow in sigmoid, log 0, halves to even, NaN through relu */
  Tensor *e = VEC(5, -1000, -100, 0, 100, 1000), *y = t_unary(T_SIGMOID, e);
  check_data("sigmoid extremes", y, "[5]", (double[]){0, 1 / (1 + exp(100.0)), 0.5, 1, 1}, 5,
             1e-6);
  t_release(y);
  y = t_unary(T_SIGMOID, e);
  check_true("sigmoid(-100) is tiny, not 0", y->data[1] > 0 && y->data[1] < 1e-40f,
             NAME("(got %g)", (double)y->data[1]));
  t_release(y);
  check_num("sigmoid scalar -800", t_unary_scalar(T_SIGMOID, -800), exp(-800.0), 1e-12);
  check_num("tanh scalar 1000", t_unary_scalar(T_TANH, 1000), 1, 0);
  check_num("log 0", t_unary_scalar(T_LOG, 0), -INFINITY, 0);
  Tensor *z = VEC(1, 0);
  y = t_unary(T_LOG, z);
  check_data("log 0 float", y, "[1]", (double[]){-INFINITY}, 1, 0);
  t_release(y);
  Tensor *h = VEC(5, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f);
  y = t_unary(T_ROUND, h);
  check_data("round halves to even", y, "[5]", (double[]){0, 2, 2, -0.0, -2}, 5, 0);
  t_release(y);
  Tensor *n = VEC(2, NAN, -0.0f);
  y = t_unary(T_RELU, n);
  check_data("relu NaN", y, "[2]", (double[]){NAN, 0}, 2, 0);
  t_release(y);
  y = t_unary(T_SIGN, n);
  check_data("sign NaN", y, "[2]", (double[]){NAN, 0}, 2, 0);
  t_release(y);
  Tensor *ts[] = {e, z, h, n};
  for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) t_release(ts[i]);
  check_str("names/unary", t_unary_names[T_SIGMOID], "sigmoid");
  check_str("names/binary", t_binary_names[T_MAX], "maximum");
}

static void binary(void) {
  const float as[] = {-2.5f, -1, 0, 0.5f, 3};
  const float bs[] = {-2, -0.5f, 1, 2.5f};
  enum { NA = 5, NB = 4 };
  /* a [5, 1] against b [4] → [5, 4]: every pair, through the broadcasting path */
  Tensor *a = t_from(2, SHAPE(NA, 1), as), *b = t_from(1, SHAPE(NB), bs);
  for (int op = 0; op < T_N_BINARY; op++) {
    Tensor *y = t_binary(op, a, b);
    double want[NA * NB];
    int ok = 1;
    double got = 0, w = 0;
    for (int i = 0; i < NA; i++)
      for (int j = 0; j < NB; j++) {
        want[i * NB + j] = ref_binary(op, as[i], bs[j]);
        if (ok) {
          got = t_binary_scalar(op, as[i], bs[j]);
          w = want[i * NB + j];
          ok = near(got, w, 1e-12);
        }
      }
    check_data(NAME("binary/%s", t_binary_names[op]), y, "[5, 4]", want, NA * NB, 1e-6);
    check_true(NAME("binary_scalar/%s", t_binary_names[op]), ok,
               NAME("(got %.17g, want %.17g)", got, w));
    t_release(y);
  }
  t_release(a);
  t_release(b);

  struct {
    const char *name;
    TBinOp op;
    double a, b, want;
  } edge[] = {
      {"mod -7 3", T_MOD, -7, 3, 2},           {"mod 7 -3", T_MOD, 7, -3, -2},
      {"mod -7 -3", T_MOD, -7, -3, -1},        {"mod 5.5 2", T_MOD, 5.5, 2, 1.5},
      {"mod -1 inf", T_MOD, -1, INFINITY, INFINITY},
      {"xlogy 0 0", T_XLOGY, 0, 0, 0},         {"xlogy 0 inf", T_XLOGY, 0, INFINITY, 0},
      {"xlogy 0 nan", T_XLOGY, 0, NAN, NAN},   {"xlogy 2 0", T_XLOGY, 2, 0, -INFINITY},
      {"xlogy 0 -1", T_XLOGY, 0, -1, 0},       {"pow 0 0", T_POW, 0, 0, 1},
      {"pow -8 1/3", T_POW, -8, 1.0 / 3, NAN}, {"pow -2 3", T_POW, -2, 3, -8},
      {"maximum nan 1", T_MAX, NAN, 1, NAN},   {"maximum 1 nan", T_MAX, 1, NAN, NAN},
      {"minimum 1 nan", T_MIN, 1, NAN, NAN},   {"div 1 0", T_DIV, 1, 0, INFINITY},
      {"eq nan nan", T_EQ, NAN, NAN, 0},       {"ne nan nan", T_NE, NAN, NAN, 1},
  };
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    check_num(NAME("edge/%s", edge[i].name), t_binary_scalar(edge[i].op, edge[i].a, edge[i].b),
              edge[i].want, 1e-12);
    Tensor *x = VEC(1, (float)edge[i].a), *y = VEC(1, (float)edge[i].b);
    Tensor *r = t_binary(edge[i].op, x, y);
    check_num(NAME("edge float/%s", edge[i].name), r->data[0], edge[i].want, 1e-6);
    Tensor *ts[] = {x, y, r};
    for (size_t k = 0; k < 3; k++) t_release(ts[k]);
  }
  /* Python: 6.0 % -3 is -0.0, a zero with the divisor's sign */
  check_true("mod zero takes sign of divisor", signbit(t_binary_scalar(T_MOD, 6, -3)), "+0");
}

/* Reference broadcast: out[i] = a[ia] + 10·b[ib], indices computed digit by digit. */
static void ref_bcast(const Tensor *a, const Tensor *b, const Tensor *o, double *want) {
  int n = o->ndim;
  for (int64_t i = 0; i < o->size; i++) {
    int64_t rem = i, ia = 0, ib = 0, ma = 1, mb = 1;
    for (int d = n - 1; d >= 0; d--) {
      int64_t c = rem % o->shape[d];
      rem /= o->shape[d];
      int da = d - (n - a->ndim), db = d - (n - b->ndim);
      if (da >= 0) {
        ia += (a->shape[da] == 1 ? 0 : c) * ma;
        ma *= a->shape[da];
      }
      if (db >= 0) {
        ib += (b->shape[db] == 1 ? 0 : c) * mb;
        mb *= b->shape[db];
      }
    }
    want[i] = a->data[ia] + 10.0 * b->data[ib];
  }
}

static Tensor *iota(int nd, const int64_t *shape) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)i;
  return t;
}

static void broadcasting(void) {
  struct {
    int na;
    int64_t sa[4];
    int nb;
    int64_t sb[4];
    const char *out;
  } cases[] = {
      {2, {3, 1}, 2, {1, 4}, "[3, 4]"},       {2, {2, 3}, 1, {3}, "[2, 3]"},
      {1, {3}, 2, {2, 3}, "[2, 3]"},          {0, {0}, 2, {2, 3}, "[2, 3]"},
      {2, {2, 3}, 0, {0}, "[2, 3]"},          {3, {2, 1, 3}, 2, {4, 1}, "[2, 4, 3]"},
      {4, {4, 1, 5, 1}, 3, {3, 1, 6}, "[4, 3, 5, 6]"}, {2, {2, 3}, 2, {1, 1}, "[2, 3]"},
      {3, {2, 3, 4}, 3, {2, 1, 4}, "[2, 3, 4]"}, {2, {1, 3}, 3, {2, 2, 1}, "[2, 2, 3]"},
      {2, {0, 3}, 1, {3}, "[0, 3]"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    Tensor *a = iota(cases[c].na, cases[c].sa), *b = iota(cases[c].nb, cases[c].sb);
    /* a + 10·b, so the reference can tell which element of each came in */
    Tensor *ten = t_scalar(10), *b10 = t_binary(T_MUL, b, ten);
    Tensor *o = t_binary(T_ADD, a, b10);
    double want[512];
    ref_bcast(a, b, o, want);
    char s1[96], s2[96];
    check_data(NAME("broadcast %s + %s", t_shape_str(a->ndim, a->shape, s1, 96),
                    t_shape_str(b->ndim, b->shape, s2, 96)),
               o, cases[c].out, want, o->size, 0);
    Tensor *ts[] = {a, b, ten, b10, o};
    for (size_t k = 0; k < 5; k++) t_release(ts[k]);
  }
  Tensor *a = t_zeros(2, SHAPE(2, 3)), *b = t_zeros(1, SHAPE(4));
  CHECK_THROWS("broadcast incompatible", t_release(t_binary(T_ADD, a, b)),
               "add: cannot broadcast shapes [2, 3] and [4]");
  int64_t out[T_MAXDIM];
  CHECK_THROWS("broadcast_shape op name",
               t_broadcast_shape("where", 1, SHAPE(2), 2, SHAPE(3, 3), out),
               "where: cannot broadcast shapes [2] and [3, 3]");
  check_int("broadcast_shape rank", t_broadcast_shape("x", 1, SHAPE(3), 3, SHAPE(2, 1, 1), out),
            3);
  check_true("broadcast_shape dims", out[0] == 2 && out[1] == 1 && out[2] == 3, "not [2, 1, 3]");
  Tensor *v = VEC(3, 1, 2, 3), *bt = t_broadcast_to(v, 2, SHAPE(2, 3));
  check_data("broadcast_to", bt, "[2, 3]", (double[]){1, 2, 3, 1, 2, 3}, 6, 0);
  CHECK_THROWS("broadcast_to incompatible", t_release(t_broadcast_to(v, 1, SHAPE(4))),
               "broadcast_to: cannot broadcast shape [3] to [4]");
  Tensor *ts[] = {a, b, v, bt};
  for (size_t k = 0; k < 4; k++) t_release(ts[k]);
}

static void others(void) {
  Tensor *x = VEC(5, -2, -0.5f, 0, 1.5f, NAN), *y;
  y = t_leaky_relu(x, 0.1f);
  check_data("leaky_relu", y, "[5]", (double[]){-0.2f, -0.05f, 0, 1.5, NAN}, 5, 1e-7);
  t_release(y);
  y = t_clip(x, -1, 1);
  check_data("clip", y, "[5]", (double[]){-1, -0.5, 0, 1, NAN}, 5, 0);
  t_release(y);
  Tensor *c = t_from(2, SHAPE(2, 1), (float[]){1, 0});
  Tensor *a = VEC(3, 1, 2, 3), *b = t_scalar(-1);
  y = t_where(c, a, b);
  check_data("where broadcast", y, "[2, 3]", (double[]){1, 2, 3, -1, -1, -1}, 6, 0);
  t_release(y);
  Tensor *bad = VEC(2, 1, 2);
  CHECK_THROWS("where incompatible", t_release(t_where(c, a, bad)),
               "where: cannot broadcast shapes [2, 3] and [2]");
  Tensor *ts[] = {x, c, a, b, bad};
  for (size_t k = 0; k < 5; k++) t_release(ts[k]);
}

/* Large tensors, split across threads: every element as the scalar formula gives it —
   same shape, a scalar on either side, rows against a row (a bias add) and against a
   column, and unary ops (relu's bit kernel included). */
static void large(void) {
  enum { R = 401, C = 307 };
  Rng rng;
  rng_seed(&rng, 3);
  Tensor *a = t_randn(&rng, 2, SHAPE(R, C)), *b = t_randn(&rng, 2, SHAPE(R, C));
  Tensor *row = t_randn(&rng, 1, SHAPE(C)), *col = t_randn(&rng, 2, SHAPE(R, 1)), *s = t_scalar(0.5f);
  struct { const char *name; Tensor *y; int kind; } cases[] = {
      {"add same shape", t_binary(T_SUB, a, b), 0},  {"mul by a scalar", t_binary(T_MUL, a, s), 1},
      {"scalar minus", t_binary(T_SUB, s, a), 2},    {"add a row (bias)", t_binary(T_ADD, a, row), 3},
      {"divide by a column", t_binary(T_DIV, a, col), 4}, {"relu", t_unary(T_RELU, a), 5},
      {"sigmoid", t_unary(T_SIGMOID, a), 6},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    int bad = 0;
    for (int64_t i = 0; i < R * C && !bad; i++) {
      float x = a->data[i], want;
      switch (cases[k].kind) {
      case 0: want = x - b->data[i]; break;
      case 1: want = x * 0.5f; break;
      case 2: want = 0.5f - x; break;
      case 3: want = x + row->data[i % C]; break;
      case 4: want = x / col->data[i / C]; break;
      case 5: want = x > 0 ? x : 0; break;
      default: { /* the same kernel on one row, too small to split */
        Tensor *r1 = t_from(1, SHAPE(C), a->data + i / C * C), *y1 = t_unary(T_SIGMOID, r1);
        want = y1->data[i % C];
        t_release(r1), t_release(y1);
      }
      }
      bad = cases[k].y->data[i] != want;
    }
    check_true(NAME("%s over [%d, %d] (split across threads) equals the formula", cases[k].name, R, C),
               !bad, "an element differs");
    t_release(cases[k].y);
  }
  /* reductions split by their outputs: each output as one double sum in order */
  for (int axis = 0; axis < 2; axis++) {
    Tensor *sum = t_reduce(T_SUM, a, axis, 0), *mx = t_reduce(T_RMAX, a, axis, 0);
    int64_t outs = axis ? R : C, len = axis ? C : R;
    int bad = 0;
    for (int64_t o = 0; o < outs && !bad; o++) {
      double acc = 0;
      float m = -INFINITY;
      for (int64_t i = 0; i < len; i++) {
        float v = axis ? a->data[o * C + i] : a->data[i * C + o];
        acc += v;
        m = v > m ? v : m;
      }
      bad = sum->data[o] != (float)acc || mx->data[o] != m;
    }
    check_true(NAME("sum and max over axis %d of [%d, %d] (split across threads)", axis, R, C), !bad,
               "an output differs from its sum in order");
    t_release(sum), t_release(mx);
  }
  Tensor *ts[] = {a, b, row, col, s};
  for (size_t k = 0; k < 5; k++) t_release(ts[k]);
}

int main(void) {
  RUN(large);
  RUN(unary);
  RUN(binary);
  RUN(broadcasting);
  RUN(others);
  return 0;
}
