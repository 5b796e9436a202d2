/* test_blas.c — the choice of a BLAS library (runtime/blas.h) with fake libraries served
 * by a test platform: a library computing wrong results is never used (OpenBLAS's
 * AVX-512 kernel wrong → a fresh copy with Haswell's), a slow one (Debian's reference
 * BLAS) is never used silently, NN_BLAS=LIB forces one and marks the path slow, and
 * NN_BLAS=none loads nothing. The choice is made once per process, so each scenario
 * runs in a child process. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "blas.h"
#include "check.h"
#include "gemm.h"
#include "platform.h"

static int loads, fresh_loads;
static char core_at_load[32], core_at_fresh[32], timeout_at_load[16];

/* Right: nn's own kernel behind the CBLAS interface (row-major only, as nn calls it). */
static void right_sgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                        const float *A, int lda, const float *B, int ldb, float beta, float *C,
                        int ldc) {
  gemm_own(ta == 112, tb == 112, M, N, K, alpha, A, B, beta, C);
}
/* Wrong in the last element of products with a tail, as a broken SIMD kernel would be. */
static void wrong_sgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                        const float *A, int lda, const float *B, int ldb, float beta, float *C,
                        int ldc) {
  right_sgemm(order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (N % 16) C[(int64_t)M * N - 1] += 0.5f;
}
/* Right but 20 ms per call: the reference BLAS next to a SIMD kernel. */
static void slow_sgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc) {
  right_sgemm(order, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  nanosleep(&(struct timespec){0, 20000000}, NULL);
}

static const char *scenario;

static void *fake_load(const char *lib, const char *sym) {
  if (strcmp(sym, "cblas_sgemm")) return NULL; /* no openblas_get_config etc. */
  loads++;
  const char *ct = getenv("OPENBLAS_CORETYPE"), *to = getenv("OPENBLAS_THREAD_TIMEOUT");
  snprintf(core_at_load, sizeof core_at_load, "%s", ct ? ct : "");
  snprintf(timeout_at_load, sizeof timeout_at_load, "%s", to ? to : "");
  if (!strcmp(lib, "libopenblas.so.0"))
    return !strcmp(scenario, "wrong") ? (void *)wrong_sgemm : NULL;
  if (!strcmp(lib, "libblas.so.3")) return (void *)slow_sgemm;
  return NULL;
}

static void *fake_fresh(const char *lib, const char *sym) {
  fresh_loads++;
  const char *ct = getenv("OPENBLAS_CORETYPE");
  snprintf(core_at_fresh, sizeof core_at_fresh, "%s", ct ? ct : "");
  return !strcmp(lib, "libopenblas.so.0") ? (void *)right_sgemm : NULL;
}

static int has_avx512(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

static void run(const char *name) {
  scenario = name;
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv("OPENBLAS_THREAD_TIMEOUT");
  unsetenv("NN_BLAS");
  if (!strcmp(name, "forced")) setenv("NN_BLAS", "libblas.so.3", 1);
  if (!strcmp(name, "none")) setenv("NN_BLAS", "none", 1);
  Platform p = {.name = "test", .load_symbol = fake_load, .load_symbol_fresh = fake_fresh};
  pf_set(&p);
  const BlasChoice *c = blas_choice();
  char line[512];
  blas_describe(line, sizeof line);
  if (!strcmp(name, "wrong")) {
    if (has_avx512()) {
      check_true("wrong SkylakeX: loaded first with OPENBLAS_CORETYPE=SkylakeX",
                 !strcmp(core_at_load, "SkylakeX"), core_at_load);
      check_true("wrong SkylakeX: a fresh copy with Haswell", fresh_loads == 1 && !strcmp(core_at_fresh, "Haswell"),
                 core_at_fresh);
      check_true("wrong SkylakeX: the fresh copy passes (used, or beaten by nn's kernel)",
                 c->sgemm != wrong_sgemm && c->library[0], line);
      check_true("wrong SkylakeX: blas() says Haswell and why", strstr(line, "(Haswell") &&
                 strstr(line, "SkylakeX kernel failed the self-check"), line);
    } else {
      check_true("wrong OpenBLAS (no AVX-512): not used", c->sgemm != wrong_sgemm && strstr(line, "wrong results"), line);
    }
    check_true("OpenBLAS's threads told to sleep soon (OPENBLAS_THREAD_TIMEOUT at load)",
               !strcmp(timeout_at_load, "14"), timeout_at_load);
    check_true("the environment is put back after the load",
               !getenv("OPENBLAS_CORETYPE") && !getenv("OPENBLAS_THREAD_TIMEOUT"), "left set");
  } else if (!strcmp(name, "slow")) {
    check_true("slow reference BLAS: not used", c->sgemm == NULL, line);
    check_true("slow reference BLAS: blas() says why", strstr(line, "libblas.so.3 not used") &&
               strstr(line, "slower than nn's kernel"), line);
  } else if (!strcmp(name, "forced")) {
    check_true("NN_BLAS=libblas.so.3: used as asked", c->sgemm == slow_sgemm && c->all_products, line);
    check_true("NN_BLAS=libblas.so.3: marked slow", c->slow && strstr(line, "slower than nn's own kernel"), line);
  } else {
    check_true("NN_BLAS=none: no library loaded", loads == 0 && c->sgemm == NULL, line);
  }
  /* products are right whatever was chosen */
  enum { M = 70, N = 530, K = 520 };
  float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
  float *C = malloc(sizeof(float) * M * N), *R = malloc(sizeof(float) * M * N);
  for (int i = 0; i < M * K; i++) A[i] = (float)((i * 37) % 11) / 11 - 0.5f;
  for (int i = 0; i < K * N; i++) B[i] = (float)((i * 53) % 13) / 13 - 0.5f;
  t_gemm(0, 1, M, N, K, 1, A, B, 0, C);
  t_gemm_naive(0, 1, M, N, K, 1, A, B, 0, R);
  double err = 0;
  for (int i = 0; i < M * N; i++) err = fmax(err, fabs(C[i] - R[i]));
  check_true(NAME("%s: t_gemm right after the choice (max error %.2g)", name, err), err < 1e-3, "wrong");
  free(A), free(B), free(C), free(R);
  fflush(stdout);
}

int main(void) {
  const char *names[] = {"wrong", "slow", "forced", "none"};
  for (int i = 0; i < 4; i++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      run(names[i]);
      _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    check_true(NAME("scenario %s ran to its end", names[i]), WIFEXITED(st) && WEXITSTATUS(st) == 0,
               "the child crashed");
  }
  return 0;
}
