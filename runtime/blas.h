/* blas.h — which kernel computes nn's matrix products, and why.
 *
 * t_gemm (tensor.h) sends every product either to nn's own kernel (gemm.h: AVX-512, AVX2
 * or portable C, by what the CPU has) or to a CBLAS library found at run time
 * (OpenBLAS first). A library is trusted only after two checks when it loads (on the
 * first product that needs it): its results match the naive kernel on awkward shapes
 * (tails, every transpose), and it is not far slower than nn's kernel on a 256³ product
 * (then it is a slow path, never used unless NN_BLAS names it). A right, fast library is
 * used for large products only where it beats nn's own SIMD kernel (for every product
 * above the small ones where nn has no SIMD kernel). So Debian's reference BLAS (libblas3, twenty times slower than OpenBLAS) is
 * never what nn silently runs on, and an OpenBLAS kernel that computes wrong results on
 * this CPU is replaced (SkylakeX → Haswell) or dropped.
 *
 * The environment:
 *   NN_BLAS=none        every product on nn's own kernel
 *   NN_BLAS=LIBRARY     only that library (a file name for dlopen, e.g. libblas.so.3):
 *                       used even when slow (the user asked), never when wrong
 *   OPENBLAS_CORETYPE   the user's choice of OpenBLAS kernel always wins
 *   OPENBLAS_NUM_THREADS / OMP_NUM_THREADS   OpenBLAS's threads (else NN_THREADS, else
 *                       every CPU, as nn's own pool)
 */
#ifndef NN_BLAS_H
#define NN_BLAS_H

#include <stdbool.h>

/* cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) */
typedef void BlasSgemm(int order, int ta, int tb, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc);

/* The side length from which a product counts as large (see all_products). */
enum { BLAS_LARGE = 512 };

typedef struct BlasChoice {
  BlasSgemm *sgemm;     /* the trusted library's sgemm, or NULL: nn's own kernel only */
  char library[64];     /* "OpenBLAS 0.3.21", "libblas.so.3": the library checked and
                           found right and fast (used when sgemm is set, else nn's kernel
                           beat it); "" when none passed */
  char core[32];        /* OpenBLAS's kernel ("SkylakeX", "Haswell"), else "" */
  int lib_threads;      /* the library's threads (0: unknown) */
  double lib_gflops;    /* the speed probe (256×256×256 product), 0 when not measured */
  double own_gflops;
  bool all_products;    /* the library takes every product above the small ones (it was
                           named by NN_BLAS, or nn's own kernel has no SIMD here); else
                           only large ones (all sides ≥ BLAS_LARGE), where it is strong */
  bool slow;            /* products run on a path far below this CPU's speed */
  char note[320];       /* libraries tried and not used, and why (English), or "" */
} BlasChoice;

/* The choice, made once per process on first call (thread-safe). */
const BlasChoice *blas_choice(void);
/* The choice if a product has already made it, else NULL (never loads anything). */
const BlasChoice *blas_choice_if_made(void);

/* One line for blas() and nn --version: what runs the products, e.g.
   "nn's avx512 kernel, 2 threads; OpenBLAS 0.3.21 (SkylakeX, 2 threads) for large products". */
void blas_describe(char *buf, int n);

#endif
