/* ptyrun.c — runs a command in a pseudo-terminal and drives it from a tiny script on stdin,
 * so the REPL's terminal behaviour (prompts, completion, Ctrl-C, history) is tested with
 * nothing but a C compiler (no expect, no python).
 *
 *   ptyrun [-v] [-n NAME] [-t SECONDS] [-T TERM] [-s ROWSxCOLS] -- COMMAND [ARG...] < SCRIPT
 *
 * Script lines (blank lines and lines starting with '#' are ignored):
 *   send TEXT      write TEXT to the terminal; escapes \n \r \t \e \\ \xHH (\x03 is Ctrl-C,
 *                  \x04 Ctrl-D, \e[A the up arrow)
 *   expect TEXT    wait (up to the timeout) until TEXT, with the same escapes, appears in the
 *                  output after the end of the previous match; the next expect starts after
 *                  this match
 *   sleep MS       keep reading output for MS milliseconds (only to let time pass, never as
 *                  synchronisation: expect is that)
 *   timeout SECS   the timeout for the following expects and waits (default -t, 20 s)
 *   resize RxC     set the window size to R rows and C columns (the command gets SIGWINCH)
 *   wait           wait for the command to exit
 *   status N       after wait: the exit status must be N
 *
 * Prints "PASS NAME" when every step succeeds; otherwise "FAIL NAME: line L: what went
 * wrong" with the output seen since the last match (control characters made visible),
 * kills the command and exits 1. Exit status 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *name = "ptyrun";
static int verbose; /* -v: the whole transcript on stderr at the end, for writing tests */
static int master = -1;
static pid_t child = -1;
static int exited, exit_status = -1;

/* Everything the command has written; `mark` is where the next expect starts looking. */
static char *out;
static size_t n_out, cap_out, mark;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Write s to f with control characters and non-ASCII bytes shown as escapes. */
static void visible(FILE *f, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c == '\\') fputs("\\\\", f);
    else if (c == 27) fputs("\\e", f);
    else if (c < 32 || c >= 127) fprintf(f, "\\x%02x", c);
    else fputc(c, f);
  }
}

/* s made visible, in a buffer that lives until exit (only used on the way to fail). */
static const char *shown(const char *s, size_t n) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return "?";
  visible(f, s, n);
  fclose(f);
  return buf;
}

static void reap(int block) {
  if (child < 0 || exited) return;
  int st;
  pid_t p = waitpid(child, &st, block ? 0 : WNOHANG);
  if (p == child) {
    exited = 1;
    exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
}

static _Noreturn void fail(int line, const char *fmt, ...) {
  printf("FAIL %s: line %d: ", name, line);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  /* The tail of what was seen is what explains a failure; keep the line readable. */
  size_t from = mark, limit = 2000;
  if (n_out - from > limit) from = n_out - limit;
  printf("; saw since last match: \"");
  visible(stdout, out + from, n_out - from);
  printf("\"\n");
  if (verbose) {
    visible(stderr, out, n_out);
    fputc('\n', stderr);
  }
  fflush(stdout);
  if (child > 0 && !exited) {
    kill(child, SIGKILL);
    reap(1);
  }
  exit(1);
}

/* Read whatever the command has written, waiting at most `ms` milliseconds for it.
   Returns 0 once the terminal is closed (the command and its children are gone). */
static int pump(int ms) {
  struct pollfd p = {.fd = master, .events = POLLIN};
  int r = poll(&p, 1, ms);
  if (r < 0 && errno == EINTR) return 1;
  if (r <= 0) return 1;
  if (n_out + 4096 + 1 > cap_out) {
    cap_out = (cap_out + 4096) * 2;
    out = realloc(out, cap_out);
    if (!out) {
      fprintf(stderr, "ptyrun: out of memory\n");
      exit(2);
    }
  }
  ssize_t got = read(master, out + n_out, 4096);
  if (got <= 0) return 0; /* EIO: the slave side is closed */
  n_out += (size_t)got;
  out[n_out] = 0;
  return 1;
}

/* Decode the escapes of a script argument in place; returns the decoded length. */
static size_t unescape(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (*r != '\\' || !r[1]) {
      *w++ = *r;
      continue;
    }
    switch (*++r) {
    case 'n': *w++ = '\n'; break;
    case 'r': *w++ = '\r'; break;
    case 't': *w++ = '\t'; break;
    case 'e': *w++ = 27; break;
    case '\\': *w++ = '\\'; break;
    case 'x': {
      int v = 0, k = 0;
      for (; k < 2 && r[1]; k++) {
        char c = r[1];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) break;
        v = v * 16 + d;
        r++;
      }
      *w++ = (char)v;
      break;
    }
    default: *w++ = '\\'; *w++ = *r; break;
    }
  }
  *w = 0;
  return (size_t)(w - s);
}

static void usage(void) {
  fprintf(stderr, "usage: ptyrun [-n NAME] [-t SECONDS] [-T TERM] [-s ROWSxCOLS] -- "
                  "COMMAND [ARG...] < SCRIPT\n");
  exit(2);
}

int main(int argc, char **argv) {
  double timeout = 20;
  const char *term = "dumb";
  struct winsize ws = {.ws_row = 24, .ws_col = 80};
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    if (!strcmp(argv[i], "-v")) {
      verbose = 1;
      continue;
    }
    if (i + 1 >= argc) usage();
    if (!strcmp(argv[i], "-n")) name = argv[++i];
    else if (!strcmp(argv[i], "-t")) timeout = atof(argv[++i]);
    else if (!strcmp(argv[i], "-T")) term = argv[++i];
    else if (!strcmp(argv[i], "-s")) {
      unsigned r, c;
      if (sscanf(argv[++i], "%ux%u", &r, &c) != 2) usage();
      ws.ws_row = (unsigned short)r;
      ws.ws_col = (unsigned short)c;
    } else usage();
  }
  if (i >= argc) usage();

  /* The script is read before the command starts, so a bad script fails fast. */
  char *line = NULL;
  size_t cap = 0;
  char **steps = NULL;
  int n_steps = 0;
  while (getline(&line, &cap, stdin) >= 0) {
    steps = realloc(steps, sizeof *steps * (size_t)(n_steps + 1));
    if (!steps) return 2;
    line[strcspn(line, "\n")] = 0;
    steps[n_steps++] = strdup(line);
  }
  free(line);

  signal(SIGPIPE, SIG_IGN);
  child = forkpty(&master, NULL, NULL, &ws);
  if (child < 0) {
    perror("ptyrun: forkpty");
    return 2;
  }
  if (child == 0) {
    setenv("TERM", term, 1);
    unsetenv("COLUMNS");
    unsetenv("LINES");
    execvp(argv[i], argv + i);
    fprintf(stderr, "ptyrun: cannot run %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }

  for (int s = 0; s < n_steps; s++) {
    int ln = s + 1;
    char *cmd = steps[s];
    while (*cmd == ' ' || *cmd == '\t') cmd++;
    if (!*cmd || *cmd == '#') continue;
    char *arg = cmd + strcspn(cmd, " \t");
    if (*arg) *arg++ = 0;
    if (!strcmp(cmd, "send")) {
      size_t n = unescape(arg);
      for (size_t off = 0; off < n;) {
        ssize_t w = write(master, arg + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail(ln, "send: %s", strerror(errno));
        off += (size_t)w;
        pump(0); /* keep the output flowing so the command never blocks on it */
      }
    } else if (!strcmp(cmd, "expect")) {
      size_t n = unescape(arg);
      double end = now() + timeout;
      for (;;) {
        char *hit = n_out >= mark ? memmem(out + mark, n_out - mark, arg, n) : NULL;
        if (hit) {
          mark = (size_t)(hit - out) + n;
          break;
        }
        double left = end - now();
        if (left <= 0) {
          fail(ln, "expect \"%s\" timed out after %g s", shown(arg, n), timeout);
        }
        if (!pump((int)(left * 1000) + 1)) {
          reap(1);
          char *again = memmem(out + mark, n_out - mark, arg, n);
          if (again) continue;
          fail(ln, "expect \"%s\": the command ended (status %d)", shown(arg, n), exit_status);
        }
      }
    } else if (!strcmp(cmd, "sleep")) {
      double end = now() + atof(arg) / 1000;
      double left;
      while ((left = end - now()) > 0 && pump((int)(left * 1000) + 1)) {}
    } else if (!strcmp(cmd, "resize")) {
      unsigned rows, cols;
      if (sscanf(arg, "%ux%u", &rows, &cols) != 2) fail(ln, "resize: expected ROWSxCOLS");
      struct winsize now_ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
      if (ioctl(master, TIOCSWINSZ, &now_ws) < 0) fail(ln, "resize: %s", strerror(errno));
    } else if (!strcmp(cmd, "timeout")) {
      timeout = atof(arg);
    } else if (!strcmp(cmd, "wait")) {
      double end = now() + timeout;
      /* Drain output until the terminal closes, then reap; a command that leaves the
         terminal open is reaped by polling. */
      while (!exited) {
        double left = end - now();
        if (left <= 0) fail(ln, "wait: still running after %g s", timeout);
        if (!pump(left < 0.05 ? (int)(left * 1000) + 1 : 50)) reap(1);
        else reap(0);
      }
    } else if (!strcmp(cmd, "status")) {
      if (!exited) fail(ln, "status: the command has not exited (use wait first)");
      if (exit_status != atoi(arg)) fail(ln, "exit status %d, expected %s", exit_status, arg);
    } else {
      fprintf(stderr, "ptyrun: line %d: unknown step '%s'\n", ln, cmd);
      if (!exited) kill(child, SIGKILL);
      return 2;
    }
  }
  if (!exited) {
    /* The script is done with the command: end it so no process outlives the test. */
    kill(child, SIGKILL);
    reap(1);
  }
  if (verbose) {
    visible(stderr, out, n_out);
    fputc('\n', stderr);
  }
  printf("PASS %s\n", name);
  for (int s = 0; s < n_steps; s++) free(steps[s]);
  free(steps);
  free(out);
  return 0;
}
