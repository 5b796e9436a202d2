/* matmul.c — matrix products: the portable gemm (the oracle), the dispatch between nn's
   own kernel and a library, NumPy's matmul. */
#include "tensor.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "error.h"
#include "gemm.h"

/* ---- portable kernel (the oracle and the fallback) ---- */

/* Σ_k a[k·sa]·b[k] with eight partial sums, so the loop vectorises without
   -ffast-math (the partials are the reassociation done by hand). */
static float dot(const float *a, int64_t sa, const float *b, int64_t n) {
  float p[8] = {0};
  int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int u = 0; u < 8; u++) p[u] += a[(k + u) * sa] * b[k + u];
  float s = 0;
  for (; k < n; k++) s += a[k * sa] * b[k];
  for (int u = 0; u < 8; u++) s += p[u];
  return s;
}

/* C [M, N] = alpha·op(A)·op(B) + beta·C. Without trans_b: i-k-j order, so the inner
   loop runs along a row of B and a row of C (both contiguous). With trans_b, B is
   [N, K] and each C[i, j] is a dot product of contiguous rows. beta = 0 ignores
   what C held (NaN included), as BLAS does. */
void t_gemm_naive(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                  const float *A, const float *B, float beta, float *C) {
  /* A(i, k) is A[i·K + k], or A[k·M + i] when A is stored transposed as [K, M] */
  int64_t ai = trans_a ? 1 : K, ak = trans_a ? M : 1;
  for (int64_t i = 0; i < M; i++) {
    float *c = C + i * N;
    if (beta == 0) memset(c, 0, (size_t)N * sizeof *c);
    else if (beta != 1)
      for (int64_t j = 0; j < N; j++) c[j] *= beta;
    if (!trans_b) {
      for (int64_t k = 0; k < K; k++) {
        float aik = alpha * A[i * ai + k * ak];
        const float *b = B + k * N;
        for (int64_t j = 0; j < N; j++) c[j] += aik * b[j];
      }
    } else {
      for (int64_t j = 0; j < N; j++) c[j] += alpha * dot(A + i * ai, ak, B + j * K, K);
    }
  }
}

/* ---- the dispatch: nn's own kernel, or a trusted library (blas.h) ---- */

int t_blas_available(const char **name) {
  const BlasChoice *c = blas_choice();
  if (name) *name = c->sgemm ? c->library : "none";
  return c->sgemm != NULL;
}

/* Who computes a product of M×N×K multiply-adds. */
typedef enum { BY_LOOP, BY_LIBRARY, BY_OWN } Route;

static Route route(int64_t M, int64_t N, int64_t K) {
  /* Below ~32k multiply-adds (the REPL's products, a 2-D optimizer path's, the course's
     small networks) the portable loop runs: it costs less than packing panels or a
     library call's set-up, and its rounding (a multiply, then an add, in k order) is what
     the teaching examples' printed digits were written with. */
  if ((double)M * (double)N * (double)K < 32768) return BY_LOOP;
  const BlasChoice *c = blas_choice();
  bool fits = M <= INT_MAX && N <= INT_MAX && K <= INT_MAX;
  if (c->sgemm && fits &&
      (c->all_products || (M >= BLAS_LARGE && N >= BLAS_LARGE && K >= BLAS_LARGE)))
    return BY_LIBRARY;
  return BY_OWN;
}

void t_gemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
            const float *A, const float *B, float beta, float *C) {
  switch (route(M, N, K)) {
  case BY_LOOP:
    t_gemm_naive(trans_a, trans_b, M, N, K, alpha, A, B, beta, C);
    return;
  case BY_LIBRARY: {
    enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
    int lda = (int)(trans_a ? M : K), ldb = (int)(trans_b ? K : N);
    blas_choice()->sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS,
                         (int)M, (int)N, (int)K, alpha, A, lda, B, ldb, beta, C, (int)N);
    return;
  }
  case BY_OWN:
    gemm_own(trans_a, trans_b, M, N, K, alpha, A, B, beta, C);
    return;
  }
}

void t_gemm_bias_act(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, const float *A,
                     const float *B, const float *bias, GemmAct act, float *C) {
  if (route(M, N, K) == BY_OWN) {
    gemm_own_bias_act(trans_a, trans_b, M, N, K, A, B, bias, act, C);
    return;
  }
  /* the product, then the epilogue as the separate ops compute it: (x·W) + b, then relu
     (F_RELU: the value when > 0 or NaN, else +0) */
  t_gemm(trans_a, trans_b, M, N, K, 1, A, B, 0, C);
  if (!bias && act == GEMM_ACT_NONE) return;
  for (int64_t i = 0; i < M; i++) {
    float *c = C + i * N;
    if (bias)
      for (int64_t j = 0; j < N; j++) c[j] = c[j] + bias[j];
    if (act == GEMM_ACT_RELU)
      for (int64_t j = 0; j < N; j++) c[j] = c[j] > 0 || c[j] != c[j] ? c[j] : 0.0f;
  }
}

/* ---- matmul with NumPy's rules ---- */

/* A product larger than this many multiply-adds (a second or so of one core) runs in
   parts with a check for Ctrl-C between them: one `x @ x` of 8000×8000 matrices must
   not be a minute nothing can stop. */
#define MATMUL_PANEL_MACS 4294967296.0

/* Between two parts of a product: on Ctrl-C (error.h) free the unfinished y and throw.
   Only the flag is read (no pf_poll): a page's poll may wait for its live frames. */
static void interrupt_point(Tensor *y) {
  if (!rt_interrupted) return;
  RtFrame f;
  if (RT_TRY(&f)) {
    rt_check_interrupt();
    rt_pop(&f);
  } else {
    rt_pop(&f);
    t_release(y);
    rt_rethrow();
  }
}

/* a: [..., M, K] (or [K]), b: [..., K, N] (or [K]) → [..., M, N] without the axes
   that came from 1-D operands. */
Tensor *t_matmul(const Tensor *a, const Tensor *b) {
  char s1[96], s2[96], s3[96], s4[96];
  t_shape_str(a->ndim, a->shape, s1, 96);
  t_shape_str(b->ndim, b->shape, s2, 96);
  if (a->ndim == 0 || b->ndim == 0)
    rt_throw("matmul: %s @ %s: 0-d operands are not allowed (use * to scale)", s1, s2);
  int na = a->ndim >= 2 ? a->ndim - 2 : 0, nb = b->ndim >= 2 ? b->ndim - 2 : 0;
  int64_t M = a->ndim >= 2 ? a->shape[a->ndim - 2] : 1, K = a->shape[a->ndim - 1];
  int64_t K2 = b->ndim >= 2 ? b->shape[b->ndim - 2] : b->shape[0];
  int64_t N = b->ndim >= 2 ? b->shape[b->ndim - 1] : 1;
  if (K != K2)
    rt_throw("matmul: %s @ %s: inner dimensions %lld and %lld differ", s1, s2, (long long)K,
             (long long)K2);
  /* batch axes broadcast like elementwise shapes */
  int n = na > nb ? na : nb;
  int64_t shape[T_MAXDIM] = {0};
  for (int i = 0; i < n; i++) {
    int64_t da = i - (n - na) >= 0 ? a->shape[i - (n - na)] : 1;
    int64_t db = i - (n - nb) >= 0 ? b->shape[i - (n - nb)] : 1;
    if (da != db && da != 1 && db != 1)
      rt_throw("matmul: %s @ %s: batch shapes %s and %s do not broadcast", s1, s2,
               t_shape_str(na, a->shape, s3, 96), t_shape_str(nb, b->shape, s4, 96));
    shape[i] = da == 1 ? db : da;
  }
  int nd = n;
  if (a->ndim >= 2) shape[nd++] = M;
  if (b->ndim >= 2) shape[nd++] = N;
  Tensor *y = t_new(nd, shape);
  if (y->size == 0) return y;

  int64_t batch = 1, bbatch = 1, sa[T_MAXDIM], sb[T_MAXDIM];
  for (int i = 0; i < n; i++) batch *= shape[i];
  for (int i = 0; i < nb; i++) bbatch *= b->shape[i];
  if (bbatch == 1) {
    /* [..., M, K] @ [K, N]: a's batches stacked are one [batch·M, K] matrix; a huge one
       in panels of rows (each row of y is the same whatever the panels) */
    int64_t rows = batch * M, panel = rows;
    if ((double)rows * N * K > MATMUL_PANEL_MACS) {
      panel = (int64_t)(MATMUL_PANEL_MACS / ((double)N * K));
      if (panel < BLAS_LARGE) panel = BLAS_LARGE;
    }
    for (int64_t r = 0; r < rows; r += panel) {
      if (r > 0) interrupt_point(y);
      int64_t m = rows - r < panel ? rows - r : panel;
      t_gemm(0, 0, m, N, K, 1, a->data + r * K, b->data, 0, y->data + r * N);
    }
    return y;
  }
  /* strides counted in matrices: the batch axes are a contiguous shape of their own */
  t_broadcast_strides(na, a->shape, n, shape, sa);
  t_broadcast_strides(nb, b->shape, n, shape, sb);
  int64_t idx[T_MAXDIM] = {0}, oa = 0, ob = 0;
  for (int64_t t = 0; t < batch; t++) {
    if (t > 0 && (double)M * N * K * t > MATMUL_PANEL_MACS) interrupt_point(y);
    t_gemm(0, 0, M, N, K, 1, a->data + oa * M * K, b->data + ob * K * N, 0,
           y->data + t * M * N);
    for (int i = n - 1; i >= 0; i--) {
      oa += sa[i];
      ob += sb[i];
      if (++idx[i] < shape[i]) break;
      oa -= sa[i] * shape[i];
      ob -= sb[i] * shape[i];
      idx[i] = 0;
    }
  }
  return y;
}
