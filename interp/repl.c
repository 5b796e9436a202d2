/* repl.c — the interactive loop: GNU readline (callback interface) with a persistent
 * history, completion, continuation lines, :commands, and Ctrl-C that abandons the line
 * or the running computation. Without a terminal it reads lines plainly (for tests). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "mem.h"
#include "platform.h"
#include "help.h"
#include "repl.h"

#define PROMPT "nn> "
#define PROMPT_MORE "... "
#define HISTORY_MAX 1000 /* entries kept in the history file */

static const char *const keywords[] = {
    "let", "fn", "if", "else", "while", "for", "in", "break", "continue", "return",
    "import", "and", "or", "not", "true", "false", "none", "explain", NULL};
static const char *const commands[] = {":help", ":lang", ":source", ":vars", ":load", ":quit", NULL};

/* The REPL session. readline's callbacks take no user pointer, so the one live session
   is reached through `session` (set while repl_run runs; the only such static besides
   the flag the signal handler reads). */
typedef struct Repl {
  Interp *I;
  StrBuf pending;        /* lines of an unfinished entry */
  int n_builtin_globals; /* globals defined before the session: builtins and stdlib */
  char *history_path;    /* NULL: history is not saved */
  bool history_warned;   /* a failure to save was reported once */
  bool tty;
  bool quit;
  bool line_ready;
  char *line;            /* a line handed over by readline's callback */
  bool eof;
  int comp_list, comp_idx; /* where the completion generator is in its lists */
} Repl;

static Repl *session;

/* Set while an entry runs on a terminal: the terminal is then in its normal mode and has
   echoed "^C" itself, so the handler ends that line before "interrupted" is printed. */
static volatile sig_atomic_t running_on_tty;

/* The window was resized: readline is told before it reads the next key. readline's own
   handler would only be installed while it processes a key, not while we wait. */
static volatile sig_atomic_t resized;

static void on_sigwinch(int sig) {
  (void)sig;
  resized = 1;
}

static void on_sigint(int sig) {
  (void)sig;
  rt_interrupted = 1;
  if (running_on_tty) {
    ssize_t w = write(STDOUT_FILENO, "\n", 1);
    (void)w;
  }
}

/* ---- :help, :lang, :source (the texts and their lookup live in help.c) ---- */

static const Func *func_named(Interp *I, const char *name) {
  Value *v = ev_global(I, name);
  return v && v->type == V_FUNC ? v->as.fn : NULL;
}

static void help(Repl *r, const char *name) {
  if (!*name) {
    pf_printf("Type an expression to see its value; `let x = ...` defines a variable.\n"
           "Commands: :help NAME, :lang en|zh, :source NAME, :vars, :load FILE, :quit (or Ctrl-D).\n"
           "Ctrl-C abandons the line or stops a running computation.\n\n");
    help_index(r->I, pf_out(), NULL);
    return;
  }
  help_print(r->I, pf_out(), name, NULL);
}

static void vars(Repl *r) {
  Interp *I = r->I;
  int shown = 0;
  for (int i = r->n_builtin_globals; i < I->n_globals; i++) {
    StrBuf b = {0};
    v_repr(&b, I->globals[i]);
    char *nl = strchr(b.s, '\n');
    if (nl) strcpy(nl, " ...");
    pf_printf("%s = %.70s%s\n", I->global_names[i]->name, b.s, strlen(b.s) > 70 ? "..." : "");
    sb_free(&b);
    shown++;
  }
  if (!shown) pf_printf("(no variables yet)\n");
}

/* A ':' command; returns true when the line was one. */
static bool command(Repl *r, const char *line) {
  while (*line == ' ' || *line == '\t') line++;
  if (line[0] != ':') return false;
  char cmd[32] = {0}, arg[1024] = {0};
  sscanf(line, ":%31s %1023[^\n]", cmd, arg);
  size_t n = strlen(arg);
  while (n && (arg[n - 1] == ' ' || arg[n - 1] == '\t' || arg[n - 1] == '\r')) arg[--n] = 0;
  if (!strcmp(cmd, "help") || !strcmp(cmd, "h")) help(r, arg);
  else if (!strcmp(cmd, "lang")) {
    if (!*arg) pf_printf("%s\n", r->I->lang);
    else if (!help_set_lang(r->I, arg)) fprintf(pf_err(), "unknown language '%s' (use en or zh)\n", arg);
  } else if (!strcmp(cmd, "source")) {
    if (!*arg) fprintf(pf_err(), "usage: :source NAME\n");
    else help_source(r->I, pf_out(), arg);
  }
  else if (!strcmp(cmd, "vars")) vars(r);
  else if (!strcmp(cmd, "load")) {
    if (!*arg) fprintf(pf_err(), "usage: :load FILE\n");
    else interp_run_file(r->I, arg);
  } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) r->quit = true;
  else fprintf(pf_err(), "unknown command ':%s' (try :help)\n", cmd);
  fflush(pf_out());
  return true;
}

/* ---- history: one entry per input, however many lines it has ---- */

/* $NN_HISTORY (set but empty: no history file), else $HOME/.nn_history; without a
   HOME the history lasts only for the session. */
static char *history_file(void) {
  const char *p = getenv("NN_HISTORY");
  if (p) return *p ? rt_strdup(p) : NULL;
  const char *home = getenv("HOME");
  if (!home || !*home) return NULL;
  size_t n = strlen(home) + sizeof "/.nn_history";
  char *path = rt_malloc(n);
  snprintf(path, n, "%s/.nn_history", home);
  return path;
}

static void history_start(Repl *r) {
  /* A timestamp line ("#1712345678") before each entry delimits entries in the file, so
     history_multiline_entries can read a multi-line entry back as one. The timestamp
     starts with history_comment_char, which is '\0' by default: then no timestamp is
     written at all. */
  history_comment_char = '#';
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  r->history_path = history_file();
  if (!r->history_path) return;
  /* A missing or unreadable file just means an empty history. */
  if (read_history(r->history_path) == 0 && history_length > HISTORY_MAX) {
    /* Trim by whole entries (history_truncate_file counts lines and could split one). */
    stifle_history(HISTORY_MAX);
    write_history(r->history_path);
  }
  stifle_history(HISTORY_MAX);
}

static void add_history_entry(Repl *r, const char *entry) {
  if (!r->tty || !*entry) return;
  size_t n = strlen(entry);
  char *e = rt_strndup(entry, n && entry[n - 1] == '\n' ? n - 1 : n);
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (*e && (!last || strcmp(last->line, e) != 0)) {
    add_history(e);
    /* Appending keeps what a concurrent session saved; a missing file is created whole. */
    if (r->history_path && append_history(1, r->history_path) != 0) {
      int err = write_history(r->history_path);
      if (err && !r->history_warned) {
        r->history_warned = true;
        fprintf(pf_err(), "nn: cannot save history to %s: %s\n", r->history_path, strerror(err));
      }
    }
  }
  rt_free(e);
}

/* ---- entries ---- */

static void clear_pending(Repl *r) {
  r->pending.len = 0;
  if (r->pending.s) r->pending.s[0] = 0;
}

/* One line typed: a command, or a piece of an entry that runs once it is complete. */
static void feed(Repl *r, const char *line) {
  if (r->pending.len == 0 && command(r, line)) {
    add_history_entry(r, line);
    return;
  }
  sb_puts(&r->pending, line);
  sb_putc(&r->pending, '\n');
  bool incomplete = false;
  interp_run(r->I, "<repl>", r->pending.s, r->pending.len, &incomplete);
  if (incomplete) return;
  add_history_entry(r, r->pending.s);
  clear_pending(r);
}

/* Input ended inside an entry: run it once more so the missing part is reported. */
static void finish_pending(Repl *r) {
  if (r->pending.len) interp_run(r->I, "<repl>", r->pending.s, r->pending.len, NULL);
  clear_pending(r);
}

/* ---- completion: keywords, commands, and every defined name ---- */

static char *complete_next(const char *text, int state) {
  Interp *I = session->I;
  int *list = &session->comp_list, *idx = &session->comp_idx;
  if (!state) *list = *idx = 0;
  size_t n = strlen(text);
  for (; *list < 2; ++*list, *idx = 0) {
    for (;;) {
      const char *cand = NULL;
      if (*list == 0) cand = text[0] == ':' ? commands[*idx] : keywords[*idx];
      else cand = text[0] != ':' && *idx < I->n_globals ? I->global_names[*idx]->name : NULL;
      if (!cand) break;
      ++*idx;
      if (!strncmp(cand, text, n)) return strdup(cand); /* readline frees it with free() */
    }
  }
  return NULL;
}

static char **complete(const char *text, int start, int end) {
  (void)start;
  (void)end;
  const char *line = rl_line_buffer;
  while (*line == ' ' || *line == '\t') line++;
  bool in_command = line[0] == ':';
  if (in_command && text[0] != ':' && !strncmp(line, ":load", 5)) {
    rl_attempted_completion_over = 0; /* :load FILE completes file names */
    return NULL;
  }
  rl_attempted_completion_over = 1; /* elsewhere never fall back to file names */
  char **m = rl_completion_matches(text, complete_next);
  /* A unique function name in an expression gets its '(' (like Python's rlcompleter). */
  if (m && !m[1] && !in_command && func_named(session->I, m[0]))
    rl_completion_append_character = '(';
  return m;
}

/* ---- the terminal loop ---- */

static void on_line(char *line) {
  session->line_ready = true;
  session->line = line;
  if (!line) session->eof = true;
  /* Otherwise readline shows the prompt again at once; it comes back after the entry ran. */
  rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: drop the line being edited and any unfinished entry. */
static void abandon_line(Repl *r) {
  rt_interrupted = 0;
  rl_point = rl_end; /* "^C" goes after the text, as in a shell */
  rl_redisplay();
  rl_free_line_state();
  rl_callback_sigcleanup(); /* leaves i-search, a half-typed key sequence, … */
  rl_callback_handler_remove();
  fputs("^C\n", pf_out());
  fflush(pf_out());
  clear_pending(r);
}

static int repl_tty(Repl *r) {
  rl_readline_name = "nn";
  rl_catch_signals = 0; /* SIGINT is ours: it also stops computations */
  rl_catch_sigwinch = 0;
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,+-*/^%";
  history_start(r);
  pf_printf("nn %s — :help for help, Ctrl-D to quit\n", NN_VERSION);
  fflush(pf_out());

  /* SIGINT and SIGWINCH stay blocked except inside pselect (and SIGINT while an entry
     runs), so one that arrives between checking its flag and waiting is never lost. */
  sigset_t blocked, open_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGWINCH);
  struct sigaction sa = {.sa_flags = SA_RESTART}, old_winch;
  sa.sa_handler = on_sigwinch;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &old_winch);
  sigprocmask(SIG_BLOCK, &blocked, &open_mask);
  sigdelset(&open_mask, SIGINT);
  sigdelset(&open_mask, SIGWINCH);
  int fd = fileno(rl_instream ? rl_instream : stdin);
  while (!r->quit) {
    r->line_ready = r->eof = false;
    rl_callback_handler_install(r->pending.len ? PROMPT_MORE : PROMPT, on_line);
    while (!r->line_ready) {
      if (resized) {
        resized = 0;
        rl_resize_terminal();
      }
      if (rt_interrupted) {
        abandon_line(r);
        rl_callback_handler_install(PROMPT, on_line);
        continue;
      }
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(fd, &fds);
      int ready = pselect(fd + 1, &fds, NULL, NULL, NULL, &open_mask);
      if (ready > 0) rl_callback_read_char();
      else if (ready < 0 && errno != EINTR) r->line_ready = r->eof = true; /* stdin gone */
    }
    if (r->eof) {
      rl_callback_handler_remove();
      pf_printf("\n");
      finish_pending(r);
      break;
    }
    /* Run the entry with SIGINT deliverable; a Ctrl-C that arrives after it finished
       without noticing is dropped rather than abandoning the next line. */
    rt_interrupted = 0;
    running_on_tty = 1;
    sigprocmask(SIG_SETMASK, &open_mask, NULL);
    feed(r, r->line);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    running_on_tty = 0;
    rt_interrupted = 0;
    free(r->line);
    r->line = NULL;
  }
  rl_callback_handler_remove();
  sigprocmask(SIG_UNBLOCK, &blocked, NULL);
  sigaction(SIGWINCH, &old_winch, NULL);
  rt_free(r->history_path);
  r->history_path = NULL;
  /* readline's history list lives as long as the process; free it for leak checkers. */
  clear_history();
  return 0;
}

/* Without a terminal: plain lines, no prompts, the same entries and commands. */
static int repl_pipe(Repl *r) {
  char *line = NULL;
  size_t cap = 0;
  while (!r->quit && getline(&line, &cap, stdin) >= 0) {
    rt_interrupted = 0; /* a Ctrl-C while waiting for input stops nothing */
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[n - 1] = 0;
    feed(r, line);
  }
  free(line);
  finish_pending(r);
  return 0;
}

int repl_run(Interp *I) {
  Repl r = {.I = I, .n_builtin_globals = I->n_globals, .tty = pf_is_terminal(PF_IN) && pf_is_terminal(PF_OUT)};
  session = &r;
  /* Ctrl-C (SIGINT on POSIX, with SA_RESTART: platform_posix.c) sets rt_interrupted. */
  pf_watch_interrupt(on_sigint);
  /* Line-buffered even into a pipe, so values and error messages stay in order. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  I->echo = true;
  int st = r.tty ? repl_tty(&r) : repl_pipe(&r);
  pf_watch_interrupt(NULL);
  sb_free(&r.pending);
  session = NULL;
  return st;
}
