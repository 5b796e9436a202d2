/* test_parallel.c — the worker pool (runtime/parallel.h): every index of every loop runs
 * exactly once, chunks follow the fixed partition, small and nested loops stay serial,
 * and thousands of back-to-back loops (the pattern of a training step) neither lose nor
 * repeat a chunk. Run with NN_THREADS unset (all CPUs) and, by the runner, with
 * NN_THREADS=3 and 1. */
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "parallel.h"

enum { N = 10007 };

typedef struct {
  _Atomic int hits[N];
  _Atomic int calls;
  int64_t n;
  int nested_ok;
} Job;

static void mark(void *ctx, int64_t lo, int64_t hi) {
  Job *j = ctx;
  atomic_fetch_add(&j->calls, 1);
  for (int64_t i = lo; i < hi; i++) atomic_fetch_add(&j->hits[i], 1);
}

static void nested(void *ctx, int64_t lo, int64_t hi) {
  Job *j = ctx;
  /* a loop inside a chunk runs on this thread, as one chunk */
  Job *inner = calloc(1, sizeof *inner);
  par_for(hi - lo, 1, mark, inner);
  if (atomic_load(&inner->calls) != 1) j->nested_ok = 0;
  free(inner);
  mark(j, lo, hi);
}

static int all_once(Job *j, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (atomic_load(&j->hits[i]) != 1) return 0;
  return 1;
}

int main(void) {
  int t = par_threads();
  check_true("par_threads is at least 1", t >= 1, "got < 1");

  Job *j = calloc(1, sizeof *j);
  par_for(N, 1, mark, j);
  check_true("par_for covers [0, n) once", all_once(j, N), "an index ran 0 or 2+ times");
  int want = t < N ? t : N;
  check_true(NAME("par_for makes min(threads, n/grain) = %d chunks", want),
             atomic_load(&j->calls) == want, "wrong chunk count");

  memset(j, 0, sizeof *j);
  par_for(100, 1000, mark, j);
  check_true("a loop under its grain runs as one call", atomic_load(&j->calls) == 1 && all_once(j, 100),
             "split a small loop");

  memset(j, 0, sizeof *j);
  j->nested_ok = 1;
  par_for(N, 1, nested, j);
  check_true("nested par_for runs serially inside a chunk", j->nested_ok && all_once(j, N),
             "nested loop split or lost indices");

  /* back to back: 20000 loops of odd sizes, as the ops of training steps arrive */
  int bad = 0;
  for (int r = 0; r < 20000 && !bad; r++) {
    int64_t n = 1 + (r * 7919) % 2000;
    memset(j->hits, 0, sizeof j->hits);
    par_for(n, 16, mark, j);
    bad = !all_once(j, n);
  }
  check_true("20000 back-to-back loops each cover their range once", !bad, "a chunk lost or repeated");
  free(j);
  return 0;
}
