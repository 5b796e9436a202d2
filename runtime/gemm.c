/* gemm.c — nn's own gemm: the blocked driver (GotoBLAS/BLIS loops, packing, threads),
 * the portable micro-kernel and the run-time choice of ISA (gemm.h). */
#include "gemm.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_kernel.h"
#include "parallel.h"

/* ---- the portable micro-kernel: 4×8, GNU vector types (SSE2 on generic x86-64, wasm
   SIMD or scalar code elsewhere), vectorised without -ffast-math because the vectors are
   written out: each lane is one C element, summed over k in order. ---- */

enum { P_MR = 4, P_NR = 8 };
typedef float V4 __attribute__((vector_size(16)));

/* F_RELU of ops.c: NaN stays NaN, −0 and negatives become +0 */
static inline float relu1(float x) { return x > 0 ? x : x != x ? x : 0; }

static void kernel_portable(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
                            int64_t ldc, const GemmStore *st) {
  V4 acc[P_MR][2] = {{{0}}};
  for (int64_t k = 0; k < kc; k++) {
    V4 b0, b1;
    memcpy(&b0, b, sizeof b0);
    memcpy(&b1, b + 4, sizeof b1);
#pragma GCC unroll 4
    for (int r = 0; r < P_MR; r++) {
      acc[r][0] += a[r] * b0;
      acc[r][1] += a[r] * b1;
    }
    a += P_MR;
    b += ldb;
  }
  for (int r = 0; r < P_MR; r++) {
    float t[P_NR], *cr = c + r * ldc;
    memcpy(t, acc[r], sizeof t);
    for (int j = 0; j < P_NR; j++) {
      float v = st->alpha * t[j];
      if (st->beta != 0) v += st->beta * cr[j];
      if (st->bias) v += st->bias[j];
      cr[j] = st->relu ? relu1(v) : v;
    }
  }
}

/* ---- which kernel runs ---- */

typedef struct {
  const char *name;
  int mr, nr; /* the tile: MR rows × NR columns of C */
  GemmKernel *kernel;
  int avx2;   /* the AVX2 transposing pack (gemm_pack_transpose) runs here */
  int masked; /* the kernel takes tiles narrower than NR (GemmStore.cols) */
} Isa;

static const Isa isa_portable = {"portable", P_MR, P_NR, kernel_portable, 0, 0};
#if defined(__x86_64__)
static const Isa isa_avx2 = {"avx2", GEMM_AVX2_MR, GEMM_AVX2_NR, gemm_kernel_avx2, 1, 0};
static const Isa isa_avx512 = {"avx512", GEMM_AVX512_MR, GEMM_AVX512_NR, gemm_kernel_avx512,
                               1, 1};
/* C of at most 16 columns (the MLP's last layer): half of the 32-wide tile would idle */
static const Isa isa_avx512_n16 = {"avx512", GEMM_AVX512_N16_MR, 16, gemm_kernel_avx512_n16, 1,
                                   1};
#endif

static const Isa *isa_now;
static pthread_once_t isa_once = PTHREAD_ONCE_INIT;

/* The best kernel at or below `want` (NULL: the best there is) that this CPU runs. */
static const Isa *isa_pick(const char *want) {
  int rank = !want                         ? 2
             : strcmp(want, "portable") == 0 ? 0
             : strcmp(want, "avx2") == 0     ? 1
                                             : 2; /* "avx512", "" or a name we do not know */
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (rank >= 2 && __builtin_cpu_supports("avx512f")) return &isa_avx512;
  if (rank >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return &isa_avx2;
#endif
  (void)rank;
  return &isa_portable;
}

static void isa_init(void) { isa_now = isa_pick(getenv("NN_GEMM_ISA")); }

static const Isa *isa(void) {
  pthread_once(&isa_once, isa_init);
  return isa_now;
}

const char *gemm_own_isa(void) { return isa()->name; }

const char *gemm_own_force_isa(const char *want) {
  pthread_once(&isa_once, isa_init);
  isa_now = isa_pick(want);
  return isa_now->name;
}

/* ---- per-thread workspace ----
 * The blocks below bound every packed buffer, so each thread allocates its workspace
 * once, at its first product, and keeps it: hot loops allocate nothing. Every workspace
 * also hangs on a global list, so that memory of threads that ended stays reachable
 * (valgrind: "still reachable", not a leak). */

/* KC: the K block (a kc×NR micro-panel of B and kc×MR of A stay in L1); MC rows of A
   (MC×KC, in L2); NC columns of B (KC×NC = 512 KiB, in L2). MC is a multiple of every
   MR (16, 8, 6, 4) and NC of every NR (32, 16, 8), so tiles start at the same places of
   C whatever the split. TILE holds the largest tile (8×32, 16×16). */
enum { KC = 256, MC = 144, NC = 512, TILE = 8 * 32 };

typedef struct Work {
  struct Work *next;
  float *a;    /* [MC·KC] packed op(A) block: micro-panels [kc, MR] */
  float *b;    /* [KC·NC] packed op(B) block: micro-panels [kc, NR] */
  float *tile; /* [MR·NR] an edge tile before it is cut to size */
} Work;

static _Atomic(Work *) all_work;
static _Thread_local Work *my_work;

static Work *workspace(void) {
  if (my_work) return my_work;
  void *p;
  size_t head = 64, floats = (size_t)MC * KC + (size_t)KC * NC + TILE;
  if (posix_memalign(&p, 64, head + floats * sizeof(float)) != 0) return NULL;
  Work *w = p;
  w->a = (float *)((char *)p + head);
  w->b = w->a + (size_t)MC * KC;
  w->tile = w->b + (size_t)KC * NC;
  w->next = atomic_load(&all_work);
  while (!atomic_compare_exchange_weak(&all_work, &w->next, w)) {
  }
  return my_work = w;
}

/* ---- the blocked product ---- */

typedef struct {
  const Isa *isa;
  int ta, tb;
  int64_t M, N, K, kc; /* kc: the K block, K split into equal blocks of at most KC */
  const float *A, *B;
  float *C;
  float alpha, beta;
  const float *bias; /* [N] or NULL, added with the last K block */
  int relu;
  int split_n; /* par_for's items are micro-panels of columns (else of rows) */
  int pack_b;  /* op(B) is packed (else read in place, but for a last narrow panel) */
} Job;

/* op(A)(i, k) and op(B)(k, j) of the row-major operands */
static inline float a_at(const Job *j, int64_t i, int64_t k) {
  return j->ta ? j->A[k * j->M + i] : j->A[i * j->K + k];
}
static inline float b_at(const Job *j, int64_t k, int64_t n) {
  return j->tb ? j->B[n * j->K + k] : j->B[k * j->N + n];
}

/* dst[k·width + i] = src[k·ld + i] for i < n, k < kb, zero for n ≤ i < width: rows of a
   matrix that are already rows of the panel. The usual widths are constants, so each
   row is a few vector moves, not a call to memcpy. */
#define COPY_ROWS(w)                                                               \
  for (int64_t k = 0; k < kb; k++) memcpy(dst + k * (w), src + k * ld, (w) * sizeof *dst)
static void copy_rows(const float *src, int64_t ld, int64_t n, int64_t kb, float *dst,
                      int width) {
  switch (n == width ? width : 0) {
  case 32: COPY_ROWS(32); return;
  case 16: COPY_ROWS(16); return;
  case 8: COPY_ROWS(8); return;
  case 6: COPY_ROWS(6); return;
  case 4: COPY_ROWS(4); return;
  }
  for (int64_t k = 0; k < kb; k++) {
    int64_t i = 0;
    for (; i < n; i++) dst[k * width + i] = src[k * ld + i];
    for (; i < width; i++) dst[k * width + i] = 0;
  }
}
#undef COPY_ROWS

/* dst[k·width + r] = src[r·ld + k] for r < rows, k < kb, zero for rows ≤ r < width: the
   rows of a row-major matrix as the columns of a panel. */
static void pack_rows(const Job *j, const float *src, int64_t ld, int64_t rows, int64_t kb,
                      float *dst, int width) {
  int64_t r = 0;
  /* a narrow panel is zeroed whole first: one contiguous pass, not a strided one per
     missing row */
  if (rows < width) memset(dst, 0, (size_t)(kb * width) * sizeof *dst);
#if defined(__x86_64__)
  if (j->isa->avx2 && width % 8 == 0) {
    r = rows / 8 * 8;
    gemm_pack_transpose(src, ld, (int)r, kb, dst, width);
  }
#endif
  for (; r < rows; r++)
    for (int64_t k = 0; k < kb; k++) dst[k * width + r] = src[r * ld + k];
}

/* Rows [i0, i0 + mc) and K range [p0, p0 + kb) of op(A) as micro-panels [kb, MR], rows
   past mc zero. */
static void pack_a(const Job *j, int64_t i0, int64_t mc, int64_t p0, int64_t kb, float *dst) {
  int mr = j->isa->mr;
  for (int64_t ir = 0; ir < mc; ir += mr, dst += kb * mr) {
    int64_t rows = mc - ir < mr ? mc - ir : mr;
    if (j->ta) { /* A is [K, M]: a panel's row of MR is contiguous */
      copy_rows(j->A + p0 * j->M + i0 + ir, j->M, rows, kb, dst, mr);
    } else { /* A is [M, K]: each row of A becomes a column of the panel */
      pack_rows(j, j->A + (i0 + ir) * j->K + p0, j->K, rows, kb, dst, mr);
    }
  }
}

/* Columns [n0, n0 + nc) and K range [p0, p0 + kb) of op(B) as micro-panels [kb, NR],
   columns past nc zero. */
static void pack_b(const Job *j, int64_t n0, int64_t nc, int64_t p0, int64_t kb, float *dst) {
  int nr = j->isa->nr;
  for (int64_t jr = 0; jr < nc; jr += nr, dst += kb * nr) {
    int64_t cols = nc - jr < nr ? nc - jr : nr;
    if (!j->tb) { /* B is [K, N]: a panel's row of NR is contiguous */
      copy_rows(j->B + p0 * j->N + n0 + jr, j->N, cols, kb, dst, nr);
    } else { /* B is [N, K]: each row of B becomes a column of the panel */
      pack_rows(j, j->B + (n0 + jr) * j->K + p0, j->K, cols, kb, dst, nr);
    }
  }
}

/* An edge tile: the kernel's full MR×NR result t (ldc NR), stored rows × cols by st. */
static void store_edge(const float *t, int nr, float *c, int64_t ldc, int64_t rows,
                       int64_t cols, const GemmStore *st) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t n = 0; n < cols; n++) {
      float v = st->alpha * t[r * nr + n], *cr = c + r * ldc + n;
      if (st->beta != 0) v += st->beta * *cr;
      if (st->bias) v += st->bias[n];
      *cr = st->relu ? relu1(v) : v;
    }
}

/* Without a workspace (out of memory): the same product element by element. */
static void block_unpacked(const Job *j, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  for (int64_t i = m0; i < m1; i++)
    for (int64_t n = n0; n < n1; n++) {
      float s = 0, *c = j->C + i * j->N + n;
      for (int64_t k = 0; k < j->K; k++) s += a_at(j, i, k) * b_at(j, k, n);
      float v = j->alpha * s;
      if (j->beta != 0) v += j->beta * *c;
      if (j->bias) v += j->bias[n];
      *c = j->relu ? relu1(v) : v;
    }
}

/* C[m0:m1, n0:n1], m0 and n0 multiples of MR and NR: for each NC-wide column block and
   each K block, pack that block of op(B) (kept in L2) unless it is read in place, then
   for each MC-tall block of rows pack op(A) and run the micro-kernel over its tiles. */
static void block(const Job *j, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  Work *w = workspace();
  if (!w) {
    block_unpacked(j, m0, m1, n0, n1);
    return;
  }
  int mr = j->isa->mr, nr = j->isa->nr;
  GemmKernel *kernel = j->isa->kernel;
  for (int64_t jc = n0; jc < n1; jc += NC) {
    int64_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (int64_t pc = 0; pc < j->K; pc += j->kc) {
      int64_t kb = j->K - pc < j->kc ? j->K - pc : j->kc;
      int last = pc + kb == j->K;
      /* the first K block scales C by beta, the others add to it, the last adds bias */
      GemmStore st = {j->alpha, pc == 0 ? j->beta : 1, NULL, last && j->relu, nr};
      if (j->pack_b) pack_b(j, jc, nc, pc, kb, w->b);
      else if (nc % nr && !j->isa->masked) pack_b(j, jc + nc / nr * nr, nc % nr, pc, kb, w->b);
      for (int64_t ic = m0; ic < m1; ic += MC) {
        int64_t mc = m1 - ic < MC ? m1 - ic : MC;
        pack_a(j, ic, mc, pc, kb, w->a);
        for (int64_t ir = 0; ir < mc; ir += mr) {
          const float *ap = w->a + ir * kb;
          int64_t rows = mc - ir < mr ? mc - ir : mr;
          for (int64_t jr = 0; jr < nc; jr += nr) {
            int cols = nc - jr < nr ? (int)(nc - jr) : nr;
            /* a narrow last panel is read in place only by a masking kernel */
            int in_place = !j->pack_b && (cols == nr || j->isa->masked);
            const float *bp = j->pack_b ? w->b + jr * kb
                              : in_place ? j->B + pc * j->N + jc + jr
                                         : w->b;
            int64_t ldb = in_place ? j->N : nr;
            float *c = j->C + (ic + ir) * j->N + jc + jr;
            st.bias = last && j->bias ? j->bias + jc + jr : NULL;
            st.cols = j->isa->masked ? cols : nr;
            if (rows == mr && st.cols == cols) {
              kernel(kb, ap, bp, ldb, c, j->N, &st);
            } else { /* into the tile, then the rows and columns that exist */
              GemmStore plain = {1, 0, NULL, 0, st.cols};
              kernel(kb, ap, bp, ldb, w->tile, nr, &plain);
              store_edge(w->tile, nr, c, j->N, rows, cols, &st);
            }
          }
        }
      }
    }
  }
}

static void chunk(void *ctx, int64_t lo, int64_t hi) {
  const Job *j = ctx;
  if (j->split_n) {
    int64_t nr = j->isa->nr, n1 = hi * nr < j->N ? hi * nr : j->N;
    block(j, 0, j->M, lo * nr, n1);
  } else {
    int64_t mr = j->isa->mr, m1 = hi * mr < j->M ? hi * mr : j->M;
    block(j, lo * mr, m1, 0, j->N);
  }
}

static void run(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                const float *B, float beta, const float *bias, int relu, float *C) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) { /* an empty sum: C = relu?(beta·C + bias) */
    for (int64_t i = 0; i < M * N; i++) {
      float v = beta != 0 ? beta * C[i] : 0;
      if (bias) v += bias[i % N];
      C[i] = relu ? relu1(v) : v;
    }
    return;
  }
  const Isa *use = isa();
#if defined(__x86_64__)
  if (use == &isa_avx512 && N <= 16) use = &isa_avx512_n16;
#endif
  Job j = {.isa = use, .ta = ta, .tb = tb, .M = M, .N = N, .K = K, .A = A, .B = B,
           .C = C, .alpha = alpha, .beta = beta, .bias = bias, .relu = relu};
  /* A B that is not transposed is read in place, NR floats of a row at a time, unless it
     is large (rows of 1 KiB and up, which alias in the caches) and reused by many rows of
     A (which pays for packing): measured on the MLP's products, tests/bench. */
  j.pack_b = tb || (M >= 192 && N > 256);
  int64_t n_kb = (K + KC - 1) / KC;
  j.kc = (K + n_kb - 1) / n_kb;
  /* Threads take micro-panels of columns when there are enough of them (each packs its
     own part of B, the larger block), else of rows. At least ~64k multiply-adds per
     thread, below which waking one costs more than it saves. */
  int64_t n_p = (N + j.isa->nr - 1) / j.isa->nr, m_p = (M + j.isa->mr - 1) / j.isa->mr;
  j.split_n = n_p >= 2 * par_threads() || n_p >= m_p;
  int64_t items = j.split_n ? n_p : m_p;
  double per_item = (double)K * (j.split_n ? (double)M * j.isa->nr : (double)N * j.isa->mr);
  int64_t grain = per_item >= 65536 ? 1 : (int64_t)(65536 / per_item) + 1;
  par_for(items, grain, chunk, &j);
}

void gemm_own(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
              const float *A, const float *B, float beta, float *C) {
  run(trans_a, trans_b, M, N, K, alpha, A, B, beta, NULL, 0, C);
}

void gemm_own_bias_act(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K,
                       const float *A, const float *B, const float *bias, GemmAct act,
                       float *C) {
  run(trans_a, trans_b, M, N, K, 1, A, B, 0, bias, act == GEMM_ACT_RELU, C);
}
