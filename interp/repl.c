/* repl.c — the interactive loop: the platform's line editor (GNU readline on POSIX,
 * platform.h) with a persistent history, completion, continuation lines, :commands, and
 * Ctrl-C that abandons the line or the running computation. Without a terminal it reads
 * lines plainly (for tests). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "mem.h"
#include "platform.h"
#include "help.h"
#include "repl.h"
#include "utf8.h"

#define PROMPT "nn> "
#define PROMPT_MORE "... "
#define HISTORY_MAX 1000 /* entries kept in the history file */

const char *const repl_keywords[] = {
    "let", "fn", "if", "else", "while", "for", "in", "break", "continue", "return",
    "import", "and", "or", "not", "true", "false", "none", "explain", NULL};
const char *const repl_commands[] = {":help", ":lang", ":source", ":vars", ":load", ":quit", NULL};

/* The REPL session. */
typedef struct Repl {
  Interp *I;
  StrBuf pending;        /* lines of an unfinished entry */
  int n_builtin_globals; /* globals defined before the session: builtins and stdlib */
  char *history_path;    /* NULL: history is not saved */
  bool history_warned;   /* a failure to save was reported once */
  bool tty;
  bool quit;
  int comp_list, comp_idx; /* where the completion generator is in its lists */
} Repl;

/* Set while an entry runs on a terminal: the terminal is then in its normal mode and has
   echoed "^C" itself, so the handler ends that line before "interrupted" is printed. */
static volatile sig_atomic_t running_on_tty;

static void on_sigint(int sig) {
  (void)sig;
  rt_interrupted = rt_interrupted ? 2 : 1; /* a second press stops even deferred loops */
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

static void help(Interp *I, const char *name) {
  if (!*name) {
    pf_printf("%s", _("Type an expression to see its value; `let x = ...` defines a variable.\n"
                      "Commands: :help NAME, :lang en|zh, :source NAME, :vars, :load FILE, :quit (or Ctrl-D).\n"
                      "Ctrl-C abandons the line or stops a running computation.\n\n"));
    help_index(I, pf_out(), NULL);
    return;
  }
  help_print(I, pf_out(), name, NULL);
}

static void vars(Interp *I, int first_user_global) {
  int shown = 0;
  for (int i = first_user_global; i < I->n_globals; i++) {
    StrBuf b = {0};
    v_repr(&b, I->globals[i]);
    char *nl = strchr(b.s, '\n');
    if (nl) strcpy(nl, " ...");
    /* at most 70 bytes, cut where a character starts (a Chinese one is 3 bytes) */
    size_t len = strlen(b.s), cut = utf8_prefix(b.s, 70);
    pf_printf("%s = %.*s%s\n", I->global_names[i]->name, (int)cut, b.s, len > 70 ? "..." : "");
    sb_free(&b);
    shown++;
  }
  if (!shown) pf_printf("%s", _("(no variables yet)\n"));
}

int repl_command(Interp *I, const char *line, int first_user_global, bool *quit) {
  while (*line == ' ' || *line == '\t') line++;
  if (line[0] != ':') return -1;
  char cmd[32] = {0}, arg[1024] = {0};
  sscanf(line, ":%31s %1023[^\n]", cmd, arg);
  size_t n = strlen(arg);
  while (n && (arg[n - 1] == ' ' || arg[n - 1] == '\t' || arg[n - 1] == '\r')) arg[--n] = 0;
  int status = 0;
  if (!strcmp(cmd, "help") || !strcmp(cmd, "h")) help(I, arg);
  else if (!strcmp(cmd, "lang")) {
    if (!*arg) pf_printf("%s\n", I->lang); /* the code, as :lang takes it */
    else if (!help_set_lang(I, arg)) {
      fprintf(pf_err(), _("unknown language '%s' (use en or zh)\n"), arg);
      status = 1;
    }
  } else if (!strcmp(cmd, "source")) {
    if (!*arg) fputs(_("usage: :source NAME\n"), pf_err()), status = 1;
    else help_source(I, pf_out(), arg);
  }
  else if (!strcmp(cmd, "vars")) vars(I, first_user_global);
  else if (!strcmp(cmd, "load")) {
    if (!*arg) fputs(_("usage: :load FILE\n"), pf_err()), status = 1;
    else status = interp_run_file(I, arg);
  } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
    if (quit) *quit = true;
  } else {
    fprintf(pf_err(), _("unknown command ':%s' (try :help)\n"), cmd);
    status = 1;
  }
  fflush(pf_out());
  return status;
}

/* A ':' command; returns true when the line was one. */
static bool command(Repl *r, const char *line) {
  return repl_command(r->I, line, r->n_builtin_globals, &r->quit) >= 0;
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

static void add_history_entry(Repl *r, const char *entry) {
  if (!r->tty || !*entry) return;
  int err = pf_history_add(entry);
  if (err && !r->history_warned) {
    r->history_warned = true;
    fprintf(pf_err(), _("nn: cannot save history to %s: %s\n"), r->history_path, rt_strerror(err));
  }
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

static char *complete_next(void *ud, const char *text, int state) {
  Repl *r = ud;
  Interp *I = r->I;
  int *list = &r->comp_list, *idx = &r->comp_idx;
  if (!state) *list = *idx = 0;
  size_t n = strlen(text);
  for (; *list < 2; ++*list, *idx = 0) {
    for (;;) {
      const char *cand = NULL;
      if (*list == 0) cand = text[0] == ':' ? repl_commands[*idx] : repl_keywords[*idx];
      else cand = text[0] != ':' && *idx < I->n_globals ? I->global_names[*idx]->name : NULL;
      if (!cand) break;
      ++*idx;
      if (!strncmp(cand, text, n)) return strdup(cand); /* the editor frees it with free() */
    }
  }
  return NULL;
}

static const char *skip_blanks(const char *line) {
  while (*line == ' ' || *line == '\t') line++;
  return line;
}

/* :load FILE completes file names; elsewhere names never fall back to file names. */
static bool complete_files(void *ud, const char *text, const char *line) {
  line = skip_blanks(line);
  return line[0] == ':' && text[0] != ':' && !strncmp(line, ":load", 5);
}

/* A unique function name in an expression gets its '(' (like Python's rlcompleter). */
static int complete_suffix(void *ud, const char *match, const char *line) {
  Repl *r = ud;
  return skip_blanks(line)[0] != ':' && func_named(r->I, match) ? '(' : 0;
}

/* ---- the terminal loop ---- */

static int repl_tty(Repl *r) {
  r->history_path = history_file();
  PfEditor ed = {.app_name = "nn", .history_path = r->history_path, .history_max = HISTORY_MAX,
                 .word_breaks = " \t\n\"\\'`@$><=;|&{([,+-*/^%", .ud = r,
                 .complete_next = complete_next, .complete_files = complete_files,
                 .complete_suffix = complete_suffix};
  pf_line_open(&ed);
  pf_printf(_("nn %s — :help for help, Ctrl-D to quit\n"), NN_VERSION);
  fflush(pf_out());
  while (!r->quit) {
    char *line;
    PfLine got = pf_read_line(r->pending.len ? PROMPT_MORE : PROMPT, &line);
    if (got == PF_LINE_INTERRUPTED) {
      clear_pending(r); /* Ctrl-C at the prompt also drops an unfinished entry */
      continue;
    }
    if (got == PF_LINE_EOF) {
      pf_printf("\n");
      finish_pending(r);
      break;
    }
    /* Run the entry with SIGINT deliverable (read_line gives the signal mask back). The
       flag is not cleared here: a Ctrl-C typed just after Enter, while read_line still
       held the signal, is delivered as the mask is restored and must stop this entry.
       One that arrives after the entry finished without noticing is dropped by the next
       read_line rather than abandoning the next line. */
    running_on_tty = 1;
    feed(r, line);
    running_on_tty = 0;
    free(line);
  }
  pf_line_close();
  rt_free(r->history_path);
  r->history_path = NULL;
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
  /* Ctrl-C (SIGINT on POSIX, with SA_RESTART: platform_posix.c) sets rt_interrupted. */
  pf_watch_interrupt(on_sigint);
  /* Line-buffered even into a pipe, so values and error messages stay in order. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  I->echo = true;
  int st = r.tty ? repl_tty(&r) : repl_pipe(&r);
  pf_watch_interrupt(NULL);
  sb_free(&r.pending);
  return st;
}
