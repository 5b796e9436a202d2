/* args.h — argument checking for the builtin libraries (args.c), and registering a
 * library's table of builtins. Every library includes this (and what it computes with),
 * never the registrar (lib.h) or the run loop (interp.h).
 */
#ifndef NN_ARGS_H
#define NN_ARGS_H

#include "eval.h"

/* Define each entry of a library's table (ended by a NULL name) as a global function. */
void builtins_register_table(Interp *I, const Builtin *table);
/* Argument checks that throw "bad argument #2 to 'kl' (expected a tensor, got string)",
   located at the argument. */
_Noreturn void arg_error(Call *c, int i, const char *expected);
/* The same with a message of its own: "bad argument #1 'n' to 'zeros' (fmt % detail)".
   fmt is translated here (i18n.h); a fmt without %s takes NULL as detail. */
_Noreturn void arg_fail(Call *c, int i, const char *fmt, const char *detail);
/* The error the runtime just threw (idx.c, safetensors.c, npy.c), again with the
   builtin's name in front: "load_npy: a.npy: …". Ctrl-C passes unchanged. */
_Noreturn void arg_rethrow_as(const char *name);
/* The argument expression that the call `site` passes for parameter j of f, or NULL. */
const Node *site_arg(const Node *site, const Func *f, int j);
double arg_num(Call *c, int i);             /* number, bool, or size-1 tensor */
long long arg_int(Call *c, int i);          /* a whole number */
int arg_axis_opt(Call *c, int i, int dflt); /* none → dflt */
bool arg_bool(Call *c, int i);
const char *arg_str(Call *c, int i);
/* A file name argument as the program can open it: relative to the folder of the script
   whose code makes the call (as import is), unchanged when absolute or when the call is
   typed at the REPL, given with -e or read from standard input (then the current folder
   applies). buf [n] holds a joined path. */
const char *arg_path(Call *c, int i, char *buf, size_t n);
/* A tensor from a tensor, number or (nested) list of them. Borrowed: valid until the
   builtin returns (a converted one is rooted and released then, or on unwind). */
Tensor *arg_tensor(Call *c, int i);
/* Root a new tensor for the rest of the builtin call; returns it (borrowed). */
Tensor *call_keep(Call *c, Tensor *t);

#endif
