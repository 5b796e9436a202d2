/* test_graph_visit.c — ad_backward_visit, which graph(f, x) draws from: every node's
 * dL/dnode against central differences of the function downstream of that node, the
 * visiting order (output first, each node after its consumers), the ops' names, and
 * leaves' grads left as they were. */
#include "check.h"

#include "autograd.h"

/* y = sum(sigmoid(s1 @ W)) + sum(s1), s1 = x * x: s1 is used twice, so its gradient is
   the sum of two paths. x [1, 3], W [3, 2]. */
typedef struct {
  const Tensor *node[6]; /* x, W, s1, s2 = s1 @ W, s3 = sigmoid(s2), y */
  Tensor *d[6];
  int order[6];
  int n_visits;
} Seen;

static void on_node(void *ctx, const Tensor *t, const Tensor *dt) {
  Seen *s = ctx;
  for (int i = 0; i < 6; i++)
    if (s->node[i] == t) {
      s->d[i] = t_copy(dt);
      s->order[i] = s->n_visits;
    }
  s->n_visits++;
}

/* The function from each stage on, untracked: stage 0 from x, 2 from s1, 3 from s2,
   4 from s3 (the other operands fixed at their values). */
static double downstream(int stage, const Tensor *v, const Tensor *W, const Tensor *s1) {
  Tensor *a = t_copy(v), *b;
  if (stage == 0) b = t_binary(T_MUL, a, a), t_release(a), a = b;
  const Tensor *s1_now = stage <= 2 ? a : s1;
  Tensor *s1_keep = t_copy(s1_now);
  if (stage <= 2) b = t_matmul(a, W), t_release(a), a = b;
  if (stage <= 3) b = t_unary(T_SIGMOID, a), t_release(a), a = b;
  b = t_reduce(T_SUM, a, T_AXIS_ALL, 0);
  Tensor *c = t_reduce(T_SUM, s1_keep, T_AXIS_ALL, 0);
  double y = (double)b->data[0] + (double)c->data[0];
  t_release(a);
  t_release(b);
  t_release(c);
  t_release(s1_keep);
  return y;
}

static void fd_nodes(void) {
  Tensor *x = t_new(2, SHAPE(1, 3)), *W = t_new(2, SHAPE(3, 2));
  const float xv[] = {0.5f, -1.2f, 0.8f}, wv[] = {0.3f, -0.7f, 1.1f, 0.4f, -0.2f, 0.9f};
  memcpy(x->data, xv, sizeof xv);
  memcpy(W->data, wv, sizeof wv);
  ad_track(x);
  ad_track(W);
  Tensor *s1 = ad_binary(T_MUL, x, x);
  Tensor *s2 = ad_matmul(s1, W);
  Tensor *s3 = ad_unary(T_SIGMOID, s2);
  Tensor *a = ad_reduce(T_SUM, s3, T_AXIS_ALL, 0), *b = ad_reduce(T_SUM, s1, T_AXIS_ALL, 0);
  Tensor *y = ad_binary(T_ADD, a, b);
  Seen s = {.node = {x, W, s1, s2, s3, y}};
  ad_backward_visit(y, NULL, on_node, &s);

  check_str("name mul", ad_op_name(s1), "mul");
  check_str("name matmul", ad_op_name(s2), "matmul");
  check_str("name sigmoid", ad_op_name(s3), "sigmoid");
  check_str("name sum", ad_op_name(a), "sum");
  check_str("name leaf", ad_op_name(x), "leaf");
  Tensor *one = t_scalar(1);
  check_true("name untracked", ad_op_name(one) == NULL, "a constant has no op");
  t_release(one);
  check_int("inputs of matmul", ad_n_inputs(s2), 2);
  check_true("input 1 of matmul is W", ad_input(s2, 1) == W, "another tensor");

  /* Leaves keep their grads: drawing must not train anything. */
  check_true("x grad untouched", ad_grad(x) == NULL, "x got a grad");
  check_true("W grad untouched", ad_grad(W) == NULL, "W got a grad");
  /* Order: y first; s1 after both its consumers' paths (s2 and b); x last but for W. */
  check_int("y visited first", s.order[5], 0);
  check_true("s1 after s2", s.order[2] > s.order[3], "s1 before its consumer s2");
  check_true("x after s1", s.order[0] > s.order[2], "x before its consumer s1");
  check_num("dy/dy", s.d[5]->data[0], 1, 0);

  /* Central differences of the function downstream of each node, element by element. */
  const int stages[] = {0, 2, 3, 4};
  Tensor *const vals[] = {x, s1, s2, s3};
  const int idx[] = {0, 2, 3, 4};
  const double h = 1e-2;
  for (int k = 0; k < 4; k++) {
    Tensor *v = vals[k];
    for (int64_t i = 0; i < v->size; i++) {
      Tensor *p = t_copy(v), *m = t_copy(v);
      p->data[i] += (float)h;
      m->data[i] -= (float)h;
      double fd = (downstream(stages[k], p, W, s1) - downstream(stages[k], m, W, s1)) / (2 * h);
      check_num(NAME("d/dnode %d [%lld]", idx[k], (long long)i), s.d[idx[k]]->data[i], fd, 2e-3);
      t_release(p);
      t_release(m);
    }
  }
  /* W: its gradient as a leaf, by perturbing W. */
  for (int64_t i = 0; i < W->size; i++) {
    Tensor *p = t_copy(W), *m = t_copy(W);
    p->data[i] += (float)h;
    m->data[i] -= (float)h;
    double fd = (downstream(2, s1, p, s1) - downstream(2, s1, m, s1)) / (2 * h);
    check_num(NAME("d/dW [%lld]", (long long)i), s.d[1]->data[i], fd, 2e-3);
    t_release(p);
    t_release(m);
  }
  /* The same pass through ad_backward fills the leaves as before. */
  ad_backward(y, NULL);
  check_true("ad_backward still fills x", ad_grad(x) != NULL, "no grad");
  for (int64_t i = 0; i < x->size; i++)
    check_num(NAME("x grad = visited [%lld]", (long long)i), ad_grad(x)->data[i], s.d[0]->data[i], 1e-6);
  for (int i = 0; i < 6; i++) t_release(s.d[i]);
  Tensor *ts[] = {y, a, b, s3, s2, s1, x, W};
  for (int i = 0; i < 8; i++) t_release(ts[i]);
}

int main(void) {
  RUN(fd_nodes);
  return 0;
}
