/* test_u8_builtins.c — IDX images are kept as bytes (V_U8, runtime/u8.h) and must be
 * indistinguishable from the float tensor they stand for: every global function (the
 * builtins and the stdlib's nn functions) is called on a byte tensor and on its float
 * copy, with one and two arguments and on a one-element tensor, and must print the same
 * output and the same error, with the same status. By construction no kernel can get the
 * bytes (a U8Tensor is no Tensor); this shows the conversion in front of them is
 * everywhere a script can reach. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "interp.h"
#include "platform.h"

static char out[16384], err[16384];
static size_t n_out, n_err;

static void capture(void *ctx, PfStream s, const char *text, size_t n) {
  char *buf = s == PF_ERR ? err : out;
  size_t *len = s == PF_ERR ? &n_err : &n_out;
  if (*len + n >= sizeof out) n = sizeof out - 1 - *len;
  memcpy(buf + *len, text, n);
  *len += n;
  buf[*len] = 0;
}

static int run(Interp *I, const char *code) {
  n_out = n_err = 0;
  out[0] = err[0] = 0;
  return interp_run(I, "cell", code, strlen(code), NULL);
}

static void put_be32(FILE *f, uint32_t v) {
  unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                        (unsigned char)v};
  fwrite(b, 1, 4, f);
}

/* An IDX file of n items of rows × cols bytes (rank 1 when rows = 0: n bytes). */
static void write_idx(const char *path, int n, int rows, int cols, const unsigned char *bytes) {
  FILE *f = fopen(path, "wb");
  put_be32(f, rows ? 0x00000803 : 0x00000801);
  put_be32(f, (uint32_t)n);
  if (rows) put_be32(f, (uint32_t)rows), put_be32(f, (uint32_t)cols);
  fwrite(bytes, 1, (size_t)(n * (rows ? rows * cols : 1)), f);
  fclose(f);
}

/* Run body with X bound to the variable a, then to b: both runs must agree (output,
   errors and their carets, status). */
static int agree(Interp *I, const char *body, const char *a, const char *b, char *why, size_t n) {
  char code[512], o1[sizeof out], e1[sizeof err];
  snprintf(code, sizeof code, "X = %s\n%s", a, body);
  int s1 = run(I, code);
  memcpy(o1, out, sizeof out);
  memcpy(e1, err, sizeof err);
  snprintf(code, sizeof code, "X = %s\n%s", b, body);
  int s2 = run(I, code);
  if (s1 == s2 && !strcmp(o1, out) && !strcmp(e1, err)) return 1;
  snprintf(why, n, "%s: status %d/%d, out '%.200s' / '%.200s', err '%.200s' / '%.200s'", code, s1, s2, o1, out,
           e1, err);
  return 0;
}

int main(void) {
  char dir[] = "/tmp/nn_u8.XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char images[64], labels[64], one[64], one_label[64];
  snprintf(images, sizeof images, "%s/images", dir);
  snprintf(labels, sizeof labels, "%s/labels", dir);
  snprintf(one, sizeof one, "%s/one", dir);
  snprintf(one_label, sizeof one_label, "%s/one_label", dir);
  /* 3 images of 2×2 with bytes from 0 to 255, labels 0 1 2; one pixel 51 (0.2) */
  const unsigned char px[12] = {0, 255, 1, 128, 254, 3, 77, 200, 51, 102, 153, 17}, ys[3] = {0, 1, 2};
  write_idx(images, 3, 2, 2, px);
  write_idx(labels, 3, 0, 0, ys);
  write_idx(one, 1, 0, 0, px + 8);
  write_idx(one_label, 1, 0, 0, ys);

  pf_set(&(Platform){.name = "terminal", .write = capture});
  Interp I;
  interp_init(&I);
  char code[2048];
  snprintf(code, sizeof code,
           "let d = load_idx(\"%s\", \"%s\")\nlet u = d.x\nlet f = tensor(u)\n"
           "let s = load_idx(\"%s\", \"%s\").x\nlet g = tensor(s)\n",
           images, labels, one, one_label);
  int st = run(&I, code);
  check_true("the byte tensors load", st == 0, err);
  run(&I, "print(type(u), shape(u), u == f, all(u == f))\n");
  check_str("u is a tensor equal to its float copy f", out,
            "tensor [3, 2, 2] [[[1, 1],\n  [1, 1]],\n\n [[1, 1],\n  [1, 1]],\n\n [[1, 1],\n  [1, 1]]] true\n");

  /* Every global function: F(X), F(X, X) for X the bytes u or the floats f, and F(X)
     for the one-element s or g. */
  run(&I, "let X = none\n");
  int n_fn = 0, n_bad = 0;
  char why[1400] = "";
  for (int i = 0; i < I.n_globals; i++) {
    const char *name = I.global_names[i]->name;
    if (I.globals[i].type != V_FUNC || !strcmp(name, "X")) continue;
    n_fn++;
    char body[3][128];
    snprintf(body[0], sizeof body[0], "seed(0)\nprint(%s(X))\n", name);
    snprintf(body[1], sizeof body[1], "seed(0)\nprint(%s(X, X))\n", name);
    snprintf(body[2], sizeof body[2], "seed(0)\nprint(%s(X))\n", name);
    for (int k = 0; k < 3; k++) {
      char one_why[1400];
      if (!agree(&I, body[k], k == 2 ? "s" : "u", k == 2 ? "g" : "f", one_why, sizeof one_why) && !n_bad++)
        snprintf(why, sizeof why, "%s", one_why);
    }
  }
  check_true(NAME("%d functions give the same on bytes as on floats", n_fn), n_fn > 100 && n_bad == 0, why);

  /* The evaluator's own uses: operators, indexing, fields, records, equality, data sets. */
  const char *exprs[] = {
      "X + 1", "-X", "X * X", "X @ X", "X[0]", "X[-1]", "X[1:3]", "X[::-1]", "X[::2, 1]", "X[0, 1]",
      "X[0, 1, 1]", "X[:, 0]", "X[1:, :, 0]", "X[5]", "X[0, 0, 0, 0]", "X[0:0]", "X[::0]", "X.shape",
      "X.ndim", "X.size", "X.T", "X.foo", "[X, X]", "[X[0], 1]", "[X, \"a\"]", "{x: X[0:2]}", "X == X",
      "[X] == [X]", "X[0] == X[1]", "len(X)", "rank(X)", "str(X)", "X and 1", "not X", "X[0, 0, 0] or 2",
      "mean(X, axis = 0)", "softmax(X)", "normalize(X)", "normalize({x: X, y: [0, 1, 2]})",
      "split({x: X, y: [0, 1, 2]}, 0.5)", "split({x: X, y: [0, 1, 2]}, 0.5, false)",
      "plot({x: X, y: [0, 1, 2]})", "plot({x: X[:, 0], y: [0, 1, 2]})", "concat([X, X])", "stack([X[0], X[1]])",
      "accuracy(flatten, {x: X, y: [0, 1, 2]})", "evaluate(flatten, {x: X, y: [0, 1, 2]})",
  };
  int n_bad2 = 0;
  char why2[1400] = "";
  for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) {
    char body[256], one_why[1400];
    snprintf(body, sizeof body, "seed(0)\nprint(%s)\n", exprs[i]);
    if (!agree(&I, body, "u", "f", one_why, sizeof one_why) && !n_bad2++) snprintf(why2, sizeof why2, "%s", one_why);
  }
  check_true("operators, indexing, fields and records agree on bytes and floats", n_bad2 == 0, why2);
  char why3[1400] = "";
  int loops = agree(&I, "for r in X { print(r, type(r)) }\n", "u", "f", why3, sizeof why3);
  check_true("a loop over the rows agrees", loops, why3);
  /* Writing into the bytes in place is refused (they can only hold byte values), located. */
  st = run(&I, "u[0] = 1\n");
  check_true("u[0] = 1 is a located error", st == 1 && strstr(err, "cell:1:1: error: cannot assign into this tensor "
                                                               "in place: it holds images as bytes"), err);
  st = run(&I, "let v = tensor(u)\nv[0] = 1\nprint(v[0], u[0])\n");
  check_str("a float copy takes it and leaves the bytes alone", out, "[[1, 1],\n [1, 1]] [[         0,          1],\n [0.00392157,   0.501961]]\n");

  interp_free(&I);
  pf_set(NULL);
  unlink(images), unlink(labels), unlink(one), unlink(one_label);
  rmdir(dir);
  return 0;
}
