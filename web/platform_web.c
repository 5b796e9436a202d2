/* platform_web.c — the base Platform (platform.h) of the WebAssembly build, in place of
 * runtime/platform_posix.c: what emscripten's POSIX layer offers to a program with no
 * terminal, no dlopen'ed libraries and no line editor. It is pf_posix() of this build, so
 * pf_set fills a front end's NULL members from it as on a POSIX system; web/nn_web.c
 * installs the page's own table (collected output, figures) on top.
 *
 * Files are emscripten's (MEMFS in a page; NODERAWFS, the host's files, under Node), so
 * file opening stays rt_open_regular_posix. */
#include <emscripten.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "platform.h"

static bool web_is_terminal(PfStream s) { return false; }

/* No terminal: plot and progress lines use $COLUMNS/$LINES, then their defaults. */
static bool web_term_size(int *cols, int *lines) { return false; }

/* emscripten_get_now: performance.now() in milliseconds, monotonic. */
static double web_clock(void) { return emscripten_get_now() * 1e-3; }

/* No shared libraries: matmul uses its portable kernel (with -msimd128). */
static void *web_load_symbol(const char *lib, const char *sym) { return NULL; }

/* A page has no SIGINT; a run is one uninterrupted call (a worker could add one later). */
static void web_watch_interrupt(void (*handler)(int)) {}

/* No line editor: the REPL is not the web front end's (nn.run takes whole sources). */
static void web_line_open(const PfEditor *ed) {}
static PfLine web_read_line(const char *prompt, char **line) {
  *line = NULL;
  return PF_LINE_EOF;
}
static int web_history_add(const char *entry) { return 0; }
static void web_line_close(void) {}

/* emscripten starts with a umask of 0777, which plot's write_atomic (0666 & ~umask) would
   turn into files nobody may read; start from the usual 022 instead. */
__attribute__((constructor)) static void web_umask(void) { umask(022); }

/* fsync (save's write-then-rename) in place of emscripten's: its files are in memory
   (MEMFS) or written straight through to the host's (NODERAWFS), so there is nothing to
   flush, as emscripten's own fsync says without Asyncify. With Asyncify its fsync
   suspends the module instead, and on a NODERAWFS file (no mount) throws, stopping the
   module at every save under Node. */
int fsync(int fd) { return fcntl(fd, F_GETFD) < 0 ? -1 : 0; /* EBADF as fsync says it */ }

static const Platform web = {
    .name = "wasm",
    .write = NULL, /* emscripten's stdout/stderr (console, or the Node process's) */
    .is_terminal = web_is_terminal,
    .term_size = web_term_size,
    .clock = web_clock,
    .open_regular = rt_open_regular_posix,
    .load_symbol = web_load_symbol,
    .watch_interrupt = web_watch_interrupt,
    .line_open = web_line_open,
    .read_line = web_read_line,
    .history_add = web_history_add,
    .line_close = web_line_close,
};

const Platform *pf_posix(void) { return &web; }
