/* interp.h — the embedding API for front ends (main.c, repl.c, a WebAssembly or Jupyter
 * shell): start an interpreter, run sources and files, free it. Implemented by run.c.
 */
#ifndef NN_INTERP_H
#define NN_INTERP_H

#include "eval.h"

void interp_init(Interp *I);
void interp_free(Interp *I);

/* Run a whole source (a script, -e code, a REPL entry). Errors are reported to stderr
   (or to I->report when set) in the one format (diag.c); returns 0 on success, 1 after
   an error (I->interrupted tells whether it was Ctrl-C's "interrupted"), and sets
   *incomplete (if non-NULL) instead of reporting when the input ended early. With
   I->echo, expression statements print their values; with I->result set too, the last
   statement's value (when it is an expression with a value) is put there instead. */
int interp_run(Interp *I, const char *name, const char *text, size_t len, bool *incomplete);
/* Run a file by path; errors reported; 0 or 1. */
int interp_run_file(Interp *I, const char *path);
/* Does text parse, without running it? INTERP_INCOMPLETE when it ended inside a bracket,
   block or string (the REPL would ask for another line), or when a bracket is still open
   at the end after a syntax error (`model {`: the error is reported once it is closed);
   then *depth is the number of brackets left open, else 0. Nothing is reported. */
typedef enum { INTERP_COMPLETE, INTERP_INCOMPLETE, INTERP_INVALID } InterpCheck;
InterpCheck interp_check(Interp *I, const char *text, size_t len, int *depth);
/* The language of messages and help for this session ("en", "zh", or a spelling help.h's
   help_lang_code accepts); false when unknown. interp_init takes it from the environment. */
bool interp_set_lang(Interp *I, const char *lang);

#endif
