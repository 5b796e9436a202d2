/* blas.c — finding a CBLAS library at run time and deciding whether to trust it (blas.h). */
#include "blas.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "i18n.h"
#include "mem.h"
#include "parallel.h"
#include "platform.h"
#include "tensor.h"

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
enum { SLOW_FACTOR = 8 }; /* a library this many times slower than nn's kernel is slow */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static BlasChoice choice; /* written once under `once`, then only read */
static atomic_bool made;

/* ---- the checks ---- */

/* Deterministic values in [-1, 1) (no RNG state shared with scripts). */
static void fill(float *x, int64_t n, uint32_t seed) {
  for (int64_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
  }
}

static void lib_gemm(BlasSgemm *f, int ta, int tb, int M, int N, int K, float alpha,
                     const float *A, const float *B, float beta, float *C) {
  f(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, M, N, K, alpha, A, ta ? M : K, B,
    tb ? K : N, beta, C, N);
}

/* Does the library compute C = alpha·op(A)·op(B) + beta·C like the naive kernel, on
   shapes that exercise a SIMD kernel's tails (not multiples of 4, 8, 16) and edges, every
   transpose, beta 0 (with NaN in C, which must be ignored) and 1? Tolerance: 1e-5 of
   Σ_k |a||b| per element, far above float rounding, far below any wrong kernel. */
static bool results_right(BlasSgemm *f) {
  static const int shapes[][3] = {{1, 1, 1}, {5, 3, 7}, {37, 45, 29}, {64, 48, 100}, {17, 130, 33}};
  bool ok = true;
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes && ok; s++) {
    int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
    float *A = rt_malloc((size_t)M * K * sizeof *A), *B = rt_malloc((size_t)K * N * sizeof *B);
    float *C = rt_malloc((size_t)M * N * sizeof *C), *R = rt_malloc((size_t)M * N * sizeof *R);
    float *Aabs = rt_malloc((size_t)M * K * sizeof *A), *Babs = rt_malloc((size_t)K * N * sizeof *B);
    float *S = rt_malloc((size_t)M * N * sizeof *S);
    fill(A, (int64_t)M * K, 1u + (uint32_t)s);
    fill(B, (int64_t)K * N, 101u + (uint32_t)s);
    for (int64_t i = 0; i < (int64_t)M * K; i++) Aabs[i] = fabsf(A[i]);
    for (int64_t i = 0; i < (int64_t)K * N; i++) Babs[i] = fabsf(B[i]);
    for (int ta = 0; ta < 2 && ok; ta++)
      for (int tb = 0; tb < 2 && ok; tb++)
        for (int beta = 0; beta < 2 && ok; beta++) {
          fill(C, (int64_t)M * N, 7u);
          if (!beta) C[0] = NAN;
          memcpy(R, C, (size_t)M * N * sizeof *R);
          lib_gemm(f, ta, tb, M, N, K, 0.75f, A, B, (float)beta, C);
          t_gemm_naive(ta, tb, M, N, K, 0.75f, A, B, (float)beta, R);
          t_gemm_naive(ta, tb, M, N, K, 1, Aabs, Babs, 0, S);
          for (int64_t i = 0; i < (int64_t)M * N && ok; i++)
            ok = fabsf(C[i] - R[i]) <= 1e-5f * (S[i] + 1.0f);
        }
    rt_free(A), rt_free(B), rt_free(C), rt_free(R), rt_free(Aabs), rt_free(Babs), rt_free(S);
  }
  return ok;
}

/* The speed probe: a 256×256×256 product, large enough that a library's per-call cost
   (waking its threads) does not decide, small enough that the reference BLAS takes
   ~20 ms. nn's kernel and the library (NULL: nn's kernel alone) run in turns after one
   warm-up call each (where OpenBLAS starts its threads), so a busy machine slows both
   alike; the best of five turns each, in GFLOP/s, into *own and *lib. A library 20×
   slower than nn's kernel on its first timed turn is not timed further. */
static void speed(BlasSgemm *f, double *own, double *lib) {
  enum { M = 256, N = 256, K = 256 };
  float *A = rt_malloc(M * K * sizeof *A), *B = rt_malloc(K * N * sizeof *B);
  float *C = rt_malloc(M * N * sizeof *C);
  fill(A, M * K, 3u);
  fill(B, K * N, 5u);
  double flops = 2.0 * M * N * K, best_own = INFINITY, best_lib = INFINITY;
  for (int r = 0; r < 6; r++) {
    double t0 = pf_clock();
    gemm_own(0, 0, M, N, K, 1, A, B, 0, C);
    double t1 = pf_clock();
    if (f) lib_gemm(f, 0, 0, M, N, K, 1, A, B, 0, C);
    double t2 = pf_clock();
    if (r == 0) continue;
    if (t1 - t0 < best_own) best_own = t1 - t0;
    if (t2 - t1 < best_lib) best_lib = t2 - t1;
    if (f && best_lib > 20 * best_own) break;
  }
  rt_free(A), rt_free(B), rt_free(C);
  *own = best_own > 0 ? flops / best_own / 1e9 : INFINITY;
  *lib = best_lib > 0 ? flops / best_lib / 1e9 : INFINITY;
}

/* ---- loading ---- */

/* OpenBLAS's kernel for this CPU when the user has not chosen: SkylakeX on AVX-512
   (1.7× Haswell's speed on this project's machine), Haswell on AVX2 + FMA. Debian's
   OpenBLAS picks by CPU model, and a model it does not know (new AMD and Intel parts)
   gets a slow generic kernel, or on some older builds a wrong one. */
static const char *coretype_for_cpu(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return NULL;
}

/* Sets NAME=VALUE for the duration of a load, remembering what to put back. */
typedef struct {
  const char *name;
  char *saved;
  bool set;
} EnvHold;

static void env_hold(EnvHold *h, const char *name, const char *value) {
  const char *old = getenv(name);
  h->name = name;
  h->saved = old ? rt_strdup(old) : NULL;
  h->set = true;
  setenv(name, value, 1);
}

static void env_release(EnvHold *h) {
  if (!h->set) return;
  if (h->saved) setenv(h->name, h->saved, 1);
  else unsetenv(h->name);
  rt_free(h->saved);
  h->set = false;
}

static void note(const char *fmt, const char *a, double x) {
  size_t used = strlen(choice.note);
  if (used + 2 >= sizeof choice.note) return;
  snprintf(choice.note + used, sizeof choice.note - used, fmt, a, x);
}

/* The library's name and kernel, through OpenBLAS's own functions when it has them. */
static void describe_library(const char *file, bool fresh) {
  typedef char *Str(void);
  typedef int Int(void);
  Str *config = (Str *)(fresh ? NULL : pf_load_symbol(file, "openblas_get_config"));
  Str *corename = (Str *)(fresh ? NULL : pf_load_symbol(file, "openblas_get_corename"));
  Int *threads = (Int *)(fresh ? NULL : pf_load_symbol(file, "openblas_get_num_threads"));
  if (config) {
    /* "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …": the first two words */
    const char *c = config();
    const char *sp = strchr(c, ' ');
    sp = sp ? strchr(sp + 1, ' ') : NULL;
    int len = sp ? (int)(sp - c) : (int)strlen(c);
    snprintf(choice.library, sizeof choice.library, "%.*s", len, c);
  } else {
    snprintf(choice.library, sizeof choice.library, "%s", file);
  }
  if (corename) snprintf(choice.core, sizeof choice.core, "%s", corename());
  if (threads) choice.lib_threads = threads();
}

/* Loads LIB (a fresh copy when `fresh`) with OPENBLAS_CORETYPE = core (NULL: as the
   environment has it) and OpenBLAS's threads taught to sleep soon after each call. */
static BlasSgemm *load(const char *lib, const char *core, bool fresh) {
  EnvHold ct = {0}, timeout = {0}, nthreads = {0};
  if (core) env_hold(&ct, "OPENBLAS_CORETYPE", core);
  /* OpenBLAS's idle threads spin for 2^28 cycles (~0.1 s) after each call by default,
     taking the core nn's own pool works on; 2^14 is a few µs. The user's setting wins. */
  if (!getenv("OPENBLAS_THREAD_TIMEOUT")) env_hold(&timeout, "OPENBLAS_THREAD_TIMEOUT", "14");
  if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS")) {
    char n[16];
    snprintf(n, sizeof n, "%d", par_threads());
    env_hold(&nthreads, "OPENBLAS_NUM_THREADS", n);
  }
  void *f = fresh ? pf_load_symbol_fresh(lib, "cblas_sgemm") : pf_load_symbol(lib, "cblas_sgemm");
  env_release(&ct);
  env_release(&timeout);
  env_release(&nthreads);
  return (BlasSgemm *)f;
}

/* Tries one library: loaded, right, and fast enough (or forced). True when chosen. */
static bool try_library(const char *file, bool forced) {
  const char *user_core = getenv("OPENBLAS_CORETYPE");
  const char *core = user_core && *user_core ? NULL : coretype_for_cpu();
  bool openblas = strstr(file, "openblas") != NULL;
  BlasSgemm *f = load(file, openblas ? core : NULL, false);
  if (!f) {
    if (forced) note(_("NN_BLAS=%s: not found; "), file, 0);
    return false;
  }
  bool fresh = false;
  if (!results_right(f)) {
    /* OpenBLAS's AVX-512 kernels wrong on this CPU: a second copy with Haswell's. */
    if (openblas && core && !strcmp(core, "SkylakeX")) {
      note(_("OpenBLAS's SkylakeX kernel failed the self-check%s; "), "", 0);
      f = load(file, "Haswell", true);
      fresh = true;
    } else {
      f = NULL;
    }
    if (!f || !results_right(f)) {
      note(_("%s computes wrong results on this CPU: not used; "), file, 0);
      return false;
    }
  }
  double own, lib;
  speed(f, &own, &lib);
  choice.own_gflops = own;
  /* A library under an eighth of nn's kernel's speed is a slow path: Debian's reference
     BLAS is 1/25 to 1/100 of it; OpenBLAS is a third to all of it at this size (waking its
     threads costs it most), and timing noise on a busy machine stays inside the factor. */
  if (lib < own / SLOW_FACTOR && !forced) {
    note(_("%s not used: %.0f× slower than nn's kernel; "), file, own / lib);
    return false;
  }
  choice.lib_gflops = lib;
  describe_library(file, fresh);
  if (fresh) snprintf(choice.core, sizeof choice.core, "Haswell");
  else if (openblas && !choice.core[0] && core) snprintf(choice.core, sizeof choice.core, "%s", core);
  /* A right, fast library that nn's own SIMD kernel still beats stays unused (and the
     search ends: it is the best library here). */
  if (!forced && strcmp(gemm_own_isa(), "portable") && lib <= own) return true;
  choice.sgemm = f;
  choice.all_products = forced || !strcmp(gemm_own_isa(), "portable");
  if (lib < own / SLOW_FACTOR) {
    choice.slow = true;
    note(_("%s (NN_BLAS) is %.0f× slower than nn's own kernel; "), file, own / lib);
  }
  return true;
}

static void choose(void) {
  double unused;
  speed(NULL, &choice.own_gflops, &unused);
#if defined(__x86_64__)
  /* nn's kernel without AVX2 is the portable C one: about a tenth of this CPU's speed
     unless a library does better. */
  bool own_slow = !strcmp(gemm_own_isa(), "portable");
#else
  bool own_slow = false; /* the web build: the portable kernel is all there is */
#endif
#ifdef NN_NO_BLAS
  const char *want = "none"; /* a build without libraries (make BLAS=0, the web) */
#else
  const char *want = getenv("NN_BLAS");
#endif
  if (want && *want) {
    if (strcmp(want, "none") && strcmp(want, "0")) try_library(want, true);
  } else {
    static const char *const libs[] = {"libopenblas.so.0", "libblas.so.3"};
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++)
      if (try_library(libs[i], false)) break;
  }
  if (!choice.sgemm && own_slow) choice.slow = true;
  /* drop the trailing "; " */
  size_t n = strlen(choice.note);
  if (n >= 2 && !strcmp(choice.note + n - 2, "; ")) choice.note[n - 2] = 0;
  atomic_store(&made, true);
}

const BlasChoice *blas_choice(void) {
  pthread_once(&once, choose);
  return &choice;
}

/* Appends to buf [n] at *used, truncating quietly. */
static void append(char *buf, int n, int *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char *buf, int n, int *used, const char *fmt, ...) {
  if (*used >= n - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *used, (size_t)(n - *used), fmt, ap);
  va_end(ap);
  if (k > 0) *used = *used + k < n - 1 ? *used + k : n - 1;
}

const BlasChoice *blas_choice_if_made(void) { return atomic_load(&made) ? &choice : NULL; }

void blas_describe(char *buf, int n) {
  const BlasChoice *c = blas_choice();
  int used = 0, threads = par_threads();
  if (n <= 0) return;
  buf[0] = 0;
  append(buf, n, &used, _("nn's %s kernel (threads: %d)"), gemm_own_isa(), threads);
  if (c->library[0]) {
    append(buf, n, &used, "; %s", c->library);
    if (c->core[0] || c->lib_threads) {
      append(buf, n, &used, " (%s", c->core);
      if (c->lib_threads)
        append(buf, n, &used, _("%sthreads: %d"), c->core[0] ? ", " : "", c->lib_threads);
      append(buf, n, &used, ")");
    }
    if (c->sgemm)
      append(buf, n, &used, " %s", c->all_products ? _("for all but small products") : _("for large products"));
    else
      append(buf, n, &used, _(" checked, not used: nn's kernel is faster here (%.0f against %.0f GFLOP/s)"),
             c->own_gflops, c->lib_gflops);
  }
  if (c->note[0]) append(buf, n, &used, " [%s]", c->note);
}
