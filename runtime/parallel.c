/* parallel.c — the worker pool of parallel.h (for now serial: every chunk on the caller). */
#include "parallel.h"

int par_threads(void) { return 1; }

void par_for(int64_t n, int64_t grain, ParFn *fn, void *ctx) {
  (void)grain;
  if (n > 0) fn(ctx, 0, n);
}
