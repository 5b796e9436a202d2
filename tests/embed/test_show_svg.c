/* test_show_svg.c — Platform.show_svg (platform.h): a front end that shows pictures itself
 * (a web page, a notebook) receives each plot made without file = as one SVG document,
 * and nothing of it is drawn as text on its stdout; plots with file = are still written
 * and announced; without show_svg the terminal drawing comes back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "interp.h"
#include "platform.h"

typedef struct Shown {
  char out[65536], err[4096];
  size_t n_out, n_err;
  int n_svg;
  char first[256]; /* the start of each SVG, then its title line */
  bool whole;      /* every SVG began with <?xml or <svg and ended with </svg>\n */
} Shown;

static Shown shown;

static void add(char *buf, size_t *n, size_t size, const char *s, size_t len) {
  if (*n + len >= size) len = size - 1 - *n;
  memcpy(buf + *n, s, len);
  *n += len;
  buf[*n] = 0;
}

static void shown_write(void *ctx, PfStream s, const char *text, size_t n) {
  if (s == PF_OUT) add(shown.out, &shown.n_out, sizeof shown.out, text, n);
  else add(shown.err, &shown.n_err, sizeof shown.err, text, n);
}

static void show(void *ctx, const char *svg, size_t n) {
  shown.n_svg++;
  const char *end = "</svg>\n";
  bool whole = n > 20 && (!strncmp(svg, "<?xml", 5) || !strncmp(svg, "<svg ", 5)) &&
               !strcmp(svg + n - strlen(end), end) &&
               strlen(svg) == n;
  shown.whole = (shown.n_svg == 1 || shown.whole) && whole;
  const char *t = strstr(svg, "<title>");
  if (t) {
    const char *e = strchr(t, '\n');
    size_t len = strlen(shown.first), tl = e ? (size_t)(e - t) : strlen(t);
    snprintf(shown.first + len, sizeof shown.first - len, "%.*s|", (int)tl, t);
  }
}

static int run(Interp *I, const char *code) {
  memset(&shown, 0, sizeof shown);
  return interp_run(I, "cell", code, strlen(code), NULL);
}

int main(void) {
  pf_set(&(Platform){.name = "page", .write = shown_write, .show_svg = show});
  Interp I;
  interp_init(&I);

  int st = run(&I, "plot(sigmoid, -5, 5)\nprint(\"after\")\n");
  check_int("a plot without file runs", st, 0);
  check_int("one figure shown", shown.n_svg, 1);
  check_true("the figure is a whole SVG document", shown.whole, "not <?xml/<svg … </svg>");
  check_str("its title", shown.first, "<title>sigmoid</title>|");
  check_str("no text drawing on stdout", shown.out, "after\n");
  check_str("nothing on stderr", shown.err, "");

  /* Two plots, a training history with two panels, and a graph: one SVG each. */
  st = run(&I, "plot([1, 2, 3], title = \"a\")\nplot([[0, 0], [1, 1]], title = \"b\")\n"
               "fn f(x) = sum(x * x)\nplot(graph(f, [1, 2]))\n");
  check_int("three plots run", st, 0);
  check_int("three figures shown", shown.n_svg, 3);
  check_true("each a whole SVG document", shown.whole, "not <?xml/<svg … </svg>");
  check_str("shown in order", shown.first, "<title>a</title>|<title>b</title>|");
  check_str("still no text drawing", shown.out, "");

  /* file = still writes the file (and says so on stderr); nothing is shown. */
  char dir[] = "/tmp/nn_show_svg.XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char code[256], path[128];
  snprintf(path, sizeof path, "%s/p.svg", dir);
  snprintf(code, sizeof code, "plot(relu, -1, 1, file = \"%s\")\n", path);
  st = run(&I, code);
  check_int("plot to a file runs", st, 0);
  check_int("a file plot is not shown", shown.n_svg, 0);
  check_true("the file was written", access(path, R_OK) == 0, "no file");
  check_true("and announced on stderr", strstr(shown.err, "wrote ") != NULL, shown.err);
  unlink(path);
  rmdir(dir);

  /* Without show_svg, the text drawing is back on stdout. */
  pf_set(&(Platform){.name = "text", .write = shown_write});
  st = run(&I, "plot(sigmoid, -5, 5)\n");
  check_int("a text plot runs", st, 0);
  check_int("no figure without show_svg", shown.n_svg, 0);
  check_true("drawn as text on stdout", shown.n_out > 200 && strstr(shown.out, "sigmoid"), shown.out);

  interp_free(&I);
  pf_set(NULL);
  return 0;
}
