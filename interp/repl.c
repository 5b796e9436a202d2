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
#include "repl.h"

#define PROMPT "nn> "
#define PROMPT_MORE "... "

static const char *const keywords[] = {
    "let", "fn", "if", "else", "while", "for", "in", "break", "continue", "return",
    "import", "and", "or", "not", "true", "false", "none", NULL};
static const char *const commands[] = {":help", ":vars", ":load", ":quit", NULL};

/* The REPL session. readline's callbacks take no user pointer, so the one live session
   is reached through `session` (set while repl_run runs; the only such static). */
typedef struct Repl {
  Interp *I;
  StrBuf pending;   /* lines of an unfinished entry */
  int n_builtin_globals; /* globals defined before the session: builtins and stdlib */
  char *history_path;
  bool tty;
  bool quit;
  bool line_ready;
  char *line;       /* a line handed over by readline's callback */
  bool eof;
  int comp_list, comp_idx; /* where the completion generator is in its lists */
} Repl;

static Repl *session;

static void on_sigint(int sig) {
  (void)sig;
  rt_interrupted = 1;
}

/* ---- :help ---- */

static const Func *func_named(Interp *I, const char *name) {
  Value *v = ev_global(I, name);
  return v && v->type == V_FUNC ? v->as.fn : NULL;
}

/* The comment lines directly above a definition: the doc of a stdlib function. */
static void print_doc_comment(const Node *def) {
  const Source *src = def->src;
  const char *p = src->text;
  const char *lines[64];
  int n = 0;
  for (int line = 1; line < def->span.first_line && *p; line++) {
    if (n == 64) memmove(lines, lines + 1, sizeof lines[0] * (size_t)--n);
    lines[n++] = p;
    p = strchr(p, '\n');
    if (!p) return;
    p++;
  }
  int first = n;
  while (first > 0 && lines[first - 1][0] == '#') first--;
  for (int i = first; i < n; i++) {
    const char *e = strchr(lines[i], '\n');
    const char *t = lines[i] + 1;
    if (*t == ' ') t++;
    printf("  %.*s\n", (int)(e - t), t);
  }
}

static void print_signature(const Func *f) {
  StrBuf b = {0};
  v_repr(&b, (Value){.type = V_FUNC, .as.fn = (Func *)f});
  /* "<builtin softmax(x, axis = -1)>" → "softmax(x, axis = -1)" */
  char *s = strchr(b.s, ' ');
  size_t len = strlen(s + 1);
  printf("%.*s\n", (int)len - 1, s + 1);
  sb_free(&b);
}

static void help(Repl *r, const char *name) {
  Interp *I = r->I;
  if (!*name) {
    printf("Type an expression to see its value; `let x = ...` defines a variable.\n"
           "Commands: :help NAME, :vars, :load FILE, :quit (or Ctrl-D).\n"
           "Ctrl-C abandons the line or stops a running computation.\n\nFunctions:\n");
    int col = 0;
    for (int i = 0; i < r->n_builtin_globals; i++) {
      Sym *s = I->global_names[i];
      if (I->globals[i].type != V_FUNC) continue;
      if (col + s->len + 2 > 78) {
        putchar('\n');
        col = 0;
      }
      col += printf("  %s", s->name);
    }
    printf("\n");
    return;
  }
  const Func *f = func_named(I, name);
  if (!f) {
    Value *v = ev_global(I, name);
    if (v) {
      StrBuf b = {0};
      v_repr(&b, *v);
      printf("%s = %s (a %s)\n", name, b.s, v_type_name(*v));
      sb_free(&b);
    } else {
      printf("no help for '%s'\n", name);
    }
    return;
  }
  print_signature(f);
  if (f->bi) printf("  %s\n", f->bi->help);
  else if (f->def) print_doc_comment(f->def);
}

static void vars(Repl *r) {
  Interp *I = r->I;
  int shown = 0;
  for (int i = r->n_builtin_globals; i < I->n_globals; i++) {
    StrBuf b = {0};
    v_repr(&b, I->globals[i]);
    char *nl = strchr(b.s, '\n');
    if (nl) strcpy(nl, " ...");
    printf("%s = %.70s%s\n", I->global_names[i]->name, b.s, strlen(b.s) > 70 ? "..." : "");
    sb_free(&b);
    shown++;
  }
  if (!shown) printf("(no variables yet)\n");
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
  else if (!strcmp(cmd, "vars")) vars(r);
  else if (!strcmp(cmd, "load")) {
    if (!*arg) fprintf(stderr, "usage: :load FILE\n");
    else interp_run_file(r->I, arg);
  } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) r->quit = true;
  else fprintf(stderr, "unknown command ':%s' (try :help)\n", cmd);
  fflush(stdout);
  return true;
}

/* ---- entries ---- */

static void add_history_entry(Repl *r, const char *entry) {
  if (!r->tty || !*entry) return;
  size_t n = strlen(entry);
  char *e = rt_strndup(entry, n && entry[n - 1] == '\n' ? n - 1 : n);
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (!last || strcmp(last->line, e) != 0) {
    add_history(e);
    if (r->history_path) {
      write_history(r->history_path);
      history_truncate_file(r->history_path, 1000);
    }
  }
  rt_free(e);
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
  r->pending.len = 0;
  r->pending.s[0] = 0;
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
      else cand = *idx < I->n_globals ? I->global_names[*idx]->name : NULL;
      if (!cand) break;
      ++*idx;
      if (!strncmp(cand, text, n)) return strdup(cand);
    }
  }
  return NULL;
}

static char **complete(const char *text, int start, int end) {
  (void)start;
  (void)end;
  rl_attempted_completion_over = 1; /* never fall back to file names */
  return rl_completion_matches(text, complete_next);
}

static void on_line(char *line) {
  session->line_ready = true;
  session->line = line;
  if (!line) session->eof = true;
  else rl_callback_handler_remove(); /* reinstalled with the next prompt */
}

static int repl_tty(Repl *r) {
  rl_readline_name = "nn";
  rl_catch_signals = 0;
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,+-*/^%";
  history_write_timestamps = 1;  /* entries are then delimited in the file, so a  */
  history_multiline_entries = 1; /* multi-line entry is read back as one entry    */
  const char *home = getenv("HOME");
  if (home && *home) {
    size_t n = strlen(home) + 16;
    r->history_path = rt_malloc(n);
    snprintf(r->history_path, n, "%s/.nn_history", home);
    read_history(r->history_path);
  }
  printf("nn %s — :help for help, Ctrl-D to quit\n", "0.1.0");
  while (!r->quit) {
    rl_callback_handler_install(r->pending.len ? PROMPT_MORE : PROMPT, on_line);
    r->line_ready = false;
    while (!r->line_ready) {
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(fileno(rl_instream ? rl_instream : stdin), &fds);
      int ready = select(fileno(rl_instream ? rl_instream : stdin) + 1, &fds, NULL, NULL, NULL);
      if (rt_interrupted) {
        /* Ctrl-C at the prompt: drop the line and any unfinished entry. */
        rt_interrupted = 0;
        rl_free_line_state();
        rl_callback_sigcleanup();
        rl_cleanup_after_signal();
        rl_callback_handler_remove();
        r->pending.len = 0;
        if (r->pending.s) r->pending.s[0] = 0;
        printf("^C\n");
        rl_callback_handler_install(PROMPT, on_line);
        continue;
      }
      if (ready < 0 && errno == EINTR) continue;
      if (ready > 0) rl_callback_read_char();
    }
    if (r->eof) {
      rl_callback_handler_remove();
      printf("\n");
      break;
    }
    feed(r, r->line);
    free(r->line);
    r->line = NULL;
  }
  rl_callback_handler_remove();
  rt_free(r->history_path);
  return 0;
}

/* Without a terminal: plain lines, no prompts, the same entries and commands. */
static int repl_pipe(Repl *r) {
  char *line = NULL;
  size_t cap = 0;
  while (!r->quit && getline(&line, &cap, stdin) >= 0) {
    rt_interrupted = 0;
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[n - 1] = 0;
    feed(r, line);
  }
  free(line);
  if (r->pending.len) {
    /* Input ended inside an entry: run it to report what is missing. */
    interp_run(r->I, "<repl>", r->pending.s, r->pending.len, NULL);
  }
  return 0;
}

int repl_run(Interp *I) {
  Repl r = {.I = I, .n_builtin_globals = I->n_globals, .tty = isatty(0) && isatty(1)};
  session = &r;
  struct sigaction sa = {0}, old;
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  I->echo = true;
  int st = r.tty ? repl_tty(&r) : repl_pipe(&r);
  sigaction(SIGINT, &old, NULL);
  sb_free(&r.pending);
  session = NULL;
  return st;
}
