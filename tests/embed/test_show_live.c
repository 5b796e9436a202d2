/* test_show_live.c — Platform.show_live and Platform.poll (platform.h), the seam behind
 * the page's live training view: train(..., live = true) hands one JSON frame per epoch
 * (interp/live.c) with the history so far, the points and the model's outputs on a grid;
 * poll is called while training runs, and an interrupt raised from it stops training
 * after the step with the weights kept; without show_live, live = true changes nothing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "interp.h"
#include "platform.h"
#include "error.h"

enum { MAX_FRAMES = 8 };

static struct {
  char out[8192], err[8192];
  size_t n_out, n_err;
  char *frames[MAX_FRAMES];
  int n_frames;
  long polls, stop_after_polls; /* poll raises an interrupt at that count (0: never) */
  bool stop_hard;               /* as a second Stop: rt_interrupted = 2 */
} seen;

static void seen_write(void *ctx, PfStream s, const char *text, size_t n) {
  char *to = s == PF_OUT ? seen.out : seen.err;
  size_t *len = s == PF_OUT ? &seen.n_out : &seen.n_err;
  if (*len + n >= sizeof seen.out) return;
  memcpy(to + *len, text, n);
  *len += n;
  to[*len] = 0;
}

static void show_live(void *ctx, const char *json, size_t n) {
  if (seen.n_frames == MAX_FRAMES) return;
  char *copy = malloc(n + 1);
  memcpy(copy, json, n);
  copy[n] = 0;
  seen.frames[seen.n_frames++] = copy;
}

static void poll(void) {
  if (++seen.polls == seen.stop_after_polls) rt_interrupted = seen.stop_hard ? 2 : 1;
}

static void reset_seen(void) {
  for (int i = 0; i < seen.n_frames; i++) free(seen.frames[i]);
  memset(&seen, 0, sizeof seen);
}

/* The numbers of the JSON array after "KEY":[ in FRAME, into v (at most cap); their count. */
static int numbers(const char *frame, const char *key, double *v, int cap) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":[", key);
  const char *p = strstr(frame, pat);
  if (!p) return -1;
  p += strlen(pat);
  int n = 0;
  while (*p && *p != ']') {
    char *end;
    double x = strtod(p, &end);
    if (end == p) return -1;
    if (n < cap) v[n] = x;
    n++;
    p = end;
    if (*p == ',') p++;
  }
  return n;
}

static int run(Interp *I, const char *code) { return interp_run(I, "cell", code, strlen(code), NULL); }

int main(void) {
  pf_set(&(Platform){.name = "page", .write = seen_write, .show_live = show_live, .poll = poll});
  Interp I;
  interp_init(&I);
  reset_seen();
  int st = run(&I, "seed(3)\nlet d = moons(n = 60, noise = 0.1)\n"
                   "model m() { dense(2, 6); tanh; dense(6, 2); softmax }\nlet net = m()\n"
                   "let h = train(net, d, optimizer = adam(lr = 0.05), epochs = 3, batch = 20, "
                   "verbose = false, live = true)\nprint(h.loss)\n");
  check_int("train with live = true runs", st, 0);
  check_int("one frame per epoch", seen.n_frames, 3);
  check_true("poll is called while training", seen.polls >= 9, "fewer polls than steps");
  if (seen.n_frames != 3) return 0;

  const char *last = seen.frames[2];
  check_true("frames count epochs", strstr(seen.frames[0], "{\"epoch\":1,\"epochs\":3,") == seen.frames[0] &&
             strstr(last, "{\"epoch\":3,\"epochs\":3,\"interrupted\":false") == last, last);
  double loss[8], acc[8];
  check_int("the last frame carries every epoch's loss", numbers(last, "loss", loss, 8), 3);
  check_int("and accuracy", numbers(last, "accuracy", acc, 8), 3);
  /* The history train returns, printed by the script: the same numbers. */
  double printed[3];
  printed[0] = strtod(seen.out + 1, NULL);
  printed[2] = strtod(strrchr(seen.out, ',') + 1, NULL);
  check_true("frame losses are the history's (float32 in h)",
             fabs(printed[0] - loss[0]) < 1e-5 && fabs(printed[2] - loss[2]) < 1e-5, seen.out);
  check_true("accuracies are fractions", acc[2] >= 0 && acc[2] <= 1, "accuracy out of [0, 1]");

  double pts[200], lab[100];
  check_int("every point, as x, y pairs", numbers(last, "x", pts, 200), 120);
  check_int("with its class", numbers(last, "label", lab, 100), 60);
  check_true("classes of moons are 0 and 1", lab[0] == 0 || lab[0] == 1, "label not 0/1");
  check_true("two outputs", strstr(last, "\"outputs\":2}") != NULL, last + strlen(last) - 20);

  /* The grid: the model's outputs at the cell centres, checked against predict. */
  static double p[48 * 48 * 2 + 1];
  double xr[2], yr[2];
  check_int("48 x 48 cells of two outputs", numbers(last, "p", p, 48 * 48 * 2 + 1), 48 * 48 * 2);
  check_int("an x range", numbers(last, "x\":[", xr, 2), -1); /* "x" of grid is an object key */
  const char *grid = strstr(last, "\"grid\":");
  check_true("a grid", grid != NULL, "no grid");
  if (!grid) return 0;
  check_int("x range", numbers(grid, "x", xr, 2), 2);
  check_int("y range", numbers(grid, "y", yr, 2), 2);
  int i = 7, j = 30; /* one cell: row i (y), column j (x) */
  double cx = xr[0] + (j + 0.5) * (xr[1] - xr[0]) / 48, cy = yr[0] + (i + 0.5) * (yr[1] - yr[0]) / 48;
  char code[256];
  snprintf(code, sizeof code, "print(predict(net, [[%.9g, %.9g]])[0, 1])\n", cx, cy);
  seen.n_out = 0;
  run(&I, code);
  double want_p = atof(seen.out), got_p = p[(i * 48 + j) * 2 + 1];
  check_true("a cell's output is predict's at its centre", fabs(want_p - got_p) < 1e-3 * (1 + fabs(want_p)),
             seen.out);
  double lo = 1, hi = 0;
  for (int k = 0; k < 48 * 48; k++) {
    double s = p[2 * k] + p[2 * k + 1];
    lo = s < lo ? s : lo;
    hi = s > hi ? s : hi;
  }
  check_true("softmax outputs sum to 1 in every cell", lo > 0.998 && hi < 1.002, "sums off 1");

  /* An interrupt raised from poll (a page's Stop) ends training after that step: the
     history so far comes back, the last frame says so, the weights are kept. */
  reset_seen();
  seen.stop_after_polls = 10;
  st = run(&I, "let h2 = train(net, d, optimizer = sgd(lr = 0.1), epochs = 50, batch = 20, "
               "verbose = false, live = true)\nprint(len(h2.loss))\n");
  check_int("a stopped train returns", st, 0);
  check_true("it stopped early", seen.n_frames >= 1 && seen.n_frames < 50, "ran every epoch");
  check_true("the last frame says interrupted",
             seen.n_frames >= 1 && strstr(seen.frames[seen.n_frames - 1], "\"interrupted\":true") != NULL,
             seen.n_frames ? seen.frames[seen.n_frames - 1] : "no frame");
  char n_epochs[32];
  snprintf(n_epochs, sizeof n_epochs, "%d\n", seen.n_frames);
  check_true("the history has the epochs trained", strstr(seen.out, n_epochs) != NULL, seen.out);

  /* Data that are not 2-D points: the curves only. */
  reset_seen();
  st = run(&I, "let r = {x: randn(20, 3), y: randn(20, 1)}\n"
               "model lin() { dense(3, 1) }\nlet h3 = train(lin(), r, loss = mse, optimizer = sgd(lr = 0.01), "
               "epochs = 2, batch = 10, verbose = false, live = true)\n");
  check_int("regression on 3 features runs live", st, 0);
  check_int("two frames", seen.n_frames, 2);
  check_true("no points or grid", seen.n_frames == 2 && !strstr(seen.frames[1], "points") &&
             !strstr(seen.frames[1], "grid") && strstr(seen.frames[1], "\"outputs\":0}"),
             seen.n_frames == 2 ? seen.frames[1] : "");

  /* A model that trains but cannot run on the grid (its layer adds a [4, 2] constant, so
     only batches of 4 fit): the frames say why there are no regions, and training goes
     on as it does without a page. */
  reset_seen();
  const char *by4 = "layer by4() {\n  param W = ones(2, 2)\n  forward(x) = grid_spin(x) @ W + zeros(4, 2)\n}\n"
                    "fn grid_spin(x) {\n  if shape(x)[0] > 4 { let i = 0\n while i < 1000 { i = i + 1 } }\n  return x\n}\n"
                    "model m4() { by4(); softmax }\n";
  run(&I, by4);
  st = run(&I, "let h4 = train(m4(), xor(), optimizer = adam(), epochs = 3, batch = 4, verbose = false, live = true)\n"
               "print(len(h4.loss))\nprint(\"after\")\n");
  check_int("a model that fails on the grid trains live", st, 0);
  check_true("to the end", !strcmp(seen.out, "3\nafter\n"), seen.out);
  check_int("a frame per epoch", seen.n_frames, 3);
  const char *why = seen.n_frames == 3 ? strstr(seen.frames[2], "\"grid_error\":\"") : NULL;
  check_true("saying why the regions are missing",
             why && strstr(why, "cannot broadcast shapes [2304, 2] and [4, 2]") && !strstr(seen.frames[2], "\"grid\":") &&
             strstr(seen.frames[2], "\"points\":{") && strstr(seen.frames[2], "\"outputs\":0}"),
             seen.n_frames ? seen.frames[seen.n_frames - 1] : "no frame");
  check_true("no error reported", seen.n_err == 0, seen.err);
  st = run(&I, "nope\n");
  check_true("a later error is located at its own place", st == 1 && strstr(seen.err, "cell:1:1: error") == seen.err,
             seen.err);
  /* A second Stop during the grid's forward pass (a slow model) stops training at once. */
  reset_seen();
  seen.stop_after_polls = 200; /* steps poll a few times; the grid's loop 1000 times */
  seen.stop_hard = true;
  st = run(&I, "let h5 = train(m4(), xor(), optimizer = adam(), epochs = 3, batch = 4, verbose = false, live = true)\n");
  check_int("a second Stop on the grid stops the run", st, 1);
  check_true("as interrupted", !strcmp(seen.err, "interrupted\n"), seen.err);
  check_int("before its frame", seen.n_frames, 0);

  /* Without show_live, live = true is accepted and changes nothing. */
  reset_seen();
  pf_set(&(Platform){.name = "terminal", .write = seen_write});
  st = run(&I, "seed(3)\nlet a = train(m(), d, optimizer = adam(), epochs = 2, verbose = false, live = true)\n"
               "seed(3)\nlet b = train(m(), d, optimizer = adam(), epochs = 2, verbose = false)\n"
               "print(a.loss)\nprint(b.loss)\n");
  check_int("live = true without a page runs", st, 0);
  char *second = strchr(seen.out, '\n');
  check_true("and trains exactly as without it",
             second && !strncmp(seen.out, second + 1, (size_t)(second - seen.out + 1)), seen.out);
  reset_seen();
  interp_free(&I);
  pf_set(NULL);
  return 0;
}
