/* mem.c — checked allocation: failures throw a ready-made message, never return NULL. */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static _Noreturn void oom(size_t n) {
  /* Formats no more than a number: safe to call when memory is exhausted. */
  rt_throw_kind(RT_ERR_OOM, "out of memory (allocating %zu bytes)", n);
}

void *rt_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *rt_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) oom(SIZE_MAX);
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) oom(count * size);
  return p;
}

void *rt_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

void *rt_malloc_aligned(size_t n) {
  size_t rounded = (n + 63) & ~(size_t)63;
  if (rounded < n) oom(n);
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p) oom(n);
  return p;
}

char *rt_strndup(const char *s, size_t n) {
  char *p = rt_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *rt_strdup(const char *s) { return rt_strndup(s, strlen(s)); }

void rt_free(void *p) { free(p); }

size_t rt_mem_available(const char *meminfo) {
  FILE *f = fopen(meminfo, "r");
  if (!f) return SIZE_MAX;
  char line[256];
  unsigned long long kb, avail_kb = 0, swap_kb = 0;
  int have_avail = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) avail_kb = kb, have_avail = 1;
    else if (sscanf(line, "SwapFree: %llu kB", &kb) == 1) swap_kb = kb;
  }
  fclose(f);
  if (!have_avail) return SIZE_MAX; /* kernels before 3.14 */
  double bytes = ((double)avail_kb + (double)swap_kb) * 1024.0;
  return bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}
