/* test_mem.c — the size guard's reading of available memory (rt_mem_available) from
 * /proc/meminfo-format files: MemAvailable + SwapFree, not MemTotal; unknown → SIZE_MAX.
 * The block cache (rt_cache_*): a freed block serves the next request of its size without
 * malloc, large blocks are not kept, what it holds stays within its bound, and off it is
 * plain malloc and free. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem.h"

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0) printf("FAIL cannot write %s\n", path);
  if (f) fclose(f);
}

static void block_cache(void) {
  if (!rt_cache_set(true)) return; /* compiled out (AddressSanitizer) */
  rt_cache_trim();
  char got[128];
  uint64_t c0 = rt_alloc_count();
  void *p = rt_cache_alloc(1000);
  check_int("cache/a miss reaches malloc", (int64_t)(rt_alloc_count() - c0), 1);
  check_true("cache/64-byte aligned", (uintptr_t)p % 64 == 0, "misaligned");
  rt_cache_free(p, 1000);
  check_int("cache/the freed block waits (1000 → 1024 bytes)", (int64_t)rt_cache_stats().cached, 1024);
  void *q = rt_cache_alloc(1024);
  check_true("cache/the same size gets it back", q == p, "another block");
  check_int("cache/without malloc", (int64_t)(rt_alloc_count() - c0), 1);
  void *r = rt_cache_alloc(2000);
  check_true("cache/another size does not", r != p && rt_alloc_count() - c0 == 2, "reused");
  rt_cache_free(q, 1024);
  rt_cache_free(r, 2000);

  size_t big = ((size_t)4 << 20) + 64, most = (size_t)4 << 20;
  size_t before = rt_cache_stats().cached;
  rt_cache_free(rt_cache_alloc(big), big);
  check_int("cache/a block over 4 MiB goes back to malloc", (int64_t)(rt_cache_stats().cached - before), 0);
  rt_cache_free(rt_cache_alloc(most), most);
  check_int("cache/a 4 MiB block is kept", (int64_t)(rt_cache_stats().cached - before), (int64_t)most);

  /* 64 sizes of 1 MiB and a bit, each freed at once: the cache keeps blocks only up to
     the peak in use plus max(peak/4, 16 MiB), dropping the least recently used. */
  for (int k = 0; k < 64; k++) {
    size_t n = ((size_t)1 << 20) + 64 * (size_t)k;
    rt_cache_free(rt_cache_alloc(n), n);
  }
  RtCacheStats st = rt_cache_stats();
  size_t slack = st.peak / 4 > ((size_t)16 << 20) ? st.peak / 4 : (size_t)16 << 20;
  snprintf(got, sizeof got, "cached %zu, live %zu, peak %zu", st.cached, st.live, st.peak);
  check_true("cache/held within the peak plus its slack",
             st.cached > ((size_t)8 << 20) && st.cached + st.live <= st.peak + slack, got);
  void *last = rt_cache_alloc(((size_t)1 << 20) + 64 * 63);
  check_int("cache/the most recent size is still there", (int64_t)(rt_alloc_count() - c0), 2 + 2 + 64);
  rt_cache_free(last, ((size_t)1 << 20) + 64 * 63);
  rt_cache_trim();
  check_int("cache/trim empties it", (int64_t)rt_cache_stats().cached, 0);

  check_true("cache/off", !rt_cache_set(false), "still on");
  c0 = rt_alloc_count();
  p = rt_cache_alloc(1000);
  rt_cache_free(p, 1000);
  q = rt_cache_alloc(1000);
  check_int("cache/off: every request reaches malloc", (int64_t)(rt_alloc_count() - c0), 2);
  check_int("cache/off: nothing is kept", (int64_t)rt_cache_stats().cached, 0);
  rt_cache_free(q, 1000);
  rt_cache_set(true);
}

int main(void) {
  block_cache();
  char path[] = "/tmp/nn_meminfo_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    printf("FAIL mkstemp\n");
    return 1;
  }
  close(fd);
  char got[64];

  /* 24 GiB of RAM of which 2 GiB are available, and 1 GiB of free swap: 3 GiB. */
  write_text(path, "MemTotal:       25165824 kB\nMemFree:         1048576 kB\n"
                   "MemAvailable:    2097152 kB\nBuffers:           13012 kB\n"
                   "SwapTotal:       2097152 kB\nSwapFree:        1048576 kB\n");
  size_t n = rt_mem_available(path);
  snprintf(got, sizeof got, "got %zu", n);
  check_true("mem/available + swap free, not total", n == (size_t)3 << 30, got);

  write_text(path, "MemTotal:       25165824 kB\nMemAvailable:    1048576 kB\n");
  n = rt_mem_available(path);
  snprintf(got, sizeof got, "got %zu", n);
  check_true("mem/no swap lines", n == (size_t)1 << 30, got);

  write_text(path, "MemTotal:       25165824 kB\nMemFree:         1048576 kB\n");
  check_true("mem/no MemAvailable: unknown", rt_mem_available(path) == SIZE_MAX, "not SIZE_MAX");
  unlink(path);
  check_true("mem/missing file: unknown", rt_mem_available(path) == SIZE_MAX, "not SIZE_MAX");

  /* The real file: some memory is available, and no more than the machine has. */
  n = rt_mem_available("/proc/meminfo");
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  double swap_slack = 1e12;
  check_true("mem//proc/meminfo plausible",
             n == SIZE_MAX || (n > 0 && (double)n <= (double)pages * (double)page + swap_slack),
             "implausible");
  return 0;
}
