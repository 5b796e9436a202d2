/* totorch.c — nn --to-torch: a script's first train(...) call and the declarations it
 * uses (activations, losses, layers, models, the optimizer) written as one PyTorch
 * program, with the data and the initial weights beside it as safetensors.
 *
 * The translation walks the values train() was given, not the script's text: the model's
 * layers with their sizes, the declarations their functions come from (each written as
 * Python, with the names it reads resolved where it was defined), the optimizer's
 * declaration (the stdlib's too, from stdlib/optim.nn) and its hyper-parameters.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "platform.h"
#include "safetensors.h"
#include "totorch.h"

struct TorchRun {
  char *script; /* the script's path, as given */
  char *out;    /* the program's path */
  bool stopped; /* the program was written and the script stopped */
};

TorchRun *totorch_new(const char *script, const char *out) {
  TorchRun *t = rt_calloc(1, sizeof *t);
  t->script = rt_strdup(script);
  if (out) {
    t->out = rt_strdup(out);
  } else {
    size_t n = strlen(script);
    bool nn = n > 3 && !strcmp(script + n - 3, ".nn");
    t->out = rt_malloc(n + 4);
    snprintf(t->out, n + 4, "%.*s.py", (int)(nn ? n - 3 : n), script);
  }
  return t;
}

void totorch_free(TorchRun *t) {
  if (!t) return;
  rt_free(t->script);
  rt_free(t->out);
  rt_free(t);
}

bool totorch_stopped(const Interp *I) { return I->to_torch && I->to_torch->stopped; }

int totorch_finish(Interp *I, int status) {
  if (I->to_torch->stopped) return 0;
  if (status) return status;
  fflush(pf_out());
  fprintf(pf_err(), _("nn: error: %s has no train(...) call: --to-torch translates the first one the "
                      "script makes\n"), I->to_torch->script);
  return 1;
}

/* ------------------------------------------------------------------ translation state */

enum { MAX_DONE = 256, MAX_SCOPE = 512 };

/* One translation: the Python text made so far and what it already holds. */
typedef struct {
  Interp *I;
  StrBuf defs;    /* functions, layer and model classes, the optimizer */
  StrBuf consts;  /* the script's values the translated code reads */
  int n_done;
  const void *done_key[MAX_DONE]; /* a Func, a layer declaration or a Model */
  char *done_name[MAX_DONE];      /* its Python name */
  int n_const;
  char *const_name[MAX_DONE];
  Sym *const_sym[MAX_DONE];       /* the nn name it was read by */
  Value const_val[MAX_DONE];      /* borrowed from the script's scopes */
  int n_tensor;
  char *tensor_name[MAX_DONE];    /* "const.NAME" in the data file */
  Tensor *tensor[MAX_DONE];       /* borrowed */
} Tr;

/* The names local to the function being written: its parameters and assignments. */
typedef struct {
  int n;
  Sym *s[MAX_SCOPE];
} Scope;

static void scope_add(Tr *t, Scope *sc, Sym *s, const Node *at) {
  for (int i = 0; i < sc->n; i++)
    if (sc->s[i] == s) return;
  if (sc->n == MAX_SCOPE) ev_error(t->I, at, "--to-torch: more than %d local names in one function", MAX_SCOPE);
  sc->s[sc->n++] = s;
}

static bool scope_has(const Scope *sc, const Sym *s) {
  for (int i = 0; i < sc->n; i++)
    if (sc->s[i] == s) return true;
  return false;
}

/* Every name a block binds (let, assignment to a name, for, a nested fn), not looking
   inside nested functions. */
static void scope_collect(Tr *t, Scope *sc, const Node *n) {
  if (!n) return;
  if ((n->kind == N_LET && n->op != 'n') || n->kind == N_FOR) scope_add(t, sc, n->sym, n);
  if (n->kind == N_FN && n->sym) {
    scope_add(t, sc, n->sym, n);
    return;
  }
  if (n->kind == N_FN) return;
  if (n->kind == N_ASSIGN && n->a->kind == N_NAME) scope_add(t, sc, n->a->sym, n);
  if (n->kind == N_BLOCK || n->kind == N_IF || n->kind == N_WHILE || n->kind == N_FOR) {
    scope_collect(t, sc, n->b);
    scope_collect(t, sc, n->c);
    for (int i = 0; i < n->n_kids; i++) scope_collect(t, sc, n->kids[i]);
  }
}

static const char *const py_reserved[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
    "yield", "self", "torch", "math", "np", "os", "json", "struct", "argparse", "main", "range",
    "make_model", "make_optimizer", "LOSS", "FUSED", "EPOCHS", "BATCH", "SHUFFLE", "CLIP",
    "CLIP_VALUE", "VERBOSE", "SCHEDULES", "Dense", "Flatten", "Dropout", "Conv2d", "MaxPool2d",
    "BatchNorm", "Act", "NNModel", NULL};

/* An nn name as a Python identifier: names Python or the program's own code claims get
   a trailing underscore. */
static void put_name(StrBuf *b, const char *name) {
  sb_puts(b, name);
  for (const char *const *r = py_reserved; *r; r++)
    if (!strcmp(*r, name)) {
      sb_putc(b, '_');
      return;
    }
}

/* nn's builtins the program's prelude defines with nn's meaning and defaults. */
static const char *const prelude_fns[] = {
    "exp", "log", "sqrt", "abs", "sin", "cos", "floor", "tanh", "sigmoid", "relu", "leaky_relu",
    "identity", "step", "softmax", "log_softmax", "sum", "mean", "prod", "norm", "where", "clip",
    "xlogy", "pick", "zeros", "ones", "randn", "rand", "reshape", "shape", "rank", "transpose",
    "flatten", "len", "tensor", "concat", "stack", "max", "min", "argmax", "cross_entropy", "kl",
    "mse", "bce", "binary_cross_entropy", NULL};

static bool in_prelude(const char *name) {
  for (const char *const *p = prelude_fns; *p; p++)
    if (!strcmp(*p, name)) return true;
  return false;
}

static const char *done_name(Tr *t, const void *key) {
  for (int i = 0; i < t->n_done; i++)
    if (t->done_key[i] == key) return t->done_name[i];
  return NULL;
}

static bool name_taken(Tr *t, const char *name) {
  for (int i = 0; i < t->n_done; i++)
    if (!strcmp(t->done_name[i], name)) return true;
  for (int i = 0; i < t->n_const; i++)
    if (!strcmp(t->const_name[i], name)) return true;
  return in_prelude(name);
}

/* Record key as translated under a fresh Python name made from base; returns the name. */
static const char *done_add(Tr *t, const void *key, const char *base, const Node *at) {
  if (t->n_done == MAX_DONE) ev_error(t->I, at, "--to-torch: more than %d declarations to translate", MAX_DONE);
  StrBuf b = {0};
  put_name(&b, base);
  for (int k = 2; name_taken(t, b.s); k++) {
    b.len = 0;
    put_name(&b, base);
    sb_printf(&b, "_%d", k);
  }
  t->done_key[t->n_done] = key;
  t->done_name[t->n_done] = b.s;
  return t->done_name[t->n_done++];
}

/* A number as Python writes it: the shortest decimal that reads back the same double. */
static void put_num(StrBuf *b, double x) {
  if (isnan(x)) {
    sb_puts(b, "math.nan");
  } else if (isinf(x)) {
    sb_puts(b, x > 0 ? "math.inf" : "-math.inf");
  } else if (x == floor(x) && fabs(x) < 1e15) {
    sb_printf(b, "%.0f", x);
  } else {
    char s[40];
    for (int p = 1; p <= 17; p++) {
      snprintf(s, sizeof s, "%.*g", p, x);
      if (strtod(s, NULL) == x) break;
    }
    sb_puts(b, s);
  }
}

static void put_str(StrBuf *b, const char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
    else if (c == '\n') sb_puts(b, "\\n");
    else if (c < 0x20) sb_printf(b, "\\x%02x", c);
    else sb_putc(b, (char)c);
  }
  sb_putc(b, '"');
}

static void indent(StrBuf *b, int depth) {
  for (int i = 0; i < depth; i++) sb_puts(b, "    ");
}

/* ------------------------------------------------------------------ values and names */

static const char *func_ref(Tr *t, Func *f, const Node *at);

/* A value of the script (a setting, a default, a constant) as a Python literal. */
static void put_value(Tr *t, StrBuf *b, Value v, const char *what, const Node *at) {
  double x;
  switch (v.type) {
  case V_NONE: sb_puts(b, "None"); return;
  case V_BOOL: sb_puts(b, v.as.num ? "True" : "False"); return;
  case V_NUM: put_num(b, v.as.num); return;
  case V_STR: put_str(b, v.as.str->data, v.as.str->len); return;
  case V_FUNC: sb_puts(b, func_ref(t, v.as.fn, at)); return;
  case V_TENSOR:
    if (v.as.t->ndim == 0 || (v.as.t->ndim == 1 && v.as.t->size == 1 && v_to_num(v, &x))) {
      sb_puts(b, "_f(");
      put_num(b, v.as.t->data[0]);
      sb_puts(b, ")");
      return;
    }
    break;
  default: break;
  }
  ev_error(t->I, at, "--to-torch cannot translate %s: it is a %s (numbers, strings, bools, none and "
           "functions translate)", what, v_type_name(v));
}

/* The value a free name has where the code was defined: its scope, then the globals. */
static Value *lookup(Tr *t, Env *env, Sym *s) {
  Value *v = env ? ev_env_slot(env, s) : NULL;
  if (!v && s->gslot) v = &t->I->globals[s->gslot - 1];
  return v;
}

/* A name the code reads that it does not bind: a function is translated, a number or
   a string becomes a constant of the program, a tensor a constant read from the data
   file. Returns the Python name. */
static const char *free_name(Tr *t, Env *env, const Node *n) {
  Value *v = lookup(t, env, n->sym);
  if (!v) ev_error(t->I, n, "--to-torch: '%s' is not defined here", n->sym->name);
  if (v->type == V_FUNC) return func_ref(t, v->as.fn, n);
  for (int i = 0; i < t->n_const; i++) {
    Value c = t->const_val[i];
    if (t->const_sym[i] == n->sym && c.type == v->type &&
        (c.type == V_TENSOR ? c.as.t == v->as.t
         : c.type == V_STR  ? !strcmp(c.as.str->data, v->as.str->data)
                            : c.as.num == v->as.num))
      return t->const_name[i];
  }
  if (v->type != V_NUM && v->type != V_BOOL && v->type != V_STR && v->type != V_NONE && v->type != V_TENSOR)
    ev_error(t->I, n, "--to-torch cannot translate '%s': it is a %s (numbers, strings, bools, none, "
             "tensors and functions translate)", n->sym->name, v_type_name(*v));
  if (t->n_const == MAX_DONE) ev_error(t->I, n, "--to-torch: more than %d constants to translate", MAX_DONE);
  StrBuf b = {0};
  put_name(&b, n->sym->name);
  for (int k = 2; name_taken(t, b.s); k++) {
    b.len = 0;
    put_name(&b, n->sym->name);
    sb_printf(&b, "_%d", k);
  }
  t->const_name[t->n_const] = b.s;
  t->const_sym[t->n_const] = n->sym;
  t->const_val[t->n_const++] = *v;
  if (v->type == V_TENSOR) {
    StrBuf key = {0};
    sb_printf(&key, "const.%s", b.s);
    t->tensor_name[t->n_tensor] = key.s;
    t->tensor[t->n_tensor++] = v->as.t;
    sb_printf(&t->consts, "%s = _DATA[\"%s\"]\n", b.s, key.s);
  } else {
    sb_printf(&t->consts, "%s = ", b.s);
    put_value(t, &t->consts, *v, n->sym->name, n);
    sb_puts(&t->consts, "\n");
  }
  return b.s;
}

/* ------------------------------------------------------------------ expressions */

/* Python's precedence levels, loosest first. */
enum { P_LAMBDA, P_OR, P_AND, P_NOT, P_CMP, P_ADD = 6, P_MUL, P_UNARY, P_POW, P_ATOM };

static int binary_prec(int op) {
  switch (op) {
  case '+': case '-': return P_ADD;
  case '*': case '/': case '%': case '@': return P_MUL;
  case '^': return P_POW;
  default: return P_CMP;
  }
}

static void expr(Tr *t, StrBuf *b, const Node *n, Env *env, Scope *sc, int min_prec);

static void args(Tr *t, StrBuf *b, const Node *call, Env *env, Scope *sc) {
  for (int i = 0; i < call->n_kids; i++) {
    const Node *a = call->kids[i];
    if (i) sb_puts(b, ", ");
    if (a->kind == N_KWARG) {
      put_name(b, a->sym->name);
      sb_putc(b, '=');
      expr(t, b, a->a, env, sc, P_LAMBDA);
    } else {
      expr(t, b, a, env, sc, P_LAMBDA);
    }
  }
}

static void expr(Tr *t, StrBuf *b, const Node *n, Env *env, Scope *sc, int min_prec) {
  int p = P_ATOM;
  switch (n->kind) {
  case N_UNARY: p = n->op == OP_NOT ? P_NOT : P_UNARY; break;
  case N_BINARY: p = binary_prec(n->op); break;
  case N_AND: p = P_AND; break;
  case N_OR: p = P_OR; break;
  case N_FN: p = P_LAMBDA; break;
  default: break;
  }
  bool paren = p < min_prec;
  if (paren) sb_putc(b, '(');
  switch (n->kind) {
  case N_NUM: put_num(b, n->num); break;
  case N_STR: put_str(b, n->str, n->len); break;
  case N_BOOL: sb_puts(b, n->num ? "True" : "False"); break;
  case N_NONE: sb_puts(b, "None"); break;
  case N_NAME:
    if (scope_has(sc, n->sym)) put_name(b, n->sym->name);
    else sb_puts(b, free_name(t, env, n));
    break;
  case N_BRACKET:
    sb_puts(b, "_bracket(");
    args(t, b, n, env, sc);
    sb_putc(b, ')');
    break;
  case N_RECORD:
    sb_puts(b, "_rec(");
    args(t, b, n, env, sc);
    sb_putc(b, ')');
    break;
  case N_UNARY:
    sb_puts(b, n->op == OP_NOT ? "not " : n->op == '-' ? "-" : "+");
    expr(t, b, n->a, env, sc, p);
    break;
  case N_BINARY: {
    static const struct { int op; const char *py; } ops[] = {
        {'+', " + "}, {'-', " - "}, {'*', " * "}, {'/', " / "}, {'%', " % "}, {'^', " ** "},
        {'@', " @ "}, {'<', " < "}, {'>', " > "}, {OP_LE, " <= "}, {OP_GE, " >= "},
        {OP_EQ, " == "}, {OP_NE, " != "}};
    const char *py = NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
      if (ops[i].op == n->op) py = ops[i].py;
    if (!py) ev_error(t->I, n, "--to-torch cannot translate this operator");
    /* left-associative, except ** (right); comparisons never chain */
    expr(t, b, n->a, env, sc, p == P_POW ? P_POW + 1 : p == P_CMP ? P_CMP + 1 : p);
    sb_puts(b, py);
    expr(t, b, n->b, env, sc, p == P_POW ? P_UNARY : p + 1);
    break;
  }
  case N_AND:
  case N_OR:
    expr(t, b, n->a, env, sc, p);
    sb_puts(b, n->kind == N_AND ? " and " : " or ");
    expr(t, b, n->b, env, sc, p + 1);
    break;
  case N_CALL:
    expr(t, b, n->a, env, sc, P_ATOM);
    sb_putc(b, '(');
    args(t, b, n, env, sc);
    sb_putc(b, ')');
    break;
  case N_INDEX:
    expr(t, b, n->a, env, sc, P_ATOM);
    sb_putc(b, '[');
    for (int i = 0; i < n->n_kids; i++) {
      const Node *k = n->kids[i];
      if (i) sb_puts(b, ", ");
      if (k->kind == N_SLICE) {
        if (k->a) expr(t, b, k->a, env, sc, P_OR);
        sb_putc(b, ':');
        if (k->b) expr(t, b, k->b, env, sc, P_OR);
        if (k->c) {
          sb_putc(b, ':');
          expr(t, b, k->c, env, sc, P_OR);
        }
      } else {
        expr(t, b, k, env, sc, P_LAMBDA);
      }
    }
    sb_putc(b, ']');
    break;
  case N_FIELD:
    expr(t, b, n->a, env, sc, P_ATOM);
    sb_putc(b, '.');
    put_name(b, n->sym->name);
    break;
  case N_RANGE:
    sb_puts(b, "range(int(");
    expr(t, b, n->a, env, sc, P_LAMBDA);
    sb_puts(b, "), int(");
    expr(t, b, n->b, env, sc, P_LAMBDA);
    sb_puts(b, "))");
    break;
  case N_FN: {
    if (!(n->flags & NF_EXPR_BODY))
      ev_error(t->I, n, "--to-torch cannot translate an anonymous function with a block body "
               "(declare it with fn NAME(...) { ... })");
    Scope inner = *sc;
    sb_puts(b, "lambda");
    for (int i = 0; i < n->n_kids; i++) {
      const Node *pa = n->kids[i];
      scope_add(t, &inner, pa->sym, pa);
      sb_puts(b, i ? ", " : " ");
      put_name(b, pa->sym->name);
      if (pa->a) {
        sb_putc(b, '=');
        expr(t, b, pa->a, env, sc, P_LAMBDA);
      }
    }
    sb_puts(b, ": ");
    expr(t, b, n->a, env, &inner, P_LAMBDA);
    break;
  }
  default:
    ev_error(t->I, n, "--to-torch cannot translate a %s here", ast_kind_name(n->kind));
  }
  if (paren) sb_putc(b, ')');
}

/* ------------------------------------------------------------------ statements */

static void block(Tr *t, StrBuf *b, const Node *n, Env *env, Scope *sc, int depth);

static void stmt(Tr *t, StrBuf *b, const Node *s, Env *env, Scope *sc, int depth) {
  switch (s->kind) {
  case N_LET:
    if (s->op) ev_error(t->I, s, "--to-torch cannot translate this declaration line here");
    indent(b, depth);
    put_name(b, s->sym->name);
    sb_puts(b, " = ");
    expr(t, b, s->a, env, sc, P_LAMBDA);
    sb_putc(b, '\n');
    return;
  case N_ASSIGN:
    indent(b, depth);
    expr(t, b, s->a, env, sc, P_ATOM);
    sb_puts(b, " = ");
    expr(t, b, s->b, env, sc, P_LAMBDA);
    sb_putc(b, '\n');
    return;
  case N_EXPR:
    indent(b, depth);
    expr(t, b, s->a, env, sc, P_LAMBDA);
    sb_putc(b, '\n');
    return;
  case N_RETURN:
    indent(b, depth);
    sb_puts(b, "return");
    if (s->a) {
      sb_putc(b, ' ');
      expr(t, b, s->a, env, sc, P_LAMBDA);
    }
    sb_putc(b, '\n');
    return;
  case N_BREAK:
  case N_CONTINUE:
    indent(b, depth);
    sb_puts(b, s->kind == N_BREAK ? "break\n" : "continue\n");
    return;
  case N_IF:
    indent(b, depth);
    for (const Node *c = s;; c = c->c) {
      sb_puts(b, c == s ? "if " : "elif ");
      expr(t, b, c->a, env, sc, P_LAMBDA);
      sb_puts(b, ":\n");
      block(t, b, c->b, env, sc, depth + 1);
      if (!c->c) break;
      indent(b, depth);
      if (c->c->kind != N_IF) {
        sb_puts(b, "else:\n");
        block(t, b, c->c, env, sc, depth + 1);
        break;
      }
    }
    return;
  case N_WHILE:
    indent(b, depth);
    sb_puts(b, "while ");
    expr(t, b, s->a, env, sc, P_LAMBDA);
    sb_puts(b, ":\n");
    block(t, b, s->b, env, sc, depth + 1);
    return;
  case N_FOR:
    indent(b, depth);
    sb_puts(b, "for ");
    put_name(b, s->sym->name);
    sb_puts(b, " in ");
    expr(t, b, s->a, env, sc, P_LAMBDA);
    sb_puts(b, ":\n");
    block(t, b, s->b, env, sc, depth + 1);
    return;
  case N_FN:
    if (s->sym) {
      Scope inner = *sc;
      indent(b, depth);
      sb_puts(b, "def ");
      put_name(b, s->sym->name);
      sb_putc(b, '(');
      for (int i = 0; i < s->n_kids; i++) {
        const Node *pa = s->kids[i];
        scope_add(t, &inner, pa->sym, pa);
        if (i) sb_puts(b, ", ");
        put_name(b, pa->sym->name);
        if (pa->a) {
          sb_putc(b, '=');
          expr(t, b, pa->a, env, sc, P_LAMBDA);
        }
      }
      sb_puts(b, "):\n");
      if (s->flags & NF_EXPR_BODY) {
        indent(b, depth + 1);
        sb_puts(b, "return ");
        expr(t, b, s->a, env, &inner, P_LAMBDA);
        sb_putc(b, '\n');
      } else {
        scope_collect(t, &inner, s->a);
        block(t, b, s->a, env, &inner, depth + 1);
      }
      return;
    }
    break;
  default: break;
  }
  ev_error(t->I, s, "--to-torch cannot translate a %s statement", ast_kind_name(s->kind));
}

static void block(Tr *t, StrBuf *b, const Node *n, Env *env, Scope *sc, int depth) {
  if (n->kind != N_BLOCK) {
    stmt(t, b, n, env, sc, depth);
    return;
  }
  if (n->n_kids == 0) {
    indent(b, depth);
    sb_puts(b, "pass\n");
  }
  for (int i = 0; i < n->n_kids; i++) stmt(t, b, n->kids[i], env, sc, depth);
}

/* "activation swish(x), examples/xor.nn:5" — where a declaration comes from. */
static void where_from(StrBuf *b, const Node *def) {
  sb_printf(b, "%s:%d", def->src->name, def->span.first_line);
}

/* A function of the script (or of the stdlib, when the prelude has no twin) as a
   Python def; returns its name. */
static const char *func_ref(Tr *t, Func *f, const Node *at) {
  const char *have = done_name(t, f);
  if (have) return have;
  bool stdlib = f->def && ev_in_stdlib(f->def);
  if ((!f->def || stdlib) && in_prelude(f->name) && f->n_bound == 0) return f->name;
  if (!f->def)
    ev_error(t->I, at, "--to-torch cannot translate '%s': it is a builtin with no PyTorch twin in the "
             "program", f->name);
  if (f->kind == FK_LAYER || f->kind == FK_MODEL || f->kind == FK_OPTIMIZER)
    ev_error(t->I, at, "--to-torch cannot translate '%s' here: it makes a layer, model or optimizer, "
             "which the program builds only from the model and optimizer given to train", f->name);
  const char *name = done_add(t, f, f->def->sym ? f->def->sym->name : "fn", at);
  StrBuf b = {0};
  Scope sc = {0};
  RtFrame fr;
  if (RT_TRY(&fr)) {
    static const char *const kinds[] = {"fn", "activation", "loss"};
    sb_printf(&b, "\n\ndef %s(", name);
    for (int i = 0; i < f->def->n_kids; i++) {
      const Node *pa = f->def->kids[i];
      scope_add(t, &sc, pa->sym, pa);
      if (i) sb_puts(&b, ", ");
      put_name(&b, pa->sym->name);
      if (pa->a) {
        sb_putc(&b, '=');
        expr(t, &b, pa->a, f->env, &sc, P_LAMBDA);
      }
    }
    sb_printf(&b, "):\n    \"\"\"%s %s, ", f->kind <= FK_LOSS ? kinds[f->kind] : "fn", f->name);
    where_from(&b, f->def);
    sb_puts(&b, "\"\"\"\n");
    if (f->def->flags & NF_EXPR_BODY) {
      sb_puts(&b, "    return ");
      expr(t, &b, f->def->a, f->env, &sc, P_LAMBDA);
      sb_putc(&b, '\n');
    } else {
      scope_collect(t, &sc, f->def->a);
      block(t, &b, f->def->a, f->env, &sc, 1);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    sb_free(&b);
    rt_rethrow();
  }
  sb_puts(&t->defs, b.s);
  sb_free(&b);
  return name;
}

/* ------------------------------------------------------------------ layers and models */

/* A class name in Python's style: heavy_ball → HeavyBall. out [n]. */
static const char *class_name(char *out, size_t n, const char *name) {
  bool up = true;
  size_t k = 0;
  for (const char *c = name; *c && k + 1 < n; c++) {
    if (*c == '_' && c[1] && c != name) {
      up = true;
      continue;
    }
    out[k++] = (char)(up && *c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    up = false;
  }
  out[k] = 0;
  return out;
}

/* The declaration a declared layer was made by: the constructor of its kind whose body
   holds its forward. */
static const Node *layer_decl(Tr *t, const Layer *l, const Node *at) {
  const Node *fwd = l->fn.as.fn->def;
  Value *v = ev_global(t->I, l->kind);
  if (v && v->type == V_FUNC && v->as.fn->def && v->as.fn->def->kind == N_DECL && v->as.fn->def->a)
    for (int i = 0; i < v->as.fn->def->a->n_kids; i++)
      if (v->as.fn->def->a->kids[i] == fwd) return v->as.fn->def;
  ev_error(t->I, at, "--to-torch cannot find the declaration of layer '%s' (it is no longer a global)", l->kind);
}

/* The class of a declared layer: __init__(its parameters) makes the params with their
   initialisers (the init file then sets nn's values), forward is the declared one. */
static const char *layer_class(Tr *t, const Layer *l, const Node *at) {
  const Node *decl = layer_decl(t, l, at);
  const char *have = done_name(t, decl);
  if (have) return have;
  char cn[256];
  const char *name = done_add(t, decl, class_name(cn, sizeof cn, decl->sym->name), decl);
  Env *env = l->env;
  Scope sc = {0};
  StrBuf b = {0}, bind = {0};
  RtFrame fr;
  if (RT_TRY(&fr)) {
    sb_printf(&b, "\n\nclass %s(torch.nn.Module):\n    \"\"\"layer %s, ", name, decl->sym->name);
    where_from(&b, decl);
    sb_puts(&b, "\"\"\"\n    def __init__(self");
    for (int i = 0; i < decl->n_kids; i++) {
      const Node *pa = decl->kids[i];
      scope_add(t, &sc, pa->sym, pa);
      sb_puts(&b, ", ");
      put_name(&b, pa->sym->name);
      if (pa->a) {
        sb_putc(&b, '=');
        expr(t, &b, pa->a, env->parent, &sc, P_LAMBDA);
      }
    }
    sb_puts(&b, "):\n        super().__init__()\n");
    for (int i = 0; i < decl->n_kids; i++) {
      sb_puts(&b, "        self.");
      put_name(&b, decl->kids[i]->sym->name);
      sb_puts(&b, " = ");
      put_name(&b, decl->kids[i]->sym->name);
      sb_putc(&b, '\n');
    }
    const Node *fwd = NULL, *body = decl->a;
    for (int i = 0; i < body->n_kids; i++) {
      const Node *s = body->kids[i];
      if (s->kind == N_FN && s->sym && !strcmp(s->sym->name, "forward")) {
        fwd = s;
        continue;
      }
      /* param W = e: a Parameter; state s = e: a buffer; let n = e: an attribute that
         forward reads; anything else would leave names forward cannot see */
      if (s->kind != N_LET || (s->op && s->op != 'p' && s->op != 's'))
        ev_error(t->I, s, "--to-torch cannot translate this line of a layer");
      sb_puts(&b, "        ");
      put_name(&b, s->sym->name);
      sb_puts(&b, " = ");
      if (s->op == 'p') sb_puts(&b, "torch.nn.Parameter(_f(");
      else if (s->op == 's') sb_puts(&b, "_f(");
      expr(t, &b, s->a, env, &sc, P_LAMBDA);
      sb_puts(&b, s->op == 'p' ? ").clone())\n" : s->op == 's' ? ").clone()\n" : "\n");
      scope_add(t, &sc, s->sym, s);
      if (s->op == 'p') sb_printf(&b, "        self.register_parameter(\"%s\", ", s->sym->name);
      else if (s->op == 's') sb_printf(&b, "        self.register_buffer(\"%s\", ", s->sym->name);
      else sb_printf(&b, "        setattr(self, \"%s\", ", s->sym->name);
      put_name(&b, s->sym->name);
      sb_puts(&b, ")\n");
    }
    for (int i = 0; i < sc.n; i++) {
      sb_puts(&bind, "        ");
      put_name(&bind, sc.s[i]->name);
      sb_printf(&bind, " = getattr(self, \"%s\")\n", sc.s[i]->name);
    }
    Scope fsc = sc;
    sb_puts(&b, "\n    def forward(self");
    for (int i = 0; i < fwd->n_kids; i++) {
      scope_add(t, &fsc, fwd->kids[i]->sym, fwd->kids[i]);
      sb_puts(&b, ", ");
      put_name(&b, fwd->kids[i]->sym->name);
    }
    sb_puts(&b, "):\n");
    sb_puts(&b, bind.s ? bind.s : "");
    if (fwd->flags & NF_EXPR_BODY) {
      sb_puts(&b, "        return ");
      expr(t, &b, fwd->a, env, &fsc, P_LAMBDA);
      sb_putc(&b, '\n');
    } else {
      scope_collect(t, &fsc, fwd->a);
      block(t, &b, fwd->a, env, &fsc, 2);
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    sb_free(&b);
    sb_free(&bind);
    rt_rethrow();
  }
  sb_puts(&t->defs, b.s);
  sb_free(&b);
  sb_free(&bind);
  return name;
}

static void model_expr(Tr *t, StrBuf *b, Value v, const Node *at);

/* The Python expression that makes this layer. */
static void layer_expr(Tr *t, StrBuf *b, const Layer *l, const Node *at) {
  if (l->native) {
    const char *k = l->native->name;
    const double *hp = l->hp;
    if (!strcmp(k, "dense")) sb_printf(b, "Dense(%.0f, %.0f)", hp[0], hp[1]);
    else if (!strcmp(k, "flatten")) sb_puts(b, "Flatten()");
    else if (!strcmp(k, "conv2d")) sb_printf(b, "Conv2d(%.0f, %.0f, %.0f, stride=%.0f, padding=%.0f)", hp[0], hp[1], hp[2], hp[3], hp[4]);
    else if (!strcmp(k, "maxpool2d")) sb_printf(b, "MaxPool2d(%.0f, %.0f)", hp[0], hp[1]);
    else if (!strcmp(k, "dropout")) {
      sb_puts(b, "Dropout(");
      put_num(b, hp[0]);
      sb_putc(b, ')');
    } else if (!strcmp(k, "batchnorm")) {
      sb_printf(b, "BatchNorm(%.0f, momentum=", hp[0]);
      put_num(b, hp[1]);
      sb_puts(b, ", eps=");
      put_num(b, hp[2]);
      sb_putc(b, ')');
    } else {
      ev_error(t->I, at, "--to-torch cannot translate layer kind '%s'", k);
    }
    return;
  }
  if (l->fn.type != V_FUNC) ev_error(t->I, at, "--to-torch cannot translate layer '%s'", l->kind);
  if (l->env) { /* a declared layer: its arguments from its scope */
    const Node *decl = layer_decl(t, l, at);
    sb_puts(b, layer_class(t, l, at));
    sb_putc(b, '(');
    for (int i = 0; i < decl->n_kids; i++) {
      if (i) sb_puts(b, ", ");
      Value *v = ev_env_slot(l->env, decl->kids[i]->sym);
      put_value(t, b, v ? *v : v_none(), decl->kids[i]->sym->name, at);
    }
    sb_putc(b, ')');
    return;
  }
  const Func *f = l->fn.as.fn;
  if (f->n_bound >= 1 && f->bound[0].type == V_FUNC && f->bound[0].as.fn->kind == FK_ACTIVATION) {
    /* an activation with settings: bound[0] the activation, bound[i] its parameter i */
    Func *act = f->bound[0].as.fn;
    sb_printf(b, "Act(%s", func_ref(t, act, at));
    for (int i = 1; i < f->n_bound && i < act->params.n; i++) {
      sb_puts(b, ", ");
      put_name(b, act->params.names[i]->name);
      sb_putc(b, '=');
      put_value(t, b, f->bound[i], act->params.names[i]->name, at);
    }
    sb_putc(b, ')');
    return;
  }
  sb_printf(b, "Act(%s)", func_ref(t, l->fn.as.fn, at));
}

/* The class of one model (its layers with their sizes), made once per model value. */
static void model_expr(Tr *t, StrBuf *b, Value v, const Node *at) {
  if (v.type == V_LAYER) {
    layer_expr(t, b, v.as.layer, at);
    return;
  }
  Model *m = v.as.model;
  const char *name = done_name(t, m);
  if (!name) {
    char cn[256];
    StrBuf body = {0};
    name = done_add(t, m, class_name(cn, sizeof cn, m->name), at);
    RtFrame fr;
    if (RT_TRY(&fr)) {
      sb_printf(&body, "\n\nclass %s(NNModel):\n    \"\"\"model %s\"\"\"\n    def __init__(self):\n"
                "        super().__init__(\n", name, m->name);
      for (int i = 0; i < m->n; i++) {
        sb_puts(&body, "            ");
        model_expr(t, &body, m->layers[i], at);
        sb_puts(&body, ",\n");
      }
      sb_puts(&body, "        )\n");
      rt_pop(&fr);
    } else {
      rt_pop(&fr);
      sb_free(&body);
      rt_rethrow();
    }
    sb_puts(&t->defs, body.s);
    sb_free(&body);
  }
  sb_printf(b, "%s()", name);
}

/* ------------------------------------------------------------------ the optimizer */

/* The optimizer's declaration as a torch.optim.Optimizer: step() runs its body once per
   parameter with w, g, t, the hyper-parameters and its state, as nn does (decl.c). */
static const char *optim_class(Tr *t, const Optim *o, const Node *at) {
  const Node *decl = o->decl;
  char cn[256];
  StrBuf b = {0};
  const char *name = done_add(t, decl, class_name(cn, sizeof cn, o->name), at);
  Scope sc = {0};
  RtFrame fr;
  if (RT_TRY(&fr)) {
    Interp *I = t->I;
    sb_printf(&b, "\n\nclass %s(torch.optim.Optimizer):\n    \"\"\"optimizer %s, ", name, o->name);
    where_from(&b, decl);
    sb_puts(&b, "\"\"\"\n    def __init__(self, params");
    for (int i = 0; i < decl->n_kids; i++) {
      const Node *pa = decl->kids[i];
      sb_puts(&b, ", ");
      put_name(&b, pa->sym->name);
      if (pa->a) {
        sb_putc(&b, '=');
        expr(t, &b, pa->a, o->hyper->parent, &sc, P_LAMBDA);
      }
    }
    sb_puts(&b, "):\n        super().__init__(params, {");
    for (int i = 0; i < decl->n_kids; i++) {
      sb_printf(&b, "%s\"%s\": ", i ? ", " : "", decl->kids[i]->sym->name);
      put_name(&b, decl->kids[i]->sym->name);
    }
    sb_printf(&b, "})\n        self.t = %ld  # steps taken, from 1\n\n", o->t);
    sb_puts(&b, "    @torch.no_grad()\n    def step(self):\n        self.t += 1\n        t = self.t\n"
                "        for group in self.param_groups:\n");
    for (int i = 0; i < decl->n_kids; i++) {
      scope_add(t, &sc, decl->kids[i]->sym, decl->kids[i]);
      sb_puts(&b, "            ");
      put_name(&b, decl->kids[i]->sym->name);
      sb_printf(&b, " = group[\"%s\"]\n", decl->kids[i]->sym->name);
    }
    sb_puts(&b, "            for p in group[\"params\"]:\n                if p.grad is None:\n"
                "                    continue\n                w, g, state = p.detach(), p.grad, self.state[p]\n");
    Sym *names[3] = {sym_intern(&I->syms, "w", 1), sym_intern(&I->syms, "g", 1), sym_intern(&I->syms, "t", 1)};
    for (int i = 0; i < 3; i++) scope_add(t, &sc, names[i], decl);
    const Node *body = decl->a;
    if (decl->flags & NF_EXPR_BODY) ev_error(I, decl, "--to-torch cannot translate an optimizer without a block body");
    scope_collect(t, &sc, body);
    int n_state = 0;
    Sym *state[64];
    for (int i = 0; i < body->n_kids; i++) {
      const Node *s = body->kids[i];
      if (s->kind == N_LET && s->op == 'n') continue; /* the kernel's name: not a step */
      if (s->kind == N_LET && s->op == 's') {
        if (n_state == 64) ev_error(I, s, "--to-torch: more than 64 state variables");
        state[n_state++] = s->sym;
        sb_printf(&b, "                if \"%s\" not in state:\n                    state[\"%s\"] = ", s->sym->name,
                  s->sym->name);
        if (s->a) {
          sb_puts(&b, "_f(");
          expr(t, &b, s->a, o->hyper, &sc, P_LAMBDA);
          sb_puts(&b, ").clone()\n");
        } else {
          sb_puts(&b, "torch.zeros_like(p)\n");
        }
        sb_puts(&b, "                ");
        put_name(&b, s->sym->name);
        sb_printf(&b, " = state[\"%s\"]\n", s->sym->name);
        continue;
      }
      stmt(t, &b, s, o->hyper, &sc, 4);
    }
    sb_puts(&b, "                p.copy_(w)\n");
    for (int i = 0; i < n_state; i++) {
      sb_printf(&b, "                state[\"%s\"] = ", state[i]->name);
      put_name(&b, state[i]->name);
      sb_putc(&b, '\n');
    }
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    sb_free(&b);
    rt_rethrow();
  }
  sb_puts(&t->defs, b.s);
  sb_free(&b);
  return name;
}

/* make_optimizer(params) with the call's hyper-parameters; a schedule's values per epoch
   go to SCHEDULES (train sets them at the start of each epoch, as nn does). */
static void optim_make(Tr *t, StrBuf *b, StrBuf *sched, const TorchTrain *tt) {
  Interp *I = t->I;
  const Optim *o = tt->o;
  const char *cls = optim_class(t, o, tt->site);
  const Node *decl = o->decl;
  sb_printf(b, "\n\ndef make_optimizer(params):\n    return %s(params", cls);
  sb_puts(sched, "SCHEDULES = {");
  int n_sched = 0;
  for (int i = 0; i < decl->n_kids; i++) {
    Sym *s = decl->kids[i]->sym;
    Value *v = ev_env_slot(o->hyper, s);
    sb_puts(b, ", ");
    put_name(b, s->name);
    sb_putc(b, '=');
    if (v && v->type == V_FUNC) {
      /* a schedule: its value at each epoch, from 1 */
      sb_printf(sched, "%s\"%s\": [", n_sched++ ? ", " : "", s->name);
      for (long e = 1; e <= tt->epochs; e++) {
        Value ev = v_num((double)e);
        Value r = ev_call(I, *v, 1, &ev, tt->site);
        double x;
        if (!v_to_num(r, &x)) {
          v_release(r);
          ev_error(I, tt->site, "--to-torch: the schedule of '%s' does not give a number at epoch %ld", s->name, e);
        }
        v_release(r);
        if (e > 1) sb_puts(sched, ", ");
        put_num(sched, x);
        if (e == 1) put_num(b, x);
      }
      if (tt->epochs < 1) sb_puts(b, "0");
      sb_puts(sched, "]");
    } else {
      put_value(t, b, v ? *v : v_none(), s->name, tt->site);
    }
  }
  sb_puts(b, ")\n");
  sb_puts(sched, "}\n");
}

/* ------------------------------------------------------------------ the program */

/* interp/totorch_prelude.py, embedded at build time (tools/embed.c): the program's header
   with @NAME@ placeholders, then nn's builtins, layers, losses and train loop in PyTorch. */
typedef struct {
  const char *name, *text;
} EmbeddedFile;
extern const EmbeddedFile nn_torch_files[];

/* The prelude from its #! line on (the first line that starts with "#!": its own header
   comment names that line too), each @KEY@ replaced by its value (keys[i] → vals[i]). */
static void put_prelude(StrBuf *b, int n, const char *const *keys, const char *const *vals) {
  const char *s = strstr(nn_torch_files[0].text, "\n#!") + 1;
  while (*s) {
    const char *at = strchr(s, '@');
    if (!at) {
      sb_puts(b, s);
      return;
    }
    sb_putn(b, s, (size_t)(at - s));
    s = at + 1;
    int k = 0;
    while (k < n && strncmp(s, keys[k], strlen(keys[k]))) k++;
    if (k < n) {
      sb_puts(b, vals[k]);
      s += strlen(keys[k]);
    } else {
      sb_putc(b, '@');
    }
  }
}

static const char *basename_of(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* The files beside the program: OUT.data.safetensors (x, y, val_x, val_y, the epochs'
   sample order, the tensors the code reads) and OUT.init.safetensors (nn's weights). */
typedef struct {
  int n;
  const char *names[MAX_DONE + 8];
  Tensor *ts[MAX_DONE + 8];
  Tensor *own[8]; /* made here: released after writing */
  int n_own;
} Files;

static void files_free(Files *f) {
  for (int i = 0; i < f->n_own; i++) t_release(f->own[i]);
  f->n_own = 0;
}

/* x of a data set as floats (IDX bytes converted): owned. */
static Tensor *all_rows(Value x, int64_t n) {
  int64_t *idx = rt_malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n; i++) idx[i] = i;
  RtFrame fr;
  Tensor *r = NULL;
  if (RT_TRY(&fr)) {
    r = take_x(x, idx, n);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(idx);
    rt_rethrow();
  }
  rt_free(idx);
  return r;
}

static void files_own(Files *f, const char *name, Tensor *t) {
  f->own[f->n_own++] = t;
  f->names[f->n] = name;
  f->ts[f->n++] = t;
}

/* The sample order of each epoch as nn's shuffle draws it from the interpreter's
   generator at this point (when nothing else draws in between: no dropout, no random
   numbers in a forward): "order" [epochs, N] as floats (exact below 2^24). None when the
   order would be over 2^24 numbers; the program then shuffles with torch's generator. */
static void epoch_order(Interp *I, const TorchTrain *tt, Files *f) {
  int64_t N = tt->d.n;
  if (!tt->shuffle || tt->epochs < 1 || N < 1 || (double)tt->epochs * (double)N > (double)(1 << 24)) return;
  int64_t shape[2] = {tt->epochs, N};
  Tensor *o = t_new(2, shape);
  files_own(f, "order", o);
  int64_t *perm = rt_malloc(sizeof(int64_t) * (size_t)N);
  Rng rng = I->rng;
  for (int64_t i = 0; i < N; i++) perm[i] = i;
  for (long e = 0; e < tt->epochs; e++) {
    for (int64_t i = N - 1; i > 0; i--) {
      int64_t j = (int64_t)rng_below(&rng, (uint64_t)i + 1), tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    for (int64_t i = 0; i < N; i++) o->data[e * N + i] = (float)perm[i];
  }
  rt_free(perm);
}

static void tr_free(Tr *t) {
  sb_free(&t->defs);
  sb_free(&t->consts);
  for (int i = 0; i < t->n_done; i++) rt_free(t->done_name[i]);
  for (int i = 0; i < t->n_const; i++) rt_free(t->const_name[i]);
  for (int i = 0; i < t->n_tensor; i++) rt_free(t->tensor_name[i]);
  t->n_done = t->n_const = t->n_tensor = 0;
}

/* The output path with `suffix` in place of its .py. */
static char *beside(const char *out, const char *suffix) {
  size_t n = strlen(out);
  if (n > 3 && !strcmp(out + n - 3, ".py")) n -= 3;
  size_t len = n + strlen(suffix) + 1;
  char *p = rt_malloc(len);
  snprintf(p, len, "%.*s%s", (int)n, out, suffix);
  return p;
}

static void write_text(Interp *I, const char *path, const StrBuf *b, const Node *site) {
  FILE *f = fopen(path, "wb");
  if (!f) ev_error(I, site, "--to-torch cannot write %s: %s", path, strerror(errno));
  bool ok = fwrite(b->s, 1, b->len, f) == b->len;
  ok = (fclose(f) == 0) && ok;
  if (!ok) ev_error(I, site, "--to-torch cannot write %s: %s", path, strerror(errno));
}

/* The parts of the program that translate the call's values: the loss, make_model's
   expression, make_optimizer and SCHEDULES. On an error nothing is left allocated. */
typedef struct {
  StrBuf loss, model, optim, sched;
} Parts;

static void parts_free(Parts *pt) {
  sb_free(&pt->loss);
  sb_free(&pt->model);
  sb_free(&pt->optim);
  sb_free(&pt->sched);
}

static void translate(Tr *t, Parts *pt, const TorchTrain *tt) {
  RtFrame fr;
  if (RT_TRY(&fr)) {
    /* the loss: nn's fused forms, a prelude twin of a stdlib loss, or the declared one */
    if (tt->fused) sb_puts(&pt->loss, is_bce(tt->loss) ? "_bce_logits" : "_ce_logits");
    else if (tt->loss.type == V_FUNC) sb_puts(&pt->loss, func_ref(t, tt->loss.as.fn, tt->site));
    else ev_error(t->I, tt->site, "--to-torch cannot translate the loss: it is a %s", v_type_name(tt->loss));
    model_expr(t, &pt->model, tt->model, tt->site);
    optim_make(t, &pt->optim, &pt->sched, tt);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    parts_free(pt);
    rt_rethrow();
  }
}

/* The whole program as text. */
static void program(Tr *t, StrBuf *p, const TorchTrain *tt, const char *out) {
  Interp *I = t->I;
  const char *script = I->to_torch->script;
  const char *base = basename_of(out);
  size_t bn = strlen(base) > 3 && !strcmp(base + strlen(base) - 3, ".py") ? strlen(base) - 3 : strlen(base);
  Parts pt = {0};
  translate(t, &pt, tt);
  char line[24], batch[24], stem[512];
  snprintf(line, sizeof line, "%d", tt->site->span.first_line);
  snprintf(batch, sizeof batch, "%ld", tt->batch);
  snprintf(stem, sizeof stem, "%.*s", (int)bn, base);
  static const char *const keys[] = {"OUT@", "SCRIPT@", "LINE@", "STEM@", "BATCH@"};
  const char *vals[] = {base, script, line, stem, batch};
  put_prelude(p, 5, keys, vals);
  sb_puts(p, "\n\n# ---- the script's declarations\n");
  if (t->n_tensor) sb_puts(p, "_DATA = _st_load(_beside(\".data.safetensors\"))\n");
  sb_puts(p, t->consts.s ? t->consts.s : "");
  sb_puts(p, t->defs.s ? t->defs.s : "");
  sb_printf(p, "\n\ndef make_model():\n    return %s\n", pt.model.s);
  sb_puts(p, pt.optim.s);
  sb_printf(p, "\n\n# ---- the train call (%s:%d)\n\nLOSS = %s\nFUSED = ", tt->site->src->name, tt->site->span.first_line,
            pt.loss.s);
  sb_puts(p, !tt->fused ? "None" : is_bce(tt->loss) ? "\"sigmoid\"" : "\"softmax\"");
  sb_printf(p, "\nEPOCHS = %ld\nBATCH = %ld\nSHUFFLE = %s\n", tt->epochs, tt->batch, tt->shuffle ? "True" : "False");
  sb_puts(p, "CLIP = ");
  if (tt->clip > 0) put_num(p, tt->clip);
  else sb_puts(p, "None");
  sb_puts(p, "\nCLIP_VALUE = ");
  if (tt->clip_value > 0) put_num(p, tt->clip_value);
  else sb_puts(p, "None");
  sb_printf(p, "\nVERBOSE = %s\n", tt->verbose ? "True" : "False");
  sb_puts(p, pt.sched.s);
  sb_puts(p, "\nif __name__ == \"__main__\":\n    main()\n");
  parts_free(&pt);
}

_Noreturn void totorch_write(Interp *I, const TorchTrain *tt) {
  if (tt->patience)
    ev_error(I, tt->patience, "--to-torch cannot translate patience (early stopping): remove it or train without it");
  TorchRun *run = I->to_torch;
  Tr t = {.I = I};
  Files data = {0};
  StrBuf prog = {0};
  char *paths[3] = {beside(run->out, ".data.safetensors"), beside(run->out, ".init.safetensors"), NULL};
  char **names = NULL;
  Tensor **ws = NULL;
  int nw = 0;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    files_own(&data, "x", all_rows(tt->d.x, tt->d.n));
    data.names[data.n] = "y";
    data.ts[data.n++] = tt->d.y;
    if (tt->has_val) {
      files_own(&data, "val_x", all_rows(tt->val.x, tt->val.n));
      data.names[data.n] = "val_y";
      data.ts[data.n++] = tt->val.y;
    }
    epoch_order(I, tt, &data);
    program(&t, &prog, tt, run->out);
    for (int i = 0; i < t.n_tensor; i++) {
      data.names[data.n] = t.tensor_name[i];
      data.ts[data.n++] = t.tensor[i];
    }
    nw = nn_params(tt->model, &names, &ws);
    static const char *const meta[] = {"format", "nn", NULL};
    write_text(I, run->out, &prog, tt->site);
    st_save(paths[0], data.n, data.names, data.ts, meta);
    st_save(paths[1], nw, (const char *const *)names, ws, meta);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    files_free(&data);
    tr_free(&t);
    sb_free(&prog);
    for (int i = 0; i < nw; i++) rt_free(names[i]);
    rt_free(names);
    rt_free(ws);
    rt_free(paths[0]);
    rt_free(paths[1]);
    rt_rethrow();
  }
  pf_printf(_("wrote %s, %s and %s\n"), run->out, paths[0], paths[1]);
  fflush(pf_out());
  files_free(&data);
  tr_free(&t);
  sb_free(&prog);
  for (int i = 0; i < nw; i++) rt_free(names[i]);
  rt_free(names);
  rt_free(ws);
  rt_free(paths[0]);
  rt_free(paths[1]);
  run->stopped = true;
  rt_throw("the script stops at its first train(...) call under --to-torch");
}
