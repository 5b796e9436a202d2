/* test_platform.c — the platform seam (runtime/platform.h) as a front end uses it: a
 * Jupyter kernel or a web page installs its own Platform, drives the interpreter through
 * interp_init/interp_run, and must receive every piece of output, error and warning
 * text through Platform.write, in order, and nothing on the process's own streams; file
 * opening, the clock and BLAS loading must ask it too. The REPL, run on a front end's
 * own line editor (a terminal in a web page), must take its lines, prompts, history and
 * interrupt handler from the platform. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "interp.h"
#include "platform.h"
#include "repl.h"

/* What the front end saw: each stream's text, and both in arrival order with a tag
   ("1:" or "2:") in front of each piece, to check interleaving. */
typedef struct Capture {
  char out[8192], err[8192], log[16384];
  size_t n_out, n_err, n_log;
} Capture;

static Capture cap;
static int clock_calls, open_calls, symbol_calls;
static char first_lib[64];

static void append(char *buf, size_t *n, size_t size, const char *s, size_t len) {
  if (*n + len >= size) len = size - 1 - *n;
  memcpy(buf + *n, s, len);
  *n += len;
  buf[*n] = 0;
}

static void cap_write(void *ctx, PfStream s, const char *text, size_t n) {
  Capture *c = ctx;
  if (s == PF_OUT) append(c->out, &c->n_out, sizeof c->out, text, n);
  else append(c->err, &c->n_err, sizeof c->err, text, n);
  /* A new tag only when the stream changes: pieces of one message stay together. */
  static PfStream last = PF_IN;
  if (s != last) append(c->log, &c->n_log, sizeof c->log, s == PF_OUT ? "1:" : "2:", 2);
  last = s;
  append(c->log, &c->n_log, sizeof c->log, text, n);
}

static void cap_reset(void) { memset(&cap, 0, sizeof cap); }

static bool never_terminal(PfStream s) { return false; }
static double fake_clock(void) { return 100.0 + clock_calls++; }
static int no_files(const char *path, const char **why) {
  open_calls++;
  *why = "no files in this sandbox";
  return -1;
}
static void *no_libraries(const char *lib, const char *sym) {
  if (!symbol_calls++) snprintf(first_lib, sizeof first_lib, "%s:%s", lib, sym);
  return NULL; /* as in WebAssembly: matmul falls back to its portable kernel */
}

/* A scripted line editor: the lines a user types, then Ctrl-C on an unfinished entry,
   then more lines and Ctrl-D. */
static const char *const typed[] = {"let x = [1,", "2]", ":vars", "sum(x)", "fn f(", "^C", "x[1]", NULL};
static int n_typed;
static char prompts[256], history[256], completions[256];
static const PfEditor *editor_seen;
static void (*interrupt_handler)(int);
static int handler_changes;

static void ed_open(const PfEditor *ed) { editor_seen = ed; }
static void ed_close(void) { editor_seen = NULL; }
static PfLine ed_read(const char *prompt, char **line) {
  strncat(prompts, prompt, sizeof prompts - strlen(prompts) - 1);
  *line = NULL;
  const char *t = typed[n_typed];
  if (!t) return PF_LINE_EOF;
  n_typed++;
  if (!strcmp(t, "^C")) return PF_LINE_INTERRUPTED;
  *line = strdup(t);
  return PF_LINE_OK;
}
static int ed_history(const char *entry) {
  strncat(history, entry, sizeof history - strlen(history) - 1);
  strncat(history, "|", sizeof history - strlen(history) - 1);
  return 0;
}
static void watch(void (*handler)(int)) {
  interrupt_handler = handler;
  handler_changes++;
}
static bool all_terminal(PfStream s) { return true; }

/* The editor's completion hooks, asked as a web terminal would on Tab. */
static void ask_completions(const char *text, const char *line) {
  char *c;
  for (int i = 0; (c = editor_seen->complete_next(editor_seen->ud, text, i)); i++) {
    if (i < 3) {
      strncat(completions, c, sizeof completions - strlen(completions) - 1);
      int suffix = editor_seen->complete_suffix(editor_seen->ud, c, line);
      strncat(completions, suffix == '(' ? "(" : "", sizeof completions - strlen(completions) - 1);
      strncat(completions, " ", sizeof completions - strlen(completions) - 1);
    }
    free(c);
  }
}

static PfLine ed_read_completing(const char *prompt, char **line) {
  if (n_typed == 4 && !completions[0]) {
    ask_completions("softm", "softm");
    ask_completions(":l", ":l");
    strncat(completions, editor_seen->complete_files(editor_seen->ud, "da", ":load da") ? "files" : "names",
            sizeof completions - strlen(completions) - 1);
  }
  return ed_read(prompt, line);
}

static const char *const script =
    "print(\"hello\", 1 + 2)\n"
    "model twice() { dense(2, 2); softmax; softmax }\n"
    "seed(1)\n"
    "let d = blobs(n = 40, centers = 2)\n"
    "train(twice(), d, optimizer = sgd(), epochs = 1, verbose = false)\n"
    "let m = ones([64, 64]) @ ones([64, 64])\n"
    "print(\"after\", m[0, 0])\n"
    "nope(1)\n"
    "print(\"not reached\")\n";

static const char *const warning =
    "snippet:5:1: warning: layers 1 (softmax) and 2 (softmax) squash twice in a row: softmax of "
    "values in [0, 1] is nearly uniform (no two outputs differ by more than a factor e), so the "
    "model cannot become confident and learns slowly; keep only the last softmax\n"
    "    5 | train(twice(), d, optimizer = sgd(), epochs = 1, verbose = false)\n"
    "      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n";
static const char *const error =
    "snippet:8:1: error: undefined name 'nope'\n"
    "    8 | nope(1)\n"
    "      | ^^^^\n";

int main(void) {
  Platform p = {.name = "test", .ctx = &cap, .write = cap_write, .is_terminal = never_terminal,
                .clock = fake_clock, .open_regular = no_files, .load_symbol = no_libraries};
  pf_set(&p);
  check_str("platform name", pf_get()->name, "test");
  check_true("unset members take the POSIX ones", pf_get()->term_size == pf_posix()->term_size &&
             pf_get()->watch_interrupt == pf_posix()->watch_interrupt, "a NULL member stayed NULL");
  check_true("output is not the process's stdout", pf_out() != stdout && pf_err() != stderr,
             "pf_out()/pf_err() are the standard streams");

  Interp I;
  interp_init(&I);
  check_int("stdlib loads silently", (int64_t)(cap.n_out + cap.n_err), 0);

  /* print, a warning from train, a matmul, then an error that ends the run. */
  int st = interp_run(&I, "snippet", script, strlen(script), NULL);
  check_int("run fails at the error", st, 1);
  check_str("stdout text", cap.out, "hello 3\nafter 64\n");
  char want_err[2048];
  snprintf(want_err, sizeof want_err, "%s%s", warning, error);
  check_str("stderr text: the warning then the error, with carets", cap.err, want_err);
  char want_log[4096];
  snprintf(want_log, sizeof want_log, "1:hello 3\n2:%s1:after 64\n2:%s", warning, error);
  check_str("order across the streams", cap.log, want_log);
  check_true("train read the platform's clock", clock_calls > 0, "the clock was never asked");
#ifdef NN_NO_BLAS
  check_int("no BLAS in this build: nothing loaded", symbol_calls, 0);
#else
  check_str("matmul asked the platform for CBLAS", first_lib, "libopenblas.so.0:cblas_sgemm");
#endif

  /* Echo (REPL, -e, a notebook cell's last value) goes to the same place. */
  cap_reset();
  I.echo = true;
  st = interp_run(&I, "cell", "1 + 1\n", 6, NULL);
  check_int("echo run succeeds", st, 0);
  check_str("echoed value", cap.out, "2\n");
  check_str("echo writes no error text", cap.err, "");
  I.echo = false;

  /* Files are opened through the platform: a sandbox without files refuses them. */
  cap_reset();
  const char *load = "load_csv(\"a.csv\")\n";
  st = interp_run(&I, "cell", load, strlen(load), NULL);
  check_int("load_csv fails", st, 1);
  check_true("load_csv asked the platform", open_calls == 1, "open_regular was not called");
  check_str("the platform's reason is reported",
            cap.err, "cell:1:1: error: load_csv: a.csv: cannot open: no files in this sandbox\n"
                     "    1 | load_csv(\"a.csv\")\n"
                     "      | ^^^^^^^^^^^^^^^^^\n");

  /* A located incomplete input is left to the front end (a notebook asks for more). */
  cap_reset();
  bool incomplete = false;
  st = interp_run(&I, "cell", "let x = (1 +\n", 13, &incomplete);
  check_true("incomplete input is not reported", incomplete && cap.n_err == 0, "reported or complete");

  /* The REPL on the front end's line editor. */
  Platform term = {.name = "web terminal", .ctx = &cap, .write = cap_write, .is_terminal = all_terminal,
                   .line_open = ed_open, .read_line = ed_read_completing, .history_add = ed_history,
                   .line_close = ed_close, .watch_interrupt = watch};
  pf_set(&term);
  cap_reset();
  setenv("NN_HISTORY", "", 1); /* no history file: the editor keeps what it is given */
  int rs = repl_run(&I);
  check_int("repl exit status", rs, 0);
  check_str("repl output", cap.out, "nn " NN_VERSION " — :help for help, Ctrl-D to quit\n"
                                    "x = [1, 2]\n3\n2\n\n");
  check_str("repl error text", cap.err, "");
  check_str("prompts, continuation after '[' and 'fn f(', fresh after Ctrl-C", prompts,
            "nn> ... nn> nn> nn> ... nn> nn> ");
  check_str("history: one entry per input", history, "let x = [1,\n2]\n|:vars|sum(x)\n|x[1]\n|");
  check_str("completion candidates and suffixes", completions, "softmax( :lang :load files");
  check_int("the interrupt handler was installed and removed", handler_changes, 2);
  check_true("no handler left", interrupt_handler == NULL, "a handler is still installed");
  check_true("the editor was closed", editor_seen == NULL, "line_close was not called");

  interp_free(&I);
  pf_set(NULL); /* back to POSIX: the capturing streams are closed */
  check_true("POSIX again", pf_out() == stdout && pf_err() == stderr && !strcmp(pf_get()->name, "posix"),
             "the custom streams are still installed");
  return 0;
}
