/* func.h — the lifetime of functions and scopes (interp/func.c).
 *
 * Func, Params and Env are defined in value.h, with every value type; this module
 * frees them. value.c never calls it: it releases a function or a scope through its
 * table of release hooks (value.h: v_set_release), which func_register_types fills in
 * at interpreter start-up.
 */
#ifndef NN_FUNC_H
#define NN_FUNC_H

#include "value.h"

/* Install the release hooks of V_FUNC and V_ENV in value.c's table. */
void func_register_types(void);

/* Free f, whose last reference has gone: its bound values, formula, parameters (unless
   shared with a builtin's table entry) and captured scope are released. */
void func_free(Func *f);
/* Release the defaults and free the arrays; p is left empty. */
void params_free(Params *p);
/* Drop one reference to e; the last one unlinks e from the interpreter's ring of live
   scopes, releases its values and goes on to its parent. NULL is fine. */
void env_release(Env *e);

#endif
