/* platform.h — the platform seam: everything that differs between a terminal, a browser
 * (WebAssembly) and a notebook kernel (Jupyter) sits behind one table of functions.
 *
 * Like SQLite's VFS (os_unix.c behind `sqlite3_vfs`), the interpreter and the runtime
 * never call isatty, ioctl, clock_gettime, dlopen or readline themselves, and never write
 * to stdout/stderr by name: they ask the installed Platform. platform_posix.c fills the
 * table for POSIX systems and is what runs until a front end calls pf_set with its own
 * (a kernel capturing output as "stream" messages, a web page collecting it, a build
 * without dlopen). Nothing else needs an #ifdef.
 *
 * One platform per process: pf_set is called before interp_init (or between runs), not
 * while code runs. A member left NULL in the table given to pf_set takes the POSIX one,
 * so a front end overrides only what differs.
 */
#ifndef NN_PLATFORM_H
#define NN_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The three standard streams, numbered as their POSIX file descriptors. */
typedef enum { PF_IN = 0, PF_OUT = 1, PF_ERR = 2 } PfStream;

typedef struct Platform {
  const char *name; /* "posix", "wasm", "jupyter", …: for messages only */
  void *ctx;        /* handed back to write and read_line */

  /* ---- text output ---- */
  /* Write n bytes of UTF-8 text (not NUL-terminated; may hold NUL) to PF_OUT (values,
     print, plots, help) or PF_ERR (errors with their carets, warnings, progress lines).
     Called in order, each piece once; it must not throw. NULL (the POSIX choice): the
     process's own stdout and stderr, with stdio's buffering. */
  void (*write)(void *ctx, PfStream s, const char *text, size_t n);

  /* ---- terminal ---- */
  /* Is the stream an interactive terminal (progress bars with \r, colours, REPL line
     editing)? A kernel whose client renders ANSI codes may say yes for PF_OUT/PF_ERR. */
  bool (*is_terminal)(PfStream s);
  /* The output terminal's size in character cells; false when unknown (then callers
     fall back to $COLUMNS/$LINES, then to their defaults). */
  bool (*term_size)(int *cols, int *lines);

  /* ---- clock ---- */
  /* Seconds from a fixed, arbitrary start that never goes back (timing and ETAs). */
  double (*clock)(void);

  /* ---- files ---- */
  /* Open PATH for reading if it is a regular file: the contract of rt_open_regular
     (file.h), which calls this. Returns a descriptor read with read(2)/fdopen, or -1
     (-2 for a folder) with *why set to a static phrase. */
  int (*open_regular)(const char *path, const char **why);

  /* ---- native libraries (BLAS) ---- */
  /* The address of symbol SYM in the shared library LIB (e.g. "libopenblas.so.0",
     "cblas_sgemm"), keeping the library loaded for the life of the process; NULL when
     the library or the symbol is missing. A build without dlopen (WebAssembly) returns
     NULL and matmul uses its portable kernel. */
  void *(*load_symbol)(const char *lib, const char *sym);

  /* ---- interrupts ---- */
  /* Route the platform's interrupt (Ctrl-C: SIGINT on POSIX; a kernel's interrupt
     request) to HANDLER, which only sets flags (rt_interrupted); HANDLER NULL restores
     what was there before. Handlers do not nest: one at a time. */
  void (*watch_interrupt)(void (*handler)(int));
} Platform;

/* Install P (copied; NULL members take the POSIX ones); P NULL reinstalls POSIX. Text
   written so far to the previous output is flushed first. */
void pf_set(const Platform *p);
/* The installed table: every member non-NULL except write. */
const Platform *pf_get(void);
/* The POSIX table (platform_posix.c), all members filled. */
const Platform *pf_posix(void);

/* Output as stdio streams, so the many fprintf/fputs call sites only name the stream:
   stdout/stderr themselves when write is NULL, else unbuffered streams whose every
   write goes to Platform.write (made with fopencookie; closed by the next pf_set). */
FILE *pf_out(void);
FILE *pf_err(void);
/* printf to pf_out(). */
int pf_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shorthands for the installed table's members. */
bool pf_is_terminal(PfStream s);
bool pf_term_size(int *cols, int *lines);
double pf_clock(void);
void *pf_load_symbol(const char *lib, const char *sym);
void pf_watch_interrupt(void (*handler)(int));

#endif
