/* run.c — running sources (interp.h, the embedding API): the top-level run loop that
 * catches errors and reports them located, reading script files, import, and the
 * interpreter's life cycle (start-up registers the libraries and loads the stdlib).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decl.h"
#include "diag.h"
#include "exec.h"
#include "explain.h"
#include "help.h"
#include "file.h"
#include "func.h"
#include "interp.h"
#include "lib.h"
#include "mem.h"
#include "platform.h"
#include "totorch.h"

/* ------------------------------------------------------------------ running sources */

static Source *source_new(const char *name, const char *text, size_t len) {
  Source *s = rt_calloc(1, sizeof *s);
  s->name = malloc(strlen(name) + 1);
  s->text = malloc(len + 1);
  if (!s->name || !s->text) {
    free(s->name);
    free(s->text);
    rt_free(s);
    rt_throw_kind(RT_ERR_OOM, "out of memory (reading %s)", name);
  }
  strcpy(s->name, name);
  memcpy(s->text, text, len);
  s->text[len] = 0;
  s->len = len;
  /* A UTF-8 byte order mark (editors on Windows write one) is blanked, keeping columns. */
  if (len >= 3 && !memcmp(s->text, "\xEF\xBB\xBF", 3)) memset(s->text, ' ', 3);
  return s;
}

static void source_free(Source *s) {
  arena_free(&s->arena);
  free(s->name);
  free(s->text);
  rt_free(s);
}

/* The call trace, innermost first. Runs of the same call site collapse into one line
   with a count, and a very deep trace keeps its two ends. */
static void report_trace(Interp *I, FILE *out) {
  enum { KEEP = 12 };
  int printed = 0, skipped = 0;
  for (int i = I->n_calls - 1; i >= 0; i--) {
    const CallFrame *f = &I->calls[i];
    if (!f->site) continue;
    int run = 1;
    while (i - run >= 0 && I->calls[i - run].site == f->site) run++;
    bool shown = printed < KEEP || i < KEEP;
    if (shown) {
      if (skipped) fprintf(out, _("  ... %d more calls ...\n"), skipped);
      skipped = 0;
      fprintf(out, _("  in '%s' called at %s:%d:%d\n"), f->fn->name, f->site->src->name,
              f->site->span.first_line, f->site->span.first_col);
      if (run > 1) fprintf(out, _("  ... the call above repeated %d more times\n"), run - 1);
      printed++;
    } else {
      skipped += run;
    }
    i -= run - 1;
  }
  if (skipped) fprintf(out, _("  ... %d more calls ...\n"), skipped);
}

/* Where error reports go: the front end's stream (I->report) or standard error. */
static FILE *report_stream(Interp *I) { return I->report ? I->report : pf_err(); }

static void report(Interp *I, const Node *at, const char *msg) {
  fflush(pf_out());
  if (at) diag_report(report_stream(I), I->color, at->src, at->span, "error", msg);
  else diag_report(report_stream(I), I->color, NULL, (Span){0}, "error", msg);
  report_trace(I, report_stream(I));
}

/* Parse a source; on a syntax error report it (or flag incomplete) and return NULL. */
static Node *parse_or_report(Interp *I, Source *src, bool *incomplete) {
  Span bad;
  char why[128];
  if (!diag_check_utf8(src->text, src->len, &bad, why, sizeof why)) {
    diag_report(report_stream(I), I->color, src, bad, "error", why);
    return NULL;
  }
  ParseError pe = {0};
  Node *prog = parse_source(src, &I->syms, &pe);
  if (prog) return prog;
  if (pe.incomplete && incomplete) {
    *incomplete = true;
    return NULL;
  }
  fflush(pf_out());
  diag_report(report_stream(I), I->color, src, pe.span, "error", pe.msg);
  return NULL;
}

/* Run the statements of prog at top level; echo expression values when asked (the last
   one into I->result when a front end asked for it). */
static void run_program(Interp *I, const Node *prog, bool echo) {
  for (int i = 0; i < prog->n_kids; i++) {
    const Node *s = prog->kids[i];
    if (echo && s->kind == N_EXPR) {
      I->cur = s;
      Value v = ev_eval(I, NULL, s->a);
      ev_root(I, v);
      if (v.type != V_NONE && I->result && i == prog->n_kids - 1) {
        v_echo(I->result, v);
      } else if (v.type != V_NONE) {
        I->out.len = 0;
        v_echo(&I->out, v);
        fputs(I->out.s, pf_out());
        fputc('\n', pf_out());
      }
      ev_unroot(I, 1);
    } else {
      ev_exec_top(I, s);
    }
  }
}

/* One source, run under ev_pcall by interp_run. */
typedef struct {
  const char *name, *text;
  size_t len;
  bool *incomplete;
  Source *src; /* made by run_source; NULL when it could not be parsed */
  int status;
} RunSource;

static void run_source(Interp *I, void *ctx) {
  RunSource *r = ctx;
  r->src = source_new(r->name, r->text, r->len);
  Node *prog = parse_or_report(I, r->src, r->incomplete);
  if (!prog) {
    r->status = 1;
    source_free(r->src);
    r->src = NULL;
  } else {
    r->src->next = I->sources;
    I->sources = r->src;
    run_program(I, prog, I->echo);
  }
}

/* Report an error where it was caught: the call trace still holds the calls it unwinds. */
static void report_error(Interp *I, void *ctx) {
  const Node *at = I->err_node ? I->err_node : I->cur;
  if (totorch_stopped(I)) {
    /* not an error: nn --to-torch stops the script once its program is written */
  } else if (rt_errkind() == RT_ERR_INTERRUPT) {
    fflush(pf_out());
    fprintf(report_stream(I), "%s\n", rt_errmsg()); /* "interrupted", as rt_throw_kind translated it */
    I->interrupted = true;
  } else {
    report(I, at, rt_errmsg());
  }
  I->err_node = NULL;
}

int interp_run(Interp *I, const char *name, const char *text, size_t len, bool *incomplete) {
  char probe;
  bool outer = I->stack_base == NULL;
  if (outer) I->stack_base = &probe;
  if (incomplete) *incomplete = false;
  I->interrupted = false;
  RunSource r = {.name = name, .text = text, .len = len, .incomplete = incomplete};
  if (!ev_pcall(I, run_source, report_error, &r)) r.status = 1;
  Source *src = r.src;
  /* A source that made no function (a REPL entry like `x + 1`) is not needed any more:
     free it, so a long session does not keep every line it ever ran. */
  I->cur = I->err_node = NULL;
  if (src && !src->keep) {
    Source **p = &I->sources;
    while (*p && *p != src) p = &(*p)->next;
    if (*p) *p = src->next;
    source_free(src);
  }
  fflush(pf_out());
  if (outer) I->stack_base = NULL;
  return r.status;
}

static char *read_file(const char *path, size_t *len, char *why, size_t n) {
  const char *reason;
  int fd = rt_open_regular(path, &reason);
  if (fd < 0) {
    snprintf(why, n, "%s", fd == -2 ? _("it is a folder, not a file") : reason);
    return NULL;
  }
  /* A script over 1 GiB is not a script (a data file or disk image named by mistake). */
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > (off_t)1 << 30) {
    snprintf(why, n, _("it is %.1f GiB, too large for a script (at most 1 GiB)"),
             (double)st.st_size / 1073741824.0);
    close(fd);
    return NULL;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    snprintf(why, n, "%s", rt_strerror(errno));
    close(fd);
    return NULL;
  }
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    size_t got = fread(buf + used, 1, cap - used, f);
    used += got;
    if (used < cap) break;
    char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL; /* 32 bits in wasm */
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int err = ferror(f);
  fclose(f);
  if (!buf || err) {
    free(buf);
    snprintf(why, n, "%s", buf ? _("read error") : _("out of memory"));
    return NULL;
  }
  *len = used;
  return buf;
}

int interp_run_file(Interp *I, const char *path) {
  size_t len;
  char why[256];
  char *text = read_file(path, &len, why, sizeof why);
  if (!text) {
    fprintf(report_stream(I), _("nn: error: cannot read '%s': %s\n"), path, why);
    return 1;
  }
  int st = interp_run(I, path, text, len, NULL);
  free(text);
  return st;
}

/* Brackets left open at the end of text: (, [ and { outside strings and comments. */
static int open_brackets(const char *text, size_t len) {
  int depth = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '#') {
      while (i < len && text[i] != '\n') i++;
    } else if (c == '"') {
      for (i++; i < len && text[i] != '"'; i++)
        if (text[i] == '\\') i++;
    } else if (c == '(' || c == '[' || c == '{') {
      depth++;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return depth;
}

InterpCheck interp_check(Interp *I, const char *text, size_t len, int *depth) {
  *depth = 0;
  Span bad;
  char why[128];
  if (!diag_check_utf8(text, len, &bad, why, sizeof why)) return INTERP_INVALID;
  InterpCheck got = INTERP_INVALID;
  Source *src = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    src = source_new("<check>", text, len);
    ParseError pe = {0};
    got = parse_source(src, &I->syms, &pe) ? INTERP_COMPLETE : pe.incomplete ? INTERP_INCOMPLETE
                                                                               : INTERP_INVALID;
    rt_pop(&f);
  } else {
    rt_pop(&f); /* out of memory: the front end runs the code and reports it there */
  }
  if (src) source_free(src);
  /* A syntax error before a bracket still open at the end (`model {`, a name forgotten)
     is reported once the user closes it: a console asks for more lines first. */
  int open = open_brackets(text, len);
  if (got == INTERP_INVALID && open > 0) got = INTERP_INCOMPLETE;
  if (got == INTERP_INCOMPLETE) *depth = open;
  return got;
}

/* import "file.nn": relative to the importing file's folder; each file runs once. */
enum { MAX_IMPORT_DEPTH = 100 }; /* a chain of distinct files importing each other */
static void run_import(Interp *I, const Node *n) {
  if (memchr(n->str, 0, n->len))
    ev_error(I, n, "cannot import this path: it contains a NUL byte (\\0)");
  char path[4096];
  const char *from = n->src->name, *slash = strrchr(from, '/');
  const char *rel = n->str;
  while (slash && rel[0] == '.' && rel[1] == '/') rel += 2; /* "dir/./a.nn" is "dir/a.nn" */
  if (n->str[0] != '/' && slash)
    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - from), from, rel);
  else
    snprintf(path, sizeof path, "%s", n->str);
  /* Files are compared by canonical path, so "./a.nn", "a.nn" and "../x/a.nn" are one
     file; a path that does not resolve is left to read_file to report. */
  char canon[PATH_MAX], other[PATH_MAX];
  bool resolved = realpath(path, canon) != NULL;
  for (Source *s = I->sources; s; s = s->next)
    if (!strcmp(s->name, path) || (resolved && realpath(s->name, other) && !strcmp(other, canon)))
      return; /* already imported (or the file itself) */
  for (int i = 0; i < I->n_importing; i++)
    if (!strcmp(I->importing[i]->data, resolved ? canon : path))
      ev_error(I, n, "import cycle: '%s' imports itself", path);
  if (I->n_importing >= MAX_IMPORT_DEPTH)
    ev_error(I, n, "cannot import '%s': imports nested more than %d deep", path, MAX_IMPORT_DEPTH);
  size_t len;
  char why[256];
  char *text = read_file(path, &len, why, sizeof why);
  if (!text) ev_error(I, n, "cannot import '%s': %s", path, why);
  Source *src = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    src = source_new(path, text, len);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(text);
    rt_rethrow();
  }
  free(text);
  Node *prog = parse_or_report(I, src, NULL);
  if (!prog) {
    source_free(src);
    ev_error(I, n, "cannot import '%s': it has a syntax error (above)", path);
  }
  src->keep = true; /* imported once: its name stays listed so it is not run again */
  src->next = I->sources;
  I->sources = src;
  Value name = v_cstr(resolved ? canon : path);
  ev_root(I, name);
  I->importing = rt_realloc(I->importing, sizeof(Str *) * (size_t)(I->n_importing + 1));
  I->importing[I->n_importing++] = name.as.str;
  /* On an error the catcher (ev_pcall) puts echo and n_importing back. */
  bool echo = I->echo;
  I->echo = false;
  run_program(I, prog, false);
  I->echo = echo;
  I->n_importing--;
  ev_unroot(I, 1);
}

/* ------------------------------------------------------------------ life cycle */

typedef struct {
  const char *name;
  const char *text;
} StdlibFile;
extern const StdlibFile nn_stdlib_files[];

/* The stdlib's functions resolve names in a scope holding the globals as they are after
   start-up, so a user's `fn log(x) = 0` or `let mean = mean(x)` changes their own
   program, not what cross_entropy or adam compute. */
static void freeze_stdlib(Interp *I) {
  Env *e = ev_env_new(I, NULL);
  for (int i = 0; i < I->n_globals; i++) ev_env_define(e, I->global_names[i], v_retain(I->globals[i]));
  for (int i = 0; i < I->n_globals; i++) {
    if (I->globals[i].type != V_FUNC) continue;
    Func *f = I->globals[i].as.fn;
    Func *fs[2] = {f, f->formula};
    for (int k = 0; k < 2; k++)
      if (fs[k] && !fs[k]->env && ev_in_stdlib(fs[k]->def)) {
        fs[k]->env = e;
        e->rc++;
      }
  }
  env_release(e);
}

void interp_init(Interp *I) {
  memset(I, 0, sizeof *I);
  func_register_types(); /* how value.c lets go of functions, scopes, layers, ... */
  decl_register_types();
  I->env_ring.all_next = I->env_ring.all_prev = &I->env_ring;
  struct rlimit rl;
  size_t limit = 8u << 20;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limit = rl.rlim_cur;
  if (limit > (256u << 20)) limit = 256u << 20;
  I->stack_limit = limit / 2; /* half: generous room for kernels, readline, sanitizers */
  rng_seed(&I->rng, 0);
  I->hooks = (EvalHooks){.decl = decl_exec, .apply = nn_apply, .explain = explain_run,
                         .import = run_import, .exec_block = exec_body};
  lib_register_all(I);
  for (const StdlibFile *f = nn_stdlib_files; f->name; f++) {
    char name[128];
    snprintf(name, sizeof name, "<stdlib:%s>", f->name);
    if (interp_run(I, name, f->text, strlen(f->text), NULL) != 0) {
      fprintf(pf_err(), "%s", _("nn: internal error: the standard library failed to load\n"));
      exit(70);
    }
  }
  freeze_stdlib(I);
}

void interp_free(Interp *I) {
  /* Scopes and closures can form cycles (a function stored in the scope it captured):
     hold every scope, empty them all, then let go. */
  Env *ring = &I->env_ring;
  for (Env *e = ring->all_next; e != ring; e = e->all_next) e->rc++;
  for (Env *e = ring->all_next; e != ring; e = e->all_next) {
    for (int i = 0; i < e->n; i++) {
      Value v = e->vals[i];
      e->vals[i] = v_none();
      v_release_breaking_cycles(v);
    }
  }
  for (int i = 0; i < I->n_globals; i++) {
    Value v = I->globals[i];
    I->globals[i] = v_none();
    v_release_breaking_cycles(v);
  }
  while (ring->all_next != ring) {
    Env *e = ring->all_next;
    e->rc = 1;
    e->parent = NULL;
    env_release(e);
  }
  ev_unroot_to(I, 0);
  v_release(I->ret);
  free(I->roots);
  free(I->globals);
  free(I->global_names);
  rt_free(I->calls);
  rt_free(I->importing);
  while (I->sources) {
    Source *s = I->sources;
    I->sources = s->next;
    source_free(s);
  }
  symtab_free(&I->syms);
  sb_free(&I->out);
}

bool interp_set_lang(Interp *I, const char *lang) { return help_set_lang(I, lang); }
