/* repl.h — the interactive loop (GNU readline). */
#ifndef NN_REPL_H
#define NN_REPL_H

#include "interp.h"

#define NN_VERSION "0.1.0"

/* Run the REPL until Ctrl-D or :quit; returns the exit status (0). */
int repl_run(Interp *I);

#endif
