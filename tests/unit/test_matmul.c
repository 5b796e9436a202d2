/* test_matmul.c — matmul's rank cases and errors; t_gemm (BLAS) against t_gemm_naive. */
#include "check.h"

#include <stdlib.h>

static Tensor *iota(int nd, const int64_t *shape) {
  Tensor *t = t_new(nd, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)(i % 7) - 3;
  return t;
}

/* Reference for a [..., M, K] @ b [..., K, N] with equal batch shapes given as
   (batch, M, K, N) and per-operand batch strides 0 or 1 (for broadcasting one side). */
static void ref_mm(const float *a, const float *b, int64_t batch, int64_t M, int64_t K,
                   int64_t N, int a_bcast, int b_bcast, double *out) {
  for (int64_t t = 0; t < batch; t++)
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double s = 0;
        for (int64_t k = 0; k < K; k++)
          s += (double)a[(a_bcast ? 0 : t) * M * K + i * K + k] *
               b[(b_bcast ? 0 : t) * K * N + k * N + j];
        out[(t * M + i) * N + j] = s;
      }
}

static void ranks(void) {
  double want[256];
  Tensor *v3 = iota(1, SHAPE(3)), *m34 = iota(2, SHAPE(3, 4)), *m23 = iota(2, SHAPE(2, 3));
  Tensor *r;
  r = t_matmul(v3, v3);
  ref_mm(v3->data, v3->data, 1, 1, 3, 1, 0, 0, want);
  check_data("matmul 1-d @ 1-d is 0-d", r, "[]", want, 1, 1e-6);
  t_release(r);
  r = t_matmul(v3, m34);
  ref_mm(v3->data, m34->data, 1, 1, 3, 4, 0, 0, want);
  check_data("matmul [3] @ [3, 4]", r, "[4]", want, 4, 1e-6);
  t_release(r);
  r = t_matmul(m23, v3);
  ref_mm(m23->data, v3->data, 1, 2, 3, 1, 0, 0, want);
  check_data("matmul [2, 3] @ [3]", r, "[2]", want, 2, 1e-6);
  t_release(r);
  r = t_matmul(m23, m34);
  ref_mm(m23->data, m34->data, 1, 2, 3, 4, 0, 0, want);
  check_data("matmul [2, 3] @ [3, 4]", r, "[2, 4]", want, 8, 1e-6);
  t_release(r);
  Tensor *b523 = iota(3, SHAPE(5, 2, 3)), *b534 = iota(3, SHAPE(5, 3, 4));
  r = t_matmul(b523, m34);
  ref_mm(b523->data, m34->data, 5, 2, 3, 4, 0, 1, want);
  check_data("matmul [5, 2, 3] @ [3, 4]", r, "[5, 2, 4]", want, 40, 1e-6);
  t_release(r);
  r = t_matmul(m23, b534);
  ref_mm(m23->data, b534->data, 5, 2, 3, 4, 1, 0, want);
  check_data("matmul [2, 3] @ [5, 3, 4]", r, "[5, 2, 4]", want, 40, 1e-6);
  t_release(r);
  r = t_matmul(b523, b534);
  ref_mm(b523->data, b534->data, 5, 2, 3, 4, 0, 0, want);
  check_data("matmul [5, 2, 3] @ [5, 3, 4]", r, "[5, 2, 4]", want, 40, 1e-6);
  t_release(r);
  r = t_matmul(v3, b534);
  ref_mm(v3->data, b534->data, 5, 1, 3, 4, 1, 0, want);
  check_data("matmul [3] @ [5, 3, 4]", r, "[5, 4]", want, 20, 1e-6);
  t_release(r);
  r = t_matmul(b523, v3);
  ref_mm(b523->data, v3->data, 5, 2, 3, 1, 0, 1, want);
  check_data("matmul [5, 2, 3] @ [3]", r, "[5, 2]", want, 10, 1e-6);
  t_release(r);
  /* [2, 1, 2, 3] @ [4, 3, 2] → [2, 4, 2, 2]: both sides broadcast */
  Tensor *x = iota(4, SHAPE(2, 1, 2, 3)), *y = iota(3, SHAPE(4, 3, 2));
  r = t_matmul(x, y);
  int ok = r->ndim == 4 && r->shape[0] == 2 && r->shape[1] == 4;
  for (int p = 0; p < 2 && ok; p++)
    for (int q = 0; q < 4 && ok; q++) {
      ref_mm(x->data + p * 6, y->data + q * 6, 1, 2, 3, 2, 0, 0, want);
      for (int e = 0; e < 4; e++) ok &= near(r->data[(p * 4 + q) * 4 + e], want[e], 1e-6);
    }
  check_true("matmul [2, 1, 2, 3] @ [4, 3, 2]", ok, "mismatch");
  check_shape("matmul broadcast shape", r, "[2, 4, 2, 2]");
  t_release(r);
  Tensor *e0 = t_zeros(2, SHAPE(2, 0)), *e1 = t_zeros(2, SHAPE(0, 3));
  r = t_matmul(e0, e1);
  check_data("matmul K = 0 gives zeros", r, "[2, 3]", (double[]){0, 0, 0, 0, 0, 0}, 6, 0);
  t_release(r);

  Tensor *m45 = iota(2, SHAPE(4, 5)), *s = t_scalar(2), *b334 = iota(3, SHAPE(3, 3, 4));
  Tensor *v4 = iota(1, SHAPE(4));
  CHECK_THROWS("matmul inner", t_release(t_matmul(m23, m45)),
               "matmul: [2, 3] @ [4, 5]: inner dimensions 3 and 4 differ");
  CHECK_THROWS("matmul vectors", t_release(t_matmul(v3, v4)),
               "matmul: [3] @ [4]: inner dimensions 3 and 4 differ");
  CHECK_THROWS("matmul 0-d", t_release(t_matmul(s, m23)),
               "matmul: [] @ [2, 3]: 0-d operands are not allowed (use * to scale)");
  CHECK_THROWS("matmul batch", t_release(t_matmul(b523, b334)),
               "matmul: [5, 2, 3] @ [3, 3, 4]: batch shapes [5] and [3] do not broadcast");
  Tensor *ts[] = {v3, m34, m23, b523, b534, x, y, e0, e1, m45, s, b334, v4};
  for (size_t k = 0; k < sizeof ts / sizeof *ts; k++) t_release(ts[k]);
}

/* max |p − q| / max |q|: a relative error that small entries cannot blow up. */
static double relerr(const float *p, const float *q, int64_t n) {
  double d = 0, m = 0;
  for (int64_t i = 0; i < n; i++) {
    d = fmax(d, fabs((double)p[i] - q[i]));
    m = fmax(m, fabs((double)q[i]));
  }
  return d / (m ? m : 1);
}

static void gemms(void) {
  const char *name = NULL;
  int have = t_blas_available(&name);
  check_true(NAME("blas available (%s)", name), have || name != NULL, "no name");
  Rng rng;
  rng_seed(&rng, 7);
  const int64_t sizes[][3] = {{37, 29, 53}, {128, 64, 256}}; /* M, N, K */
  for (int s = 0; s < 2; s++) {
    int64_t M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
    Tensor *A = t_randn(&rng, 1, SHAPE(M * K)), *B = t_randn(&rng, 1, SHAPE(K * N));
    Tensor *C0 = t_randn(&rng, 1, SHAPE(M * N));
    float *c1 = malloc((size_t)(M * N) * sizeof *c1), *c2 = malloc((size_t)(M * N) * sizeof *c2);
    double *ref = malloc((size_t)(M * N) * sizeof *ref);
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (int beta = 0; beta < 2; beta++) {
          memcpy(c1, C0->data, (size_t)(M * N) * sizeof *c1);
          memcpy(c2, C0->data, (size_t)(M * N) * sizeof *c2);
          t_gemm_naive(ta, tb, M, N, K, 0.5f, A->data, B->data, (float)beta, c1);
          t_gemm(ta, tb, M, N, K, 0.5f, A->data, B->data, (float)beta, c2);
          /* the naive kernel against a double-precision triple loop */
          float *r = malloc((size_t)(M * N) * sizeof *r);
          for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
              double acc = 0;
              for (int64_t k = 0; k < K; k++)
                acc += (double)A->data[ta ? k * M + i : i * K + k] *
                       B->data[tb ? j * K + k : k * N + j];
              ref[i * N + j] = 0.5 * acc + beta * (double)C0->data[i * N + j];
              r[i * N + j] = (float)ref[i * N + j];
            }
          double e1 = relerr(c1, r, M * N), e2 = relerr(c2, c1, M * N);
          const char *what = NAME("%lldx%lld @ %lldx%lld ta=%d tb=%d beta=%d", (long long)M,
                                  (long long)K, (long long)K, (long long)N, ta, tb, beta);
          check_true(NAME("gemm_naive vs double %s", what), e1 < 1e-5,
                     NAME("relative error %g (want < 1e-5)", e1));
          check_true(NAME("gemm vs gemm_naive %s", what), e2 < 1e-4,
                     NAME("relative error %g (want < 1e-4)", e2));
          free(r);
        }
    free(c1);
    free(c2);
    free(ref);
    t_release(A);
    t_release(B);
    t_release(C0);
  }
  /* beta = 0 ignores NaN already in C, as BLAS does */
  float c[4] = {NAN, NAN, NAN, NAN};
  t_gemm_naive(0, 0, 2, 2, 1, 1, (float[]){1, 2}, (float[]){3, 4}, 0, c);
  check_true("gemm_naive beta 0 overwrites NaN", c[0] == 3 && c[3] == 8, "NaN kept");
}

int main(void) {
  RUN(ranks);
  RUN(gemms);
  return 0;
}
