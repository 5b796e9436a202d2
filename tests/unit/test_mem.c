/* test_mem.c — the size guard's reading of available memory (rt_mem_available) from
 * /proc/meminfo-format files: MemAvailable + SwapFree, not MemTotal; unknown → SIZE_MAX. */
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

int main(void) {
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
