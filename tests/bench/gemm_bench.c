/* gemm_bench.c — GFLOP/s of nn's own gemm (gemm.h) against OpenBLAS's cblas_sgemm
 * (dlopen "libopenblas.so.0"; OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS as in the
 * environment) and the naive kernel, on the products of the Fashion-MNIST MLP
 * (784-H-128-10, H = 256 or 1024, batch 16/64/256: forward and backward) and of
 * examples/fashion_cnn.nn's convolutions. Threads: par_threads() (NN_THREADS).
 *   make gemm-bench                      (runs it with 1 and then 2 threads)
 *   build/bench/gemm_bench [-4] [-q]     -4: all four transposes of every shape;
 *                                        -q: skip the naive kernel
 * Own and OpenBLAS are timed alternately, best of 15 rounds of ≥ 5 ms each, so that
 * load from other processes hits both alike; one thread is timed in thread CPU time. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemm.h"
#include "parallel.h"
#include "tensor.h"

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void Sgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C,
                   int ldc);
static Sgemm *blas;

typedef struct {
  int ta, tb;
  int64_t M, N, K;
  const float *A, *B;
  float *C;
} Prod;

/* With one thread, the CPU time of this thread (OpenBLAS with one thread runs on the
   caller too): the other processes of a loaded machine then cost cache, not the time
   they run. With more, wall time. */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void) {
  struct timespec t;
  clock_gettime(clock_id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void run(int which, const Prod *p) {
  if (which == 0)
    gemm_own(p->ta, p->tb, p->M, p->N, p->K, 1, p->A, p->B, 0, p->C);
  else if (which == 1)
    blas(ROW_MAJOR, p->ta ? TRANS : NO_TRANS, p->tb ? TRANS : NO_TRANS, (int)p->M, (int)p->N,
         (int)p->K, 1, p->A, (int)(p->ta ? p->M : p->K), p->B, (int)(p->tb ? p->K : p->N), 0,
         p->C, (int)p->N);
  else
    t_gemm_naive(p->ta, p->tb, p->M, p->N, p->K, 1, p->A, p->B, 0, p->C);
}

/* seconds per call of each kernel (own, blas, naive), best over interleaved rounds */
static void measure(const Prod *p, int n_kernels, double best[3]) {
  int reps[3];
  for (int w = 0; w < n_kernels; w++) {
    best[w] = INFINITY;
    double t0 = now();
    run(w, p);
    double t = now() - t0;
    reps[w] = t > 0.005 ? 1 : (int)(0.005 / (t > 1e-7 ? t : 1e-7)) + 1;
  }
  for (int round = 0; round < 15; round++)
    for (int w = 0; w < n_kernels; w++) {
      if (w == 2 && round >= 2) continue; /* the naive kernel is the slow reference */
      double t0 = now();
      for (int r = 0; r < reps[w]; r++) run(w, p);
      double t = (now() - t0) / reps[w];
      if (t < best[w]) best[w] = t;
    }
}

typedef struct {
  const char *what;
  int ta, tb;
  int64_t M, N, K;
} Shape;

static void row(const Shape *s, int ta, int tb, int naive, float *A, float *B, float *C) {
  Prod p = {ta, tb, s->M, s->N, s->K, A, B, C};
  double t[3] = {0, 0, 0};
  measure(&p, naive ? 3 : 2, t);
  double flop = 2.0 * (double)s->M * (double)s->N * (double)s->K;
  char shape[64];
  snprintf(shape, sizeof shape, "%lldx%lldx%lld", (long long)s->M, (long long)s->N,
           (long long)s->K);
  printf("%-26s %-15s %c%c%s %8.1f %8.1f ", s->what, shape, ta ? 'T' : 'N', tb ? 'T' : 'N',
         ta == s->ta && tb == s->tb ? "*" : " ", flop / t[0] * 1e-9, flop / t[1] * 1e-9);
  if (naive) printf("%8.1f", flop / t[2] * 1e-9);
  else printf("%8s", "-");
  printf("  %5.2f%s\n", t[1] / t[0], t[1] / t[0] >= 1 ? "" : "  <- OpenBLAS faster");
}

int main(int argc, char **argv) {
  int all4 = 0, naive = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-4") == 0) all4 = 1;
    else if (strcmp(argv[i], "-q") == 0) naive = 0;
    else {
      fprintf(stderr, "usage: gemm_bench [-4] [-q]\n");
      return 2;
    }
  }
  void *lib = dlopen("libopenblas.so.0", RTLD_NOW);
  blas = lib ? (Sgemm *)dlsym(lib, "cblas_sgemm") : NULL;
  if (!blas) {
    fprintf(stderr, "gemm_bench: libopenblas.so.0 not found (make deps)\n");
    return 1;
  }
  const char *core = getenv("OPENBLAS_CORETYPE"), *nt = getenv("OPENBLAS_NUM_THREADS");
  char *(*config)(void) = (char *(*)(void))dlsym(lib, "openblas_get_config");
  char *(*corename)(void) = (char *(*)(void))dlsym(lib, "openblas_get_corename");
  printf("own gemm: %s, %d thread(s) | OpenBLAS %s, core %s (OPENBLAS_CORETYPE=%s), "
         "OPENBLAS_NUM_THREADS=%s\n",
         gemm_own_isa(), par_threads(), config ? config() : "?", corename ? corename() : "?",
         core ? core : "(unset)", nt ? nt : "(unset)");
  if (par_threads() == 1 && (!nt || strcmp(nt, "1") == 0)) clock_id = CLOCK_THREAD_CPUTIME_ID;
  printf("%s; GFLOP/s; * = the transposes the layer uses; ratio = own speed / OpenBLAS's\n",
         clock_id == CLOCK_MONOTONIC ? "wall time" : "thread CPU time");
  printf("%-26s %-15s %-3s %8s %8s %8s  %5s\n", "product", "MxNxK", "op", "own", "openblas",
         "naive", "ratio");

  Shape shapes[128];
  int n = 0;
  static const int64_t batches[] = {16, 64, 256}, hidden[] = {256, 1024};
  static char names[128][40];
  for (int h = 0; h < 2; h++)
    for (int b = 0; b < 3; b++) {
      int64_t B = batches[b], H = hidden[h];
#define ADD(fmt, ta_, tb_, m, nn_, k)                                              \
  do {                                                                             \
    snprintf(names[n], sizeof names[n], fmt " b%lld h%lld", (long long)B, (long long)H); \
    shapes[n] = (Shape){names[n], ta_, tb_, m, nn_, k};                           \
    n++;                                                                           \
  } while (0)
      ADD("fc1 y=x.W", 0, 0, B, H, 784);
      ADD("fc1 dW=x^T.dy", 1, 0, 784, H, B);
      ADD("fc2 y=h.W", 0, 0, B, 128, H);
      ADD("fc2 dW=h^T.dy", 1, 0, H, 128, B);
      ADD("fc2 dx=dy.W^T", 0, 1, B, H, 128);
      ADD("fc3 y=h.W", 0, 0, B, 10, 128);
      ADD("fc3 dW=h^T.dy", 1, 0, 128, 10, B);
      ADD("fc3 dx=dy.W^T", 0, 1, B, 128, 10);
#undef ADD
    }
  shapes[n++] = (Shape){"conv1 w.col", 0, 0, 16, 784, 9};
  shapes[n++] = (Shape){"conv1 dw=dy.col^T", 0, 1, 16, 9, 784};
  shapes[n++] = (Shape){"conv1 dcol=w^T.dy", 1, 0, 9, 784, 16};
  shapes[n++] = (Shape){"conv2 w.col", 0, 0, 32, 196, 144};
  shapes[n++] = (Shape){"conv2 dw=dy.col^T", 0, 1, 32, 144, 196};
  shapes[n++] = (Shape){"conv2 dcol=w^T.dy", 1, 0, 144, 196, 32};

  Rng rng;
  rng_seed(&rng, 1);
  size_t most = 0;
  for (int i = 0; i < n; i++) {
    size_t m = (size_t)(shapes[i].M * shapes[i].K + shapes[i].K * shapes[i].N +
                        shapes[i].M * shapes[i].N);
    if (m > most) most = m;
  }
  float *buf = malloc(most * sizeof *buf);
  for (size_t i = 0; i < most; i++) buf[i] = (float)rng_normal(&rng);
  for (int i = 0; i < n; i++) {
    const Shape *s = &shapes[i];
    float *A = buf, *B = A + s->M * s->K, *C = B + s->K * s->N;
    if (all4 || strstr(s->what, "b64 h256") || strstr(s->what, "conv2"))
      for (int t = 0; t < 4; t++) row(s, t >> 1, t & 1, naive, A, B, C);
    else row(s, s->ta, s->tb, naive, A, B, C);
  }
  free(buf);
  return 0;
}
