/* kernel.c — `nn --kernel` (kernel.h): the front end a notebook kernel drives through
 * pipes. A Python wrapper speaks Jupyter's protocol; this side reads framed requests,
 * runs cells as In[N], and turns the interpreter's output into frames: text, figures,
 * the training progress line, the last statement's value, error reports, a status. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "help.h"
#include "interp.h"
#include "kernel.h"
#include "mem.h"
#include "platform.h"
#include "repl.h"

#define MAX_REQUEST ((size_t)1 << 30) /* bytes of one request's payload */

/* A frame kind whose latest state matters, not every state: the progress line, the
   live-training figure. Sent at most once per `every` seconds: the first state at once,
   a later one when the time has come, else kept (pending) until then or the end; the
   end sends what is pending, then "KIND 1 0". */
typedef struct Throttled {
  const char *kind;
  double every;
  StrBuf latest;
  bool shown;   /* a frame went out since the view began */
  bool pending; /* latest has not gone out */
  double sent;  /* when the last frame went out (pf_clock) */
} Throttled;

typedef struct Kernel {
  Interp I;
  int fd;                /* where frames go: the original standard output */
  StrBuf text;           /* out or err text not yet sent, up to a line end */
  PfStream text_stream;  /* which of the two it is */
  StrBuf *capture;       /* non-NULL: err text is collected here (a ':' command's) */
  Throttled progress;    /* the progress line: 8 frames a second at most */
  Throttled live;        /* train(..., live = true)'s figures (interp/live.c's JSON): 4 */
  int first_user_global; /* globals from here on are the user's (for :vars) */
} Kernel;

/* ------------------------------------------------------------------ frames */

/* Write all of buf to fd. A wrapper that went away ends the process (SIGPIPE, or exit
   here when that is ignored): nobody is left to serve. */
static void write_all(int fd, const char *buf, size_t n) {
  while (n) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) _exit(1);
    buf += w;
    n -= (size_t)w;
  }
}

static void frame(Kernel *K, const char *kind, long arg, const char *data, size_t n) {
  char head[64];
  int hn = snprintf(head, sizeof head, "%s %ld %zu\n", kind, arg, n);
  write_all(K->fd, head, (size_t)hn);
  if (n) write_all(K->fd, data, n);
}

static void flush_text(Kernel *K) {
  if (!K->text.len) return;
  frame(K, K->text_stream == PF_OUT ? "out" : "err", 0, K->text.s, K->text.len);
  K->text.len = 0;
}

/* Platform.write: text goes out a line at a time (and at once when the stream changes
   or another frame follows), so a print shows while a long cell still runs. */
static void k_write(void *ctx, PfStream s, const char *text, size_t n) {
  Kernel *K = ctx;
  if (s == PF_ERR && K->capture) {
    sb_putn(K->capture, text, n);
    return;
  }
  if (K->text.len && K->text_stream != s) flush_text(K);
  K->text_stream = s;
  sb_putn(&K->text, text, n);
  if (K->text.len && (K->text.s[K->text.len - 1] == '\n' || K->text.len >= 1 << 16)) flush_text(K);
}

static void k_show_svg(void *ctx, const char *svg, size_t n) {
  Kernel *K = ctx;
  flush_text(K);
  frame(K, "svg", 0, svg, n);
}

static void send_latest(Kernel *K, Throttled *t, double now) {
  flush_text(K);
  frame(K, t->kind, 0, t->latest.s, t->latest.len);
  t->sent = now;
  t->shown = true;
  t->pending = false;
}

static void throttled_put(Kernel *K, Throttled *t, const char *data, size_t n) {
  double now = pf_clock();
  t->latest.len = 0;
  sb_putn(&t->latest, data, n);
  if (!t->shown || now - t->sent >= t->every) send_latest(K, t, now);
  else t->pending = true;
}

static void throttled_end(Kernel *K, Throttled *t) {
  if (t->pending) send_latest(K, t, pf_clock());
  if (t->shown) frame(K, t->kind, 1, "", 0);
  t->shown = t->pending = false;
}

/* Platform.show_progress: the line's text, or n == 0 when the line is over. */
static void k_show_progress(void *ctx, const char *line, size_t n) {
  Kernel *K = ctx;
  if (n) throttled_put(K, &K->progress, line, n);
  else throttled_end(K, &K->progress);
}

/* Platform.show_live: a `train(..., live = true)` frame after each epoch (the wrapper
   draws each as a figure); a run's last frame (its last epoch, an interrupt, an early
   stop: "last": true) ends the view at once. A run that fails ends it when the cell's
   code ends. */
static void k_show_live(void *ctx, const char *json, size_t n) {
  Kernel *K = ctx;
  throttled_put(K, &K->live, json, n);
  if (strstr(K->live.latest.s, ",\"last\":true,")) throttled_end(K, &K->live);
}

/* ------------------------------------------------------------------ run */

/* A second Ctrl-C while the first is pending stops even loops that defer it (train). */
static void on_sigint(int sig) {
  (void)sig;
  rt_interrupted = rt_interrupted ? 2 : 1;
}

static bool blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isspace((unsigned char)s[i])) return false;
  return true;
}

/* The frames that end a piece of a run: the error report (if any) after the text. */
static void send_report(Kernel *K, char *report, size_t n) {
  flush_text(K);
  if (n) frame(K, "error", 0, report, n);
  free(report);
}

/* Status of a piece: 0 ok, 1 error, 2 stopped by an interrupt. */
static int piece_status(Kernel *K, int st) { return st ? K->I.interrupted ? 2 : 1 : 0; }

/* Run code (the cell's lines so far, those run before blanked so that line numbers stay
   the cell's); with_result: its last expression statement's value is the result frame. */
static int run_code(Kernel *K, const char *name, const StrBuf *code, bool with_result) {
  StrBuf result = {0};
  char *report = NULL;
  size_t n = 0;
  K->I.report = open_memstream(&report, &n); /* NULL: reports go to err frames */
  K->I.result = with_result ? &result : NULL;
  int st = interp_run(&K->I, name, code->s, code->len, NULL);
  /* a line or a view left open by a failed train ends with the run */
  throttled_end(K, &K->progress);
  throttled_end(K, &K->live);
  if (K->I.report) fclose(K->I.report);
  K->I.report = NULL;
  K->I.result = NULL;
  flush_text(K);
  if (result.len) frame(K, "result", 0, result.s, result.len);
  sb_free(&result);
  send_report(K, report, n);
  return piece_status(K, st);
}

/* A ':' command line; its error message (e.g. an unknown language) is the error frame. */
static int run_command(Kernel *K, const char *line, size_t len) {
  StrBuf cmd = {0}, err = {0};
  sb_putn(&cmd, line, len);
  char *report = NULL;
  size_t n = 0;
  K->I.report = open_memstream(&report, &n);
  K->capture = &err;
  bool quit = false;
  int st = repl_command(&K->I, cmd.s, K->first_user_global, &quit);
  K->capture = NULL;
  if (K->I.report) fclose(K->I.report);
  K->I.report = NULL;
  if (quit) sb_puts(&err, _(":quit is ignored in a notebook: restart the kernel to start afresh\n"));
  flush_text(K);
  if (st && !n && err.len) { /* the command's own complaint is the error */
    frame(K, "error", 0, err.s, err.len);
  } else if (err.len) {
    frame(K, "err", 0, err.s, err.len);
  }
  send_report(K, report, n);
  sb_free(&cmd);
  sb_free(&err);
  return piece_status(K, st);
}

/* Does the code not yet run end where an entry may end, so that a ':' line after it is a
   command rather than part of an unfinished expression? */
static bool at_boundary(Kernel *K, const StrBuf *code) {
  int depth;
  return blank(code->s, code->len) ||
         interp_check(&K->I, code->s, code->len, &depth) != INTERP_INCOMPLETE;
}

/* A cell: its code, with ':' command lines at entry boundaries run in order. */
static void run_cell(Kernel *K, long count, const char *cell, size_t len) {
  rt_interrupted = 0; /* a Ctrl-C while idle stops nothing */
  char name[32];
  snprintf(name, sizeof name, "In[%ld]", count);
  StrBuf code = {0};
  sb_puts(&code, "");
  int status = 0;
  for (size_t at = 0; at < len && !status;) {
    const char *line = cell + at, *nl = memchr(line, '\n', len - at);
    size_t n = nl ? (size_t)(nl - line) + 1 : len - at;
    at += n;
    size_t b = 0;
    while (b < n && (line[b] == ' ' || line[b] == '\t')) b++;
    if (b < n && line[b] == ':' && at_boundary(K, &code)) {
      if (!blank(code.s, code.len)) status = run_code(K, name, &code, false);
      if (!status) status = run_command(K, line, nl ? n - 1 : n);
      /* what ran becomes blank lines, so the lines after keep their numbers */
      size_t lines = 0;
      for (size_t i = 0; i < code.len; i++) lines += code.s[i] == '\n';
      code.len = 0;
      for (size_t i = 0; i <= lines; i++) sb_putc(&code, '\n');
    } else {
      sb_putn(&code, line, n);
    }
  }
  if (!status && !blank(code.s, code.len)) status = run_code(K, name, &code, true);
  sb_free(&code);
  flush_text(K);
  frame(K, "done", status, "", 0);
}

/* ------------------------------------------------------------------ complete, inspect */

/* Bytes of a name: ASCII letters, digits and '_', and any byte of a non-ASCII character
   (学习率 is a help topic). */
static bool name_byte(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

typedef struct {
  const char *prefix;
  size_t n;
  char **v;
  size_t len, cap;
} Matches;

static void add_match(Matches *m, const char *s, size_t n) {
  if (n < m->n || memcmp(s, m->prefix, m->n) || memchr(s, ' ', n)) return; /* one word */
  if (m->len == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 64;
    m->v = rt_realloc(m->v, m->cap * sizeof *m->v);
  }
  char *c = rt_malloc(n + 1);
  memcpy(c, s, n);
  c[n] = 0;
  m->v[m->len++] = c;
}

static void add_help_name(void *ud, const char *name, size_t n) { add_match(ud, name, n); }

static int by_bytes(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void complete(Kernel *K, size_t pos, const char *code, size_t len) {
  if (pos > len) pos = len;
  size_t start = pos;
  while (start > 0 && name_byte((unsigned char)code[start - 1])) start--;
  /* a ':' that starts a line (after blanks) makes the word a command */
  size_t b = start;
  bool command = start > 0 && code[start - 1] == ':';
  if (command) {
    b = start - 1;
    while (b > 0 && (code[b - 1] == ' ' || code[b - 1] == '\t')) b--;
    command = b == 0 || code[b - 1] == '\n';
    if (command) start--;
  }
  Matches m = {.prefix = code + start, .n = pos - start};
  if (command) {
    for (int i = 0; repl_commands[i]; i++) add_match(&m, repl_commands[i], strlen(repl_commands[i]));
  } else if (m.n) {
    for (int i = 0; repl_keywords[i]; i++) add_match(&m, repl_keywords[i], strlen(repl_keywords[i]));
    for (int i = 0; i < K->I.n_globals; i++)
      add_match(&m, K->I.global_names[i]->name, strlen(K->I.global_names[i]->name));
    help_each_name(add_help_name, &m);
  }
  if (m.len) qsort(m.v, m.len, sizeof *m.v, by_bytes);
  StrBuf out = {0};
  sb_puts(&out, "");
  for (size_t i = 0; i < m.len; i++) {
    if (!i || strcmp(m.v[i], m.v[i - 1])) {
      if (out.len) sb_putc(&out, '\n');
      sb_puts(&out, m.v[i]);
    }
  }
  for (size_t i = 0; i < m.len; i++) rt_free(m.v[i]);
  rt_free(m.v);
  frame(K, "matches", (long)start, out.s, out.len);
  sb_free(&out);
}

/* The name under or just before the cursor; else, inside a call's parentheses, the
   called function's. Returns a malloc'd name, or NULL. */
static char *name_at(const char *code, size_t len, size_t pos) {
  if (pos > len) pos = len;
  size_t from = pos, to = pos;
  while (from > 0 && name_byte((unsigned char)code[from - 1])) from--;
  while (to < len && name_byte((unsigned char)code[to])) to++;
  if (from == to) {
    int depth = 0;
    size_t i = pos;
    while (i > 0) {
      char c = code[--i];
      if (c == ')' || c == ']') depth++;
      else if ((c == '(' || c == '[') && depth) depth--;
      else if (c == '(') break;
      if (i == 0) return NULL;
    }
    if (pos == 0) return NULL;
    to = i;
    while (to > 0 && (code[to - 1] == ' ' || code[to - 1] == '\t')) to--;
    from = to;
    while (from > 0 && name_byte((unsigned char)code[from - 1])) from--;
    if (from == to) return NULL;
  }
  char *name = rt_malloc(to - from + 1);
  memcpy(name, code + from, to - from);
  name[to - from] = 0;
  return name;
}

static void inspect(Kernel *K, size_t pos, const char *code, size_t len) {
  char *name = name_at(code, len, pos), *text = NULL;
  size_t n = 0;
  bool found = false;
  FILE *f = name ? open_memstream(&text, &n) : NULL;
  if (f) {
    found = help_print(&K->I, f, name, NULL);
    fclose(f);
  }
  frame(K, "inspect", found, found ? text : "", found ? n : 0);
  free(text);
  rt_free(name);
}

/* ------------------------------------------------------------------ requests */

/* Is the cell complete? Its ':' command lines count as blank. */
static void is_complete(Kernel *K, const char *code, size_t len) {
  StrBuf c = {0};
  sb_puts(&c, "");
  for (size_t at = 0; at < len;) {
    const char *line = code + at, *nl = memchr(line, '\n', len - at);
    size_t n = nl ? (size_t)(nl - line) + 1 : len - at, b = 0;
    at += n;
    while (b < n && (line[b] == ' ' || line[b] == '\t')) b++;
    if (b < n && line[b] == ':' && at_boundary(K, &c))
      sb_putc(&c, '\n');
    else
      sb_putn(&c, line, n);
  }
  int depth = 0;
  InterpCheck got = interp_check(&K->I, c.s, c.len, &depth);
  static const char *const words[] = {"complete", "incomplete", "invalid"};
  frame(K, "is_complete", got == INTERP_INCOMPLETE ? 2L * depth : 0, words[got], strlen(words[got]));
  sb_free(&c);
}

/* A request's header "KIND ARG LEN": false when it is not one. */
static bool parse_header(const char *h, char *kind, size_t kind_size, long *arg, size_t *len) {
  size_t k = 0;
  while ((h[k] >= 'a' && h[k] <= 'z') || h[k] == '_') k++;
  if (!k || k >= kind_size || h[k] != ' ') return false;
  memcpy(kind, h, k);
  kind[k] = 0;
  const char *p = h + k + 1;
  if (!isdigit((unsigned char)*p)) return false;
  char *end;
  errno = 0;
  *arg = strtol(p, &end, 10);
  if (errno || *end != ' ' || !isdigit((unsigned char)end[1])) return false;
  unsigned long long n = strtoull(end + 1, &end, 10);
  if (errno || *end != '\n' || end[1] || n > MAX_REQUEST) return false;
  *len = (size_t)n;
  return true;
}

/* A malformed request: say so in an error frame; the caller exits with status 2. */
static int malformed(Kernel *K, const char *why) {
  flush_text(K);
  StrBuf msg = {0};
  sb_printf(&msg, _("nn --kernel: malformed request: %s\n"), why);
  frame(K, "error", 0, msg.s, msg.len);
  sb_free(&msg);
  return 2;
}

static int serve(Kernel *K) {
  char *head = NULL;
  size_t cap = 0;
  int status = 0;
  for (;;) {
    ssize_t got = getline(&head, &cap, stdin);
    if (got < 0) break; /* the end of input: the wrapper is done with us */
    char kind[16];
    long arg;
    size_t len;
    if (memchr(head, 0, (size_t)got) || !parse_header(head, kind, sizeof kind, &arg, &len)) {
      status = malformed(K, _("expected a header line 'KIND ARG LEN'"));
      break;
    }
    char *data = malloc(len + 1);
    if (!data) {
      status = malformed(K, _("the payload is too large"));
      break;
    }
    if (fread(data, 1, len, stdin) != len) {
      free(data);
      status = malformed(K, _("the payload is shorter than its length"));
      break;
    }
    data[len] = 0;
    size_t pos = arg < 0 ? 0 : (size_t)arg;
    if (!strcmp(kind, "run")) {
      run_cell(K, arg, data, len);
    } else if (!strcmp(kind, "complete")) {
      complete(K, pos, data, len);
    } else if (!strcmp(kind, "inspect")) {
      inspect(K, pos, data, len);
    } else if (!strcmp(kind, "is_complete")) {
      is_complete(K, data, len);
    } else if (!strcmp(kind, "lang")) {
      frame(K, "lang", !memchr(data, 0, len) && interp_set_lang(&K->I, data), "", 0);
    } else {
      free(data);
      status = malformed(K, _("unknown request"));
      break;
    }
    free(data);
  }
  free(head);
  return status;
}

int kernel_run(const char *lang) {
  static Kernel K; /* static: the platform's ctx outlives every call into it */
  K.progress = (Throttled){.kind = "progress", .every = 0.125};
  K.live = (Throttled){.kind = "live", .every = 0.25};
  fflush(stdout);
  K.fd = dup(STDOUT_FILENO);
  if (K.fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    fprintf(stderr, _("nn: error: --kernel cannot set up its output: %s\n"), rt_strerror(errno));
    return 1;
  }
  pf_set(&(Platform){.name = "jupyter", .ctx = &K, .write = k_write, .show_svg = k_show_svg,
                     .show_progress = k_show_progress, .show_live = k_show_live});
  interp_init(&K.I);
  if (lang) interp_set_lang(&K.I, lang);
  K.I.echo = true;
  K.first_user_global = K.I.n_globals;
  pf_watch_interrupt(on_sigint); /* SIGINT from the wrapper: Ctrl-C as in a terminal */
  int status = serve(&K);
  pf_watch_interrupt(NULL);
  interp_free(&K.I);
  flush_text(&K);
  pf_set(NULL);
  sb_free(&K.text);
  sb_free(&K.progress.latest);
  sb_free(&K.live.latest);
  close(K.fd);
  return status;
}
