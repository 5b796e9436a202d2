/* platform.h — the platform seam: everything that differs between a terminal, a browser
 * (WebAssembly) and a notebook kernel (Jupyter) sits behind one table of functions.
 *
 * Like SQLite's VFS (os_unix.c behind `sqlite3_vfs`), the interpreter and the runtime
 * do not call isatty, ioctl, clock_gettime, dlopen or readline themselves, nor write to
 * stdout/stderr by name: they ask the installed Platform. platform_posix.c fills the
 * table for POSIX systems and is what runs until a front end calls pf_set with its own
 * (a kernel capturing output as "stream" messages, a web page collecting it, a build
 * without dlopen). Nothing else needs an #ifdef.
 *
 * One platform per process: pf_set is called before interp_init (or between runs), not
 * while code runs. A member left NULL in the table given to pf_set takes the POSIX one,
 * so a front end overrides only what differs.
 *
 * Still outside the seam (plain C/POSIX calls a WebAssembly libc also provides):
 * environment variables (getenv: NO_COLOR, COLUMNS, NN_DATA, NN_HISTORY, …), writing
 * files (save, SVG plots, the history file), the REPL's input without a terminal
 * (getline on stdin), its SIGINT handler's "\n" to fd 1, the termination signals a
 * save holds off (safetensors.c), and the physical-memory guard (tensor.c, sysconf).
 */
#ifndef NN_PLATFORM_H
#define NN_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The three standard streams, numbered as their POSIX file descriptors. */
typedef enum { PF_IN = 0, PF_OUT = 1, PF_ERR = 2 } PfStream;

/* What read_line returns. */
typedef enum {
  PF_LINE_OK,          /* a line was typed (Enter) */
  PF_LINE_EOF,         /* the input ended (Ctrl-D on an empty line, or no more input) */
  PF_LINE_INTERRUPTED, /* Ctrl-C abandoned the line being edited ("^C" is shown) */
} PfLine;

/* What a line-editing session asks of its caller (the REPL): where history is kept and
   how the word before the cursor is completed. Valid from line_open to line_close. */
typedef struct PfEditor {
  const char *app_name;     /* "nn": selects the application's section of ~/.inputrc */
  const char *history_path; /* NULL: history lasts only for the session */
  int history_max;          /* entries kept in the history file */
  const char *word_breaks;  /* characters that end the word being completed */
  void *ud;                 /* handed back to the three hooks */
  /* The state-th candidate (0, 1, …) for the word TEXT: malloc'd (the editor frees it
     with free), NULL after the last. */
  char *(*complete_next)(void *ud, const char *text, int state);
  /* Should TEXT, in the whole line LINE, complete file names instead (`:load FILE`)? */
  bool (*complete_files)(void *ud, const char *text, const char *line);
  /* The character put after a unique candidate MATCH in LINE ('(' after a function
     name), or 0 for the editor's own (a space). May be NULL. */
  int (*complete_suffix)(void *ud, const char *match, const char *line);
} PfEditor;

typedef struct Platform {
  const char *name; /* "posix", "wasm", "jupyter", …: for messages only */
  void *ctx;        /* handed back to write (the front end's own state) */

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
  /* The same from a second, independent copy of LIB: its own globals, initialised anew
     under the environment of now (dlmopen into a new namespace on glibc). matmul uses it
     when the first copy failed its self-check under one configuration (OpenBLAS's
     AVX-512 kernels) to try another. NULL where a second copy cannot be had. */
  void *(*load_symbol_fresh)(const char *lib, const char *sym);

  /* ---- interrupts ---- */
  /* Route the platform's interrupt (Ctrl-C: SIGINT on POSIX; a kernel's interrupt
     request) to HANDLER, which only sets flags (rt_interrupted); HANDLER NULL restores
     what was there before. Handlers do not nest: one at a time. */
  void (*watch_interrupt)(void (*handler)(int));

  /* ---- line editing (the REPL on a terminal; GNU readline on POSIX) ---- */
  /* Start a session: load the history from ed->history_path (a missing file is an empty
     history; a long one is trimmed to ed->history_max entries) and take over the
     terminal's window-size changes. ed must stay valid until line_close. */
  void (*line_open)(const PfEditor *ed);
  /* Show PROMPT and edit one line. PF_LINE_OK: *line is the text without its newline,
     malloc'd (the caller frees it with free); otherwise *line is NULL. Ctrl-C while
     editing (the interrupt handler given to watch_interrupt sets rt_interrupted) gives
     PF_LINE_INTERRUPTED; a Ctrl-C that came after the previous line and before this
     call is dropped. Signal masks are as the caller had them when it returns. */
  PfLine (*read_line)(const char *prompt, char **line);
  /* Remember ENTRY (one or more lines; a trailing newline is dropped) unless it is empty
     or repeats the last one, and append it to the history file. Returns 0, or the
     errno of a failed save (the caller decides whether to say so). */
  int (*history_add)(const char *entry);
  /* End the session: give the terminal back and free the history. */
  void (*line_close)(void);

  /* ---- figures ---- */
  /* Show a figure given as an SVG document of n bytes (a plot without file =): a web page
     or a notebook displays it. NULL (the POSIX choice): plots are drawn as text on
     PF_OUT instead. Stays NULL in pf_set unless the front end gives one. */
  void (*show_svg)(void *ctx, const char *svg, size_t n);

  /* ---- live training ---- */
  /* Show one frame of a `train(..., live = true)` run: a JSON document of n bytes written
     after every epoch (its fields: interp/live.c). A page redraws its decision regions
     and loss curve from it. NULL (the POSIX choice): live = true adds nothing to the
     progress line. Stays NULL in pf_set unless the front end gives one. */
  void (*show_live)(void *ctx, const char *json, size_t n);

  /* ---- training progress ---- */
  /* Show the current text of train's progress line (n bytes: "epoch 2/5 [====>   ] 3/8
     loss …", no \r, no escape codes) in place of the previous one; n == 0: the line is
     over (training ended, stopped or failed). train calls it whenever it is set, whatever
     the terminal or CI say. NULL (the POSIX choice): the line is redrawn with \r on
     PF_ERR when that is a terminal, and not shown otherwise. Stays NULL in pf_set unless
     the front end gives one. */
  void (*show_progress)(void *ctx, const char *line, size_t n);

  /* ---- files the user hands over ---- */
  /* The folder where files the user gives the front end land (a page's "Open files":
     picked from disk, written into the page's in-memory file system), where data sets
     are looked for before anywhere else; NULL (the POSIX choice): none, the user names
     paths. Messages then tell the user to open the files rather than install them. */
  const char *opened_files_dir;

  /* ---- events during long computations ---- */
  /* Called wherever a computation checks for an interrupt (between statements, after
     every training step): a platform whose interrupt arrives as an event rather than a
     signal (a page's Stop button, delivered to a Web Worker) lets that event be handled
     here, which may set rt_interrupted. It must be cheap when nothing is pending. NULL
     (the POSIX choice): nothing to do, signals set the flag themselves. */
  void (*poll)(void);
} Platform;

/* Install P (copied; NULL members take the POSIX ones); P NULL reinstalls POSIX. Text
   written so far to the previous output is flushed first. */
void pf_set(const Platform *p);
/* The installed table: every member non-NULL except write, show_svg, show_live,
   show_progress, poll and opened_files_dir. */
const Platform *pf_get(void);
/* The POSIX table (platform_posix.c), all members filled but show_svg. The WebAssembly
   build links web/platform_web.c's base table under this name instead. */
const Platform *pf_posix(void);
/* Platform.poll of the installed table, when it has one (see above). */
void pf_poll(void);

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
void *pf_load_symbol_fresh(const char *lib, const char *sym); /* NULL if the platform cannot */
void pf_watch_interrupt(void (*handler)(int));
void pf_line_open(const PfEditor *ed);
PfLine pf_read_line(const char *prompt, char **line);
int pf_history_add(const char *entry);
void pf_line_close(void);

#endif
