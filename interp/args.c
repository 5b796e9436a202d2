/* args.c — argument checking for the builtin libraries (args.h): the checks that throw
 * "bad argument #2 to 'kl' (expected a tensor, got string)" located at the argument,
 * value-to-tensor conversion, and the builtin tables' signatures and registration.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "mem.h"

/* ------------------------------------------------------------------ argument checks */

static const char *param_name(Call *c, int i) { return c->fn->params.names[i]->name; }

/* The argument expression that a call site passes for parameter j of f, or NULL. */
const Node *site_arg(const Node *site, const Func *f, int j) {
  int pos = 0;
  for (int k = 0; k < site->n_kids; k++) {
    const Node *a = site->kids[k];
    if (a->kind == N_KWARG) {
      if (a->sym == f->params.names[j]) return a->a;
    } else if (pos++ == j) {
      return a;
    }
  }
  return NULL;
}

/* A standard-library function that hands its parameter straight to a builtin should
   report a bad value as its own bad argument ("bad argument #2 'q' to 'kl'"), at the
   user's call: walk out through stdlib frames while the culprit is a bare parameter. */
static void blame_caller(Call *c, const Node **at, int *index, const char **param,
                         const char **fname) {
  Interp *I = c->I;
  while (*at && (*at)->kind == N_NAME && ev_in_stdlib(*at) && I->n_calls > 0) {
    const CallFrame *fr = &I->calls[I->n_calls - 1];
    const Func *f = fr->fn;
    int j = -1;
    for (int k = 0; k < f->params.n; k++)
      if (f->params.names[k] == (*at)->sym) j = k;
    const Node *arg = j >= 0 && fr->site && fr->site->kind == N_CALL ? site_arg(fr->site, f, j) : NULL;
    if (!arg) break;
    *at = arg;
    *index = j;
    *param = f->params.names[j]->name;
    *fname = f->name;
    I->n_calls--; /* the error now belongs to this call: drop its frame from the trace */
  }
}

void arg_error(Call *c, int i, const char *expected) {
  const Node *at = c->arg_nodes && c->arg_nodes[i] ? c->arg_nodes[i] : c->node;
  int index = i;
  const char *param = param_name(c, i), *fname = c->fn->name;
  blame_caller(c, &at, &index, &param, &fname);
  ev_error(c->I, at, "bad argument #%d '%s' to '%s' (expected %s, got %s)", index + 1, param,
           fname, _(expected), v_type_name(c->args[i]));
}

void arg_fail(Call *c, int i, const char *fmt, const char *detail) {
  const Node *at = c->arg_nodes && c->arg_nodes[i] ? c->arg_nodes[i] : c->node;
  int index = i;
  const char *param = param_name(c, i), *fname = c->fn->name;
  blame_caller(c, &at, &index, &param, &fname);
  char msg[512];
  snprintf(msg, sizeof msg, _(fmt), detail); /* detail is unused (may be NULL) when fmt has no %s */
  ev_error(c->I, at, "bad argument #%d '%s' to '%s' (%s)", index + 1, param, fname, msg);
}

double arg_num(Call *c, int i) {
  Value v = c->args[i];
  double x;
  if (v_to_num(v, &x)) return x;
  if (v.type == V_TENSOR) {
    char sh[96];
    arg_fail(c, i, "expected a number, got a tensor of shape %s",
             t_shape_str(v.as.t->ndim, v.as.t->shape, sh, sizeof sh));
  }
  arg_error(c, i, "a number");
}

long long arg_int(Call *c, int i) {
  double d = arg_num(c, i);
  if (d != floor(d) || fabs(d) > 9e15) {
    char buf[64];
    snprintf(buf, sizeof buf, "%g", d);
    arg_fail(c, i, "expected a whole number, got %s", buf);
  }
  return (long long)d;
}

int arg_axis_opt(Call *c, int i, int dflt) {
  if (c->args[i].type == V_NONE) return dflt;
  long long a = arg_int(c, i);
  if (a < -T_MAXDIM || a >= T_MAXDIM) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", a);
    arg_fail(c, i, "axis %s is out of range", buf);
  }
  return (int)a;
}

bool arg_bool(Call *c, int i) {
  Value v = c->args[i];
  if (v.type == V_BOOL || v.type == V_NUM) return v.as.num != 0;
  arg_error(c, i, "true or false");
}

/* Every caller reads the string as C text (a path, a name, a title): a NUL byte inside
   would silently cut it there, so it is refused. */
const char *arg_str(Call *c, int i) {
  if (c->args[i].type != V_STR) arg_error(c, i, "a string");
  const Str *s = c->args[i].as.str;
  if (memchr(s->data, 0, s->len))
    arg_fail(c, i, "the string holds a NUL byte (\\0), which a path or name cannot contain", NULL);
  return s->data;
}

/* The file whose code made this call: the call site, or (for a call made inside the
   standard library or from C) the innermost user call on the stack; NULL if none. */
static const Source *calling_source(Call *c) {
  if (c->node && !ev_in_stdlib(c->node)) return c->node->src;
  for (int k = c->I->n_calls - 1; k >= 0; k--) {
    const Node *site = c->I->calls[k].site;
    if (site && !ev_in_stdlib(site)) return site->src;
  }
  return NULL;
}

const char *arg_path(Call *c, int i, char *buf, size_t n) {
  const char *path = arg_str(c, i);
  const Source *src = calling_source(c);
  /* A script's folder is the part of its name before the last '/'; "<repl>", "-e" and
     "<stdin>" have none, and neither does "x.nn" run from its own folder. */
  const char *from = src ? src->name : "", *slash = strrchr(from, '/');
  if (!path[0] || path[0] == '/' || !slash || from[0] == '<') return path;
  if ((size_t)snprintf(buf, n, "%.*s/%s", (int)(slash - from), from, path) >= n)
    arg_fail(c, i, "the path is too long (%s)", path);
  return buf;
}

Tensor *call_keep(Call *c, Tensor *t) {
  ev_root(c->I, v_tensor(t));
  return t;
}

Tensor *arg_tensor(Call *c, int i) {
  Value v = c->args[i];
  if (v.type == V_TENSOR) return v.as.t;
  /* bytes (V_U8) come converted from eval.c's call boundary; to_tensor converts too */
  if (v.type != V_NUM && v.type != V_BOOL && v.type != V_LIST && v.type != V_U8) arg_error(c, i, "a tensor");
  const Node *at = c->arg_nodes && c->arg_nodes[i] ? c->arg_nodes[i] : c->node;
  return call_keep(c, to_tensor_at(c->I, v, _("argument"), at));
}

void builtins_register_table(Interp *I, const Builtin *table) {
  for (const Builtin *b = table; b->name; b++) ev_define_global(I, b->name, func_native(I, b, 0, NULL));
}

_Noreturn void arg_rethrow_as(const char *name) {
  if (rt_errkind() == RT_ERR_INTERRUPT) rt_rethrow();
  char msg[2048];
  snprintf(msg, sizeof msg, "%s", rt_errmsg());
  static const char name_msg[] = "%s: %s"; /* a builtin's name and a translated message */
  rt_throw_kind(rt_errkind(), name_msg, name, msg);
}
