/* exec.c — statements: expression statements, let, assignment, if, while, for, break,
 * continue, return, blocks; import, declarations and explain through the evaluator's
 * hooks. Expressions, scopes and assignment targets are eval.c's (eval.h); a function
 * call in eval.c runs its body through I->hooks.exec_block, which interp_init (run.c)
 * points at exec_body here, so eval.c never includes this module.
 */
#include <math.h>

#include "autograd.h"
#include "exec.h"

/* How a statement ended: a break, continue or return unwinds to its loop or call. */
typedef enum { X_NORMAL, X_BREAK, X_CONTINUE, X_RETURN } Exec;

static Exec exec_block(Interp *I, Env *env, const Node *block);
static Exec exec(Interp *I, Env *env, const Node *n);

static Exec exec_for(Interp *I, Env *env, const Node *n) {
  Exec x = X_NORMAL;
  if (n->a->kind == N_RANGE) {
    Value va = ev_eval(I, env, n->a->a);
    ev_root(I, va);
    double from = ev_num_of(I, va, n->a->a, _("a range start"));
    Value vb = ev_eval(I, env, n->a->b);
    ev_root(I, vb);
    double to = ev_num_of(I, vb, n->a->b, _("a range end"));
    ev_unroot(I, 2);
    /* Whole bounds within what a double counts exactly; the counter is an integer. */
    if (from != floor(from) || fabs(from) > 9e15)
      ev_error(I, n->a->a, "a range start must be a whole number (up to 9e15), got %g", from);
    if (to != floor(to) || fabs(to) > 9e15)
      ev_error(I, n->a->b, "a range end must be a whole number (up to 9e15), got %g", to);
    I->loop_depth++;
    for (int64_t i = (int64_t)from; i < (int64_t)to; i++) {
      rt_check_interrupt();
      ev_define(I, env, n->sym, v_num((double)i));
      x = exec_block(I, env, n->b);
      if (x == X_BREAK) break;
      if (x == X_RETURN) break;
    }
    I->loop_depth--;
    return x == X_RETURN ? X_RETURN : X_NORMAL;
  }
  Value it = ev_eval(I, env, n->a);
  ev_root(I, it);
  int64_t count;
  if (it.type == V_LIST) count = it.as.list->n;
  else if (it.type == V_TENSOR && it.as.t->ndim > 0) count = it.as.t->shape[0];
  else if (it.type == V_U8 && it.as.u8->ndim > 0) count = it.as.u8->shape[0];
  else if (it.type == V_TENSOR || it.type == V_U8) ev_error(I, n->a, "cannot iterate over a %s of rank 0", v_type_name(it));
  else ev_error(I, n->a, "cannot iterate over a %s", v_type_name(it));
  I->loop_depth++;
  for (int64_t i = 0; i < count; i++) {
    rt_check_interrupt();
    Value item;
    if (it.type == V_LIST) {
      if (i >= it.as.list->n) break; /* the body shortened the list */
      item = v_retain(it.as.list->items[i]);
    } else {
      TIndex ix = {.kind = T_IX_INDEX, .index = i};
      item = it.type == V_U8 ? v_u8(u8_index0(it.as.u8, &ix)) : v_tensor(ad_index(it.as.t, 1, &ix));
    }
    ev_define(I, env, n->sym, item);
    x = exec_block(I, env, n->b);
    if (x == X_BREAK) break;
    if (x == X_RETURN) break;
  }
  I->loop_depth--;
  ev_unroot(I, 1);
  return x == X_RETURN ? X_RETURN : X_NORMAL;
}

static Exec exec_block(Interp *I, Env *env, const Node *block) {
  for (int i = 0; i < block->n_kids; i++) {
    Exec x = exec(I, env, block->kids[i]);
    if (x != X_NORMAL) return x;
  }
  return X_NORMAL;
}

static Exec exec(Interp *I, Env *env, const Node *n) {
  I->cur = n;
  rt_check_interrupt(); /* Ctrl-C between statements, even of native ops only */
  switch (n->kind) {
  case N_EXPR: {
    Value v = ev_eval(I, env, n->a);
    v_release(v);
    return X_NORMAL;
  }
  case N_LET:
    /* `param`, `state` and `native` members are read by the layer and optimizer
       constructors; met as a statement (an activation's or a model's body) they are
       misplaced. */
    if (n->op == 'p') ev_error(I, n, "'param' belongs in the body of a layer declaration");
    if (n->op == 's') ev_error(I, n, "'state' belongs in the body of a layer or optimizer declaration");
    if (n->op == 'n') ev_error(I, n, "'native' belongs in the body of an optimizer declaration");
    ev_define(I, env, n->sym, ev_eval(I, env, n->a));
    return X_NORMAL;
  case N_ASSIGN: ev_assign(I, env, n); return X_NORMAL;
  case N_FN: ev_define(I, env, n->sym, ev_make_function(I, env, n)); return X_NORMAL;
  case N_IF: {
    Value c = ev_eval(I, env, n->a);
    ev_root(I, c);
    bool t = ev_truthy(I, c, n->a);
    ev_unroot(I, 1);
    if (t) return exec_block(I, env, n->b);
    if (!n->c) return X_NORMAL;
    return n->c->kind == N_IF ? exec(I, env, n->c) : exec_block(I, env, n->c);
  }
  case N_WHILE:
    I->loop_depth++;
    for (;;) {
      rt_check_interrupt();
      Value c = ev_eval(I, env, n->a);
      ev_root(I, c);
      bool t = ev_truthy(I, c, n->a);
      ev_unroot(I, 1);
      if (!t) break;
      Exec x = exec_block(I, env, n->b);
      if (x == X_BREAK) break;
      if (x == X_RETURN) {
        I->loop_depth--;
        return x;
      }
    }
    I->loop_depth--;
    return X_NORMAL;
  case N_FOR: return exec_for(I, env, n);
  case N_BREAK:
  case N_CONTINUE:
    /* Loops do not reach into called functions: a break there has no loop to leave. */
    if (I->loop_depth == 0)
      ev_error(I, n, "'%s' outside a loop", n->kind == N_BREAK ? "break" : "continue");
    return n->kind == N_BREAK ? X_BREAK : X_CONTINUE;
  case N_RETURN:
    if (!env && I->n_calls == 0) ev_error(I, n, "'return' outside a function");
    I->ret = n->a ? ev_eval(I, env, n->a) : v_none();
    return X_RETURN;
  case N_BLOCK: return exec_block(I, env, n);
  case N_IMPORT:
    if (env) ev_error(I, n, "'import' is only allowed at the top level of a file");
    I->hooks.import(I, n);
    return X_NORMAL;
  case N_DECL: I->hooks.decl(I, env, n); return X_NORMAL;
  case N_EXPLAIN: I->hooks.explain(I, env, n->a); return X_NORMAL;
  default: ev_error(I, n, "a %s is not a statement", ast_kind_name(n->kind));
  }
}

bool ev_exec(Interp *I, Env *env, const Node *n) { return exec(I, env, n) == X_RETURN; }

/* A function's body (eval.c's calls, through I->hooks.exec_block): true when it ran a
   `return`. A break or continue cannot end it: a call starts with no loop open. */
bool exec_body(Interp *I, Env *env, const Node *block) { return exec_block(I, env, block) == X_RETURN; }

/* A top-level statement (run.c's run loop): a break or continue there has no loop. */
void ev_exec_top(Interp *I, const Node *s) {
  Exec x = exec(I, NULL, s);
  if (x == X_BREAK || x == X_CONTINUE)
    ev_error(I, s, "'%s' outside a loop", x == X_BREAK ? "break" : "continue");
}
