/* test_opened_files.c — Platform.opened_files_dir (platform.h): in a front end where the
 * user hands files over (a page's "Open files"), fashion_mnist() looks for its four files
 * in that folder, and when they are missing says to open them there rather than to
 * install a Debian package; natively nothing changes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "interp.h"
#include "platform.h"

static char out[4096], err[4096];
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

/* An IDX file of n images of 2×3 pixels (pixel value i + j) or of n labels (i % 10). */
static void write_idx(const char *dir, const char *name, int images, int n) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  put_be32(f, images ? 0x00000803 : 0x00000801);
  put_be32(f, (uint32_t)n);
  if (images) put_be32(f, 2), put_be32(f, 3);
  for (int i = 0; i < n; i++)
    if (images)
      for (int j = 0; j < 6; j++) fputc(i + j, f);
    else
      fputc(i % 10, f);
  fclose(f);
}

int main(void) {
  char dir[] = "/tmp/nn_opened.XXXXXX";
  if (!mkdtemp(dir)) return 1;
  unsetenv("NN_DATA");
  pf_set(&(Platform){.name = "page", .write = capture, .opened_files_dir = dir});
  Interp I;
  interp_init(&I);

  int st = run(&I, "let d = fashion_mnist()\n");
  check_int("without the files it is an error", st, 1);
  check_true("that says to open them with the page's file button",
             strstr(err, "Fashion-MNIST not found: no train-images-idx3-ubyte.gz among the opened files; "
                         "open train-images-idx3-ubyte.gz") != NULL &&
                 strstr(err, "with the page's file button") != NULL && !strstr(err, "make data"),
             err);

  write_idx(dir, "train-images-idx3-ubyte", 1, 5);
  write_idx(dir, "train-labels-idx1-ubyte", 0, 5);
  st = run(&I, "let d = fashion_mnist()\nprint(shape(d.x), d.y, d.x[4, 0, 2] * 255)\n");
  check_int("the opened files are found", st, 0);
  check_str("and read", out, "[5, 2, 3] [0, 1, 2, 3, 4] 6\n");

  /* Natively (no opened_files_dir) the message is the terminal's. */
  pf_set(&(Platform){.name = "terminal", .write = capture});
  setenv("NN_DATA", dir, 1);
  st = run(&I, "let t = fashion_mnist(\"test\")\n");
  check_true("without it, NN_DATA's message", st == 1 && strstr(err, "(from NN_DATA)") != NULL, err);

  interp_free(&I);
  pf_set(NULL);
  char path[512];
  snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
  unlink(path);
  rmdir(dir);
  return 0;
}
