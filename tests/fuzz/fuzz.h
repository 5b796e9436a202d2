/* fuzz.h — what the libFuzzer harnesses in tests/fuzz/ share (`make fuzz`, README).
 *
 * Each harness defines LLVMFuzzerTestOneInput and calls fuzz_setup() once. The pieces:
 *  - quiet: the interpreter's stdout and stderr go to /dev/null (a script that prints
 *    a lot would otherwise cost most of the time); libFuzzer and the sanitizers keep
 *    the real stderr (libFuzzer took its FILE * before we run, sanitizers write fd 2).
 *    NN_FUZZ_VERBOSE=1 keeps the output, for looking at one input by hand.
 *  - a scratch folder as the working directory: scripts may save_tensors or plot to
 *    files, and must not write into the source tree.
 *  - a CPU-time budget per input (fuzz_deadline_arm): a SIGPROF timer sets
 *    rt_interrupted, the flag Ctrl-C sets, which the evaluator checks between
 *    statements and loop iterations; so `while true {}` ends as "interrupted", not as a
 *    libFuzzer timeout. After the first expiry it fires every 10 ms, because train()
 *    takes an interrupt as "stop training" and lets the script go on.
 *  - bytes → a path: the readers take paths, so the input is written to a memfd and
 *    read as /proc/self/fd/N (no disk, nothing left behind).
 * Allocations are bounded by ASan's max_allocation_size_mb with allocator_may_return_null
 * (set below), so a huge tensor is the interpreter's "out of memory" error, which
 * exercises its unwinding; libFuzzer's -rss_limit_mb bounds the total.
 */
#ifndef NN_FUZZ_H
#define NN_FUZZ_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ftw.h>
#include <unistd.h>

#include "error.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1:max_allocation_size_mb=256:detect_leaks=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_on_prof(int sig) {
  (void)sig;
  rt_interrupted = 1;
}

static char fuzz_dir[] = "/tmp/nn-fuzz-XXXXXX";

static inline int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0;
}

/* At exit: remove the scratch folder and what the scripts wrote into it. */
static inline void fuzz_cleanup(void) {
  if (chdir("/") == 0) nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fuzz_setup(void) {
  static int done;
  if (done++) return;
  const char *v = getenv("NN_FUZZ_VERBOSE");
  if (!(v && *v && strcmp(v, "0"))) {
    FILE *null = fopen("/dev/null", "w");
    if (null) stdout = stderr = null;
  }
  if (mkdtemp(fuzz_dir) && chdir(fuzz_dir) == 0) atexit(fuzz_cleanup);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fuzz_on_prof;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &sa, NULL);
}

/* Start (ms > 0) or stop (ms = 0) the CPU-time budget of one input. */
static inline void fuzz_deadline_arm(long ms) {
  struct itimerval t;
  memset(&t, 0, sizeof t);
  if (ms > 0) {
    t.it_value.tv_sec = ms / 1000;
    t.it_value.tv_usec = ms % 1000 * 1000;
    t.it_interval.tv_usec = 10000;
  }
  setitimer(ITIMER_PROF, &t, NULL);
  if (ms == 0) rt_interrupted = 0;
}

/* The budget in ms: NN_FUZZ_BUDGET_MS, default 500. */
static inline long fuzz_budget_ms(void) {
  const char *v = getenv("NN_FUZZ_BUDGET_MS");
  long ms = v ? atol(v) : 0;
  return ms > 0 ? ms : 500;
}

/* The bytes as a readable file: returns the fd (close it after) and writes its
   /proc/self/fd path to path; -1 when memfd_create fails. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t n) {
  int fd = memfd_create("nn-fuzz", 0);
  if (fd < 0) return -1;
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) {
      close(fd);
      return -1;
    }
    off += (size_t)w;
  }
  lseek(fd, 0, SEEK_SET);
  snprintf(path, n, "/proc/self/fd/%d", fd);
  return fd;
}

#endif
