/* test_shape.c — reshape, transpose, permute, concat, stack, indexing and index assign. */
#include "check.h"

static Tensor *iota(int nd, const int64_t *shape) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)i;
  return t;
}

static void reshapes(void) {
  Tensor *a = iota(2, SHAPE(2, 3)), *r;
  r = t_reshape(a, 2, SHAPE(3, -1));
  check_data("reshape -1", r, "[3, 2]", (double[]){0, 1, 2, 3, 4, 5}, 6, 0);
  t_release(r);
  r = t_reshape(a, 1, SHAPE(-1));
  check_shape("reshape [-1]", r, "[6]");
  t_release(r);
  r = t_reshape(a, 0 + 3, SHAPE(1, 6, 1));
  check_shape("reshape [1, 6, 1]", r, "[1, 6, 1]");
  t_release(r);
  CHECK_THROWS("reshape size", t_release(t_reshape(a, 2, SHAPE(4, 2))),
               "reshape: cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)");
  CHECK_THROWS("reshape two -1", t_release(t_reshape(a, 2, SHAPE(-1, -1))),
               "reshape: only one dimension can be -1 in [-1, -1]");
  CHECK_THROWS("reshape -1 not a multiple", t_release(t_reshape(a, 2, SHAPE(4, -1))),
               "reshape: cannot reshape [2, 3] (6 elements) into [4, -1]: 6 is not a multiple "
               "of 4");
  CHECK_THROWS("reshape negative", t_release(t_reshape(a, 2, SHAPE(-2, -3))),
               "reshape: negative dimension -2 in [-2, -3]");
  r = t_flatten(a);
  check_shape("flatten", r, "[6]");
  t_release(r);
  Tensor *s = t_scalar(4);
  r = t_reshape(s, 2, SHAPE(1, 1));
  check_data("reshape scalar", r, "[1, 1]", (double[]){4}, 1, 0);
  t_release(r);
  t_release(s);
  t_release(a);
}

static void transposes(void) {
  Tensor *a = iota(2, SHAPE(2, 3)), *r;
  r = t_transpose(a);
  check_data("transpose 2-d", r, "[3, 2]", (double[]){0, 3, 1, 4, 2, 5}, 6, 0);
  t_release(r);
  /* a large matrix goes through the tiled path */
  Tensor *big = iota(2, SHAPE(70, 45));
  r = t_transpose(big);
  int ok = 1;
  for (int i = 0; i < 70 && ok; i++)
    for (int j = 0; j < 45 && ok; j++) ok = r->data[j * 70 + i] == big->data[i * 45 + j];
  check_true("transpose 70x45", ok && r->shape[0] == 45, "element mismatch");
  t_release(r);
  Tensor *c = iota(3, SHAPE(2, 3, 4));
  r = t_transpose(c);
  check_shape("transpose 3-d shape", r, "[4, 3, 2]");
  /* r[k, j, i] = c[i, j, k] = 12i + 4j + k */
  ok = 1;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 4; k++) ok &= r->data[k * 6 + j * 2 + i] == 12 * i + 4 * j + k;
  check_true("transpose 3-d values", ok, "element mismatch");
  t_release(r);
  r = t_permute(c, (int[]){1, 2, 0});
  check_shape("permute shape", r, "[3, 4, 2]");
  ok = 1;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 4; k++) ok &= r->data[j * 8 + k * 2 + i] == 12 * i + 4 * j + k;
  check_true("permute values", ok, "element mismatch");
  t_release(r);
  r = t_permute(c, (int[]){0, -1, 1});
  check_shape("permute negative axis", r, "[2, 4, 3]");
  t_release(r);
  CHECK_THROWS("permute repeat", t_release(t_permute(c, (int[]){0, 0, 1})),
               "permute: [0, 0, 1] is not a permutation of the axes of a rank-3 tensor");
  CHECK_THROWS("permute range", t_release(t_permute(c, (int[]){0, 3, 1})),
               "permute: axis 3 is out of range for a tensor of rank 3");
  Tensor *ts[] = {a, big, c};
  for (size_t k = 0; k < 3; k++) t_release(ts[k]);
}

static void joins(void) {
  Tensor *a = iota(2, SHAPE(2, 2)), *b = iota(2, SHAPE(1, 2)), *c = iota(2, SHAPE(2, 3));
  Tensor *r;
  r = t_concat(2, (Tensor *[]){a, b}, 0);
  check_data("concat axis 0", r, "[3, 2]", (double[]){0, 1, 2, 3, 0, 1}, 6, 0);
  t_release(r);
  r = t_concat(2, (Tensor *[]){a, c}, -1);
  check_data("concat axis -1", r, "[2, 5]", (double[]){0, 1, 0, 1, 2, 2, 3, 3, 4, 5}, 10, 0);
  t_release(r);
  r = t_concat(1, (Tensor *[]){a}, 1);
  check_data("concat one", r, "[2, 2]", (double[]){0, 1, 2, 3}, 4, 0);
  t_release(r);
  CHECK_THROWS("concat mismatch", t_release(t_concat(3, (Tensor *[]){a, b, c}, 0)),
               "concat: shapes must agree except on axis 0: [2, 2], [1, 2], [2, 3]");
  Tensor *s = t_scalar(1), *v = VEC(2, 7, 8);
  CHECK_THROWS("concat rank mismatch", t_release(t_concat(2, (Tensor *[]){a, v}, 0)),
               "concat: shapes must agree except on axis 0: [2, 2], [2]");
  CHECK_THROWS("concat 0-d", t_release(t_concat(2, (Tensor *[]){s, s}, 0)),
               "concat: cannot concatenate 0-d tensors ([], [])");
  CHECK_THROWS("concat axis", t_release(t_concat(2, (Tensor *[]){a, a}, 2)),
               "concat: axis 2 is out of range for a tensor of rank 2");
  r = t_stack(2, (Tensor *[]){a, a}, 0);
  check_data("stack axis 0", r, "[2, 2, 2]", (double[]){0, 1, 2, 3, 0, 1, 2, 3}, 8, 0);
  t_release(r);
  r = t_stack(2, (Tensor *[]){a, a}, 1);
  check_data("stack axis 1", r, "[2, 2, 2]", (double[]){0, 1, 0, 1, 2, 3, 2, 3}, 8, 0);
  t_release(r);
  r = t_stack(2, (Tensor *[]){v, v}, -1);
  check_data("stack axis -1", r, "[2, 2]", (double[]){7, 7, 8, 8}, 4, 0);
  t_release(r);
  r = t_stack(2, (Tensor *[]){s, s}, 0);
  check_data("stack scalars", r, "[2]", (double[]){1, 1}, 2, 0);
  t_release(r);
  CHECK_THROWS("stack mismatch", t_release(t_stack(2, (Tensor *[]){a, b}, 0)),
               "stack: all shapes must be equal: [2, 2], [1, 2]");
  CHECK_THROWS("stack axis", t_release(t_stack(2, (Tensor *[]){a, a}, 3)),
               "stack: axis 3 is out of range for a tensor of rank 3");
  Tensor *ts[] = {a, b, c, s, v};
  for (size_t k = 0; k < 5; k++) t_release(ts[k]);
}

static TIndex I(int64_t i) { return (TIndex){.kind = T_IX_INDEX, .index = i}; }
/* S(start, stop, step) with INT64_MIN for "missing" (Python's None) */
#define NONE INT64_MIN
static TIndex S(int64_t start, int64_t stop, int64_t step) {
  return (TIndex){.kind = T_IX_SLICE,
                  .has_start = start != NONE,
                  .has_stop = stop != NONE,
                  .start = start,
                  .stop = stop,
                  .step = step};
}

static void indexing(void) {
  Tensor *a = iota(2, SHAPE(3, 4)), *r;
  /* a = [[0 1 2 3] [4 5 6 7] [8 9 10 11]]; expectations are what NumPy prints */
  struct {
    const char *name;
    int n;
    TIndex ix[2];
    const char *shape;
    double want[12];
  } cases[] = {
      {"a[1]", 1, {I(1)}, "[4]", {4, 5, 6, 7}},
      {"a[-1]", 1, {I(-1)}, "[4]", {8, 9, 10, 11}},
      {"a[1, 2]", 2, {I(1), I(2)}, "[]", {6}},
      {"a[:, 0]", 2, {S(NONE, NONE, 1), I(0)}, "[3]", {0, 4, 8}},
      {"a[1:3]", 1, {S(1, 3, 1)}, "[2, 4]", {4, 5, 6, 7, 8, 9, 10, 11}},
      {"a[1:100]", 1, {S(1, 100, 1)}, "[2, 4]", {4, 5, 6, 7, 8, 9, 10, 11}},
      {"a[-100:1]", 1, {S(-100, 1, 1)}, "[1, 4]", {0, 1, 2, 3}},
      {"a[2:1]", 1, {S(2, 1, 1)}, "[0, 4]", {0}},
      {"a[::-1, 0]", 2, {S(NONE, NONE, -1), I(0)}, "[3]", {8, 4, 0}},
      {"a[0, ::-2]", 2, {I(0), S(NONE, NONE, -2)}, "[2]", {3, 1}},
      {"a[0, 3:0:-1]", 2, {I(0), S(3, 0, -1)}, "[3]", {3, 2, 1}},
      {"a[0, -1:-5:-1]", 2, {I(0), S(-1, -5, -1)}, "[4]", {3, 2, 1, 0}},
      {"a[0, -1:-100:-2]", 2, {I(0), S(-1, -100, -2)}, "[2]", {3, 1}},
      {"a[0, 10::-3]", 2, {I(0), S(10, NONE, -3)}, "[2]", {3, 0}},
      {"a[0, :-10:-1]", 2, {I(0), S(NONE, -10, -1)}, "[4]", {3, 2, 1, 0}},
      {"a[0, 1::2]", 2, {I(0), S(1, NONE, 2)}, "[2]", {1, 3}},
      {"a[-2:, -1]", 2, {S(-2, NONE, 1), I(-1)}, "[2]", {7, 11}},
      {"a[0, 1:3:INT64_MAX]", 2, {I(0), S(1, 3, INT64_MAX)}, "[1]", {1}},
      {"a[0, ::INT64_MIN+1]", 2, {I(0), S(NONE, NONE, INT64_MIN + 1)}, "[1]", {3}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    r = t_index(a, cases[c].n, cases[c].ix);
    check_data(NAME("index %s", cases[c].name), r, cases[c].shape, cases[c].want, r->size, 0);
    t_release(r);
  }
  CHECK_THROWS("index out of range", t_release(t_index(a, 1, (TIndex[]){I(5)})),
               "index 5 is out of range for axis 0 of size 3");
  CHECK_THROWS("index negative out of range",
               t_release(t_index(a, 2, (TIndex[]){I(0), I(-5)})),
               "index -5 is out of range for axis 1 of size 4");
  CHECK_THROWS("too many indices",
               t_release(t_index(a, 3, (TIndex[]){I(0), I(0), I(0)})),
               "too many indices: 3 for a tensor of rank 2");
  CHECK_THROWS("slice step 0", t_release(t_index(a, 1, (TIndex[]){S(NONE, NONE, 0)})),
               "slice step cannot be zero (axis 0)");
  t_release(a);
}

static void assigning(void) {
  Tensor *a = t_zeros(2, SHAPE(3, 4));
  Tensor *five = t_scalar(5), *col = VEC(3, 1, 2, 3), *pair = VEC(2, 8, 9);
  t_index_assign(a, 1, (TIndex[]){I(1)}, five);
  t_index_assign(a, 2, (TIndex[]){S(NONE, NONE, 1), I(0)}, col);
  t_index_assign(a, 2, (TIndex[]){S(0, 3, 2), S(2, NONE, 1)}, pair); /* [2] → [2, 2] */
  check_data("index_assign broadcast", a, "[3, 4]",
             (double[]){1, 0, 8, 9, 2, 5, 5, 5, 3, 0, 8, 9}, 12, 0);
  /* x[::-1] = x reads what it writes */
  Tensor *b = iota(2, SHAPE(3, 2));
  t_index_assign(b, 1, (TIndex[]){S(NONE, NONE, -1)}, b);
  check_data("index_assign aliasing", b, "[3, 2]", (double[]){4, 5, 2, 3, 0, 1}, 6, 0);
  CHECK_THROWS("index_assign shape", t_index_assign(a, 1, (TIndex[]){I(0)}, col),
               "index assign: cannot broadcast shape [3] to the selected shape [4]");
  CHECK_THROWS("index_assign out of range", t_index_assign(a, 1, (TIndex[]){I(3)}, five),
               "index 3 is out of range for axis 0 of size 3");
  Tensor *ts[] = {a, five, col, pair, b};
  for (size_t k = 0; k < 5; k++) t_release(ts[k]);
}

int main(void) {
  RUN(reshapes);
  RUN(transposes);
  RUN(joins);
  RUN(indexing);
  RUN(assigning);
  return 0;
}
