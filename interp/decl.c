/* decl.c — declarations: `activation`, `loss`, `optimizer`, `layer`, `model`, and what
 * they make. A declared activation or loss is a function with a role; an optimizer,
 * layer or model declaration defines a constructor that makes a fresh instance (fresh
 * weights, fresh state) at each call.
 *
 * The stdlib declares the notes' formulas this way too. Where a builtin of the same
 * name already exists (a native kernel, for speed), the declaration becomes that
 * builtin's `formula`: the same function written in nn, which tests compare with it.
 * A stdlib optimizer names its kernel in its body (`native adam`, runtime/optim.h);
 * the kernel then runs its steps, and formula(opt), explain and user optimizers run
 * the body.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "autograd.h"
#include "decl.h"
#include "exec.h"
#include "func.h"
#include "mem.h"

/* ------------------------------------------------------------------ freeing */

static void layer_free(Layer *l) {
  for (int i = 0; i < l->n_params; i++) t_release(l->params[i]);
  for (int i = 0; i < l->n_bufs; i++) t_release(l->bufs[i]);
  rt_free(l->params);
  rt_free(l->param_names);
  rt_free(l->bufs);
  rt_free(l->buf_names);
  v_release(l->fn);
  if (l->env) env_release(l->env);
  if (l->ext) l->ext->free(l->ext);
  rt_free(l);
}

static void model_free(Model *m) {
  for (int i = 0; i < m->n; i++) v_release(m->layers[i]);
  rt_free(m->layers);
  rt_free(m);
}

static void slot_clear(OptSlot *s) {
  t_release(s->param);
  for (int i = 0; i < s->n; i++) t_release(s->state[i]);
  rt_free(s->names);
  rt_free(s->state);
}

static void optim_free(Optim *o) {
  for (int i = 0; i < o->n_slots; i++) slot_clear(&o->slots[i]);
  rt_free(o->slots);
  if (o->hyper) env_release(o->hyper);
  rt_free(o);
}

/* value.c's release hooks (value.h: v_set_release). Models nest at most
   MAX_MODEL_DEPTH deep, so these free by plain recursion, without the work list. */
static void layer_release(void *obj, VWork *w) {
  Layer *l = obj;
  if (--l->rc == 0) layer_free(l);
}

static void model_release(void *obj, VWork *w) {
  Model *m = obj;
  if (--m->rc == 0) model_free(m);
}

static void optim_release(void *obj, VWork *w) {
  Optim *o = obj;
  if (--o->rc == 0) optim_free(o);
}

/* v_retain counts references through the first int of the object. */
_Static_assert(offsetof(Layer, rc) == 0 && offsetof(Model, rc) == 0 &&
               offsetof(Optim, rc) == 0, "a counted object begins with its count");

void decl_register_types(void) {
  v_set_release(V_LAYER, layer_release);
  v_set_release(V_MODEL, model_release);
  v_set_release(V_OPTIM, optim_release);
}

/* ------------------------------------------------------------------ layers */

Value layer_new(Interp *I, const char *kind) {
  Layer *l = rt_calloc(1, sizeof *l);
  l->rc = 1;
  l->kind = kind;
  l->fn = v_none();
  return (Value){.type = V_LAYER, .as.layer = l};
}

void layer_add_param(Layer *l, Sym *name, Tensor *t) {
  Tensor **ps = realloc(l->params, sizeof(Tensor *) * (size_t)(l->n_params + 1));
  if (ps) l->params = ps;
  Sym **ns = ps ? realloc(l->param_names, sizeof(Sym *) * (size_t)(l->n_params + 1)) : NULL;
  if (!ns) {
    t_release(t);
    rt_throw_kind(RT_ERR_OOM, "out of memory (adding a parameter)");
  }
  l->param_names = ns;
  ad_track(t);
  l->params[l->n_params] = t;
  l->param_names[l->n_params++] = name;
}

void layer_add_buf(Layer *l, Sym *name, Tensor *t) {
  Tensor **bs = realloc(l->bufs, sizeof(Tensor *) * (size_t)(l->n_bufs + 1));
  if (bs) l->bufs = bs;
  Sym **ns = bs ? realloc(l->buf_names, sizeof(Sym *) * (size_t)(l->n_bufs + 1)) : NULL;
  if (!ns) {
    t_release(t);
    rt_throw_kind(RT_ERR_OOM, "out of memory (adding a buffer)");
  }
  l->buf_names = ns;
  l->bufs[l->n_bufs] = t;
  l->buf_names[l->n_bufs++] = name;
}

/* ------------------------------------------------------------------ constructors */

/* The scope of one constructor call: the declaration's parameters bound to the
   arguments, in a child of the scope the declaration was made in. Rooted. */
static Env *ctor_scope(Call *c) {
  Env *env = ev_env_new(c->I, c->fn->env);
  ev_root(c->I, (Value){.type = V_ENV, .as.env = env});
  for (int i = 0; i < c->fn->params.n; i++)
    ev_env_define(env, c->fn->params.names[i], v_retain(c->args[i]));
  return env;
}

static Value bi_layer_ctor(Call *c) {
  Interp *I = c->I;
  const Node *decl = c->fn->def;
  Env *env = ctor_scope(c);
  Value lv = layer_new(I, decl->sym->name);
  ev_root(I, lv);
  Layer *l = lv.as.layer;
  l->env = env;
  env->rc++;
  const Node *body = decl->a;
  if (decl->flags & NF_EXPR_BODY)
    ev_error(I, decl, "a layer is declared with a block: layer %s(...) { param ...; forward(x) = ... }",
             decl->sym->name);
  for (int i = 0; i < body->n_kids; i++) {
    const Node *s = body->kids[i];
    if (s->kind == N_LET && (s->op == 'p' || s->op == 's')) {
      for (int k = 0; k < l->n_params; k++)
        if (l->param_names[k] == s->sym) ev_error(I, s, "duplicate param '%s' in layer '%s'", s->sym->name, l->kind);
      for (int k = 0; k < l->n_bufs; k++)
        if (l->buf_names[k] == s->sym) ev_error(I, s, "duplicate state '%s' in layer '%s'", s->sym->name, l->kind);
    }
    if (s->kind == N_LET && s->op == 'p') {
      Value v = ev_eval(I, env, s->a);
      ev_root(I, v);
      if (!is_tensorish(v) && v.type != V_LIST)
        ev_error(I, s->a, "param '%s' must be a tensor, got %s", s->sym->name, v_type_name(v));
      Tensor *t = to_tensor(I, v, _("a param"));
      ev_root(I, v_tensor(t));
      Tensor *own = t->rc == 1 && !t->ad ? t_retain(t) : t_copy(t); /* never alias */
      ev_unroot(I, 2);
      layer_add_param(l, s->sym, own);
      ev_env_define(env, s->sym, v_tensor(t_retain(own)));
    } else if (s->kind == N_LET && s->op == 's') {
      if (!s->a) ev_error(I, s, "state '%s' in a layer needs an initial value", s->sym->name);
      Value v = ev_eval(I, env, s->a);
      ev_root(I, v);
      Tensor *t = to_tensor(I, v, _("a state"));
      ev_root(I, v_tensor(t));
      Tensor *own = t_copy(t);
      ev_unroot(I, 2);
      layer_add_buf(l, s->sym, own);
      ev_env_define(env, s->sym, v_tensor(t_retain(own)));
    } else if (s->kind == N_FN && s->sym && !strcmp(s->sym->name, "forward")) {
      if (l->fn.type == V_FUNC)
        ev_error(I, s, "layer '%s' defines forward twice (first at line %d)", l->kind,
                 l->fn.as.fn->def->span.first_line);
      /* Not stored in the scope: forward holds the scope, so the scope must not hold
         forward (no reference cycle). */
      v_release(l->fn);
      l->fn = v_none();
      l->fn = ev_make_function(I, env, s);
    } else if (ev_exec(I, env, s)) {
      ev_error(I, s, "'return' in a layer declaration");
    }
  }
  if (l->fn.type != V_FUNC) ev_error(I, decl, "layer '%s' has no forward(x)", decl->sym->name);
  return v_retain(lv); /* the rooted copies are released when the builtin returns */
}

/* A model body lists its layers: each expression statement gives a layer, a model, a
   layer kind used bare (`flatten`), or a function used as an activation (`relu`). */
static Value as_layer(Interp *I, Value v, const Node *at) {
  if (v.type == V_LAYER || v.type == V_MODEL) return v_retain(v);
  if (v.type == V_FUNC) {
    Func *f = v.as.fn;
    if (f->kind == FK_LAYER || f->kind == FK_MODEL) return ev_call(I, v, 0, NULL, at);
    if (f->as_layer) {
      Value lv = layer_new(I, f->as_layer->name);
      lv.as.layer->native = f->as_layer;
      return lv;
    }
    Value lv = layer_new(I, f->name);
    lv.as.layer->fn = v_retain(v);
    return lv;
  }
  ev_error(I, at, "a model lists layers and activations; this is a %s", v_type_name(v));
}

/* Check the nesting depth of a model being built, located at the constructor call. */
static void model_set_depth(Interp *I, Model *m, const Node *at) {
  m->depth = 1;
  for (int i = 0; i < m->n; i++)
    if (m->layers[i].type == V_MODEL && m->layers[i].as.model->depth + 1 > m->depth)
      m->depth = m->layers[i].as.model->depth + 1;
  if (m->depth > MAX_MODEL_DEPTH)
    ev_error(I, at, "models nested more than %d deep", MAX_MODEL_DEPTH);
}

static Value model_build(Call *c);

/* A model constructor may call model constructors (`model clf() { block(); dense(8, 2) }`);
   a model that names itself (`model m() { m }`) would do so forever. Constructors nest at
   most MAX_MODEL_DEPTH deep, as the models they make do. */
static Value bi_model_ctor(Call *c) {
  Interp *I = c->I;
  if (I->building_models >= MAX_MODEL_DEPTH)
    ev_error(I, c->node, "models nested more than %d deep (does model '%s' include itself?)",
             MAX_MODEL_DEPTH, c->fn->def->sym->name);
  I->building_models++;
  /* On an error the catcher (ev_pcall) puts building_models back. */
  Value r = model_build(c);
  I->building_models--;
  return r;
}

static Value model_build(Call *c) {
  Interp *I = c->I;
  const Node *decl = c->fn->def;
  Env *env = ctor_scope(c);
  Model *m = rt_calloc(1, sizeof *m);
  m->rc = 1;
  m->name = decl->sym->name;
  Value mv = {.type = V_MODEL, .as.model = m};
  ev_root(I, mv);
  const Node *body = decl->a;
  if (decl->flags & NF_EXPR_BODY) {
    /* model m(x) = expr: a single layer or model. */
    Value v = activation_with_settings(I, env, body); /* leaky_relu(a = 0.01) */
    if (v.type == V_NONE) v = ev_eval(I, env, body);
    ev_root(I, v);
    m->layers = rt_malloc(sizeof(Value));
    m->layers[0] = as_layer(I, v, body);
    m->n = 1;
    model_set_depth(I, m, c->node ? c->node : body);
    return v_retain(mv);
  }
  for (int i = 0; i < body->n_kids; i++) {
    const Node *s = body->kids[i];
    if (s->kind != N_EXPR) {
      if (ev_exec(I, env, s)) ev_error(I, s, "'return' in a model declaration");
      continue;
    }
    Value v = activation_with_settings(I, env, s->a); /* leaky_relu(a = 0.01) */
    if (v.type == V_NONE) v = ev_eval(I, env, s->a);
    ev_root(I, v);
    Value layer = as_layer(I, v, s->a);
    ev_unroot(I, 1);
    Value *ls = realloc(m->layers, sizeof(Value) * (size_t)(m->n + 1));
    if (!ls) {
      v_release(layer);
      rt_throw_kind(RT_ERR_OOM, "out of memory (building a model)");
    }
    m->layers = ls;
    m->layers[m->n++] = layer;
    model_set_depth(I, m, c->node ? c->node : s->a);
  }
  if (m->n == 0) ev_error(I, decl, "model '%s' has no layers", m->name);
  return v_retain(mv);
}

/* The kernel a declaration names with `native NAME`, or NULL (checked by check_native
   when the declaration ran). */
static const OptKernel *decl_kernel(const Node *decl) {
  const Node *body = decl->a;
  if (!body || (decl->flags & NF_EXPR_BODY)) return NULL;
  for (int i = 0; i < body->n_kids; i++)
    if (body->kids[i]->kind == N_LET && body->kids[i]->op == 'n')
      return opt_kernel_find(body->kids[i]->sym->name);
  return NULL;
}

/* Is hyper-parameter `name` declared with a number as its default? */
static bool has_number_param(const Params *p, const char *name) {
  for (int i = 0; i < p->n; i++)
    if (!strcmp(p->names[i]->name, name)) return p->has_default[i] && p->defaults[i].type == V_NUM;
  return false;
}

/* `native NAME` in a declaration: only a stdlib optimizer may name a kernel, and the
   kernel must fit the declaration it stands for: the same state variables in the same
   order (starting at zeros), and every hyper-parameter it reads declared with a
   number as default (so the constructor checks the values). */
static void check_native(Interp *I, const Node *decl, const Params *params) {
  const Node *body = decl->a, *native = NULL;
  if (!body || (decl->flags & NF_EXPR_BODY)) return;
  char states[64] = "";
  for (int i = 0; i < body->n_kids; i++) {
    const Node *s = body->kids[i];
    if (s->kind != N_LET) continue;
    if (s->op == 's')
      snprintf(states + strlen(states), sizeof states - strlen(states), "%s%s", *states ? " " : "",
               s->sym->name);
    if (s->op != 'n') continue;
    if (strcmp(decl->str, "optimizer"))
      ev_error(I, s, "'native' names the kernel of a standard-library optimizer; a %s has none",
               decl->str);
    if (!ev_in_stdlib(decl))
      ev_error(I, s, "only the standard library's optimizers name a native kernel; the body of "
                     "'%s' is what runs (remove 'native %s')", decl->sym->name, s->sym->name);
    if (native)
      ev_error(I, s, "optimizer '%s' names a second kernel (the first at line %d)",
               decl->sym->name, native->span.first_line);
    native = s;
    if (!opt_kernel_find(s->sym->name))
      ev_error(I, s, "there is no native kernel '%s' (runtime/optim.h lists them)", s->sym->name);
  }
  if (!native) return;
  const OptKernel *k = opt_kernel_find(native->sym->name);
  if (strcmp(states, k->states))
    ev_error(I, native, "native kernel '%s' keeps the state [%s], but optimizer '%s' declares [%s]",
             k->name, k->states, decl->sym->name, states);
  for (int i = 0; i < body->n_kids; i++) {
    const Node *s = body->kids[i];
    if (s->kind == N_LET && s->op == 's' && s->a)
      ev_error(I, s->a, "native kernel '%s' starts its state at zeros: state '%s' cannot have an "
                        "initial value", k->name, s->sym->name);
  }
  for (int b = 0; b < OPT_N_HYPER; b++)
    if ((k->hyper & (1u << b)) && !has_number_param(params, opt_hyper_name(b)))
      ev_error(I, native, "native kernel '%s' reads the hyper-parameter '%s', which optimizer '%s' "
                          "does not declare with a number as default", k->name, opt_hyper_name(b),
               decl->sym->name);
}

/* A schedule is called with one argument, the epoch: its function must take exactly
   one without a default (or take one, all defaulted). */
static void check_schedule(Call *c, int i) {
  const Params *p = &c->args[i].as.fn->params;
  int required = 0;
  for (int k = 0; k < p->n; k++) required += !p->has_default[k];
  if (required <= 1 && (p->n >= 1 || p->variadic)) return;
  char got[64];
  snprintf(got, sizeof got, "%d", p->n);
  arg_fail(c, i, "a schedule is a function of one parameter, the epoch (from 1), such as "
                 "fn(e) = 0.1 * 0.5 ^ floor((e - 1) / 10); this one has %s parameters", got);
}

/* The notes' ranges for the hyper-parameters of the stdlib optimizers (a user's own
   declaration gives its names its own meanings): PyTorch's checks (lr >= 0, momentum
   and betas in [0, 1), weight decay >= 0), except that δ must be > 0, since the notes
   add it so that nothing is divided by zero (AdaGrad's first step with a zero gradient
   would be 0/0). Returns the rule x breaks (untranslated), or NULL. */
static const char *hyper_rule_broken(const char *name, double x) {
  if (!strcmp(name, "lr")) return x >= 0 ? NULL : N_("the learning rate lr must be >= 0");
  if (!strcmp(name, "u")) return x >= 0 && x < 1 ? NULL : N_("the momentum coefficient u must be in [0, 1)");
  if (!strcmp(name, "rho")) return x >= 0 && x < 1 ? NULL : N_("the decay rate rho must be in [0, 1)");
  if (!strcmp(name, "delta"))
    return x > 0 ? NULL : N_("delta keeps the division away from zero, so it must be > 0");
  if (!strcmp(name, "decay")) return x >= 0 ? NULL : N_("the weight decay must be >= 0");
  return NULL;
}

static Value bi_optim_ctor(Call *c) {
  const Node *decl = c->fn->def;
  /* A hyper-parameter whose default is a number must be given as a number, or as a
     function of the epoch (a schedule): checked now, not at the first step deep inside
     the update. Any hyper-parameter given as a function is a schedule. */
  int n_sched = 0;
  for (int i = 0; i < c->fn->params.n; i++) {
    const Params *p = &c->fn->params;
    Value v = c->args[i];
    if (v.type == V_FUNC) {
      check_schedule(c, i);
      if (n_sched == OPT_MAX_SCHED) arg_fail(c, i, "at most %s hyper-parameters can be schedules", "16");
      n_sched++;
      continue;
    }
    if (!p->has_default[i] || p->defaults[i].type != V_NUM) continue;
    double x = 0;
    if (v.type == V_BOOL || !v_to_num(v, &x) || !isfinite(x))
      arg_error(c, i, "a finite number or a function of the epoch, fn(e)");
    const char *rule = ev_in_stdlib(decl) ? hyper_rule_broken(p->names[i]->name, x) : NULL;
    if (rule) {
      char got[32], msg[256];
      snprintf(got, sizeof got, "%g", x);
      snprintf(msg, sizeof msg, _("%s, got %s"), _(rule), got);
      arg_fail(c, i, "%s", msg);
    }
  }
  Env *env = ctor_scope(c);
  Optim *o = rt_calloc(1, sizeof *o);
  o->rc = 1;
  o->name = decl->sym->name;
  o->decl = decl;
  o->hyper = env;
  env->rc++;
  o->kernel = decl_kernel(decl);
  for (int i = 0; i < c->fn->params.n; i++)
    if (c->args[i].type == V_FUNC) o->sched[o->n_sched++] = (OptSched){c->fn->params.names[i], NAN};
  return (Value){.type = V_OPTIM, .as.optim = o};
}

static const Builtin ctor_layer = {"<layer>", "", bi_layer_ctor, N_("makes a layer")};
static const Builtin ctor_model = {"<model>", "", bi_model_ctor, N_("makes a model")};
static const Builtin ctor_optim = {"<optimizer>", "", bi_optim_ctor, N_("makes an optimizer")};

/* ------------------------------------------------------------------ declarations */

void decl_exec(Interp *I, Env *env, const Node *n) {
  const char *word = n->str;
  Value f = ev_make_function(I, env, n);
  ev_root(I, f);
  Func *fn = f.as.fn;
  if (!strcmp(word, "activation") || !strcmp(word, "loss")) {
    fn->kind = word[0] == 'a' ? FK_ACTIVATION : FK_LOSS;
    if ((n->flags & NF_EXPR_BODY) == 0 && !n->a)
      ev_error(I, n, "%s '%s' needs a body", word, n->sym->name);
    if (fn->kind == FK_LOSS && fn->params.n < 2)
      ev_error(I, n, "a loss takes the truth and the prediction: loss %s(p, q)", n->sym->name);
    if (fn->kind == FK_ACTIVATION && fn->params.n < 1)
      ev_error(I, n, "an activation takes its input: activation %s(x)", n->sym->name);
    /* A stdlib declaration of a name that has a native kernel becomes its formula. */
    Value *existing = env ? NULL : ev_global(I, n->sym->name);
    if (existing && existing->type == V_FUNC && existing->as.fn->bi && ev_in_stdlib(n)) {
      Func *native = existing->as.fn;
      native->kind = fn->kind;
      if (native->formula) {
        Value old = {.type = V_FUNC, .as.fn = native->formula};
        v_release(old);
      }
      fn->rc++;
      native->formula = fn;
      ev_unroot(I, 1);
      return;
    }
  } else if (!strcmp(word, "optimizer")) {
    fn->kind = FK_OPTIMIZER;
    fn->bi = &ctor_optim;
    if (n->flags & NF_EXPR_BODY)
      ev_error(I, n, "an optimizer is declared with a block: optimizer %s(lr = 0.01) { w = w - lr * g }",
               n->sym->name);
    check_native(I, n, &fn->params);
  } else if (!strcmp(word, "layer")) {
    fn->kind = FK_LAYER;
    fn->bi = &ctor_layer;
    check_native(I, n, &fn->params);
  } else if (!strcmp(word, "model")) {
    fn->kind = FK_MODEL;
    fn->bi = &ctor_model;
    check_native(I, n, &fn->params);
  } else {
    ev_error(I, n, "unknown declaration '%s'", word);
  }
  ev_define(I, env, n->sym, ev_unroot_keep(I));
}

/* ------------------------------------------------------------------ applying */

/* Layer i of model m on x. An error inside says which layer it came from:
   "layer 1 (dense) of model 'clf': dense(784, 256) expects 784 features ...". */
/* relu named bare in a model (the builtin, not a function of the user's called relu). */
static bool is_bare_relu(Value v) {
  if (v.type != V_LAYER) return false;
  const Layer *l = v.as.layer;
  if (l->n_params || l->native || l->fn.type != V_FUNC) return false;
  const Func *fn = l->fn.as.fn;
  return fn->bi && !strcmp(fn->bi->name, "relu") && fn->n_bound == 0;
}

/* Inside train, dense followed by a bare relu runs as one op (ad_linear with the relu in
   the product's store): one pass over the output instead of three, the same numbers. */
static Value apply_dense_relu(Interp *I, Layer *l, Value x, const Node *site) {
  bool saved = I->training;
  I->training = true;
  Tensor *t = to_tensor(I, x, _("a layer's input"));
  ev_root(I, v_tensor(t));
  const Node *saved_cur = I->cur;
  if (site) I->cur = site;
  Value r = v_tensor(dense_forward_act(I, l, t, GEMM_ACT_RELU));
  I->cur = saved_cur;
  ev_unroot(I, 1);
  I->training = saved;
  return r;
}

Value nn_apply_layer(Interp *I, Model *m, int i, Value x, bool training, const Node *site,
                     int *n_used) {
  RtFrame f;
  Value r = v_none();
  bool fuse = training && i + 1 < m->n && is_dense_layer(m->layers[i]) && is_bare_relu(m->layers[i + 1]);
  *n_used = fuse ? 2 : 1;
  if (RT_TRY(&f)) {
    r = fuse ? apply_dense_relu(I, m->layers[i].as.layer, x, site)
             : nn_apply(I, m->layers[i], x, training, site);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    /* An inner model's layer already said where it was (the message begins as the
       format below does, up to its first %). */
    const char *fmt = _("layer %d (%s) of model '%s': %s");
    if (rt_errkind() != RT_ERR_GENERIC || !strncmp(rt_errmsg(), fmt, strcspn(fmt, "%")))
      rt_rethrow();
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", rt_errmsg());
    Value l = m->layers[i];
    rt_throw("layer %d (%s) of model '%s': %s", i,
             l.type == V_LAYER ? l.as.layer->kind : l.as.model->name, m->name, msg);
  }
  return r;
}

void model_saw_input(Model *m, Value x) {
  int nd = x.type == V_TENSOR ? x.as.t->ndim : x.type == V_U8 ? x.as.u8->ndim : 0;
  if (nd < 2) return;
  const int64_t *sh = x.type == V_TENSOR ? x.as.t->shape : x.as.u8->shape;
  m->in_ndim = nd - 1;
  memcpy(m->in_shape, sh + 1, sizeof(int64_t) * (size_t)(nd - 1));
}

Value nn_apply(Interp *I, Value layer, Value x, bool training, const Node *site) {
  bool saved = I->training;
  I->training = training;
  Value r;
  switch (layer.type) {
  case V_MODEL: {
    Model *m = layer.as.model;
    model_saw_input(m, x);
    r = v_retain(x);
    for (int i = 0, used; i < m->n; i += used) {
      ev_root(I, r);
      Value next = nn_apply_layer(I, m, i, r, training, site, &used);
      ev_unroot(I, 1);
      r = next;
    }
    break;
  }
  case V_LAYER: {
    Layer *l = layer.as.layer;
    if (l->native) {
      Tensor *t = to_tensor(I, x, _("a layer's input"));
      ev_root(I, v_tensor(t));
      const Node *saved_cur = I->cur;
      if (site) I->cur = site;
      r = v_tensor(l->native->forward(I, l, t, training));
      I->cur = saved_cur;
      ev_unroot(I, 1);
    } else {
      r = ev_call(I, l->fn, 1, &x, site);
    }
    break;
  }
  case V_FUNC: r = ev_call(I, layer, 1, &x, site); break;
  default: ev_error(I, site, "cannot apply a %s to an input", v_type_name(layer));
  }
  I->training = saved;
  return r;
}

/* Names are "0.1.W": layer indexes down the nested models, then the parameter's name;
   built in one growing buffer (prefix: the first len bytes), never cut. */
static void params_collect(Value v, StrBuf *prefix, int *n, int *cap, char ***names,
                           Tensor ***ts) {
  size_t len = prefix->len;
  if (v.type == V_MODEL) {
    for (int i = 0; i < v.as.model->n; i++) {
      sb_printf(prefix, "%s%d", len ? "." : "", i);
      params_collect(v.as.model->layers[i], prefix, n, cap, names, ts);
      prefix->len = len;
      prefix->s[len] = 0;
    }
    return;
  }
  if (v.type != V_LAYER) return;
  Layer *l = v.as.layer;
  for (int i = 0; i < l->n_params + l->n_bufs; i++) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 16;
      *names = rt_realloc(*names, sizeof(char *) * (size_t)*cap);
      *ts = rt_realloc(*ts, sizeof(Tensor *) * (size_t)*cap);
    }
    bool is_param = i < l->n_params;
    sb_printf(prefix, "%s%s", len ? "." : "",
              is_param ? l->param_names[i]->name : l->buf_names[i - l->n_params]->name);
    (*names)[*n] = rt_strdup(prefix->s);
    prefix->len = len;
    prefix->s[len] = 0;
    (*ts)[(*n)++] = is_param ? l->params[i] : l->bufs[i - l->n_params];
  }
}

int nn_params(Value model, char ***names, Tensor ***tensors) {
  int n = 0, cap = 0;
  *names = NULL;
  *tensors = NULL;
  StrBuf prefix = {0};
  sb_puts(&prefix, ""); /* allocated, so prefix.s is a string from the start */
  RtFrame f;
  if (RT_TRY(&f)) {
    params_collect(model, &prefix, &n, &cap, names, tensors);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    sb_free(&prefix);
    rt_rethrow();
  }
  sb_free(&prefix);
  return n;
}

/* ------------------------------------------------------------------ optimizer steps */

const OptSched *optim_sched(const Optim *o, const char *name) {
  for (int k = 0; k < o->n_sched; k++)
    if (!strcmp(o->sched[k].name->name, name)) return &o->sched[k];
  return NULL;
}

/* The schedule's value at epoch e: a finite number (a 1-element tensor counts as its
   number, as a hyper-parameter given directly does). */
static double sched_at(Interp *I, Optim *o, Sym *name, long e, const Node *site) {
  Value fn = *ev_env_slot(o->hyper, name);
  Value arg = v_num((double)e);
  Value r = ev_call(I, fn, 1, &arg, site);
  double x = NAN;
  bool num = r.type == V_NUM || (r.type == V_TENSOR && r.as.t->size == 1);
  if (num) v_to_num(r, &x);
  char got[96];
  if (r.type == V_TENSOR && !num) {
    t_shape_str(r.as.t->ndim, r.as.t->shape, got, sizeof got);
    v_release(r);
    ev_error(I, site, "optimizer '%s': the schedule of '%s' must give a number at each epoch, but at "
                      "epoch %ld it gave a tensor of shape %s", o->name, name->name, e, got);
  }
  if (!num) snprintf(got, sizeof got, "%s", v_type_name(r));
  else snprintf(got, sizeof got, "%g", x);
  v_release(r);
  if (!num || !isfinite(x))
    ev_error(I, site, "optimizer '%s': the schedule of '%s' must give a finite number at each epoch, "
                      "but at epoch %ld it gave %s", o->name, name->name, e, got);
  const char *rule = ev_in_stdlib(o->decl) ? hyper_rule_broken(name->name, x) : NULL;
  if (rule)
    ev_error(I, site, "optimizer '%s': at epoch %ld the schedule of '%s' gave %s, but %s", o->name, e,
             name->name, got, _(rule));
  return x;
}

void optim_set_epoch(Interp *I, Optim *o, long e, const Node *site) {
  for (int k = 0; k < o->n_sched; k++) o->sched[k].value = sched_at(I, o, o->sched[k].name, e, site);
  o->epoch = e;
}

double optim_hyper(Interp *I, Optim *o, const char *name, double dflt) {
  const OptSched *sc = optim_sched(o, name);
  if (sc && o->epoch == 0) optim_set_epoch(I, o, 1, I->cur);
  if (sc) return sc->value;
  Value *v = ev_env_slot(o->hyper, sym_intern(&I->syms, name, strlen(name)));
  double x = dflt;
  if (v && !v_to_num(*v, &x))
    ev_error(I, NULL, "optimizer '%s': hyper-parameter '%s' must be a number, got %s", o->name,
             name, v_type_name(*v));
  return x;
}

/* The kernel's hyper-parameters, read from the optimizer once per step. check_native
   made sure the declaration has each of them. */
static OptHyper kernel_hyper(Interp *I, Optim *o) {
  double x[OPT_N_HYPER] = {0};
  for (int b = 0; b < OPT_N_HYPER; b++)
    if (o->kernel->hyper & (1u << b)) x[b] = optim_hyper(I, o, opt_hyper_name(b), 0);
  OptHyper h;
  opt_hyper_set(&h, x, (double)o->t);
  return h;
}

/* The slot of param. Parameters come in the same order at every step, so the k-th one
   is looked for at slot k first. */
static OptSlot *slot_for(Optim *o, Tensor *param, int k) {
  if (k < o->n_slots && o->slots[k].param == param) return &o->slots[k];
  for (int i = 0; i < o->n_slots; i++)
    if (o->slots[i].param == param) return &o->slots[i];
  if (o->n_slots == o->cap_slots) {
    int cap = o->cap_slots ? o->cap_slots * 2 : 8;
    o->slots = rt_realloc(o->slots, sizeof(OptSlot) * (size_t)cap);
    o->cap_slots = cap;
  }
  OptSlot *s = &o->slots[o->n_slots++];
  memset(s, 0, sizeof *s);
  s->param = t_retain(param);
  return s;
}

/* State variable `sym` of a slot, made as zeros shaped like `like` when new. */
static Tensor **slot_state(OptSlot *s, Sym *sym, const Tensor *like) {
  for (int i = 0; i < s->n; i++)
    if (s->names[i] == sym) return &s->state[i];
  s->names = rt_realloc(s->names, sizeof(Sym *) * (size_t)(s->n + 1));
  s->state = rt_realloc(s->state, sizeof(Tensor *) * (size_t)(s->n + 1));
  s->state[s->n] = t_zeros(like->ndim, like->shape);
  s->names[s->n] = sym;
  return &s->state[s->n++];
}

/* One step of the declaration's kernel over every parameter: the hyper-parameters are
   read once, then one loop of plain updates. The state of a slot is the declaration's
   state variables in its order (check_native matched them with the kernel's). */
static void kernel_step(Interp *I, Optim *o, int n, Tensor **params) {
  OptHyper h = kernel_hyper(I, o);
  const Node *body = o->decl->a;
  float *state[OPT_MAX_STATES];
  int k = 0;
  for (int i = 0; i < n; i++) {
    Tensor *g = ad_grad(params[i]);
    if (!g) continue;
    OptSlot *s = slot_for(o, params[i], k++);
    if (s->n == 0)
      for (int j = 0; j < body->n_kids; j++)
        if (body->kids[j]->kind == N_LET && body->kids[j]->op == 's')
          slot_state(s, body->kids[j]->sym, params[i]);
    for (int j = 0; j < s->n && j < OPT_MAX_STATES; j++) state[j] = s->state[j]->data;
    opt_run(o->kernel, &h, params[i]->data, g->data, state, s->n, params[i]->size);
  }
}

/* Run the declaration's body for one parameter: w, g, t, the hyper-parameters and
   the state variables in scope; afterwards w and the state are written back. hook,
   when given, sees each line's value (explain). */
static void nn_step(Interp *I, Optim *o, OptSlot *s, Tensor *param, Tensor *grad, double t,
                    const Node *site, OptLineHook *hook, void *ctx) {
  int height = I->n_roots;
  Env *env = ev_env_new(I, o->hyper);
  ev_root(I, (Value){.type = V_ENV, .as.env = env});
  Sym *w = sym_intern(&I->syms, "w", 1), *g = sym_intern(&I->syms, "g", 1),
      *st_t = sym_intern(&I->syms, "t", 1);
  ev_env_define(env, w, v_tensor(ad_detach(param)));
  ev_env_define(env, g, v_tensor(ad_detach(grad)));
  ev_env_define(env, st_t, v_num(t));
  for (int k = 0; k < o->n_sched; k++) ev_env_define(env, o->sched[k].name, v_num(o->sched[k].value));
  const Node *body = o->decl->a;
  for (int i = 0; i < body->n_kids; i++) {
    const Node *st = body->kids[i];
    if (st->kind == N_LET && st->op == 'n') continue; /* the kernel's name: not a step */
    if (st->kind == N_LET && st->op == 's') {
      Tensor **slot = NULL;
      for (int k = 0; k < s->n; k++)
        if (s->names[k] == st->sym) slot = &s->state[k];
      if (!slot && st->a) {
        /* `state v = expr`: the initial value, on the first step. */
        Value v0 = ev_eval(I, env, st->a);
        ev_root(I, v0);
        Tensor *t0 = to_tensor(I, v0, _("a state's initial value"));
        ev_unroot(I, 1);
        ev_env_define(env, st->sym, v_tensor(t0));
        slot_state(s, st->sym, param); /* make room; filled after the body */
      } else {
        if (!slot) slot = slot_state(s, st->sym, param);
        ev_env_define(env, st->sym, v_tensor(t_retain(*slot)));
      }
      if (hook) hook(ctx, st, *ev_env_slot(env, st->sym));
      continue;
    }
    if (ev_exec(I, env, st)) ev_error(I, st, "'return' in an optimizer declaration");
    Sym *target = st->kind == N_LET                              ? st->sym
                  : st->kind == N_ASSIGN && st->a->kind == N_NAME ? st->a->sym
                                                                  : NULL;
    Value *v = hook && target ? ev_env_slot(env, target) : NULL;
    if (v) hook(ctx, st, *v);
  }
  /* Write back: w into the parameter (same shape), each state variable into the slot. */
  Value *wv = ev_env_slot(env, w);
  Tensor *nw = to_tensor(I, *wv, "w");
  ev_root(I, v_tensor(nw));
  if (!t_same_shape(nw, param)) {
    char a[96], b[96];
    ev_error(I, site, "optimizer '%s' changed the shape of w from %s to %s", o->name,
             t_shape_str(param->ndim, param->shape, a, sizeof a),
             t_shape_str(nw->ndim, nw->shape, b, sizeof b));
  }
  memcpy(param->data, nw->data, sizeof(float) * (size_t)param->size);
  for (int k = 0; k < s->n; k++) {
    Value *sv = ev_env_slot(env, s->names[k]);
    if (!sv) continue;
    Tensor *ns = to_tensor(I, *sv, _("a state variable"));
    t_release(s->state[k]);
    s->state[k] = ns;
  }
  while (I->n_roots > height) ev_unroot(I, 1);
}

void optim_step(Interp *I, Optim *o, int n, Tensor **params, const Node *site) {
  bool rec = ad_set_recording(false);
  o->t++;
  /* On an error the catcher (ev_pcall) puts recording back. */
  if (o->n_sched && !o->by_epoch) optim_set_epoch(I, o, o->t, site);
  if (o->kernel) {
    kernel_step(I, o, n, params);
  } else {
    int k = 0;
    for (int i = 0; i < n; i++) {
      Tensor *g = ad_grad(params[i]);
      if (g) nn_step(I, o, slot_for(o, params[i], k++), params[i], g, (double)o->t, site, NULL, NULL);
    }
  }
  ad_set_recording(rec);
}

void optim_explain_step(Interp *I, Optim *o, Tensor *w, Tensor *g, double t, OptLineHook *hook,
                        void *ctx, const Node *site) {
  bool rec = ad_set_recording(false);
  if (o->n_sched && (!o->by_epoch || o->epoch == 0)) optim_set_epoch(I, o, t >= 1 ? (long)t : 1, site);
  OptSlot s = {.param = t_copy(w)}; /* a fresh slot of a copy: o keeps its own state */
  RtFrame f;
  if (RT_TRY(&f)) {
    nn_step(I, o, &s, s.param, g, t, site, hook, ctx);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    slot_clear(&s);
    rt_rethrow();
  }
  ad_set_recording(rec);
  slot_clear(&s);
}
