/* value.h — the values of nn: numbers, bools, strings, none, tensors, lists, records,
 * functions.
 *
 * Ownership, in one sentence: a Value held in a variable, a container or a C local
 * owns one reference; functions take Values borrowed and return owned ones (v_retain
 * to keep a borrowed one, v_release to drop an owned one).
 *
 * Numbers are doubles; tensors are float32 (runtime/tensor.h). An operation on numbers
 * alone gives a number; one that involves a tensor gives a tensor.
 *
 * A V_U8 is a tensor to the user (type "tensor", same printing and values) whose
 * elements are bytes standing for floats (runtime/u8.h): IDX images, at a quarter of the
 * memory. It is never a Tensor: C code that needs floats gets them from ev_floats or
 * to_tensor (eval.h), the one conversion; code that tests for V_TENSOR alone never sees
 * its bytes.
 */
#ifndef NN_VALUE_H
#define NN_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"
#include "strbuf.h"
#include "tensor.h"
#include "u8.h"

typedef enum {
  V_NONE, V_BOOL, V_NUM, V_STR, V_TENSOR, V_LIST, V_RECORD, V_FUNC,
  V_LAYER, V_MODEL, V_OPTIM, /* instances made by declarations (interp/decl.c) */
  V_GRAPH, /* a recorded computation graph: graph(f, x) (interp/graph.c) */
  V_U8, /* a tensor of bytes standing for floats (IDX images): see above */
  V_ENV /* internal: an environment held on the root stack, never seen by users */
} VType;

typedef struct Str Str;
typedef struct List List;
typedef struct Record Record;
typedef struct Func Func;
typedef struct Env Env;
typedef struct Layer Layer;
typedef struct Model Model;
typedef struct Optim Optim;
typedef struct Graph Graph;

typedef struct Value {
  VType type;
  union {
    double num; /* V_NUM; V_BOOL uses 0/1 */
    Tensor *t;
    U8Tensor *u8;
    Str *str;
    List *list;
    Record *rec;
    Func *fn;
    Env *env;
    Layer *layer;
    Model *model;
    Optim *optim;
    Graph *graph;
  } as;
} Value;

struct Str {
  int rc;
  size_t len;
  char data[]; /* NUL-terminated */
};

struct List {
  int rc;
  int n, cap;
  Value *items;
};

/* Fields keep their insertion order (printing, iteration). */
struct Record {
  int rc;
  int n, cap;
  Sym **keys;
  Value *vals;
};

/* Parameters of a callable: names in order, defaults, an optional trailing variadic
   parameter (`*shape`) that collects the remaining positional arguments as a list. */
typedef struct Params {
  int n;
  Sym **names;
  Value *defaults;  /* V_NONE with has_default[i] == 0 means required */
  bool *has_default;
  bool variadic;    /* the last parameter collects extra positional arguments */
} Params;

struct Interp;
struct Call;
typedef Value (*NativeFn)(struct Call *c);

/* A builtin's entry: registered once from a static table (a library's, through args.h). */
typedef struct Builtin {
  const char *name;
  const char *sig;  /* "softmax(x, axis = -1)": parsed into Params at start-up */
  NativeFn fn;
  const char *help; /* one line: the formula and what it does */
} Builtin;

/* What a function was declared as: its role in models and training. */
typedef enum {
  FK_FN, FK_ACTIVATION, FK_LOSS,
  FK_LAYER, FK_MODEL, FK_OPTIMIZER /* constructors: def is their N_DECL */
} FuncKind;

/* A function value: a user function (def = its N_FN node, env = where it was
   defined) or a native one (bi), possibly with bound values (closures made in C,
   such as deriv(f)). A constructor made by a declaration has both: bi runs it, def
   is the declaration. */
struct Func {
  int rc;
  FuncKind kind;
  Func *formula; /* a native function's definition in nn (stdlib), for :source and tests */
  const struct NativeLayer *as_layer; /* named bare in a model, this layer kind (flatten) */
  const Node *def;
  Env *env;
  const Builtin *bi;
  Params params; /* for user functions built from def; for natives from bi->sig */
  bool params_shared; /* params belong to someone else (a builtin's table entry) */
  Value *bound;
  int n_bound;
  const char *name; /* for messages: "f", "softmax", "<fn>" */
};

/* A function-call scope: names (interned) → values, searched linearly; parent is the
   scope the function was defined in (NULL: the globals). */
struct Env {
  int rc;
  Env *parent;
  int n, cap;
  Sym **names;
  Value *vals;
  Env *all_prev, *all_next; /* interpreter's list of live scopes, to break cycles */
};

static inline Value v_none(void) { return (Value){.type = V_NONE}; }
static inline Value v_bool(bool b) { return (Value){.type = V_BOOL, .as.num = b}; }
static inline Value v_num(double x) { return (Value){.type = V_NUM, .as.num = x}; }
static inline Value v_tensor(Tensor *t) { return (Value){.type = V_TENSOR, .as.t = t}; }
static inline Value v_u8(U8Tensor *u8) { return (Value){.type = V_U8, .as.u8 = u8}; }

Value v_retain(Value v);
void v_release(Value v);
/* Release v after emptying every list and record reachable from it, so containers that
   hold themselves (r.self = r) are freed too. For shutting down. */
void v_release_breaking_cycles(Value v);
Value v_str(const char *s, size_t len);
Value v_cstr(const char *s);
Value v_list_new(int cap);
void list_push(List *l, Value v); /* takes ownership of v */
Value v_record_new(void);
void record_set(Record *r, Sym *key, Value v); /* takes ownership of v */
Value *record_get(Record *r, Sym *key);        /* borrowed, NULL when absent */

/* Types whose lifetime belongs to a module above this one — functions and scopes
   (interp/func.c), layers, models and optimizers (interp/decl.c) — are let go through
   a table of hooks that those modules fill in at interpreter start-up, so value.c
   never calls up. The table is the one piece of process state in interp/: written
   once, with the same entries by every interpreter, before any such value exists.
   Every counted object begins with its count (int rc): v_retain needs no hook. */
typedef struct VWork VWork; /* values still to be let go, popped by v_release's loop */
/* Drop one reference to obj (a Func *, Env *, Layer *, ...); when it was the last, hand
   what obj holds to w with v_work_push (not v_release: a deep chain would recurse) and
   free obj. w may be NULL (then v_work_push releases at once). */
typedef void VReleaseFn(void *obj, VWork *w);
void v_set_release(VType type, VReleaseFn *release);
void v_work_push(VWork *w, Value v); /* takes v */

const char *v_type_name(Value v); /* "number", "tensor", "string", ... */
bool v_equal(Value a, Value b);   /* structural, for == on non-tensors */
/* The number a value stands for: a number, a bool (0/1) or a one-element tensor. False
   (and *x untouched) for anything else; the caller words the error. */
bool v_to_num(Value v, double *x);

/* ---- printing (interp/print.c) ---- */

/* Numbers to 6 significant digits ("%.6g": 0.0900306, 1e+20, nan, inf). */
void fmt_number(StrBuf *b, double x);
/* repr = how the REPL echoes a value (strings quoted); str = how print() shows it. */
void v_repr(StrBuf *b, Value v);
void v_str_of(StrBuf *b, Value v);
/* v as the REPL and -e echo it: as v_repr when that fits in a screen (ECHO_LINES),
   else summarised like NumPy — long axes, lists and records keep their first and last
   items around "..." and tensors show their shape. print and str write everything. */
void v_echo(StrBuf *b, Value v);
void fmt_tensor(StrBuf *b, const Tensor *t);

#endif
