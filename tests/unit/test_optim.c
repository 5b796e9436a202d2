/* test_optim.c — the optimizer kernels (runtime/optim.c): one step against values worked
 * out by hand from the notes' formulas, and each vector loop (AVX-512, AVX2, where the
 * CPU has it) against the scalar loop, bit for bit, over sizes that reach the tails.
 * (tests/ref/optim_kernels.nn compares the kernels with their nn declarations.) */
#include <stdlib.h>

#include "check.h"

#include "optim.h"

static const char *const kernel_names[] = {
#define X(name, states, hyper) #name,
    OPT_KERNEL_LIST(X)
#undef X
};
#define N_KERNELS (int)(sizeof kernel_names / sizeof kernel_names[0])

static OptHyper hyper(double lr, double u, double rho, double delta, double decay, double t) {
  double x[OPT_N_HYPER] = {0};
  x[OPT_BIT_lr] = lr, x[OPT_BIT_u] = u, x[OPT_BIT_rho] = rho, x[OPT_BIT_delta] = delta;
  x[OPT_BIT_decay] = decay;
  OptHyper h;
  opt_hyper_set(&h, x, t);
  return h;
}

/* One step from w = 1 with g = 0.5 and zero state, t = 1. */
static void first_steps(void) {
  struct { const char *name; double want; } cases[] = {
      {"sgd", 1 - 0.1 * 0.5},                               /* w − ε·g */
      {"momentum", 1 - 0.1 * 0.5},                          /* v = g */
      {"nesterov", 1 - 0.1 * (0.5 + 0.9 * 0.5)},            /* w − ε·(g + u·v) */
      {"adagrad", 1 - 0.1 / (0.5 + 1e-5) * 0.5},            /* r = g² */
      {"rmsprop", 1 - 0.1 / (sqrt(0.001 * 0.25) + 1e-5) * 0.5}, /* r = (1 − ρ)·g², ρ = .999 */
      {"adam", 1 - 0.1 / (0.5 + 1e-5) * 0.5},               /* bias-corrected: vh = g, rh = g² */
      {"adamw", (1 - 0.1 * 0.01) - 0.1 / (0.5 + 1e-5) * 0.5},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const OptKernel *k = opt_kernel_find(cases[i].name);
    if (!check_true(NAME("kernel %s exists", cases[i].name), k != NULL, "not in the table")) continue;
    OptHyper h = hyper(0.1, 0.9, 0.999, 1e-5, 0.01, 1);
    float w = 1, g = 0.5f, s0 = 0, s1 = 0;
    float *s[2] = {&s0, &s1};
    k->update(&h, &w, &g, s, 1);
    check_num(NAME("%s: one step from w = 1, g = 0.5", cases[i].name), w, cases[i].want, 1e-6);
  }
  check_true("an unknown kernel is NULL", opt_kernel_find("adamax") == NULL, "found");
}

/* Five steps of every kernel on n values with each loop limit; all equal the scalar's. */
static void loops_agree(void) {
  enum { MAXN = 67, STEPS = 5 };
  OptIsa isas[] = {OPT_ISA_AVX2, OPT_ISA_AVX512, OPT_ISA_BEST};
  const char *isa_names[] = {"avx2", "avx512", "best"};
  for (int ki = 0; ki < N_KERNELS; ki++) {
    const OptKernel *k = opt_kernel_find(kernel_names[ki]);
    for (int n = 1; n <= MAXN; n += 11) {
      float ref[3][MAXN] = {{0}}, got[3][MAXN] = {{0}}, g[MAXN];
      for (int li = -1; li < 3; li++) { /* -1: the scalar reference */
        float (*out)[MAXN] = li < 0 ? ref : got;
        for (int j = 0; j < n; j++) out[0][j] = sinf((float)j) + 0.5f, out[1][j] = out[2][j] = 0;
        opt_limit_isa(li < 0 ? OPT_ISA_SCALAR : isas[li]);
        for (int t = 1; t <= STEPS; t++) {
          for (int j = 0; j < n; j++) g[j] = cosf((float)(j * t)) * (j % 3 ? 1.0f : 1e-3f);
          OptHyper h = hyper(0.05, 0.8, 0.99, 1e-6, 0.1, t);
          float *s[2] = {out[1], out[2]};
          k->update(&h, out[0], g, s, n);
        }
        if (li >= 0)
          check_true(NAME("%s: the %s loops equal the scalar one on %d values", k->name,
                          isa_names[li], n),
                     !memcmp(ref, got, sizeof ref), "the updates differ");
      }
    }
  }
  opt_limit_isa(OPT_ISA_BEST);
}

/* opt_run splits a large parameter across threads (chunks start at odd offsets, so the
   vector loops run from unaligned addresses with tails in the middle): three steps equal
   the kernel's own loop over the whole array, bit for bit. */
static void split_agrees(void) {
  enum { N = 300007, STEPS = 3 };
  for (int ki = 0; ki < N_KERNELS; ki++) {
    const OptKernel *k = opt_kernel_find(kernel_names[ki]);
    float *a = calloc(3 * N, sizeof *a), *b = calloc(3 * N, sizeof *b), *g = malloc(N * sizeof *g);
    for (int j = 0; j < N; j++) a[j] = b[j] = sinf((float)j) + 0.5f;
    for (int t = 1; t <= STEPS; t++) {
      for (int j = 0; j < N; j++) g[j] = cosf((float)(j * t)) * (j % 3 ? 1.0f : 1e-3f);
      OptHyper h = hyper(0.05, 0.8, 0.99, 1e-6, 0.1, t);
      float *sa[2] = {a + N, a + 2 * N}, *sb[2] = {b + N, b + 2 * N};
      k->update(&h, a, g, sa, N);
      opt_run(k, &h, b, g, sb, 2, N);
    }
    check_true(NAME("%s: opt_run over %d values equals one loop", k->name, N),
               !memcmp(a, b, 3 * N * sizeof *a), "the split update differs");
    free(a), free(b), free(g);
  }
}

int main(void) {
  first_steps();
  loops_agree();
  split_agrees();
  return 0;
}
