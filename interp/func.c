/* func.c — functions and scopes as values: how they are let go and freed. */
#include "func.h"

#include "mem.h"

/* ------------------------------------------------------------------ scopes */

void env_release(Env *e) {
  while (e && --e->rc == 0) {
    Env *parent = e->parent;
    e->all_prev->all_next = e->all_next;
    e->all_next->all_prev = e->all_prev;
    for (int i = 0; i < e->n; i++) v_release(e->vals[i]);
    rt_cache_free(e->names, sizeof(Sym *) * (size_t)e->cap);
    rt_cache_free(e->vals, sizeof(Value) * (size_t)e->cap);
    rt_cache_free(e, sizeof *e);
    e = parent;
  }
}

/* ------------------------------------------------------------------ functions */

void func_free(Func *f) {
  if (f->formula) v_release((Value){.type = V_FUNC, .as.fn = f->formula});
  for (int i = 0; i < f->n_bound; i++) v_release(f->bound[i]);
  rt_free(f->bound);
  if (!f->params_shared) params_free(&f->params);
  if (f->env) env_release(f->env);
  rt_free(f);
}

void params_free(Params *p) {
  for (int i = 0; i < p->n; i++) v_release(p->defaults[i]);
  rt_free(p->names);
  rt_free(p->defaults);
  rt_free(p->has_default);
  p->n = 0;
}

/* ------------------------------------------------------------------ release hooks */

static void func_release(void *obj, VWork *w) {
  Func *f = obj;
  if (--f->rc == 0) {
    /* What the function holds goes on the work list: a chain of a million
       deriv(deriv(…)) or closures over closures is freed without deep recursion. */
    for (int i = 0; i < f->n_bound; i++) v_work_push(w, f->bound[i]);
    f->n_bound = 0;
    if (f->formula) v_work_push(w, (Value){.type = V_FUNC, .as.fn = f->formula});
    if (f->env) v_work_push(w, (Value){.type = V_ENV, .as.env = f->env});
    f->formula = NULL;
    f->env = NULL;
    func_free(f);
  }
}

static void env_drop(void *obj, VWork *w) {
  Env *e = obj;
  if (e->rc == 1) {
    /* The same for a scope: its values and its parent go on the work list. */
    for (int i = 0; i < e->n; i++) v_work_push(w, e->vals[i]);
    e->n = 0;
    if (e->parent) v_work_push(w, (Value){.type = V_ENV, .as.env = e->parent});
    e->parent = NULL;
  }
  env_release(e);
}

void func_register_types(void) {
  v_set_release(V_FUNC, func_release);
  v_set_release(V_ENV, env_drop);
}
