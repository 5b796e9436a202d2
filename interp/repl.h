/* repl.h — the interactive loop (GNU readline). */
#ifndef NN_REPL_H
#define NN_REPL_H

#include "interp.h"

#define NN_VERSION "0.1.0"

/* Run the REPL until Ctrl-D or :quit; returns the exit status (0). */
int repl_run(Interp *I);

/* A REPL command line (":help NAME", ":lang zh", ":source NAME", ":vars", ":load FILE",
   ":quit"), for the terminal REPL and front ends with their own console (the web page):
   -1 when LINE is not a command (it does not start with ':'); else it runs it and returns
   0, or 1 after an error it reported. :vars lists globals from index first_user_global
   on (those defined after the stdlib); :quit sets *quit (when non-NULL). */
int repl_command(Interp *I, const char *line, int first_user_global, bool *quit);

/* What completion offers besides the globals, for the REPL and the notebook kernel
   (kernel.c): the language's keywords, and the ':' commands. NULL-terminated. */
extern const char *const repl_keywords[];
extern const char *const repl_commands[];

#endif
