/* tensor.h — n-d float32 tensors: row-major, contiguous, refcounted, and the ops on them.
 *
 * Ownership, in one sentence: every function returning Tensor * returns a new
 * reference the caller owns, and every Tensor * argument is borrowed (t_retain to
 * keep it, t_release to drop it).
 *
 * Errors a user can cause (shapes that do not fit, an axis out of range, a tensor too
 * large to allocate) throw through rt_throw (error.h) before anything is allocated,
 * with the shapes and the arithmetic in the message:
 *   "matmul: [2, 3] @ [4, 5]: inner dimensions 3 and 4 differ"
 *   "cannot broadcast shapes [2, 3] and [4]"
 * Messages name the operation first; the interpreter adds the source location.
 */
#ifndef NN_TENSOR_H
#define NN_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#define T_MAXDIM 8
#define T_AXIS_ALL (-1000000) /* reduce over every axis */

struct AdNode;

typedef struct Tensor {
  int rc;                  /* references; freed when it drops to 0 */
  int ndim;                /* 0 for a scalar */
  int64_t size;            /* product of shape (1 for a scalar) */
  int64_t shape[T_MAXDIM];
  float *data;             /* size floats, 64-byte aligned, owned */
  struct AdNode *ad;       /* autograd record, NULL when not tracked (runtime/autograd.c) */
  /* Frees ad when the tensor dies; set by autograd together with ad, so this floor
     never calls up into autograd.c. */
  void (*ad_release)(struct AdNode *ad);
  struct TTable *table;    /* names of a table's rows and columns, or NULL; see TTable */
} Tensor;

/* A [rows, cols] tensor that is a table (a confusion matrix, a classification report)
   carries the names of its rows and columns for printing and plotting. Operations do not
   carry it: their results are new tensors. The interp/ side fills it and reads kind;
   the tensor owns it (strings included) and frees it with itself. */
typedef struct TTable {
  int kind;               /* what the table is, for interp/ (metrics.h: TABLE_...) */
  char *title, *note;     /* lines above and below it, or NULL */
  char **rows, **cols;    /* shape[0] and shape[1] names */
} TTable;
/* Give t a table (taking ownership of tb); any previous one is freed. */
void t_set_table(Tensor *t, TTable *tb);

/* ---- lifetime and creation ---- */
Tensor *t_new(int ndim, const int64_t *shape); /* uninitialised data */
Tensor *t_zeros(int ndim, const int64_t *shape);
Tensor *t_full(int ndim, const int64_t *shape, float v);
Tensor *t_scalar(float v);                      /* 0-d */
Tensor *t_from(int ndim, const int64_t *shape, const float *data);
Tensor *t_copy(const Tensor *a);
Tensor *t_retain(Tensor *a);
void t_release(Tensor *a); /* NULL is fine */

Tensor *t_arange(double start, double stop, double step); /* [ceil((stop-start)/step)] */
Tensor *t_linspace(double from, double to, int64_t n);     /* [n], both ends included */
Tensor *t_eye(int64_t n);                                  /* [n, n] */

/* "[2, 3]" (a scalar is "[]") into buf; returns buf. 96 bytes always suffice. */
char *t_shape_str(int ndim, const int64_t *shape, char *buf, size_t n);
int t_same_shape(const Tensor *a, const Tensor *b);
/* Π shape[from..to): the size of some axes taken together (outer/inner around an axis,
   strides). A tensor's size fits int64, so this can only overflow for a zero-size tensor
   ([0, 9e15, 9e15]); it then saturates at INT64_MAX, and a loop over the zero axis never
   runs. Every such product goes through here, never a bare `*=`. */
int64_t t_span(const int64_t *shape, int from, int to);
/* Normalise a possibly negative axis for a rank-ndim tensor; throws naming op if out
   of range: "softmax: axis 2 is out of range for a tensor of rank 2". */
int t_axis(const char *op, int axis, int ndim);

/* ---- elementwise ops ----
 * Each list is the single source of the op's enum, its name, and its formula (the
 * formula is written once with <tgmath.h> so it serves float and double). Later
 * tables (derivatives, help) extend the same lists. */
#define T_UNARY_OPS(X)                                  \
  X(NEG, "neg")         /* -x */                        \
  X(EXP, "exp")         /* e^x */                       \
  X(LOG, "log")         /* ln x; log 0 = -inf */        \
  X(SQRT, "sqrt")       /* √x */                        \
  X(ABS, "abs")         /* |x| */                       \
  X(SIN, "sin")                                         \
  X(COS, "cos")                                         \
  X(TANH, "tanh")       /* (e^x − e^−x)/(e^x + e^−x) */ \
  X(SIGMOID, "sigmoid") /* 1/(1 + e^−x), no overflow */ \
  X(RELU, "relu")       /* max(0, x) */                 \
  X(STEP, "step")       /* 1 if x > 0 else 0 */         \
  X(SIGN, "sign")                                       \
  X(FLOOR, "floor")                                     \
  X(CEIL, "ceil")                                       \
  X(ROUND, "round")

typedef enum {
#define X(id, name) T_##id,
  T_UNARY_OPS(X)
#undef X
  T_N_UNARY
} TUnOp;

#define T_BINARY_OPS(X)                                \
  X(ADD, "add")   /* a + b */                          \
  X(SUB, "sub")   /* a − b */                          \
  X(MUL, "mul")   /* a · b */                          \
  X(DIV, "div")   /* a / b */                          \
  X(POW, "pow")   /* a ^ b */                          \
  X(MOD, "mod")   /* a − b·floor(a/b), sign of b */    \
  X(MAX, "maximum")                                    \
  X(MIN, "minimum")                                    \
  X(XLOGY, "xlogy") /* a · log b, 0 where a = 0 */     \
  X(LT, "lt")     /* 1 or 0 */                         \
  X(LE, "le")                                          \
  X(GT, "gt")                                          \
  X(GE, "ge")                                          \
  X(EQ, "eq")                                          \
  X(NE, "ne")

typedef enum {
#define X(id, name) T_##id,
  T_BINARY_OPS(X)
#undef X
  T_N_BINARY
} TBinOp;

extern const char *const t_unary_names[T_N_UNARY];
extern const char *const t_binary_names[T_N_BINARY];

Tensor *t_unary(TUnOp op, const Tensor *a);
double t_unary_scalar(TUnOp op, double x);
/* NumPy broadcasting: shapes align from the right; sizes equal or 1. */
Tensor *t_binary(TBinOp op, const Tensor *a, const Tensor *b);
double t_binary_scalar(TBinOp op, double a, double b);
/* Result shape of broadcasting a with b; throws "OP: cannot broadcast shapes [..] and [..]". */
int t_broadcast_shape(const char *op, int na, const int64_t *sa, int nb, const int64_t *sb,
                      int64_t *out);
/* Element strides of a contiguous tensor of shape s (rank ns) seen through the broadcast
   shape out (rank n ≥ ns): 0 on the axes where s has size 1 or is missing. The one place
   broadcast strides are computed (elementwise ops, where, matmul's batch axes, index assign). */
void t_broadcast_strides(int ns, const int64_t *s, int n, const int64_t *out, int64_t *st);
/* a broadcast to exactly shape (a copy); throws
   "broadcast_to: cannot broadcast shape [2] to [3, 4]". */
Tensor *t_broadcast_to(const Tensor *a, int ndim, const int64_t *shape);

Tensor *t_leaky_relu(const Tensor *a, float slope); /* max(x, slope·x) for x<0: slope·x */
Tensor *t_clip(const Tensor *a, float lo, float hi);
/* where(c, a, b): a where c != 0 else b, broadcast together. */
Tensor *t_where(const Tensor *c, const Tensor *a, const Tensor *b);

/* ---- reductions ----
 * axis = T_AXIS_ALL reduces everything to a 0-d tensor; otherwise the axis is removed
 * (kept with size 1 when keepdim). Accumulation is in double. ARGMAX/ARGMIN return
 * indices as floats (flat indices for T_AXIS_ALL); ties give the first. NORM is the
 * Euclidean norm √(Σx²). MEAN of an empty axis is NaN; SUM is 0; MAX/MIN of an empty
 * axis throw. */
#define T_REDUCE_OPS(X) \
  X(SUM, "sum") X(MEAN, "mean") X(RMAX, "max") X(RMIN, "min") X(PROD, "prod") \
  X(NORM, "norm") X(ARGMAX, "argmax") X(ARGMIN, "argmin")

typedef enum {
#define X(id, name) T_##id,
  T_REDUCE_OPS(X)
#undef X
  T_N_REDUCE
} TRedOp;
extern const char *const t_reduce_names[T_N_REDUCE];

Tensor *t_reduce(TRedOp op, const Tensor *a, int axis, int keepdim);

/* ---- the notes' functions that need a kernel ----
 * softmax(x)_i = e^(x_i − C) / Σ_j e^(x_j − C), C = max_j x_j, along axis.
 * log_softmax(x)_i = x_i − C − log Σ_j e^(x_j − C). */
Tensor *t_softmax(const Tensor *a, int axis);
Tensor *t_log_softmax(const Tensor *a, int axis);
/* pick(q, idx): q [..., k], idx [...] of class indices (floats holding integers)
   → [...] with out[i] = q[i, idx[i]]. Throws on a non-integer or out-of-range index
   ("pick: index 3 is out of range for 3 classes (row 0)"). */
Tensor *t_pick(const Tensor *q, const Tensor *idx);
/* one_hot(idx [...], k) → [..., k]. */
Tensor *t_one_hot(const Tensor *idx, int64_t k);

/* ---- shapes ---- */
Tensor *t_reshape(const Tensor *a, int ndim, const int64_t *shape); /* one -1 allowed */
Tensor *t_transpose(const Tensor *a);                    /* reverses the axes (x.T) */
Tensor *t_permute(const Tensor *a, const int *perm);     /* perm has a->ndim entries */
Tensor *t_flatten(const Tensor *a);                      /* [size] */
Tensor *t_concat(int n, Tensor *const *ts, int axis);    /* n >= 1, shapes agree off axis */
Tensor *t_stack(int n, Tensor *const *ts, int axis);     /* n >= 1, equal shapes; new axis */

/* ---- indexing: x[i], x[1:3], x[:, 0], negative indices count from the end ----
 * One TIndex per leading axis (fewer than ndim: the rest are taken whole). INDEX
 * removes the axis; SLICE keeps it. Slices clamp like Python's; indices out of range
 * throw "index 5 is out of range for axis 0 of size 3". Results are copies. */
typedef enum { T_IX_INDEX, T_IX_SLICE } TIndexKind;
typedef struct TIndex {
  TIndexKind kind;
  int64_t index;              /* T_IX_INDEX */
  int has_start, has_stop;    /* T_IX_SLICE: missing ends default like Python */
  int64_t start, stop, step;  /* step != 0 (throws otherwise); default 1 */
} TIndex;
Tensor *t_index(const Tensor *a, int n, const TIndex *ix);
/* A slice (step != 0) of an axis of length len as Python's slice.indices(len) and
   len(range(...)) make it: the first index in *start, the count in *cnt. */
void t_slice_range(const TIndex *x, int64_t len, int64_t *start, int64_t *cnt);
/* x[ix] = v, in place; v broadcast to the selected shape. */
void t_index_assign(Tensor *a, int n, const TIndex *ix, const Tensor *v);

/* ---- matrix product ----
 * matmul follows NumPy: 1-D @ 1-D is the dot product (0-d), [n] @ [n, m] → [m],
 * [m, n] @ [n] → [m], 2-D @ 2-D → [m, p], and leading batch axes broadcast.
 * C = alpha·op(A)·op(B) + beta·C with op = transpose when trans_* is set;
 * A: [M, K] (or [K, M] transposed), B: [K, N] (or [N, K]), C: [M, N], row-major.
 * t_gemm sends each product to nn's own kernel (gemm.h) or to a library checked for
 * speed and correctness when it loaded (blas.h says which and why). */
Tensor *t_matmul(const Tensor *a, const Tensor *b);
void t_gemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
            const float *A, const float *B, float beta, float *C);
void t_gemm_naive(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                  const float *A, const float *B, float beta, float *C);
/* 1 when a CBLAS library is in use (loaded and checked on first call; blas.h), its
   name ("OpenBLAS 0.3.21", "libblas.so.3") in *name, else "none". */
int t_blas_available(const char **name);

/* ---- random numbers: our own xoshiro256** so runs reproduce on any machine ---- */
typedef struct Rng {
  uint64_t s[4];
  int has_spare;
  double spare;
} Rng;
void rng_seed(Rng *r, uint64_t seed); /* via splitmix64 */
uint64_t rng_next(Rng *r);
double rng_uniform(Rng *r);           /* [0, 1), 53 bits */
double rng_normal(Rng *r);            /* N(0, 1), Box–Muller (polar form) */
uint64_t rng_below(Rng *r, uint64_t n); /* uniform in [0, n), unbiased */
Tensor *t_rand(Rng *r, int ndim, const int64_t *shape);  /* U[0, 1) */
Tensor *t_randn(Rng *r, int ndim, const int64_t *shape); /* N(0, 1) */

#endif
