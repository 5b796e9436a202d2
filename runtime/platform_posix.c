/* platform_posix.c — the Platform (platform.h) of a POSIX system: stdio, isatty and
 * TIOCGWINSZ, CLOCK_MONOTONIC, dlopen, SIGINT. */
#include "platform.h"

#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "file.h"

static bool posix_is_terminal(PfStream s) { return isatty((int)s) == 1; }

static bool posix_term_size(int *cols, int *lines) {
  struct winsize ws;
  if (!isatty(1) || ioctl(1, TIOCGWINSZ, &ws) != 0) return false;
  *cols = ws.ws_col;
  *lines = ws.ws_row;
  return true;
}

static double posix_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *posix_load_symbol(const char *lib, const char *sym) {
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) return NULL;
  void *f = dlsym(h, sym);
  if (!f) dlclose(h); /* found: kept open for the life of the process */
  return f;
}

/* SA_RESTART keeps a Ctrl-C from failing a read or a write half-way (stdio does not
   retry); pselect is interrupted all the same, and computations poll rt_interrupted. */
static struct sigaction saved_sigint;
static bool sigint_held;

static void posix_watch_interrupt(void (*handler)(int)) {
  if (handler) {
    struct sigaction sa = {.sa_flags = SA_RESTART};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, sigint_held ? NULL : &saved_sigint);
    sigint_held = true;
  } else if (sigint_held) {
    sigaction(SIGINT, &saved_sigint, NULL);
    sigint_held = false;
  }
}

static const Platform posix = {
    .name = "posix",
    .write = NULL, /* the process's stdout and stderr */
    .is_terminal = posix_is_terminal,
    .term_size = posix_term_size,
    .clock = posix_clock,
    .open_regular = rt_open_regular_posix,
    .load_symbol = posix_load_symbol,
    .watch_interrupt = posix_watch_interrupt,
};

const Platform *pf_posix(void) { return &posix; }
