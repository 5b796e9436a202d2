/* nn_web.c — the C side of the browser's JS API (web/nn-api.js): one interpreter per
 * page, driven through the embedding API (interp.h) as the REPL drives it, so definitions
 * persist from one run to the next. Each run's output is collected (no terminal): stdout
 * and stderr text, and the figures plot() draws without file = (SVG documents), which the
 * page reads after the run through the nn_web_* accessors below.
 *
 * JS calls: nn_web_init once, then nn_web_run(name, source, len, flags) per run, reading
 * nn_web_text/nn_web_text_len(1 or 2) and nn_web_figure(i) for i < nn_web_figures(). */
#include <emscripten.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "interp.h"
#include "nn_web.h"
#include "platform.h"
#include "repl.h"

/* A growable byte buffer, kept NUL-terminated for the JS side. */
typedef struct Buf {
  char *s;
  size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *text, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (b->len + n + 1 > cap) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) return; /* out of memory: the text is dropped, the run goes on */
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->len, text, n);
  b->len += n;
  b->s[b->len] = 0;
}

/* What one run produced. */
typedef struct Run {
  Buf out, err;
  Buf *figures; /* one SVG document each */
  int n_figures;
} Run;

static Interp I;
static bool started;
static Run run;
static char lang[16] = "";

static void run_clear(void) {
  run.out.len = run.err.len = 0;
  if (run.out.s) run.out.s[0] = 0;
  if (run.err.s) run.err.s[0] = 0;
  for (int i = 0; i < run.n_figures; i++) free(run.figures[i].s);
  free(run.figures);
  run.figures = NULL;
  run.n_figures = 0;
}

/* Output also goes to the page as it is written (Module.onOutput, set by nn-api.js for a
   run that streams), so a console shows a training run's epoch lines while it runs. */
EM_JS(void, js_output, (int stream, const char *text, size_t n), {
  if (Module.onOutput) Module.onOutput(stream, UTF8ToString(text, n));
});

static void web_write(void *ctx, PfStream s, const char *text, size_t n) {
  buf_add(s == PF_ERR ? &run.err : &run.out, text, n);
  js_output(s == PF_ERR ? 2 : 1, text, n);
}

static void web_show_svg(void *ctx, const char *svg, size_t n) {
  Buf *f = realloc(run.figures, sizeof *f * (size_t)(run.n_figures + 1));
  if (!f) return;
  run.figures = f;
  f[run.n_figures] = (Buf){0};
  buf_add(&f[run.n_figures], svg, n);
  run.n_figures++;
}

/* A live-training frame (interp/live.c) goes to the page at once, mid-run: Module.onLive
   (set by nn-api.js for the run that asked for frames) gets the JSON text. */
EM_JS(void, js_show_live, (const char *json, size_t n), {
  if (Module.onLive) Module.onLive(UTF8ToString(json, n));
});

static void web_show_live(void *ctx, const char *json, size_t n) { js_show_live(json, n); }

/* Platform.poll: a long computation gives the JS event loop a turn every POLL_MS of wall
   time (emscripten_sleep(0) unwinds the wasm stack with Asyncify and resumes it from a
   timer), so that a Stop message or an interrupt from the page can call
   nn_web_interrupt meanwhile. A yield costs a few milliseconds (a timer's delay), so it
   is rationed by the clock rather than done at every check. */
enum { POLL_MS = 50 };
static double last_yield_ms;
/* Only inside nn_web_run, which JS calls asynchronously (ccall's async mode): the other
   entry points (init, which runs the stdlib, reset, set_lang) are plain synchronous
   calls, and a sleep under them would return to JS half done. */
static bool may_yield;

/* Live frames the page has not drawn yet (Module.liveBacklog, kept by web/nn-worker.js
   from the page's acknowledgements; 0 without a page). Training waits while the page is
   more than LIVE_AHEAD frames behind, so what the page shows is the epoch training is at
   (Stop stops there) and a slow screen is never flooded. */
EM_JS(int, js_live_backlog, (void), { return Module.liveBacklog ? Module.liveBacklog() : 0; });
enum { LIVE_AHEAD = 2 };

static void web_poll(void) {
  if (!may_yield) return;
  while (js_live_backlog() > LIVE_AHEAD && !rt_interrupted) {
    emscripten_sleep(2); /* the page's acknowledgements arrive meanwhile */
    last_yield_ms = emscripten_get_now();
  }
  double now = emscripten_get_now();
  if (now - last_yield_ms < POLL_MS) return;
  emscripten_sleep(0);
  last_yield_ms = emscripten_get_now();
}

/* Nested nn calls allowed in the page. WebAssembly frames live on the engine's own stack
   (about 1 MB in V8, not the 8 MB C stack nn checks), and Asyncify makes them larger:
   about 950 nested calls of a one-line function fit under Node 20, so 500 leaves room
   for calls that each take more frames (a layer's forward inside a recursion). */
enum { WEB_MAX_CALLS = 500 };
/* C stack evaluation may use, for the same reason: nn's check measures the C stack in the
   module's memory (8 MB), but each level also takes engine stack, which ran out at about
   3250 levels of `1 + 1 + …` (about 1.1 KB of C stack each) in a browser. 2 MB stops
   expressions at about 1750 levels with nn's own error, and still holds WEB_MAX_CALLS
   nested calls (each takes more C stack: 1 MB held fewer than 490). */
enum { WEB_STACK_LIMIT = 2 << 20 };

static int first_user_global; /* :vars lists the globals defined after the stdlib */

static void start(void) {
  interp_init(&I);
  I.max_calls = WEB_MAX_CALLS;
  I.stack_limit = WEB_STACK_LIMIT;
  first_user_global = I.n_globals;
  if (*lang) interp_set_lang(&I, lang);
  started = true;
}

/* The page's table: output collected, figures as SVG unless TEXT_PLOTS (then plots are
   drawn as text on stdout, as in a terminal). The rest is web/platform_web.c's (pf_set
   fills NULL members from it). */
static bool text_plots;
static char home[256]; /* nn_web_set_home's folder, or "" */

static void install(bool text) {
  pf_set(&(Platform){.name = "web", .write = web_write, .show_svg = text ? NULL : web_show_svg,
                     .show_live = web_show_live, .poll = web_poll,
                     .opened_files_dir = *home ? home : NULL});
  text_plots = text;
}

EMSCRIPTEN_KEEPALIVE void nn_web_init(void) {
  if (started) return;
  install(false);
  start();
}

/* Run the LEN bytes of SOURCE (UTF-8; checked, as a file's are) named NAME in messages.
   FLAGS: NN_WEB_ECHO prints each expression statement's value, as the REPL does;
   NN_WEB_TEXT_PLOTS draws plots as text instead of collecting figures; NN_WEB_REPL takes
   SOURCE as a console entry: a ':' command runs as the terminal REPL's, and an entry that
   ends early (an open brace, a trailing operator) runs nothing and returns 2, so the
   console asks for more lines. Returns 0, or 1 after an error (reported on the run's
   stderr). The previous run's output is dropped first. */
EMSCRIPTEN_KEEPALIVE int nn_web_run(const char *name, const char *source, size_t len, int flags) {
  nn_web_init();
  run_clear();
  bool text = (flags & NN_WEB_TEXT_PLOTS) != 0;
  if (text != text_plots) install(text);
  I.echo = (flags & NN_WEB_ECHO) != 0;
  rt_interrupted = 0; /* a Stop that came after the previous run ended stops nothing */
  last_yield_ms = emscripten_get_now();
  may_yield = true;
  int status;
  bool incomplete = false;
  if ((flags & NN_WEB_REPL) && (status = repl_command(&I, source, first_user_global, NULL)) >= 0) {
    /* a ':' command, run */
  } else {
    status = interp_run(&I, name, source, len, (flags & NN_WEB_REPL) ? &incomplete : NULL);
    if (incomplete) status = 2;
  }
  may_yield = false;
  return status;
}

/* Stop the running computation, as Ctrl-C does in a terminal: training ends after its
   current step and keeps its weights; anything else stops with "interrupted". A second
   call before the first is honoured stops even training at once. The page calls this
   while a run is suspended in web_poll. */
EMSCRIPTEN_KEEPALIVE void nn_web_interrupt(void) { rt_interrupted = rt_interrupted ? 2 : 1; }

/* The page's working folder (web/nn-worker.js: /home/web_user in the in-memory file
   system): made the current folder, so scripts read and write relative paths there, and
   the folder of files the user opens (Platform.opened_files_dir: fashion_mnist() looks
   there, and says to open its files when they are missing). Returns 0, or an errno.
   Not called under Node, whose module works in the host's folders. */
EMSCRIPTEN_KEEPALIVE int nn_web_set_home(const char *dir) {
  nn_web_init();
  if (strlen(dir) >= sizeof home) return ENAMETOOLONG;
  if (chdir(dir) != 0) return errno;
  snprintf(home, sizeof home, "%s", dir);
  install(text_plots);
  return 0;
}

/* A fresh interpreter: every definition of earlier runs is forgotten (the language stays). */
EMSCRIPTEN_KEEPALIVE void nn_web_reset(void) {
  run_clear();
  if (started) interp_free(&I);
  started = false;
  nn_web_init();
}

/* "en" or "zh" (or a spelling interp_set_lang accepts); 0 when unknown. */
EMSCRIPTEN_KEEPALIVE int nn_web_set_lang(const char *code) {
  nn_web_init();
  if (!interp_set_lang(&I, code)) return 0;
  snprintf(lang, sizeof lang, "%s", code);
  return 1;
}

/* The last run's text on stream 1 (stdout) or 2 (stderr), and its length in bytes. */
EMSCRIPTEN_KEEPALIVE const char *nn_web_text(int stream) {
  const Buf *b = stream == 2 ? &run.err : &run.out;
  return b->s ? b->s : "";
}
EMSCRIPTEN_KEEPALIVE size_t nn_web_text_len(int stream) { return stream == 2 ? run.err.len : run.out.len; }

/* The last run's figures: how many, and the i-th SVG document. */
EMSCRIPTEN_KEEPALIVE int nn_web_figures(void) { return run.n_figures; }
EMSCRIPTEN_KEEPALIVE const char *nn_web_figure(int i) {
  return i >= 0 && i < run.n_figures && run.figures[i].s ? run.figures[i].s : "";
}
