/* test_gemm.c — nn's own gemm (gemm.h) against t_gemm_naive, under every ISA this CPU has:
 * odd sizes and tails, K = 1 and K over several K blocks, all four transposes, alpha and
 * beta (beta = 0 over a C full of NaN), and the fused bias + ReLU store; then the fused
 * dense op ad_linear against matmul + bias + relu and finite differences. */
#include "check.h"

#include <stdlib.h>

#include "gemm.h"

static Rng rng;

static float *randv(int64_t n) {
  float *v = malloc((size_t)(n ? n : 1) * sizeof *v);
  for (int64_t i = 0; i < n; i++) v[i] = (float)rng_normal(&rng);
  return v;
}

static float *absv(const float *v, int64_t n) {
  float *a = malloc((size_t)(n ? n : 1) * sizeof *a);
  for (int64_t i = 0; i < n; i++) a[i] = fabsf(v[i]);
  return a;
}

/* got ≈ want elementwise within tol·scale[i], scale = |alpha|·Σ|a||b| + |beta·c| (the
   size of what was summed: float32 rounding grows with it, a wrong term shows as ~1/K of
   it, far above tol). Reports the first element off. */
static int agree(const char *name, const float *got, const float *want, const float *scale,
                 int64_t n, double tol) {
  for (int64_t i = 0; i < n; i++) {
    double err = fabs((double)got[i] - want[i]);
    if (!(err <= tol * scale[i] + 1e-30) || isnan(got[i]) != isnan(want[i])) {
      printf("FAIL %s: element %" PRId64 " (got %.9g, want %.9g, scale %.3g)\n", name, i,
             (double)got[i], (double)want[i], (double)scale[i]);
      return 0;
    }
  }
  printf("PASS %s\n", name);
  return 1;
}

/* One product C = alpha·op(A)·op(B) + beta·C, C starting as c0 (NaN everywhere when
   beta = 0, which must not leak through). */
static void one(const char *isa, int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha,
                float beta) {
  float *A = randv(M * K), *B = randv(K * N), *c0 = randv(M * N);
  if (beta == 0)
    for (int64_t i = 0; i < M * N; i++) c0[i] = NAN;
  float *got = malloc((size_t)(M * N) * sizeof *got), *want = malloc((size_t)(M * N) * sizeof *want);
  float *scale = absv(c0, M * N), *Aa = absv(A, M * K), *Ba = absv(B, K * N);
  memcpy(got, c0, (size_t)(M * N) * sizeof *got);
  memcpy(want, c0, (size_t)(M * N) * sizeof *want);
  gemm_own(ta, tb, M, N, K, alpha, A, B, beta, got);
  t_gemm_naive(ta, tb, M, N, K, alpha, A, B, beta, want);
  t_gemm_naive(ta, tb, M, N, K, fabsf(alpha), Aa, Ba, beta == 0 ? 0 : fabsf(beta), scale);
  agree(NAME("gemm %s %c%c M=%" PRId64 " N=%" PRId64 " K=%" PRId64 " alpha=%g beta=%g", isa,
             ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, beta),
        got, want, scale, M * N, 1e-5);
  free(A), free(B), free(c0), free(got), free(want), free(scale), free(Aa), free(Ba);
}

static const int64_t odd[] = {1, 3, 7, 15, 17, 31, 33, 63, 65, 127, 129, 255, 257};
enum { N_ODD = sizeof odd / sizeof *odd };

static void sizes(const char *isa) {
  for (int t = 0; t < 4; t++) {
    int ta = t >> 1, tb = t & 1;
    /* cubes of every odd size, then mixes where each of M, N, K takes each size */
    for (int i = 0; i < N_ODD; i++) one(isa, ta, tb, odd[i], odd[i], odd[i], 1, 0);
    for (int i = 0; i < N_ODD; i++)
      one(isa, ta, tb, odd[i], odd[(i + 4) % N_ODD], odd[(i + 9) % N_ODD], 1, 0);
    /* K = 1; K of several blocks (KC = 256) with a short last one; N over the column
       block NC = 512; M over the row block MC = 144 with a skinny N */
    one(isa, ta, tb, 33, 65, 1, 1, 0);
    one(isa, ta, tb, 17, 37, 1000, 1, 0);
    one(isa, ta, tb, 9, 1100, 40, 1, 0);
    one(isa, ta, tb, 300, 5, 70, 1, 0);
    /* the MLP's and CNN's shapes */
    one(isa, ta, tb, 64, 256, 784, 1, 0);
    one(isa, ta, tb, 16, 784, 9, 1, 0);
    one(isa, ta, tb, 32, 196, 144, 1, 0);
  }
}

static void scalars(const char *isa) {
  static const float ab[][2] = {{1, 1}, {0.5f, -2}, {2, 0}, {-1, 0.25f}, {0, 1}, {0, 0}};
  for (int t = 0; t < 4; t++)
    for (size_t s = 0; s < sizeof ab / sizeof *ab; s++) {
      one(isa, t >> 1, t & 1, 37, 45, 300, ab[s][0], ab[s][1]);
      one(isa, t >> 1, t & 1, 5, 3, 2, ab[s][0], ab[s][1]);
    }
  /* K = 0: an empty sum, C = beta·C */
  one(isa, 0, 0, 7, 9, 0, 1, 0);
  one(isa, 1, 1, 7, 9, 0, 1, 0.5f);
}

/* F_RELU of ops.c */
static float relu(float x) { return x > 0 ? x : x != x ? x : 0; }

static void fused(const char *isa) {
  static const int64_t mnk[][3] = {{64, 256, 784}, {17, 33, 65}, {1, 10, 128}, {129, 7, 3},
                                   {8, 32, 5}, {5, 3, 0}};
  for (size_t s = 0; s < sizeof mnk / sizeof *mnk; s++)
    for (int t = 0; t < 4; t++)
      for (int act = 0; act < 2; act++)
        for (int with_bias = 0; with_bias < 2; with_bias++) {
          int ta = t >> 1, tb = t & 1;
          int64_t M = mnk[s][0], N = mnk[s][1], K = mnk[s][2];
          float *A = randv(M * K), *B = randv(K * N), *bias = randv(N);
          float *got = malloc((size_t)(M * N) * sizeof *got);
          float *want = malloc((size_t)(M * N) * sizeof *want);
          float *Aa = absv(A, M * K), *Ba = absv(B, K * N), *scale = absv(bias, N);
          float *sc = malloc((size_t)(M * N) * sizeof *sc);
          for (int64_t i = 0; i < M * N; i++) got[i] = NAN;
          t_gemm_naive(ta, tb, M, N, K, 1, A, B, 0, want);
          t_gemm_naive(ta, tb, M, N, K, 1, Aa, Ba, 0, sc);
          for (int64_t i = 0; i < M * N; i++) {
            if (with_bias) want[i] += bias[i % N], sc[i] += scale[i % N];
            if (act) want[i] = relu(want[i]);
          }
          gemm_own_bias_act(ta, tb, M, N, K, A, B, with_bias ? bias : NULL,
                            act ? GEMM_ACT_RELU : GEMM_ACT_NONE, got);
          int ok = agree(NAME("gemm_own_bias_act %s %c%c M=%" PRId64 " N=%" PRId64
                              " K=%" PRId64 " %s%s",
                              isa, ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K,
                              with_bias ? "bias" : "no bias", act ? " relu" : ""),
                         got, want, sc, M * N, 1e-5);
          /* ReLU's zeros are +0 (as F_RELU), never −0 */
          if (ok && act) {
            int64_t neg0 = 0;
            for (int64_t i = 0; i < M * N; i++) neg0 += got[i] == 0 && signbit(got[i]);
            check_int(NAME("gemm_own_bias_act %s %c%c M=%" PRId64 " relu gives +0", isa,
                           ta ? 'T' : 'N', tb ? 'T' : 'N', M),
                      neg0, 0);
          }
          free(A), free(B), free(bias), free(got), free(want), free(Aa), free(Ba);
          free(scale), free(sc);
        }
  /* relu keeps NaN (a NaN in A poisons its row of C) */
  float A[2 * 3] = {1, NAN, 2, 1, 1, 1}, B[3 * 2] = {1, -1, 1, -1, 1, -1}, C[4];
  gemm_own_bias_act(0, 0, 2, 2, 3, A, B, NULL, GEMM_ACT_RELU, C);
  check_true(NAME("gemm_own_bias_act %s relu keeps NaN", isa),
             isnan(C[0]) && isnan(C[1]) && C[2] == 3 && C[3] == 0 && !signbit(C[3]),
             "want [NaN, NaN, 3, +0]");
}

/* ---- ad_linear ---- */

typedef struct {
  GemmAct act;
  int bias;
} LinSpec;

static Tensor *apply_linear(const void *spec, Tensor **in) {
  const LinSpec *s = spec;
  return ad_linear(in[0], in[1], s->bias ? in[2] : NULL, s->act);
}

static void linear(void) {
  for (int act = 0; act < 2; act++)
    for (int bias = 0; bias < 2; bias++) {
      LinSpec s = {act ? GEMM_ACT_RELU : GEMM_ACT_NONE, bias};
      /* the value: relu?(x @ W + b) of the unfused ops, x of rank 3 */
      Tensor *x = t_randn(&rng, 3, SHAPE(2, 3, 7)), *W = t_randn(&rng, 2, SHAPE(7, 5)),
             *b = t_randn(&rng, 1, SHAPE(5));
      Tensor *y = ad_linear(x, W, bias ? b : NULL, s.act), *want = t_matmul(x, W);
      for (int64_t i = 0; i < want->size; i++) {
        if (bias) want->data[i] += b->data[i % 5];
        if (act) want->data[i] = relu(want->data[i]);
      }
      int ok = t_same_shape(y, want);
      for (int64_t i = 0; ok && i < y->size; i++) ok = near(y->data[i], want->data[i], 1e-5);
      check_true(NAME("ad_linear value%s%s", bias ? " bias" : "", act ? " relu" : ""), ok,
                 "differs from relu?(matmul(x, W) + b)");
      t_release(y), t_release(want);
      /* the gradients of x, W and b against central differences */
      fd_check(NAME("ad_linear gradient%s%s", bias ? " bias" : "", act ? " relu" : ""),
               apply_linear, &s, &rng, bias ? 3 : 2, (Tensor *[]){x, W, b}, ~0u, 1e-2, true);
      if (!bias) t_release(b);
    }
  Tensor *x = t_randn(&rng, 2, SHAPE(4, 3)), *W = t_randn(&rng, 2, SHAPE(2, 5)),
         *b = t_randn(&rng, 1, SHAPE(5));
  CHECK_THROWS("ad_linear shapes", t_release(ad_linear(x, W, b, GEMM_ACT_RELU)),
               "linear: x of shape [4, 3], W of shape [2, 5] and b of shape [5] do not fit "
               "(want x [..., in], W [in, out], b [out])");
  t_release(x), t_release(W), t_release(b);
}

int main(void) {
  rng_seed(&rng, 11);
  /* NN_GEMM_ISA is read at the first product: ask for avx2 (portable without it) */
  setenv("NN_GEMM_ISA", "avx2", 1);
  int has_avx2 = 0, has_avx512 = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  has_avx512 = __builtin_cpu_supports("avx512f");
#endif
  check_str("NN_GEMM_ISA=avx2", gemm_own_isa(), has_avx2 ? "avx2" : "portable");
  check_str("gemm_own_force_isa(avx512)", gemm_own_force_isa("avx512"),
            has_avx512 ? "avx512" : has_avx2 ? "avx2" : "portable");
  static const char *isas[] = {"portable", "avx2", "avx512"};
  int have[] = {1, has_avx2, has_avx512};
  for (int i = 0; i < 3; i++) {
    if (!have[i]) {
      printf("PASS gemm %s: not on this CPU, not tested\n", isas[i]);
      continue;
    }
    check_str(NAME("gemm_own_force_isa(%s)", isas[i]), gemm_own_force_isa(isas[i]), isas[i]);
    sizes(isas[i]);
    scalars(isas[i]);
    fused(isas[i]);
  }
  gemm_own_force_isa(NULL);
  RUN(linear);
  return 0;
}
