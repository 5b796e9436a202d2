/* platform.c — the installed Platform (platform.h) and its output streams. */
#include "platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

/* The one table the process runs with: POSIX until a front end installs its own. */
static Platform current;
static bool installed;
/* When current.write is set: stdio streams that forward to it (else NULL). */
static FILE *cookie_out, *cookie_err;

static void install_default(void) {
  if (!installed) pf_set(NULL);
}

typedef struct Cookie {
  PfStream s;
} Cookie;

static const Cookie cookies[3] = {{PF_IN}, {PF_OUT}, {PF_ERR}};

static ssize_t cookie_write(void *c, const char *buf, size_t n) {
  current.write(current.ctx, ((const Cookie *)c)->s, buf, n);
  return (ssize_t)n;
}

/* An unbuffered stream whose writes go to current.write: every fprintf reaches the
   front end at once and in order across the two streams. */
static FILE *cookie_stream(PfStream s) {
  cookie_io_functions_t io = {.write = cookie_write};
  FILE *f = fopencookie((void *)&cookies[s], "w", io);
  if (f) setvbuf(f, NULL, _IONBF, 0);
  return f;
}

static void close_cookies(void) {
  if (cookie_out) fclose(cookie_out);
  if (cookie_err) fclose(cookie_err);
  cookie_out = cookie_err = NULL;
}

void pf_set(const Platform *p) {
  if (installed) fflush(pf_out()), fflush(pf_err());
  close_cookies();
  const Platform *d = pf_posix();
  current = p ? *p : *d;
  if (!current.name) current.name = "custom";
  if (!current.is_terminal) current.is_terminal = d->is_terminal;
  if (!current.term_size) current.term_size = d->term_size;
  if (!current.clock) current.clock = d->clock;
  if (!current.open_regular) current.open_regular = d->open_regular;
  if (!current.load_symbol) { /* a table that loads its own libraries does both */
    current.load_symbol = d->load_symbol;
    if (!current.load_symbol_fresh) current.load_symbol_fresh = d->load_symbol_fresh;
  }
  if (!current.watch_interrupt) current.watch_interrupt = d->watch_interrupt;
  if (!current.line_open) current.line_open = d->line_open;
  if (!current.read_line) current.read_line = d->read_line;
  if (!current.history_add) current.history_add = d->history_add;
  if (!current.line_close) current.line_close = d->line_close;
  installed = true;
  if (current.write) {
    cookie_out = cookie_stream(PF_OUT);
    cookie_err = cookie_stream(PF_ERR);
  }
}

void pf_poll(void) {
  if (current.poll) current.poll();
}

const Platform *pf_get(void) {
  install_default();
  return &current;
}

/* A failed fopencookie (out of memory at pf_set) falls back to the standard stream. */
FILE *pf_out(void) {
  install_default();
  return cookie_out ? cookie_out : stdout;
}

FILE *pf_err(void) {
  install_default();
  return cookie_err ? cookie_err : stderr;
}

int pf_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(pf_out(), fmt, ap);
  va_end(ap);
  return n;
}

bool pf_is_terminal(PfStream s) { return pf_get()->is_terminal(s); }
bool pf_term_size(int *cols, int *lines) { return pf_get()->term_size(cols, lines); }
double pf_clock(void) { return pf_get()->clock(); }
void *pf_load_symbol(const char *lib, const char *sym) { return pf_get()->load_symbol(lib, sym); }
void *pf_load_symbol_fresh(const char *lib, const char *sym) {
  const Platform *p = pf_get();
  return p->load_symbol_fresh ? p->load_symbol_fresh(lib, sym) : NULL;
}
void pf_watch_interrupt(void (*handler)(int)) { pf_get()->watch_interrupt(handler); }
void pf_line_open(const PfEditor *ed) { pf_get()->line_open(ed); }
PfLine pf_read_line(const char *prompt, char **line) { return pf_get()->read_line(prompt, line); }
int pf_history_add(const char *entry) { return pf_get()->history_add(entry); }
void pf_line_close(void) { pf_get()->line_close(); }
