/* parallel.h — the kernels' worker threads: one pool for the whole process, so that
 * elementwise ops, reductions, the optimizer update, im2col and nn's own gemm keep every
 * core busy on large tensors (issue 11).
 *
 * par_for(n, grain, fn, ctx) calls fn(ctx, lo, hi) on a partition of [0, n) into
 * contiguous chunks in order, at most par_threads() of them and each at least `grain`
 * long, so that a small loop stays on the calling thread (waking a worker costs about a
 * microsecond: worth it only for some 10k floats of work). The calling thread runs a
 * chunk itself; par_for returns when every chunk is done.
 *
 * Rules for fn: it must not throw (rt_throw), allocate through rt_* or touch interpreter
 * state; a par_for inside fn runs serially on that thread. Results must not depend on the
 * number of threads: a reduction splits its input into fixed blocks (never "one block per
 * thread") and adds the blocks' partial results in block order, so a run on 1, 2 or 64
 * cores prints the same digits.
 */
#ifndef NN_PARALLEL_H
#define NN_PARALLEL_H

#include <stdint.h>

typedef void ParFn(void *ctx, int64_t lo, int64_t hi);

/* Threads a par_for may use, the caller included: NN_THREADS when set (1 = serial),
   else the CPUs this process may run on; 1 where there are no threads (the web build). */
int par_threads(void);
void par_for(int64_t n, int64_t grain, ParFn *fn, void *ctx);

#endif
