/* eval.h — the evaluator (eval.c): the interpreter's state, calls, scopes, the root
 * stack, located errors, and values made into tensors.
 *
 * One Interp per process; nothing in interp/ is global. Errors unwind through
 * runtime/error.h's frames; every Value alive in C locals across something that may
 * throw is kept on the root stack (ev_root) so an unwind releases it.
 */
#ifndef NN_EVAL_H
#define NN_EVAL_H

#include "ast.h"
#include "error.h"
#include "i18n.h"
#include "value.h"

typedef struct CallFrame {
  const Node *site; /* the call expression */
  const Func *fn;   /* the function called */
} CallFrame;

/* Who made the prediction q a loss is given: the user, or (inside train) the model,
   whose output is probabilities when it ends in softmax or sigmoid. */
typedef enum { LOSS_Q_USER, LOSS_Q_MODEL, LOSS_Q_MODEL_PROBS } LossQ;

struct Interp;

/* What the evaluator hands to the floors above it (installed by interp_init, run.c):
   a declaration statement and calling a layer or model (decl.c), `explain` (explain.c),
   `import` (run.c), a function body's statements (exec.c). Through these the evaluator never includes their headers. */
typedef struct EvalHooks {
  void (*decl)(struct Interp *I, Env *env, const Node *n);
  Value (*apply)(struct Interp *I, Value layer, Value x, bool training, const Node *site);
  void (*explain)(struct Interp *I, Env *env, const Node *e);
  void (*import)(struct Interp *I, const Node *n);
  /* Run a function's body block (exec.c); true when it executed a `return`. */
  bool (*exec_block)(struct Interp *I, Env *env, const Node *block);
} EvalHooks;

typedef struct Interp {
  SymTab syms;
  EvalHooks hooks;
  Source *sources;      /* every parsed source, kept alive for the functions in it */

  Value *globals;       /* indexed by Sym.gslot - 1 */
  Sym **global_names;
  int n_globals, cap_globals;

  Value *roots;         /* the root stack: values owned by running C code */
  int n_roots, cap_roots;

  CallFrame *calls;     /* user-function call stack, for traces and depth limits */
  int n_calls, cap_calls;
  int max_calls;        /* nested calls allowed: 2000 (eval.c), lower where the machine
                           stack is small (the WebAssembly build: web/nn_web.c) */

  Env env_ring;         /* sentinel of the ring of live scopes (cycles broken at exit) */

  const Node *cur;      /* the node being applied: where a runtime error is located */
  const Node *err_node; /* set by ev_error: a more precise location */
  char *stack_base;     /* address near the bottom of the C stack, for depth checks */
  size_t stack_limit;   /* bytes of C stack evaluation may use */

  Value ret;            /* the value of a `return` in flight */
  Rng rng;
  bool echo;            /* REPL and -e: print each expression statement's value */
  bool training;        /* inside train(): dropout and batchnorm in training mode */
  bool slow_path_noted; /* train has said once that matrix products run on a slow path */
  LossQ loss_q;         /* what the losses' q is: train sets it (losscheck.c) */
  int loop_depth;       /* loops open in the running function (break/continue need one) */
  int building_models;  /* model constructors running (a model may build models) */
  int grad_depth;       /* grad/deriv/minimize calls running: their leaves are read-only */
  int color;            /* diagnostics in colour (a terminal, no NO_COLOR) */
  char lang[3];         /* help's language, "en" or "zh" (help.h: help_set_lang) */
  Str **importing;      /* files being imported, for cycle detection */
  int n_importing;
  StrBuf out;           /* scratch for formatting */
  StrBuf *result;       /* a notebook front end: a run's last top-level expression
                           statement echoes its value here (interp.h); NULL: printed */
  FILE *report;         /* where error reports go, whole (located message, source line,
                           carets, call trace; "interrupted"): NULL is pf_err() */
  bool interrupted;     /* the last interp_run ended with an interrupt */
  struct TorchRun *to_torch; /* nn --to-torch: the first train call writes a PyTorch
                                program and stops the script (totorch.h); else NULL */
} Interp;

/* The state of one builtin call, passed to each NativeFn. args[i] is bound to
   parameter i (defaults filled in; a variadic parameter gets a list); all borrowed. */
typedef struct Call {
  Interp *I;
  const Func *fn;
  Value *args;
  int n_args;
  const Node *node;       /* the call expression (NULL when called from C) */
  const Node **arg_nodes; /* per parameter: the argument's expression, or NULL */
} Call;

Value ev_call(Interp *I, Value fn, int n, const Value *args, const Node *site);
/* The same with keyword arguments, bound as a call in the source is: kw_names[k] names
   kw[k]; the nodes (may be NULL) are where errors about each argument point. */
Value ev_call_kw(Interp *I, Value fn, int n_pos, const Value *pos, const Node **pos_nodes,
                 int n_kw, Sym **kw_names, const Value *kw, const Node **kw_nodes,
                 const Node *site);
void ev_root(Interp *I, Value v);     /* push an owned value: released on unwind */
void ev_unroot(Interp *I, int n);     /* pop and release the top n */
Value ev_unroot_keep(Interp *I);      /* pop the top without releasing; returns it */
void ev_define_global(Interp *I, const char *name, Value v); /* takes v */
Value *ev_global(Interp *I, const char *name);               /* borrowed or NULL */

/* Throw a located error ("file:line:col: error: msg" once reported). node may be NULL
   (then the current node is used). */
_Noreturn void ev_error(Interp *I, const Node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Is n part of the embedded standard library (a source named "<stdlib:FILE>")? NULL: no. */
bool ev_in_stdlib(const Node *n);

/* Pieces of the evaluator for declarations (decl.c) and statements (exec.c). */
Value ev_eval(Interp *I, Env *env, const Node *n);
Env *ev_env_new(Interp *I, Env *parent);
void ev_env_define(Env *e, Sym *s, Value v); /* takes v */
Value *ev_env_slot(Env *e, Sym *s);          /* this scope and its parents, or NULL */
Value ev_make_function(Interp *I, Env *env, const Node *n); /* N_FN or N_DECL */
void ev_define(Interp *I, Env *env, Sym *s, Value v);       /* env NULL: a global */
void ev_unroot_to(Interp *I, int height);  /* release the roots above height */
bool ev_truthy(Interp *I, Value v, const Node *at);  /* a condition's truth, or an error at `at` */
/* v as a number (errors: "`what` must be a number, ..." at `at`). */
double ev_num_of(Interp *I, Value v, const Node *at, const char *what);
void ev_assign(Interp *I, Env *env, const Node *n);  /* an N_ASSIGN statement */

/* ---- the protected call ---- */
/* Every piece of interpreter state a builtin or a statement may change and must give
   back: the root stack, the call stack, loops, grad/model nesting, imports, echo,
   training mode, what the losses' q is, help's language, and autograd recording. */
typedef struct EvState {
  int n_roots, n_calls, loop_depth, grad_depth, building_models, n_importing;
  bool echo, training, recording;
  LossQ loss_q;
  char lang[3];
  int interrupt_defer; /* rt_interrupt_defer_depth (error.h) */
} EvState;
void ev_save(Interp *I, EvState *s);
/* Put the state back as ev_save found it: the roots above its height are released (and
   a `return` value in flight). */
void ev_restore(Interp *I, const EvState *s);
/* Run body(I, ctx) protected (like Lua's lua_pcall): on an error (or Ctrl-C) call
   handler(I, ctx) where it was caught — the call stack and I->cur/err_node still show
   where it happened, rt_errmsg() says what — then restore the state saved on entry and
   return false. The one place errors are caught: code that only has to put a flag back
   on the way out need not catch anything, since the catcher restores everything. */
bool ev_pcall(Interp *I, void (*body)(Interp *I, void *ctx), void (*handler)(Interp *I, void *ctx),
              void *ctx);

/* ---- values as tensors ---- */
/* Convert any tensor-like value to a tensor (owned, NOT rooted); throws with `what`. */
Tensor *to_tensor(Interp *I, Value v, const char *what);
/* The same, with errors about the value (ragged rows) located at `at`. */
Tensor *to_tensor_at(Interp *I, Value v, const char *what, const Node *at);
bool is_tensorish(Value v); /* number, bool, tensor (bytes included) */
/* v itself, or for a byte tensor (V_U8) the float tensor it stands for: the one place
   the evaluator and the builtins turn bytes into floats (runtime/u8.h converts). Takes
   v (owned) and returns an owned value. */
Value ev_floats(Interp *I, Value v);
/* Stack (or concatenate along axis) the tensors rooted above `height`; they stay rooted. */
Tensor *join_roots(Interp *I, int height, int axis, bool stack);

/* ---- native functions (a builtin as a Func value) ---- */
/* A builtin's signature "name(a, b = 1, *rest)" as Params (func_native). */
Params params_parse_sig(Interp *I, const char *sig);
void params_free(Params *p);
Value func_native(Interp *I, const Builtin *bi, int n_bound, const Value *bound);

#endif
