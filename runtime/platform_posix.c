/* platform_posix.c — the Platform (platform.h) of a POSIX system: stdio, isatty and
 * TIOCGWINSZ, CLOCK_MONOTONIC, dlopen, SIGINT, and GNU readline (callback interface)
 * as the line editor, with a persistent history and completion. */
#include "platform.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "error.h"
#include "file.h"
#include "mem.h"

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

static void *posix_load_symbol_fresh(const char *lib, const char *sym) {
#ifdef LM_ID_NEWLM
  void *h = dlmopen(LM_ID_NEWLM, lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) return NULL;
  void *f = dlsym(h, sym);
  if (!f) dlclose(h);
  return f;
#else
  return NULL;
#endif
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

/* ---- the line editor: GNU readline ---- */

/* readline's callbacks take no user pointer, so the editing session is reached through
   these (set between line_open and line_close). */
static const PfEditor *editor;
static bool line_ready, line_eof;
static char *line_got;
static struct sigaction old_winch;

/* The window was resized: readline is told before it reads the next key. readline's own
   handler would only be installed while it processes a key, not while we wait. */
static volatile sig_atomic_t resized;

static void on_sigwinch(int sig) {
  (void)sig;
  resized = 1;
}

static char *complete_gen(const char *text, int state) {
  return editor->complete_next(editor->ud, text, state);
}

static char **complete(const char *text, int start, int end) {
  (void)start;
  (void)end;
  if (editor->complete_files && editor->complete_files(editor->ud, text, rl_line_buffer)) {
    rl_attempted_completion_over = 0; /* file names: readline's own completion */
    return NULL;
  }
  rl_attempted_completion_over = 1; /* elsewhere never fall back to file names */
  char **m = editor->complete_next ? rl_completion_matches(text, complete_gen) : NULL;
  int c = m && !m[1] && editor->complete_suffix ? editor->complete_suffix(editor->ud, m[0], rl_line_buffer) : 0;
  if (c) rl_completion_append_character = c;
  return m;
}

static void history_load(const PfEditor *ed) {
  /* A timestamp line ("#1712345678") before each entry delimits entries in the file, so
     history_multiline_entries can read a multi-line entry back as one. The timestamp
     starts with history_comment_char, which is '\0' by default: then no timestamp is
     written at all. */
  history_comment_char = '#';
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  if (!ed->history_path) return;
  /* A missing or unreadable file just means an empty history. */
  if (read_history(ed->history_path) == 0 && history_length > ed->history_max) {
    /* Trim by whole entries (history_truncate_file counts lines and could split one). */
    stifle_history(ed->history_max);
    write_history(ed->history_path);
  }
  stifle_history(ed->history_max);
}

static void posix_line_open(const PfEditor *ed) {
  editor = ed;
  rl_readline_name = ed->app_name;
  rl_catch_signals = 0; /* SIGINT is the interpreter's: it also stops computations */
  rl_catch_sigwinch = 0;
  rl_attempted_completion_function = complete;
  if (ed->word_breaks) rl_basic_word_break_characters = ed->word_breaks;
  history_load(ed);
  struct sigaction sa = {.sa_flags = SA_RESTART};
  sa.sa_handler = on_sigwinch;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &old_winch);
}

static void on_line(char *line) {
  line_ready = true;
  line_got = line;
  if (!line) line_eof = true;
  /* Otherwise readline shows the prompt again at once; it comes back at the next read. */
  rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: drop the line being edited. */
static void abandon_line(void) {
  rt_interrupted = 0;
  rl_point = rl_end; /* "^C" goes after the text, as in a shell */
  rl_redisplay();
  rl_free_line_state();
  rl_callback_sigcleanup(); /* leaves i-search, a half-typed key sequence, … */
  rl_callback_handler_remove();
  fputs("^C\n", pf_out());
  fflush(pf_out());
}

static PfLine posix_read_line(const char *prompt, char **line) {
  /* SIGINT and SIGWINCH stay blocked except inside pselect, so one that arrives between
     checking its flag and waiting is never lost. */
  sigset_t blocked, caller_mask, open_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGWINCH);
  sigprocmask(SIG_BLOCK, &blocked, &caller_mask);
  open_mask = caller_mask;
  sigdelset(&open_mask, SIGINT);
  sigdelset(&open_mask, SIGWINCH);
  rt_interrupted = 0; /* a Ctrl-C after the last entry finished abandons nothing */
  int fd = fileno(rl_instream ? rl_instream : stdin);
  PfLine got = PF_LINE_OK;
  line_ready = line_eof = false;
  line_got = NULL;
  rl_callback_handler_install(prompt, on_line);
  while (!line_ready) {
    if (resized) {
      resized = 0;
      rl_resize_terminal();
    }
    if (rt_interrupted) {
      abandon_line();
      got = PF_LINE_INTERRUPTED;
      break;
    }
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    int ready = pselect(fd + 1, &fds, NULL, NULL, NULL, &open_mask);
    if (ready > 0) rl_callback_read_char();
    else if (ready < 0 && errno != EINTR) line_ready = line_eof = true; /* stdin gone */
  }
  if (line_eof) {
    rl_callback_handler_remove();
    got = PF_LINE_EOF;
  }
  *line = got == PF_LINE_OK ? line_got : NULL;
  sigprocmask(SIG_SETMASK, &caller_mask, NULL);
  return got;
}

static int posix_history_add(const char *entry) {
  size_t n = strlen(entry);
  char *e = rt_strndup(entry, n && entry[n - 1] == '\n' ? n - 1 : n);
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  int err = 0;
  if (*e && (!last || strcmp(last->line, e) != 0)) {
    add_history(e);
    /* Appending keeps what a concurrent session saved; a missing file is created whole. */
    const char *path = editor ? editor->history_path : NULL;
    if (path && append_history(1, path) != 0) err = write_history(path);
  }
  rt_free(e);
  return err;
}

static void posix_line_close(void) {
  rl_callback_handler_remove();
  sigaction(SIGWINCH, &old_winch, NULL);
  /* readline's history list lives as long as the process; free it for leak checkers. */
  clear_history();
  editor = NULL;
}

static const Platform posix = {
    .name = "posix",
    .write = NULL, /* the process's stdout and stderr */
    .is_terminal = posix_is_terminal,
    .term_size = posix_term_size,
    .clock = posix_clock,
    .open_regular = rt_open_regular_posix,
    .load_symbol = posix_load_symbol,
    .load_symbol_fresh = posix_load_symbol_fresh,
    .watch_interrupt = posix_watch_interrupt,
    .line_open = posix_line_open,
    .read_line = posix_read_line,
    .history_add = posix_history_add,
    .line_close = posix_line_close,
};

const Platform *pf_posix(void) { return &posix; }
