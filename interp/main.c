/* main.c — the command line: nn (REPL on a terminal), nn FILE.nn, nn -e CODE, nn - (or
 * piped stdin), nn --to-torch FILE.nn [-o OUT.py], nn --kernel, nn --help, nn --version.
 * Exit status 0 on success, 1 on any error. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "blas.h"
#include "interp.h"
#include "help.h"
#include "kernel.h"
#include "platform.h"
#include "repl.h"
#include "totorch.h"

static void usage(FILE *f) {
  fputs(_("usage: nn [-i] [--lang en|zh] [FILE.nn | -e CODE | -]\n"
        "\n"
        "  nn             start the REPL (on a terminal), or run standard input\n"
        "  nn FILE.nn     run a script\n"
        "  nn -e CODE     run CODE, printing the value of each expression statement\n"
        "  nn -           run a script read from standard input\n"
        "  nn -i          the REPL even when standard input is not a terminal\n"
        "  nn --lang zh   messages and help in Chinese (en: English; default: from\n"
        "                 LANGUAGE, LC_ALL, LC_MESSAGES or LANG)\n"
        "  nn --help      this help\n"
        "  nn --version   the version\n"
        "\n"
        "In the REPL, :help lists the builtins and :help NAME explains one.\n"),
        f);
  fputs(_("\n"
        "nn --to-torch FILE.nn [-o OUT.py]\n"
        "  runs the script up to its first train(...) call and writes that call as one\n"
        "  PyTorch program (default OUT.py: FILE.py), with its data and the model's initial\n"
        "  weights beside it (OUT.data.safetensors, OUT.init.safetensors). The program runs\n"
        "  with python3 or torchrun and saves the trained weights to\n"
        "  OUT.trained.safetensors, which load(net, PATH) reads back into nn.\n"),
        f);
  fputs(_("\n"
        "nn --kernel\n"
        "  serves a notebook: the Jupyter kernel (make jupyter installs it) runs nn this way\n"
        "  and sends it cells as framed requests on standard input.\n"),
        f);
}

/* A script read from standard input may come from a pipe, so its size is not known in
   advance; reading stops at a NUL byte or past MAX_STDIN_SCRIPT bytes (`nn - < /dev/zero`
   would otherwise grow without end). */
#define MAX_STDIN_SCRIPT ((size_t)1 << 30)

static int run_stdin(Interp *I) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len, stdin)) > 0) {
    if (memchr(buf + len, 0, got)) {
      fprintf(pf_err(), _("nn: error: standard input contains a NUL byte: it is not a script\n"));
      free(buf);
      return 1;
    }
    len += got;
    if (len >= MAX_STDIN_SCRIPT) {
      fprintf(pf_err(), _("nn: error: standard input is over %zu MiB: too large for a script\n"),
              MAX_STDIN_SCRIPT >> 20);
      free(buf);
      return 1;
    }
    if (len == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) free(buf);
      buf = nb;
    }
  }
  if (!buf) {
    fprintf(pf_err(), _("nn: error: out of memory reading standard input\n"));
    return 1;
  }
  int st = interp_run(I, "<stdin>", buf, len, NULL);
  free(buf);
  return st;
}

/* Process-wide settings for speed, made once before anything else runs:
 *  - Subnormal floats are flushed to zero (FTZ) and read as zero (DAZ) in the main
 *    thread (threads started later, e.g. OpenBLAS's, inherit it). Adam's moment
 *    estimates decay into the subnormal range, where every operation costs ~100
 *    cycles; PyTorch's set_flush_denormal(True) does the same. Only results that are
 *    themselves subnormal (|x| < 1.18e-38) change: they become ±0.
 *  - glibc malloc keeps freed memory instead of trimming the heap and unmapping big
 *    blocks after every training step (thousands of brk/munmap calls and page faults
 *    per epoch otherwise): blocks up to 32 MiB come from the heap, and up to 64 MiB of
 *    free space at its top is kept. Larger tensors (whole datasets) are still mapped
 *    and unmapped on their own. */
static void process_setup(void) {
#if defined(__x86_64__) || defined(__SSE__)
  _mm_setcsr(_mm_getcsr() | 0x8040); /* FTZ (bit 15) | DAZ (bit 6) */
#endif
#if defined(M_MMAP_THRESHOLD) && defined(M_TOP_PAD) /* glibc's (not emscripten's dlmalloc) */
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 1 << 20);
#endif
}

int main(int argc, char **argv) {
  process_setup();
  msg_set_lang(msg_lang_from_env()); /* for the option errors; interp_init sets it again */
  const char *code = NULL, *file = NULL, *lang = NULL, *torch_out = NULL;
  bool to_torch = false;
  bool from_stdin = false, interactive = false, kernel = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(pf_out());
      return 0;
    }
    if (!strcmp(a, "--version")) {
      char kernels[512];
      blas_describe(kernels, sizeof kernels);
      pf_printf("nn %s\n", NN_VERSION);
      pf_printf(_("matrix products: %s\n"), kernels);
      return 0;
    }
    if (!strcmp(a, "-e")) {
      if (i + 1 >= argc) {
        fprintf(pf_err(), _("nn: error: -e needs an argument (the code to run)\n"));
        return 2;
      }
      code = argv[++i];
      break;
    }
    if (!strcmp(a, "--lang") || !strncmp(a, "--lang=", 7)) {
      lang = a[6] == '=' ? a + 7 : i + 1 < argc ? argv[++i] : NULL;
      if (!lang || !help_lang_code(lang)) {
        fprintf(pf_err(), _("nn: error: --lang takes en or zh (got '%s')\n"), lang ? lang : "");
        return 2;
      }
      msg_set_lang(!strcmp(help_lang_code(lang), "zh") ? MSG_ZH : MSG_EN);
      continue;
    }
    if (!strcmp(a, "--to-torch")) {
      /* nn --to-torch FILE.nn [-o OUT.py]: the rest of the command line is this */
      if (i + 1 >= argc || argv[i + 1][0] == '-') {
        fprintf(pf_err(), _("nn: error: --to-torch needs a script (nn --to-torch FILE.nn [-o OUT.py])\n"));
        return 2;
      }
      file = argv[++i];
      if (i + 1 < argc && !strcmp(argv[i + 1], "-o")) {
        if (i + 2 >= argc) {
          fprintf(pf_err(), _("nn: error: -o needs an argument (the program to write)\n"));
          return 2;
        }
        torch_out = argv[i + 2];
        size_t n = strlen(torch_out);
        if (n < 4 || strcmp(torch_out + n - 3, ".py")) { /* never over the script or a data file */
          fprintf(pf_err(), _("nn: error: -o names the Python program to write (ending in .py), got '%s'\n"),
                  torch_out);
          return 2;
        }
        i += 2;
      }
      if (i + 1 < argc) {
        fprintf(pf_err(), _("nn: error: unexpected argument '%s' (nn --to-torch FILE.nn [-o OUT.py])\n"), argv[i + 1]);
        return 2;
      }
      to_torch = true;
      break;
    }
    if (!strcmp(a, "--kernel")) {
      kernel = true;
      continue;
    }
    if (!strcmp(a, "-i") || !strcmp(a, "--interactive")) {
      interactive = true;
      continue;
    }
    if (!strcmp(a, "-")) {
      from_stdin = true;
      break;
    }
    if (a[0] == '-' && a[1]) {
      fprintf(pf_err(), _("nn: error: unknown option '%s' (try nn --help)\n"), a);
      return 2;
    }
    file = a;
    break;
  }
  /* Everything after the program is unused: say so rather than ignore it silently. */
  int used = to_torch ? argc : 1;
  while (used < argc && strcmp(argv[used], "-e") && strcmp(argv[used], "-") &&
         argv[used][0] == '-')
    used += !strcmp(argv[used], "--lang") ? 2 : 1;
  if (code || from_stdin || file) used += code ? 2 : 1;
  if (used < argc) {
    fprintf(pf_err(), _("nn: error: unexpected argument '%s' (nn takes one program: a file, -e CODE or -)\n"),
            argv[used]);
    return 2;
  }
  if (kernel) {
    if (code || file || from_stdin || to_torch || interactive) {
      fprintf(pf_err(), "%s", _("nn: error: --kernel takes no program: the notebook sends the code\n"));
      return 2;
    }
    return kernel_run(lang);
  }
  Interp I;
  interp_init(&I);
  if (lang) interp_set_lang(&I, lang);
  const char *nc = getenv("NO_COLOR");
  I.color = pf_is_terminal(PF_ERR) && !(nc && *nc) && !getenv("CI");
  int st;
  if (code) {
    I.echo = true;
    st = interp_run(&I, "-e", code, strlen(code), NULL);
  } else if (to_torch) {
    I.to_torch = totorch_new(file, torch_out);
    st = totorch_finish(&I, interp_run_file(&I, file));
    totorch_free(I.to_torch);
    I.to_torch = NULL;
  } else if (file) {
    st = interp_run_file(&I, file);
  } else if (from_stdin || (!pf_is_terminal(PF_IN) && !interactive)) {
    st = run_stdin(&I);
  } else {
    I.echo = true;
    st = repl_run(&I);
  }
  interp_free(&I);
  /* Output that could not be written (a full disk, a closed pipe) is an error too. */
  if (fflush(pf_out()) != 0 || ferror(pf_out())) {
    fprintf(pf_err(), _("nn: error: writing the output failed\n"));
    return 1;
  }
  return st;
}
