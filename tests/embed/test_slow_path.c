/* test_slow_path.c — a training run on a slow matrix-product path says so, once per
 * session: NN_BLAS names a library (here a fake one served by the platform: right, but
 * 20 ms per product, as Debian's reference BLAS is next to nn's kernel), nn uses it as
 * asked, and the first train call warns with the kernels' description; the second says
 * nothing more. Without NN_BLAS the same script warns nothing (test_blas.c covers the
 * choice itself). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "gemm.h"
#include "interp.h"
#include "platform.h"

static char err[16384];
static size_t n_err;

static void cap_write(void *ctx, PfStream s, const char *text, size_t n) {
  if (s != PF_ERR || n_err + n >= sizeof err) return;
  memcpy(err + n_err, text, n);
  n_err += n;
  err[n_err] = 0;
}

static void slow_sgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc) {
  gemm_own(ta == 112, tb == 112, M, N, K, alpha, A, B, beta, C);
  nanosleep(&(struct timespec){0, 20000000}, NULL);
}

static void *fake_load(const char *lib, const char *sym) {
  return !strcmp(lib, "libslow.so") && !strcmp(sym, "cblas_sgemm") ? (void *)slow_sgemm : NULL;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

int main(void) {
  setenv("NN_BLAS", "libslow.so", 1);
  Platform p = {.name = "test", .write = cap_write, .load_symbol = fake_load};
  pf_set(&p);
  Interp I;
  interp_init(&I);
  /* products of 40·64·20 = 51200 multiply-adds: above the small ones, so they reach the
     library; two train calls */
  const char *script =
      "seed(1)\n"
      "model m() { dense(20, 64); relu; dense(64, 2); softmax }\n"
      "let net = m()\n"
      "let data = {x: randn(40, 20), y: floor(rand(40) * 2)}\n"
      "train(net, data, optimizer = sgd(lr = 0.1), epochs = 1, batch = 40, verbose = false)\n"
      "train(net, data, optimizer = sgd(lr = 0.1), epochs = 1, batch = 40, verbose = false)\n";
  int st = interp_run(&I, "slow.nn", script, strlen(script), NULL);
  check_int("the script runs", st, 0);
  check_int("one warning for two train calls", count(err, "matrix products run on a slow path here"), 1);
  check_true("it names the library and says it is slower", strstr(err, "libslow.so (NN_BLAS) is") &&
             strstr(err, "slower than nn's own kernel"), err);
  check_true("located at the first train call", strstr(err, "slow.nn:5:1: warning:") != NULL, err);
  interp_free(&I);
  return 0;
}
