/* eval.c — the tree-walking evaluator: scopes, calls, operators, assignment, and values
 * made into tensors. Statements are exec.c's (reached through I->hooks.exec_block); the
 * run loop that catches errors and reports them is run.c.
 *
 * Scoping: one scope per function call (like Python); `let` declares in the current
 * scope, at top level in the globals. A nested function captures the scope it was
 * defined in. Assigning to a name that no scope declares is an error.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autograd.h"
#include "eval.h"
#include "func.h"
#include "mem.h"
#include "platform.h"

/* Calls nest at most MAX_CALL_DEPTH deep (a clear limit, like Python's; a front end on a
   small machine stack may lower it: Interp.max_calls); the C stack check below is the
   backstop for deep expressions. */
enum { MAX_ARGS = 255, MAX_CALL_DEPTH = 2000 };

static Value eval(Interp *I, Env *env, const Node *n);

/* ------------------------------------------------------------------ errors */

void ev_error(Interp *I, const Node *node, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, msg_tr(fmt), ap); /* the catalogue's text (i18n.h) */
  va_end(ap);
  I->err_node = node ? node : I->cur;
  rt_throw("%s", msg);
}

/* ------------------------------------------------------------------ roots */

void ev_root(Interp *I, Value v) {
  if (I->n_roots == I->cap_roots) {
    int cap = I->cap_roots ? I->cap_roots * 2 : 256;
    Value *r = realloc(I->roots, sizeof(Value) * (size_t)cap);
    if (!r) {
      v_release(v); /* cannot keep it: drop it before reporting */
      rt_throw_kind(RT_ERR_OOM, "out of memory (growing the root stack)");
    }
    I->roots = r;
    I->cap_roots = cap;
  }
  I->roots[I->n_roots++] = v;
}

void ev_unroot(Interp *I, int n) {
  while (n-- > 0) v_release(I->roots[--I->n_roots]);
}

Value ev_unroot_keep(Interp *I) { return I->roots[--I->n_roots]; }

static void unwind_roots(Interp *I, int height) {
  while (I->n_roots > height) v_release(I->roots[--I->n_roots]);
}

/* ------------------------------------------------------------------ scopes */

/* Live scopes sit on a circular list through the interpreter's sentinel, so a scope
   unlinks itself without knowing the interpreter. A scope and its arrays come from the
   block cache (mem.h), as tensors do: a function called at every training step (a loss)
   reuses the blocks of its last call; env_release gives them back. */
static Env *env_new(Interp *I, Env *parent) {
  Env *e = rt_cache_alloc(sizeof *e);
  memset(e, 0, sizeof *e);
  e->rc = 1;
  e->parent = parent;
  if (parent) parent->rc++;
  e->all_prev = &I->env_ring;
  e->all_next = I->env_ring.all_next;
  e->all_next->all_prev = e;
  I->env_ring.all_next = e;
  return e;
}

static Value *env_slot(Env *e, Sym *s) {
  for (; e; e = e->parent)
    for (int i = e->n - 1; i >= 0; i--)
      if (e->names[i] == s) return &e->vals[i];
  return NULL;
}

static void env_define(Env *e, Sym *s, Value v) {
  for (int i = 0; i < e->n; i++)
    if (e->names[i] == s) {
      v_release(e->vals[i]);
      e->vals[i] = v;
      return;
    }
  if (e->n == e->cap) {
    int cap = e->cap ? e->cap * 2 : 4;
    Sym **volatile names = NULL; /* volatile: read after a throw */
    Value *vals;
    RtFrame f;
    if (RT_TRY(&f)) {
      names = rt_cache_alloc(sizeof(Sym *) * (size_t)cap);
      vals = rt_cache_alloc(sizeof(Value) * (size_t)cap);
      rt_pop(&f);
    } else {
      rt_pop(&f);
      rt_cache_free(names, sizeof(Sym *) * (size_t)cap);
      v_release(v);
      rt_throw_kind(RT_ERR_OOM, "out of memory (growing a scope)");
    }
    if (e->n) {
      memcpy(names, e->names, sizeof(Sym *) * (size_t)e->n);
      memcpy(vals, e->vals, sizeof(Value) * (size_t)e->n);
    }
    rt_cache_free(e->names, sizeof(Sym *) * (size_t)e->cap);
    rt_cache_free(e->vals, sizeof(Value) * (size_t)e->cap);
    e->names = names;
    e->vals = vals;
    e->cap = cap;
  }
  e->names[e->n] = s;
  e->vals[e->n++] = v;
}

static void global_set(Interp *I, Sym *s, Value v) {
  if (!s->gslot) {
    if (I->n_globals == I->cap_globals) {
      int cap = I->cap_globals ? I->cap_globals * 2 : 256;
      Value *g = realloc(I->globals, sizeof(Value) * (size_t)cap);
      if (g) I->globals = g;
      Sym **names = g ? realloc(I->global_names, sizeof(Sym *) * (size_t)cap) : NULL;
      if (!names) {
        v_release(v);
        rt_throw_kind(RT_ERR_OOM, "out of memory (growing the globals)");
      }
      I->global_names = names;
      I->cap_globals = cap;
    }
    I->global_names[I->n_globals] = s;
    I->globals[I->n_globals] = v_none();
    s->gslot = ++I->n_globals;
  }
  v_release(I->globals[s->gslot - 1]);
  I->globals[s->gslot - 1] = v;
}

void ev_define_global(Interp *I, const char *name, Value v) {
  global_set(I, sym_intern(&I->syms, name, strlen(name)), v);
}

Value *ev_global(Interp *I, const char *name) {
  Sym *s = sym_intern(&I->syms, name, strlen(name));
  return s->gslot ? &I->globals[s->gslot - 1] : NULL;
}

/* Levenshtein distance, capped: for "did you mean" suggestions. */
static int edit_distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 40 || lb > 40) return 99;
  int d[41][41];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
  return d[la][lb];
}

static const char *suggest(Interp *I, Env *env, Sym *s) {
  const char *best = NULL;
  /* Short names are one edit away from many others: suggest only for longer ones. */
  size_t len = strlen(s->name);
  int best_d = len <= 2 ? 0 : len <= 4 ? 1 : 2;
  for (Env *e = env; e; e = e->parent)
    for (int i = 0; i < e->n; i++) {
      int d = edit_distance(s->name, e->names[i]->name);
      if (d <= best_d && e->names[i] != s) best = e->names[i]->name, best_d = d - 1;
    }
  for (int i = 0; i < I->n_globals; i++) {
    int d = edit_distance(s->name, I->global_names[i]->name);
    if (d <= best_d && I->global_names[i] != s) best = I->global_names[i]->name, best_d = d - 1;
  }
  return best;
}

/* PyTorch's, Keras's, scikit-learn's and micrograd's names for what nn calls otherwise:
   too far from nn's name for the edit distance, but what their users type first. */
static const char *other_frameworks_name(const char *name) {
  static const char *const pairs[][2] = {
      {"confusion_matrix", "confusion"}, {"classification_report", "report"},
      {"draw_dot", "graph"},             {"StepLR", "step_decay"},
      {"ExponentialLR", "exp_decay"},    {"CosineAnnealingLR", "cosine"},
      {"LinearLR", "warmup"},            {"Linear", "dense"},
      {"Dense", "dense"},                {"ReLU", "relu"},
      {"LeakyReLU", "leaky_relu"},       {"Sigmoid", "sigmoid"},
      {"Tanh", "tanh"},                  {"Softmax", "softmax"},
      {"CrossEntropyLoss", "cross_entropy"}, {"MSELoss", "mse"},
      {"BCELoss", "bce"},                {"SGD", "sgd"},
      {"RMSprop", "rmsprop"},            {"Adagrad", "adagrad"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    if (!strcmp(name, pairs[i][0])) return pairs[i][1];
  return NULL;
}

/* The parameter of p (among its first n) a keyword argument most likely meant: PyTorch's
   and Keras's names for nn's (learning_rate for lr, eps for delta, ...) when p has that
   parameter, else one within a small edit distance (epoch for epochs); NULL if none. */
static const char *param_near(const Params *p, int n, const char *name) {
  static const char *const pairs[][2] = {
      {"learning_rate", "lr"}, {"beta1", "u"},          {"beta_1", "u"},
      {"beta2", "rho"},        {"beta_2", "rho"},       {"alpha", "rho"},
      {"eps", "delta"},        {"epsilon", "delta"},    {"weight_decay", "decay"},
      {"validation_data", "validate"}, {"validation", "validate"},
      {"batch_size", "batch"}, {"negative_slope", "a"}, {"dim", "axis"},
      {"clipnorm", "clip"},    {"max_norm", "clip"},     {"momentum", "u"},
  };
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
    if (!strcmp(name, pairs[k][0]))
      for (int i = 0; i < n; i++)
        if (!strcmp(p->names[i]->name, pairs[k][1])) return pairs[k][1];
  size_t len = strlen(name);
  int best_d = len <= 3 ? 0 : len <= 5 ? 1 : 2;
  const char *best = NULL;
  for (int i = 0; i < n; i++) {
    int d = edit_distance(name, p->names[i]->name);
    if (d <= best_d) best = p->names[i]->name, best_d = d - 1;
  }
  return best;
}

static _Noreturn void undefined(Interp *I, Env *env, const Node *n) {
  const char *other = other_frameworks_name(n->sym->name);
  Sym *os = other ? sym_intern(&I->syms, other, strlen(other)) : NULL;
  const char *near = os && (ev_env_slot(env, os) || os->gslot) ? other : suggest(I, env, n->sym);
  if (near) ev_error(I, n, "undefined name '%s' (did you mean '%s'?)", n->sym->name, near);
  ev_error(I, n, "undefined name '%s'", n->sym->name);
}

static Value *lookup(Interp *I, Env *env, const Node *n) {
  Value *v = env_slot(env, n->sym);
  if (v) return v;
  if (n->sym->gslot) return &I->globals[n->sym->gslot - 1];
  undefined(I, env, n);
}

/* "a number", "an optimizer": the type name with its article, for messages (in the
   message language: prose, unlike v_type_name's names of the language). */
static const char *a_type(Value v) {
  switch (v.type) {
  case V_NONE: return "none";
  case V_BOOL: return _("a bool");
  case V_NUM: return _("a number");
  case V_STR: return _("a string");
  case V_TENSOR:
  case V_U8: return _("a tensor");
  case V_LIST: return _("a list");
  case V_RECORD: return _("a record");
  case V_FUNC: return _("a function");
  case V_LAYER: return _("a layer");
  case V_MODEL: return _("a model");
  case V_OPTIM: return _("an optimizer");
  case V_GRAPH: return _("a graph");
  default: return _("a scope");
  }
}

/* ------------------------------------------------------------------ truth, numbers */

static bool truthy(Interp *I, Value v, const Node *at) {
  switch (v.type) {
  case V_NONE: return false;
  case V_BOOL:
  case V_NUM: return v.as.num != 0;
  case V_TENSOR:
  case V_U8: {
    double x;
    if (v_to_num(v, &x)) return x != 0;
    ev_error(I, at, "the truth value of a tensor with %lld elements is ambiguous (use any() or all())",
             (long long)(v.type == V_U8 ? v.as.u8->size : v.as.t->size));
  }
  case V_STR: return v.as.str->len > 0;
  case V_LIST: return v.as.list->n > 0;
  default: return true;
  }
}

/* A number from a number, bool or one-element tensor; else an error naming `what`. */
static double num_of(Interp *I, Value v, const Node *at, const char *what) {
  double x;
  if (!v_to_num(v, &x)) ev_error(I, at, "%s must be a number, got %s", what, v_type_name(v));
  return x;
}

/* ------------------------------------------------------------------ functions */

static void params_alloc(Params *p, int n) {
  p->n = 0;
  p->names = rt_calloc((size_t)(n ? n : 1), sizeof(Sym *));
  p->defaults = rt_calloc((size_t)(n ? n : 1), sizeof(Value));
  p->has_default = rt_calloc((size_t)(n ? n : 1), sizeof(bool));
}

/* A user function: defaults are evaluated now, in the defining scope (Python's rule). */
static Value make_function(Interp *I, Env *env, const Node *n) {
  ((Source *)n->src)->keep = true; /* the function runs this source's nodes later */
  Func *f = rt_calloc(1, sizeof *f);
  f->rc = 1;
  f->def = n;
  f->name = n->sym ? n->sym->name : "<fn>";
  Value fv = {.type = V_FUNC, .as.fn = f};
  ev_root(I, fv);
  params_alloc(&f->params, n->n_kids);
  for (int i = 0; i < n->n_kids; i++) {
    const Node *p = n->kids[i];
    for (int j = 0; j < i; j++)
      if (f->params.names[j] == p->sym)
        ev_error(I, p, "duplicate parameter '%s'", p->sym->name);
    f->params.names[i] = p->sym;
    if (p->a) {
      f->params.defaults[i] = eval(I, env, p->a);
      f->params.has_default[i] = true;
    }
    f->params.n = i + 1;
  }
  f->env = env;
  if (env) env->rc++;
  return ev_unroot_keep(I);
}

Value func_native(Interp *I, const Builtin *bi, int n_bound, const Value *bound) {
  Func *f = rt_calloc(1, sizeof *f);
  f->rc = 1;
  f->bi = bi;
  f->name = bi->name;
  Value fv = {.type = V_FUNC, .as.fn = f};
  ev_root(I, fv);
  f->params = params_parse_sig(I, bi->sig);
  if (n_bound) {
    f->bound = rt_calloc((size_t)n_bound, sizeof(Value));
    for (int i = 0; i < n_bound; i++) f->bound[i] = v_retain(bound[i]);
    f->n_bound = n_bound;
  }
  return ev_unroot_keep(I);
}

static void push_call(Interp *I, const Node *site, const Func *fn) {
  int most = I->max_calls > 0 ? I->max_calls : MAX_CALL_DEPTH;
  if (I->n_calls >= most) ev_error(I, site, "recursion too deep (more than %d nested calls)", most);
  if (I->n_calls == I->cap_calls) {
    int cap = I->cap_calls ? I->cap_calls * 2 : 64;
    I->calls = rt_realloc(I->calls, sizeof(CallFrame) * (size_t)cap);
    I->cap_calls = cap;
  }
  I->calls[I->n_calls++] = (CallFrame){site, fn};
}

static void check_stack(Interp *I, const Node *at) {
  char here;
  if (I->stack_base && (size_t)(I->stack_base - &here) > I->stack_limit)
    ev_error(I, at, "recursion too deep (the C stack ran out)");
}

/* Bind positional and keyword arguments to parameters: out[i] gets a borrowed value
   for every parameter (its default when not given); a variadic parameter gets a new
   list, rooted. Errors name the function and the parameter. */
static void bind_args(Interp *I, const Func *f, int n_pos, const Value *pos,
                      const Node **pos_nodes, int n_kw, Sym **kw_names, const Value *kw,
                      const Node **kw_nodes, Value *out, const Node **out_nodes,
                      bool *given, const Node *site) {
  const Params *p = &f->params;
  int n_fixed = p->variadic ? p->n - 1 : p->n;
  for (int i = 0; i < p->n; i++) {
    given[i] = false;
    out_nodes[i] = NULL;
  }
  if (n_pos > n_fixed && !p->variadic) {
    const Node *at = pos_nodes ? pos_nodes[n_fixed] : site;
    if (n_fixed == 0)
      ev_error(I, at, "'%s' takes no arguments, got %d", f->name, n_pos);
    ev_error(I, at, "too many arguments to '%s' (it takes %d, got %d)", f->name, n_fixed, n_pos);
  }
  for (int i = 0; i < n_pos && i < n_fixed; i++) {
    out[i] = pos[i];
    out_nodes[i] = pos_nodes ? pos_nodes[i] : NULL;
    given[i] = true;
  }
  if (p->variadic) {
    Value l = v_list_new(n_pos > n_fixed ? n_pos - n_fixed : 0);
    ev_root(I, l);
    for (int i = n_fixed; i < n_pos; i++) list_push(l.as.list, v_retain(pos[i]));
    out[p->n - 1] = l;
    out_nodes[p->n - 1] = n_pos > n_fixed && pos_nodes ? pos_nodes[n_fixed] : NULL;
    given[p->n - 1] = true;
  }
  for (int k = 0; k < n_kw; k++) {
    int j = -1;
    for (int i = 0; i < n_fixed; i++)
      if (p->names[i] == kw_names[k]) j = i;
    const Node *at = kw_nodes ? kw_nodes[k] : site;
    if (j < 0) {
      StrBuf b = {0};
      for (int i = 0; i < n_fixed; i++) sb_printf(&b, "%s%s", i ? ", " : "", p->names[i]->name);
      char names[256];
      snprintf(names, sizeof names, "%s", b.s ? b.s : "");
      sb_free(&b);
      const char *kw_name = kw_names[k]->name;
      if (!strcmp(kw_name, "momentum") && !strcmp(f->name, "sgd"))
        ev_error(I, at, "'sgd' has no parameter 'momentum': momentum is an optimizer of its own, "
                 "momentum(lr = 0.01, u = 0.9) (u is PyTorch's momentum)");
      const char *near = param_near(p, n_fixed, kw_name);
      if (near)
        ev_error(I, at, "'%s' has no parameter '%s'; did you mean '%s'? (its parameters: %s)", f->name,
                 kw_name, near, names);
      ev_error(I, at, "'%s' has no parameter '%s' (its parameters: %s)", f->name,
               kw_names[k]->name, n_fixed ? names : _("none"));
    }
    if (given[j]) ev_error(I, at, "argument '%s' to '%s' given twice", kw_names[k]->name, f->name);
    out[j] = kw[k];
    out_nodes[j] = at;
    given[j] = true;
  }
  for (int i = 0; i < n_fixed; i++) {
    if (given[i]) continue;
    if (!p->has_default[i])
      ev_error(I, site, "missing argument '%s' to '%s'", p->names[i]->name, f->name);
    out[i] = p->defaults[i];
  }
}

/* Builtins given a byte tensor as it is (V_U8), which they only measure. */
static bool reads_shape_only(const Builtin *bi) {
  static const char *const names[] = {"shape", "rank", "len", "type"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(bi->name, names[i])) return true;
  return false;
}

/* A builtin's arguments with every byte tensor (V_U8) made the float tensor it stands
   for (rooted for the call), the items of a variadic list included (the list is made
   for this call): builtins and the kernels behind them never see bytes. Rare, so out of
   line and cold: inlined into the evaluator's loop it slowed every call (+40% on a
   loop of small builtin calls). */
__attribute__((cold, noinline)) static void floats_for_builtin(Interp *I, const Func *f, Value *out) {
  if (reads_shape_only(f->bi)) return;
  int n = f->params.n;
  for (int i = 0; i < n; i++)
    if (out[i].type == V_U8) {
      out[i] = ev_floats(I, v_retain(out[i]));
      ev_root(I, out[i]);
    }
  List *rest = f->params.variadic ? out[n - 1].as.list : NULL;
  for (int i = 0; rest && i < rest->n; i++)
    if (rest->items[i].type == V_U8) {
      Value x = ev_floats(I, v_retain(rest->items[i]));
      v_release(rest->items[i]);
      rest->items[i] = x;
    }
}

/* Does a builtin's argument list hold a byte tensor (V_U8)? */
static inline bool has_bytes(const Func *f, const Value *args) {
  int n = f->params.n;
  bool any = false;
  for (int i = 0; i < n; i++) any |= args[i].type == V_U8;
  const List *rest = f->params.variadic ? args[n - 1].as.list : NULL;
  for (int i = 0; rest && i < rest->n; i++) any |= rest->items[i].type == V_U8;
  return any;
}

/* Call f with bound arguments (all borrowed; a builtin's byte tensors are replaced in args by
   rooted float copies). */
static Value call_bound(Interp *I, Func *f, Value *args, const Node **arg_nodes,
                        const Node *site) {
  if (f->bi) {
    check_stack(I, site); /* builtins call back into nn (deriv, map, constructors) */
    const Node *saved = I->cur;
    if (site) I->cur = site;
    /* Ctrl-C before each builtin too: one statement may chain many long kernels
       (max(x, axis = 0) + max(x, axis = 0) + …), and a kernel is not interruptible.
       Only when the flag is up: a poll here (pf_poll) would let a page's live-frame
       throttle (web_poll) hold up any statement, not only a training step. */
    if (rt_interrupted) rt_check_interrupt();
    int height = I->n_roots;
    Value *floats = args; /* the bound values, converted in place when they hold bytes */
    if (has_bytes(f, args)) floats_for_builtin(I, f, floats);
    Call c = {I, f, floats, f->params.n, site, arg_nodes};
    Value r = f->bi->fn(&c);
    /* Builtins may leave rooted temporaries (arg_tensor); drop them, keep r. */
    unwind_roots(I, height);
    I->cur = saved;
    return r;
  }
  check_stack(I, site);
  rt_check_interrupt();
  push_call(I, site, f);
  int loops = I->loop_depth;
  I->loop_depth = 0;
  Env *env = env_new(I, f->env);
  ev_root(I, (Value){.type = V_ENV, .as.env = env});
  for (int i = 0; i < f->params.n; i++) env_define(env, f->params.names[i], v_retain(args[i]));
  Value r;
  const Node *body = f->def->a;
  if (f->def->flags & NF_EXPR_BODY) {
    r = eval(I, env, body);
  } else {
    if (I->hooks.exec_block(I, env, body)) {
      r = I->ret;
      I->ret = v_none();
    } else {
      r = v_none();
    }
  }
  ev_unroot(I, 1); /* the scope: r is ours, and releasing never throws */
  I->n_calls--;
  I->loop_depth = loops;
  return r;
}

Value ev_call(Interp *I, Value fn, int n, const Value *args, const Node *site) {
  return ev_call_kw(I, fn, n, args, NULL, 0, NULL, NULL, NULL, site);
}

Value ev_call_kw(Interp *I, Value fn, int n_pos, const Value *pos, const Node **pos_nodes,
                 int n_kw, Sym **kw_names, const Value *kw, const Node **kw_nodes,
                 const Node *site) {
  if (fn.type != V_FUNC) ev_error(I, site, "cannot call %s", a_type(fn));
  Func *f = fn.as.fn;
  int np = f->params.n;
  Value bound[np ? np : 1];
  const Node *nodes[np ? np : 1];
  bool given[np ? np : 1];
  int height = I->n_roots;
  bind_args(I, f, n_pos, pos, pos_nodes, n_kw, kw_names, kw, kw_nodes, bound, nodes, given, site);
  Value r = call_bound(I, f, bound, nodes, site);
  ev_root(I, r);
  Value keep = ev_unroot_keep(I);
  unwind_roots(I, height);
  return keep;
}

static Value eval_call(Interp *I, Env *env, const Node *n) {
  int height = I->n_roots;
  Value fv = eval(I, env, n->a);
  ev_root(I, fv);
  if ((fv.type == V_MODEL || fv.type == V_LAYER) && n->n_kids == 1 && n->kids[0]->kind != N_KWARG) {
    /* net(x): the model's forward pass (inference behaviour, gradients recorded). */
    Value x = eval(I, env, n->kids[0]);
    ev_root(I, x);
    Value r = I->hooks.apply(I, fv, x, false, n);
    unwind_roots(I, height);
    return r;
  }
  if (fv.type != V_FUNC) {
    if (n->a->kind == N_NAME)
      ev_error(I, n->a, "'%s' is %s, not a function", n->a->sym->name, a_type(fv));
    /* x.shape(), x.size() as in PyTorch: the field is the value itself (but nn's size,
       like NumPy's, counts the elements; PyTorch's size() is the shape). */
    if (n->a->kind == N_FIELD && !strcmp(n->a->sym->name, "size") && fv.type == V_NUM)
      ev_error(I, n->a, "cannot call a number: '.size' is the number of elements, as in NumPy "
               "(PyTorch's x.size() is shape(x))");
    if (n->a->kind == N_FIELD)
      ev_error(I, n->a, "cannot call %s: '.%s' is a field, not a method (drop the '()')", a_type(fv),
               n->a->sym->name);
    ev_error(I, n->a, "cannot call %s", a_type(fv));
  }
  if (n->n_kids > MAX_ARGS) ev_error(I, n, "too many arguments (more than %d)", MAX_ARGS);
  int n_pos = 0, n_kw = 0;
  for (int i = 0; i < n->n_kids; i++) {
    if (n->kids[i]->kind == N_KWARG) n_kw++;
    else n_pos++;
  }
  Value pos[n_pos ? n_pos : 1], kw[n_kw ? n_kw : 1];
  const Node *pos_nodes[n_pos ? n_pos : 1], *kw_nodes[n_kw ? n_kw : 1];
  Sym *kw_names[n_kw ? n_kw : 1];
  int ip = 0, ik = 0;
  for (int i = 0; i < n->n_kids; i++) {
    const Node *a = n->kids[i];
    if (a->kind == N_KWARG) {
      Value v = eval(I, env, a->a);
      ev_root(I, v);
      kw[ik] = v;
      kw_nodes[ik] = a->a;
      kw_names[ik++] = a->sym;
    } else {
      Value v = eval(I, env, a);
      ev_root(I, v);
      pos[ip] = v;
      pos_nodes[ip++] = a;
    }
  }
  Func *f = fv.as.fn;
  int np = f->params.n;
  Value args[np ? np : 1];
  const Node *arg_nodes[np ? np : 1];
  bool given[np ? np : 1];
  bind_args(I, f, n_pos, pos, pos_nodes, n_kw, kw_names, kw, kw_nodes, args, arg_nodes, given, n);
  Value r = call_bound(I, f, args, arg_nodes, n);
  unwind_roots(I, height);
  return r;
}

/* ------------------------------------------------------------------ operators */

static TBinOp binop_of(int op) {
  switch (op) {
  case '+': return T_ADD;
  case '-': return T_SUB;
  case '*': return T_MUL;
  case '/': return T_DIV;
  case '%': return T_MOD;
  case '^': return T_POW;
  case '<': return T_LT;
  case '>': return T_GT;
  case OP_LE: return T_LE;
  case OP_GE: return T_GE;
  case OP_EQ: return T_EQ;
  default: return T_NE;
  }
}

static const char *op_text(int op) {
  static const char *const names[] = {"<=", ">=", "==", "!=", "not"};
  static const char *const singles[] = {"+", "-", "*", "/", "%", "^", "@", "<", ">"};
  if (op >= OP_LE) return names[op - OP_LE];
  const char *chars = "+-*/%^@<>";
  const char *p = strchr(chars, op);
  return p ? singles[p - chars] : "?";
}

static bool is_cmp(int op) {
  return op == '<' || op == '>' || op == OP_LE || op == OP_GE || op == OP_EQ || op == OP_NE;
}

static Value concat_str(Value a, Value b) {
  size_t la = a.as.str->len, lb = b.as.str->len;
  char *buf = rt_malloc(la + lb + 1);
  memcpy(buf, a.as.str->data, la);
  memcpy(buf + la, b.as.str->data, lb);
  Value r;
  /* v_str copies; free buf even if it throws. */
  RtFrame fr;
  if (RT_TRY(&fr)) {
    r = v_str(buf, la + lb);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(buf);
    rt_rethrow();
  }
  rt_free(buf);
  return r;
}

static Value binary(Interp *I, const Node *n, Value a, Value b) {
  int op = n->op;
  bool na = a.type == V_NUM || a.type == V_BOOL, nb = b.type == V_NUM || b.type == V_BOOL;
  if (na && nb) {
    double x = a.as.num, y = b.as.num;
    if (op == '@') ev_error(I, n, "'@' needs tensors, got two numbers (use '*')");
    if (is_cmp(op)) return v_bool(t_binary_scalar(binop_of(op), x, y) != 0);
    return v_num(t_binary_scalar(binop_of(op), x, y));
  }
  bool ta = na || a.type == V_TENSOR, tb = nb || b.type == V_TENSOR;
  if (ta && tb) {
    I->cur = n;
    if (rt_interrupted) rt_check_interrupt(); /* as before a builtin: x @ x @ … is one statement */
    Tensor *x = na ? t_scalar((float)a.as.num) : t_retain(a.as.t);
    ev_root(I, v_tensor(x));
    Tensor *y = nb ? t_scalar((float)b.as.num) : t_retain(b.as.t);
    ev_root(I, v_tensor(y));
    Tensor *r = op == '@' ? ad_matmul(x, y) : ad_binary(binop_of(op), x, y);
    ev_unroot(I, 2);
    return v_tensor(r);
  }
  if (a.type == V_STR && b.type == V_STR) {
    if (op == '+') return concat_str(a, b);
    if (is_cmp(op)) {
      /* By bytes, then by length: a string may hold NUL ("a\0b" is not "a"). */
      const Str *x = a.as.str, *y = b.as.str;
      int c = memcmp(x->data, y->data, x->len < y->len ? x->len : y->len);
      if (c == 0) c = (x->len > y->len) - (x->len < y->len);
      switch (op) {
      case '<': return v_bool(c < 0);
      case '>': return v_bool(c > 0);
      case OP_LE: return v_bool(c <= 0);
      case OP_GE: return v_bool(c >= 0);
      case OP_EQ: return v_bool(c == 0);
      default: return v_bool(c != 0);
      }
    }
  }
  if (a.type == V_LIST && b.type == V_LIST && op == '+') {
    Value l = v_list_new(a.as.list->n + b.as.list->n);
    for (int i = 0; i < a.as.list->n; i++) list_push(l.as.list, v_retain(a.as.list->items[i]));
    for (int i = 0; i < b.as.list->n; i++) list_push(l.as.list, v_retain(b.as.list->items[i]));
    return l;
  }
  if (op == OP_EQ) return v_bool(v_equal(a, b));
  if (op == OP_NE) return v_bool(!v_equal(a, b));
  /* A list of numbers/tensors combines with a tensor as the tensor it spells. */
  if ((a.type == V_LIST && tb) || (ta && b.type == V_LIST)) {
    Tensor *x = to_tensor_at(I, a, _("left operand"), n->a);
    ev_root(I, v_tensor(x));
    Tensor *y = to_tensor_at(I, b, _("right operand"), n->b);
    ev_root(I, v_tensor(y));
    I->cur = n;
    Tensor *r = op == '@' ? ad_matmul(x, y) : ad_binary(binop_of(op), x, y);
    ev_unroot(I, 2);
    return v_tensor(r);
  }
  ev_error(I, n, "cannot apply '%s' to %s and %s", op_text(op), v_type_name(a), v_type_name(b));
}

static Value unary(Interp *I, const Node *n, Value a) {
  if (n->op == OP_NOT) return v_bool(!truthy(I, a, n->a));
  if (a.type == V_NUM || a.type == V_BOOL) return v_num(n->op == '-' ? -a.as.num : a.as.num);
  if (a.type == V_TENSOR) return n->op == '-' ? v_tensor(ad_unary(T_NEG, a.as.t)) : v_retain(a);
  ev_error(I, n, "cannot apply unary '%s' to a %s", n->op == '-' ? "-" : "+", v_type_name(a));
}

/* ------------------------------------------------------------------ literals */

/* Do the tensor-like values (numbers count as 0-d) all have one shape? */
static bool same_shapes(const Value *vals, int k) {
  int ndim0 = vals[0].type == V_TENSOR ? vals[0].as.t->ndim : 0;
  for (int i = 0; i < k; i++) {
    if (vals[i].type != V_TENSOR) {
      if (ndim0 != 0) return false;
    } else if (vals[0].type == V_TENSOR ? !t_same_shape(vals[0].as.t, vals[i].as.t)
                                         : vals[i].as.t->ndim != 0) {
      return false;
    }
  }
  return true;
}

static Value eval_bracket(Interp *I, Env *env, const Node *n) {
  int k = n->n_kids;
  if (k == 0) return v_list_new(0);
  int height = I->n_roots;
  bool all_num = true, all_tensorish = true;
  for (int i = 0; i < k; i++) {
    Value v = eval(I, env, n->kids[i]);
    ev_root(I, v);
    if (v.type != V_NUM && v.type != V_BOOL) all_num = false;
    if (!is_tensorish(v)) all_tensorish = false;
  }
  Value *vals = &I->roots[height];
  /* Byte tensors among them become floats, in place (stacked or listed alike). */
  for (int i = 0; all_tensorish && i < k; i++)
    if (vals[i].type == V_U8) {
      Value f = ev_floats(I, v_retain(vals[i]));
      v_release(vals[i]);
      vals[i] = f;
    }
  if (all_num) {
    int64_t shape[1] = {k};
    Tensor *t = t_new(1, shape);
    for (int i = 0; i < k; i++) t->data[i] = (float)vals[i].as.num;
    unwind_roots(I, height);
    return v_tensor(t);
  }
  if (all_tensorish && same_shapes(vals, k)) {
    /* Numbers become 0-d tensors, rooted in place of the number. */
    for (int i = 0; i < k; i++)
      if (vals[i].type != V_TENSOR) vals[i] = v_tensor(t_scalar((float)vals[i].as.num));
    I->cur = n;
    Tensor *r = join_roots(I, height, 0, true);
    unwind_roots(I, height);
    return v_tensor(r);
  }
  Value l = v_list_new(k);
  for (int i = 0; i < k; i++) list_push(l.as.list, v_retain(vals[i]));
  unwind_roots(I, height);
  return l;
}

static Value eval_record(Interp *I, Env *env, const Node *n) {
  Value r = v_record_new();
  ev_root(I, r);
  for (int i = 0; i < n->n_kids; i++) {
    const Node *f = n->kids[i];
    if (record_get(r.as.rec, f->sym)) ev_error(I, f, "duplicate field '%s'", f->sym->name);
    Value v = eval(I, env, f->a);
    record_set(r.as.rec, f->sym, v);
  }
  return ev_unroot_keep(I);
}

/* ------------------------------------------------------------------ indexing */

static int64_t index_num(Interp *I, Env *env, const Node *e, const char *what) {
  Value v = eval(I, env, e);
  double d = 0;
  bool ok = v_to_num(v, &d);
  const char *tn = v_type_name(v);
  v_release(v);
  if (!ok) ev_error(I, e, "%s must be a number, got %s", what, tn);
  if (d != floor(d) || fabs(d) > 9e15) ev_error(I, e, "%s must be a whole number, got %g", what, d);
  return (int64_t)d;
}

/* Fill ix from the index items of n (an N_INDEX); returns the count. */
static int index_items(Interp *I, Env *env, const Node *n, TIndex *ix) {
  if (n->n_kids > T_MAXDIM) ev_error(I, n, "too many indices (%d)", n->n_kids);
  for (int i = 0; i < n->n_kids; i++) {
    const Node *k = n->kids[i];
    TIndex t = {0};
    if (k->kind == N_SLICE) {
      t.kind = T_IX_SLICE;
      t.step = 1;
      if (k->a) t.has_start = 1, t.start = index_num(I, env, k->a, _("a slice start"));
      if (k->b) t.has_stop = 1, t.stop = index_num(I, env, k->b, _("a slice end"));
      if (k->c) t.step = index_num(I, env, k->c, _("a slice step"));
      if (t.step == 0) ev_error(I, k->c, "slice step cannot be zero");
    } else {
      t.kind = T_IX_INDEX;
      t.index = index_num(I, env, k, _("an index"));
    }
    ix[i] = t;
  }
  return n->n_kids;
}

static Value index_list(Interp *I, const Node *n, List *l, int count, const TIndex *ix) {
  if (count != 1) ev_error(I, n, "a list takes one index, got %d", count);
  int64_t len = l->n;
  if (ix[0].kind == T_IX_INDEX) {
    int64_t i = ix[0].index < 0 ? ix[0].index + len : ix[0].index;
    if (i < 0 || i >= len)
      ev_error(I, n->kids[0], "index %lld is out of range for a list of %lld items",
               (long long)ix[0].index, (long long)len);
    return v_retain(l->items[i]);
  }
  int64_t step = ix[0].step, start, stop;
  if (step > 0) {
    start = !ix[0].has_start ? 0 : ix[0].start < 0 ? ix[0].start + len : ix[0].start;
    stop = !ix[0].has_stop ? len : ix[0].stop < 0 ? ix[0].stop + len : ix[0].stop;
    if (start < 0) start = 0;
    if (stop > len) stop = len;
  } else {
    start = !ix[0].has_start ? len - 1 : ix[0].start < 0 ? ix[0].start + len : ix[0].start;
    stop = !ix[0].has_stop ? -1 : ix[0].stop < 0 ? ix[0].stop + len : ix[0].stop;
    if (start >= len) start = len - 1;
    if (stop < -1) stop = -1;
  }
  Value r = v_list_new(0);
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
    list_push(r.as.list, v_retain(l->items[i]));
  return r;
}

/* r["name"]: a record field by a string, for names that are not identifiers
   (params(net)["0.W"]). Returns the interned key. */
static Sym *record_key(Interp *I, Env *env, const Node *n) {
  if (n->n_kids != 1 || n->kids[0]->kind == N_SLICE)
    ev_error(I, n, "a record is indexed by one string: r[\"name\"]");
  Value k = eval(I, env, n->kids[0]);
  if (k.type != V_STR) {
    const char *tn = v_type_name(k);
    v_release(k);
    ev_error(I, n->kids[0], "a record is indexed by a string, got %s", tn);
  }
  Sym *s = sym_intern(&I->syms, k.as.str->data, k.as.str->len);
  v_release(k);
  return s;
}

static _Noreturn void no_field(Interp *I, const Node *at, Record *r, const char *f) {
  StrBuf b = {0};
  for (int i = 0; i < r->n; i++) sb_printf(&b, "%s%s", i ? ", " : "", r->keys[i]->name);
  char fields[256];
  snprintf(fields, sizeof fields, "%s", b.s ? b.s : _("none"));
  sb_free(&b);
  /* a history or evaluate's record without accuracy: its targets were not classes */
  if ((!strcmp(f, "accuracy") || !strcmp(f, "val_accuracy")) && record_get(r, sym_intern(&I->syms, "loss", 4)))
    ev_error(I, at, "the record has no field '%s' (its fields: %s): accuracy is recorded only for "
             "class targets (y: whole numbers 0 to k−1, or rows of k class probabilities)", f, fields);
  ev_error(I, at, "the record has no field '%s' (its fields: %s)", f, fields);
}

/* x[ix] on a byte tensor: the rows that the first index picks, still bytes; any further
   indices apply to those rows as floats (x[a:b, c] is float(x[a:b])[:, c]). */
__attribute__((cold, noinline)) static Value index_u8(Interp *I, const U8Tensor *x, int count,
                                                     const TIndex *ix) {
  if (count > x->ndim) rt_throw("too many indices: %d for a tensor of rank %d", count, x->ndim);
  if (count == 0) return v_u8(u8_retain((U8Tensor *)x));
  Value rows = v_u8(u8_index0(x, &ix[0]));
  if (count == 1) return rows;
  Value f = ev_floats(I, rows);
  ev_root(I, f);
  TIndex rest[T_MAXDIM];
  int m = 0;
  if (ix[0].kind == T_IX_SLICE) rest[m++] = (TIndex){.kind = T_IX_SLICE, .step = 1};
  for (int i = 1; i < count; i++) rest[m++] = ix[i];
  Value r = v_tensor(ad_index(f.as.t, m, rest));
  ev_unroot(I, 1);
  return r;
}

static Value eval_index(Interp *I, Env *env, const Node *n) {
  Value obj = eval(I, env, n->a);
  ev_root(I, obj);
  if (obj.type == V_RECORD) {
    Sym *key = record_key(I, env, n);
    Value *v = record_get(obj.as.rec, key);
    if (!v) no_field(I, n, obj.as.rec, key->name);
    Value r = v_retain(*v);
    ev_unroot(I, 1);
    return r;
  }
  TIndex ix[T_MAXDIM];
  int count = index_items(I, env, n, ix);
  Value r;
  if (obj.type == V_U8) {
    I->cur = n;
    r = index_u8(I, obj.as.u8, count, ix);
  } else if (obj.type == V_TENSOR) {
    I->cur = n;
    r = v_tensor(ad_index(obj.as.t, count, ix));
  } else if (obj.type == V_LIST) {
    r = index_list(I, n, obj.as.list, count, ix);
  } else {
    ev_error(I, n->a, "cannot index a %s", v_type_name(obj));
  }
  ev_unroot(I, 1);
  return r;
}

/* nn has functions where NumPy and PyTorch have methods: for x.sum() or l.shape, when a
   function of that name exists, ": use sum(x)" (", …" when it needs more arguments);
   x is the object's source text when it is short and on one line. "" otherwise. */
static void method_hint(Interp *I, const Node *n, char *buf, size_t cap) {
  buf[0] = 0;
  Value *fv = ev_global(I, n->sym->name);
  if (!fv || fv->type != V_FUNC) return;
  const Params *p = &fv->as.fn->params;
  int required = 0;
  for (int i = 0; i < p->n; i++) required += !p->has_default[i];
  const Node *obj = n->a;
  const char *text = obj->src->text;
  for (int l = 1; l < obj->span.first_line && text; l++) {
    text = strchr(text, '\n');
    if (text) text++;
  }
  int len = obj->span.last_col - obj->span.first_col + 1;
  bool one_line = text && obj->span.first_line == obj->span.last_line && len > 0 && len <= 24;
  snprintf(buf, cap, _(": use %s(%.*s%s)"), n->sym->name, one_line ? len : 1,
           one_line ? text + obj->span.first_col - 1 : "x", required > 1 || p->variadic ? ", …" : "");
}

static Value eval_field(Interp *I, Env *env, const Node *n) {
  Value obj = eval(I, env, n->a);
  ev_root(I, obj);
  const char *f = n->sym->name;
  Value r;
  if (obj.type == V_RECORD) {
    Value *v = record_get(obj.as.rec, n->sym);
    if (!v) no_field(I, n, obj.as.rec, f);
    r = v_retain(*v);
  } else if (obj.type == V_U8 && !strcmp(f, "shape")) { /* a byte tensor's shape, as below */
    r = v_list_new(obj.as.u8->ndim);
    for (int i = 0; i < obj.as.u8->ndim; i++) list_push(r.as.list, v_num((double)obj.as.u8->shape[i]));
  } else if (obj.type == V_U8 && !strcmp(f, "ndim")) {
    r = v_num(obj.as.u8->ndim);
  } else if (obj.type == V_U8 && !strcmp(f, "size")) {
    r = v_num((double)obj.as.u8->size);
  } else if ((obj.type == V_TENSOR || obj.type == V_U8) && !strcmp(f, "T")) {
    Value x = ev_floats(I, v_retain(obj));
    ev_root(I, x);
    r = v_tensor(ad_transpose(x.as.t));
    ev_unroot(I, 1);
  } else if (obj.type == V_TENSOR && !strcmp(f, "shape")) {
    r = v_list_new(obj.as.t->ndim);
    for (int i = 0; i < obj.as.t->ndim; i++) list_push(r.as.list, v_num((double)obj.as.t->shape[i]));
  } else if (obj.type == V_TENSOR && !strcmp(f, "ndim")) {
    r = v_num(obj.as.t->ndim);
  } else if (obj.type == V_TENSOR && !strcmp(f, "size")) {
    r = v_num((double)obj.as.t->size);
  } else {
    char hint[96];
    method_hint(I, n, hint, sizeof hint);
    if (obj.type == V_TENSOR || obj.type == V_U8)
      ev_error(I, n, "a tensor has no field '%s' (it has T, shape, ndim, size)%s", f, hint);
    ev_error(I, n, "a %s has no field '%s'%s", v_type_name(obj), f, hint);
  }
  ev_unroot(I, 1);
  return r;
}

/* ------------------------------------------------------------------ expressions */

static Value eval(Interp *I, Env *env, const Node *n) {
  switch (n->kind) {
  case N_NUM: return v_num(n->num);
  case N_BOOL: return v_bool(n->num != 0);
  case N_NONE: return v_none();
  case N_STR: return v_str(n->str, n->len);
  case N_NAME: return v_retain(*lookup(I, env, n));
  case N_BRACKET: check_stack(I, n); return eval_bracket(I, env, n);
  case N_RECORD: return eval_record(I, env, n);
  case N_UNARY: {
    check_stack(I, n);
    Value a = ev_floats(I, eval(I, env, n->a));
    ev_root(I, a);
    Value r = unary(I, n, a);
    ev_unroot(I, 1);
    return r;
  }
  case N_BINARY: {
    check_stack(I, n);
    Value a = ev_floats(I, eval(I, env, n->a));
    ev_root(I, a);
    Value b = ev_floats(I, eval(I, env, n->b));
    ev_root(I, b);
    Value r = binary(I, n, a, b);
    ev_unroot(I, 2);
    return r;
  }
  case N_AND:
  case N_OR: {
    check_stack(I, n);
    /* Like Python and Lua: the operand that decides, so `x or default` and
       `c and a or b` work. */
    Value a = eval(I, env, n->a);
    ev_root(I, a);
    bool ta = truthy(I, a, n->a);
    if (n->kind == N_AND ? !ta : ta) return ev_unroot_keep(I);
    ev_unroot(I, 1);
    return eval(I, env, n->b);
  }
  case N_CALL: check_stack(I, n); return eval_call(I, env, n);
  case N_INDEX: check_stack(I, n); return eval_index(I, env, n);
  case N_FIELD: check_stack(I, n); return eval_field(I, env, n);
  case N_RANGE: {
    double a = 0, b = 0;
    Value va = eval(I, env, n->a);
    ev_root(I, va);
    a = num_of(I, va, n->a, _("a range start"));
    Value vb = eval(I, env, n->b);
    ev_root(I, vb);
    b = num_of(I, vb, n->b, _("a range end"));
    ev_unroot(I, 2);
    I->cur = n;
    return v_tensor(t_arange(a, b, 1));
  }
  case N_FN: return make_function(I, env, n);
  default: ev_error(I, n, "a %s is not an expression", ast_kind_name(n->kind));
  }
}

/* ------------------------------------------------------------------ assignment */

/* x[...] = v in place would corrupt gradients when x is part of a recorded graph (a
   computed tensor, or the argument grad is differentiating) or, while grad, deriv,
   minimize or train differentiate, when v is (the write would hide v's dependence on
   its inputs). PyTorch refuses the first; it records the second, which nn cannot. */
static void check_inplace(Interp *I, const Node *target, const Tensor *x, const Tensor *v) {
  if (!ad_is_recording()) return;
  if (ad_is_tracked(x) && (!ad_is_leaf(x) || I->grad_depth > 0))
    ev_error(I, target, "cannot assign into this tensor in place: gradients flow through it "
                        "(build a new tensor instead, e.g. with where, concat or stack)");
  if (ad_is_tracked(v) && I->grad_depth > 0)
    ev_error(I, target, "cannot write a value that gradients flow through into a tensor in place "
                        "(build a new tensor instead, e.g. with where, concat or stack)");
}

/* Byte tensors (IDX images) hold only the floats their bytes stand for: writing any
   other value into one in place cannot be done, so it is refused, not approximated. */
static _Noreturn void no_assign_u8(Interp *I, const Node *target) {
  ev_error(I, target, "cannot assign into this tensor in place: it holds images as bytes "
                      "(load_idx, fashion_mnist); make a float copy first, e.g. x = tensor(x)");
}

static void assign(Interp *I, Env *env, const Node *target, Value v /* owned */) {
  ev_root(I, v);
  if (target->kind == N_NAME) {
    Value *slot = env_slot(env, target->sym);
    if (!slot && target->sym->gslot) slot = &I->globals[target->sym->gslot - 1];
    if (!slot) {
      const char *near = suggest(I, env, target->sym);
      if (near)
        ev_error(I, target, "assignment to undeclared name '%s' (declare it with 'let', or did you mean '%s'?)",
                 target->sym->name, near);
      ev_error(I, target, "assignment to undeclared name '%s' (declare it with 'let')",
               target->sym->name);
    }
    v_release(*slot);
    *slot = ev_unroot_keep(I);
    return;
  }
  if (target->kind == N_FIELD) {
    Value obj = eval(I, env, target->a);
    ev_root(I, obj);
    if (obj.type != V_RECORD)
      ev_error(I, target->a, "cannot set field '%s' of a %s", target->sym->name, v_type_name(obj));
    record_set(obj.as.rec, target->sym, v_retain(v));
    ev_unroot(I, 2);
    return;
  }
  /* N_INDEX */
  Value obj = eval(I, env, target->a);
  ev_root(I, obj);
  if (obj.type == V_RECORD) {
    record_set(obj.as.rec, record_key(I, env, target), v_retain(v));
    ev_unroot(I, 2);
    return;
  }
  if (obj.type == V_U8) no_assign_u8(I, target);
  TIndex ix[T_MAXDIM];
  int count = index_items(I, env, target, ix);
  if (obj.type == V_TENSOR) {
    Tensor *t = to_tensor(I, v, _("the assigned value"));
    ev_root(I, v_tensor(t));
    check_inplace(I, target, obj.as.t, t);
    I->cur = target;
    t_index_assign(obj.as.t, count, ix, t);
    ev_unroot(I, 3);
    return;
  }
  if (obj.type == V_LIST) {
    if (count != 1 || ix[0].kind != T_IX_INDEX)
      ev_error(I, target, "a list element is set with one index");
    List *l = obj.as.list;
    int64_t i = ix[0].index < 0 ? ix[0].index + l->n : ix[0].index;
    if (i < 0 || i >= l->n)
      ev_error(I, target->kids[0], "index %lld is out of range for a list of %d items",
               (long long)ix[0].index, l->n);
    v_release(l->items[i]);
    l->items[i] = v_retain(v);
    ev_unroot(I, 2);
    return;
  }
  ev_error(I, target->a, "cannot index a %s", v_type_name(obj));
}

/* x[i] += e (parsed as x[i] = x[i] + e, sharing the node x[i]): x and i are evaluated
   once, as Python does, so x[f()] += 1 calls f once. */
static void compound_index(Interp *I, Env *env, const Node *n) {
  const Node *target = n->a, *op = n->b;
  int height = I->n_roots;
  Value obj = eval(I, env, target->a);
  ev_root(I, obj);
  Value cur;
  Sym *key = NULL;
  TIndex ix[T_MAXDIM];
  int count = 0;
  if (obj.type == V_RECORD) {
    key = record_key(I, env, target);
    Value *v = record_get(obj.as.rec, key);
    if (!v) no_field(I, target, obj.as.rec, key->name);
    cur = v_retain(*v);
  } else {
    if (obj.type == V_U8) no_assign_u8(I, target);
    count = index_items(I, env, target, ix);
    I->cur = target;
    if (obj.type == V_TENSOR) cur = v_tensor(ad_index(obj.as.t, count, ix));
    else if (obj.type == V_LIST) cur = index_list(I, target, obj.as.list, count, ix);
    else ev_error(I, target->a, "cannot index a %s", v_type_name(obj));
  }
  ev_root(I, cur);
  Value rhs = eval(I, env, op->b);
  ev_root(I, rhs);
  Value v = binary(I, op, cur, rhs);
  ev_root(I, v);
  if (obj.type == V_RECORD) {
    record_set(obj.as.rec, key, v_retain(v));
  } else if (obj.type == V_TENSOR) {
    Tensor *t = to_tensor(I, v, _("the assigned value"));
    ev_root(I, v_tensor(t));
    check_inplace(I, target, obj.as.t, t);
    I->cur = target;
    t_index_assign(obj.as.t, count, ix, t);
  } else {
    List *l = obj.as.list;
    if (count != 1 || ix[0].kind != T_IX_INDEX) ev_error(I, target, "a list element is set with one index");
    int64_t i = ix[0].index < 0 ? ix[0].index + l->n : ix[0].index;
    v_release(l->items[i]);
    l->items[i] = v_retain(v);
  }
  unwind_roots(I, height);
}

static void define(Interp *I, Env *env, Sym *s, Value v) {
  if (env) env_define(env, s, v);
  else global_set(I, s, v);
}

/* ------------------------------------------------------------------ for decl.c and run.c */

Value ev_eval(Interp *I, Env *env, const Node *n) { return eval(I, env, n); }
Env *ev_env_new(Interp *I, Env *parent) { return env_new(I, parent); }
void ev_env_define(Env *e, Sym *s, Value v) { env_define(e, s, v); }
Value *ev_env_slot(Env *e, Sym *s) { return env_slot(e, s); }
Value ev_make_function(Interp *I, Env *env, const Node *n) { return make_function(I, env, n); }
void ev_define(Interp *I, Env *env, Sym *s, Value v) { define(I, env, s, v); }
void ev_unroot_to(Interp *I, int height) { unwind_roots(I, height); }
bool ev_truthy(Interp *I, Value v, const Node *at) { return truthy(I, v, at); }
double ev_num_of(Interp *I, Value v, const Node *at, const char *what) { return num_of(I, v, at, what); }
/* An assignment statement (exec.c): x = e, r.f = e, x[i] = e, or x[i] op= e. */
void ev_assign(Interp *I, Env *env, const Node *n) {
  if (n->a->kind == N_INDEX && n->b->kind == N_BINARY && n->b->a == n->a) compound_index(I, env, n);
  else assign(I, env, n->a, eval(I, env, n->b));
}

/* ------------------------------------------------------------------ protected calls */

void ev_save(Interp *I, EvState *s) {
  *s = (EvState){.n_roots = I->n_roots, .n_calls = I->n_calls, .loop_depth = I->loop_depth,
                 .grad_depth = I->grad_depth, .building_models = I->building_models,
                 .n_importing = I->n_importing, .echo = I->echo, .training = I->training,
                 .recording = ad_is_recording(), .loss_q = I->loss_q,
                 .interrupt_defer = rt_interrupt_defer_depth()};
  memcpy(s->lang, I->lang, sizeof s->lang);
}

void ev_restore(Interp *I, const EvState *s) {
  unwind_roots(I, s->n_roots);
  v_release(I->ret);
  I->ret = v_none();
  I->n_calls = s->n_calls;
  I->loop_depth = s->loop_depth;
  I->grad_depth = s->grad_depth;
  I->building_models = s->building_models;
  I->n_importing = s->n_importing;
  I->echo = s->echo;
  I->training = s->training;
  I->loss_q = s->loss_q;
  memcpy(I->lang, s->lang, sizeof I->lang);
  msg_set_lang(!strcmp(I->lang, "zh") ? MSG_ZH : MSG_EN);
  rt_set_interrupt_defer_depth(s->interrupt_defer);
  ad_set_recording(s->recording);
}

bool ev_pcall(Interp *I, void (*body)(Interp *I, void *ctx), void (*handler)(Interp *I, void *ctx),
              void *ctx) {
  EvState s;
  ev_save(I, &s);
  RtFrame f;
  if (RT_TRY(&f)) {
    body(I, ctx);
    rt_pop(&f);
    return true;
  }
  rt_pop(&f);
  if (handler) handler(I, ctx);
  ev_restore(I, &s);
  return false;
}

/* ------------------------------------------------------------------ builtin signatures */

/* Parse "name(a, b = 1, c = \"s\", *rest)" into Params. Defaults are literals:
   numbers, strings, true, false, none. The table is ours, so a bad one is a bug. */
Params params_parse_sig(Interp *I, const char *sig) {
  Params p = {0};
  const char *s = strchr(sig, '(');
  int cap = 1;
  for (const char *q = sig; *q; q++) cap += *q == ',';
  p.names = rt_calloc((size_t)cap, sizeof(Sym *));
  p.defaults = rt_calloc((size_t)cap, sizeof(Value));
  p.has_default = rt_calloc((size_t)cap, sizeof(bool));
  if (!s) return p;
  s++;
  while (*s && *s != ')') {
    while (*s == ' ' || *s == ',') s++;
    if (*s == ')') break;
    if (*s == '*') {
      p.variadic = true;
      s++;
    }
    const char *b = s;
    while (*s && *s != ',' && *s != ')' && *s != ' ' && *s != '=') s++;
    p.names[p.n] = sym_intern(&I->syms, b, (size_t)(s - b));
    while (*s == ' ') s++;
    if (*s == '=') {
      s++;
      while (*s == ' ') s++;
      Value d;
      if (*s == '"') {
        const char *e = strchr(s + 1, '"');
        d = v_str(s + 1, (size_t)(e - s - 1));
        s = e + 1;
      } else if (!strncmp(s, "true", 4)) d = v_bool(true), s += 4;
      else if (!strncmp(s, "false", 5)) d = v_bool(false), s += 5;
      else if (!strncmp(s, "none", 4)) d = v_none(), s += 4;
      else {
        char *e;
        d = v_num(strtod(s, &e));
        if (e == s) {
          fprintf(pf_err(), _("nn: internal error: bad default in builtin signature '%s'\n"), sig);
          exit(70);
        }
        s = e;
      }
      p.defaults[p.n] = d;
      p.has_default[p.n] = true;
    }
    p.n++;
  }
  return p;
}

/* ------------------------------------------------------------------ values as tensors */

bool is_tensorish(Value v) {
  return v.type == V_NUM || v.type == V_BOOL || v.type == V_TENSOR || v.type == V_U8;
}

/* ev_floats for a byte tensor: out of line, so the evaluator's hot path keeps one test. */
__attribute__((cold, noinline)) static Value floats_of_bytes(Interp *I, Value v) {
  ev_root(I, v);
  Tensor *t = u8_to_tensor(v.as.u8);
  ev_unroot(I, 1);
  return v_tensor(t);
}

Value ev_floats(Interp *I, Value v) { return v.type == V_U8 ? floats_of_bytes(I, v) : v; }

Tensor *join_roots(Interp *I, int height, int axis, bool stack) {
  size_t n = (size_t)(I->n_roots - height);
  Tensor **volatile ts = malloc(sizeof(Tensor *) * (n ? n : 1));
  if (!ts) rt_throw_kind(RT_ERR_OOM, "out of memory");
  for (size_t i = 0; i < n; i++) ts[i] = I->roots[height + (int)i].as.t;
  Tensor *r = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    r = stack ? ad_stack((int)n, ts, axis) : ad_concat((int)n, ts, axis);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(ts);
    rt_rethrow();
  }
  free(ts);
  return r;
}

/* The items converted from a list (roots height … height+n-1) must agree in shape to
   be stacked: "rows of different lengths (2 and 1)" for [[1, 2], [3]] rather than the
   stack kernel's message, located at `at`. */
static void check_rows(Interp *I, const Node *at, int height, int n) {
  const Tensor *a = I->roots[height].as.t;
  for (int i = 1; i < n; i++) {
    const Tensor *b = I->roots[height + i].as.t;
    if (t_same_shape(a, b)) continue;
    if (a->ndim == 1 && b->ndim == 1)
      ev_error(I, at, "cannot make a tensor from rows of different lengths (%lld and %lld)",
               (long long)a->shape[0], (long long)b->shape[0]);
    char sa[96], sb[96];
    snprintf(sa, sizeof sa, "%s", _("a number"));
    snprintf(sb, sizeof sb, "%s", _("a number"));
    if (a->ndim) t_shape_str(a->ndim, a->shape, sa, sizeof sa);
    if (b->ndim) t_shape_str(b->ndim, b->shape, sb, sizeof sb);
    ev_error(I, at, "cannot make a tensor from items of different shapes (%s and %s)", sa, sb);
  }
}

Tensor *to_tensor(Interp *I, Value v, const char *what) { return to_tensor_at(I, v, what, NULL); }

/* depth: lists entered so far; a tensor has at most T_MAXDIM axes, and a list that
   contains itself would otherwise recurse until the C stack runs out. `what` names the
   value in the message language: callers pass _("..."); a literal that has Chinese text
   in the catalogue is translated here too (msg_tr leaves translated text as it is). */
static Tensor *list_tensor(Interp *I, Value v, const char *what, const Node *at, int depth) {
  switch (v.type) {
  case V_NUM:
  case V_BOOL: return t_scalar((float)v.as.num);
  case V_TENSOR: return t_retain(v.as.t);
  case V_U8: return u8_to_tensor(v.as.u8);
  case V_LIST: {
    List *l = v.as.list;
    if (l->n == 0) {
      int64_t zero = 0;
      return t_zeros(1, &zero);
    }
    if (depth >= T_MAXDIM)
      ev_error(I, at, "%s is a list nested more than %d deep (a tensor has at most %d axes)",
               _(what), T_MAXDIM, T_MAXDIM);
    /* Convert each item (rooted), then stack them: shapes must agree. */
    int height = I->n_roots;
    for (int i = 0; i < l->n; i++) ev_root(I, v_tensor(list_tensor(I, l->items[i], what, at, depth + 1)));
    check_rows(I, at, height, l->n);
    Tensor *r = join_roots(I, height, 0, true);
    ev_unroot(I, l->n);
    return r;
  }
  default: ev_error(I, NULL, "%s must be a tensor, got %s", _(what), v_type_name(v));
  }
}

Tensor *to_tensor_at(Interp *I, Value v, const char *what, const Node *at) {
  return list_tensor(I, v, what, at, 0);
}

bool ev_in_stdlib(const Node *n) { return n && !strncmp(n->src->name, "<stdlib:", 8); }
