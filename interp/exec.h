/* exec.h — running statements (interp/exec.c). */
#ifndef NN_EXEC_H
#define NN_EXEC_H

#include "eval.h"

/* Run one statement in env (NULL: the top level); true when it executed a `return`
   (decl.c runs declaration bodies with it). */
bool ev_exec(Interp *I, Env *env, const Node *n);
/* Run one top-level statement (run.c); a break or continue there is an error. */
void ev_exec_top(Interp *I, const Node *s);
/* Run a function body block; true when it executed a `return`. interp_init installs it
   as I->hooks.exec_block for eval.c's calls. */
bool exec_body(Interp *I, Env *env, const Node *block);

#endif
