/* value.c — reference counting and the containers (strings, lists, records). */
#include "value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Release hooks of the types defined above this floor (value.h: v_set_release). */
static VReleaseFn *release_hook[V_ENV + 1];

void v_set_release(VType type, VReleaseFn *release) { release_hook[type] = release; }

/* Layers, models and optimizers are defined in decl.h, above this floor; like every
   counted object they begin with their count (decl.c checks it), which is all v_retain
   needs to know of them. */
static int *count_of(void *obj) { return obj; }

Value v_retain(Value v) {
  switch (v.type) {
  case V_TENSOR: v.as.t->rc++; break;
  case V_U8: v.as.u8->rc++; break;
  case V_STR: v.as.str->rc++; break;
  case V_LIST: v.as.list->rc++; break;
  case V_RECORD: v.as.rec->rc++; break;
  case V_FUNC: v.as.fn->rc++; break;
  case V_ENV: v.as.env->rc++; break;
  case V_LAYER: (*count_of(v.as.layer))++; break;
  case V_MODEL: (*count_of(v.as.model))++; break;
  case V_OPTIM: (*count_of(v.as.optim))++; break;
  case V_GRAPH: (*count_of(v.as.graph))++; break;
  default: break;
  }
  return v;
}

/* Free one container whose count reached 0, moving its items to the work list (so a
   list nested a million deep is freed without a million-deep C recursion). */
typedef struct VWork {
  Value *items; /* local until it outgrows it, then malloc'd */
  size_t n, cap;
  Value local[16];
} Work;

#define WORK_INIT(w) ((w).items = (w).local, (w).n = 0, (w).cap = sizeof (w).local / sizeof (w).local[0])

static void work_push(Work *w, Value v) {
  if (w->n == w->cap) {
    size_t cap = w->cap * 2;
    Value *items = w->items == w->local ? malloc(sizeof(Value) * cap)
                                        : realloc(w->items, sizeof(Value) * cap);
    if (!items) {
      v_release(v); /* no memory for the list: fall back to recursion */
      return;
    }
    if (w->items == w->local) memcpy(items, w->local, sizeof w->local);
    w->items = items;
    w->cap = cap;
  }
  w->items[w->n++] = v;
}

static void work_free(Work *w) {
  if (w->items != w->local) free(w->items);
}

void v_work_push(VWork *w, Value v) {
  if (w) work_push(w, v);
  else v_release(v);
}

static void release_one(Value v, Work *w) {
  switch (v.type) {
  case V_TENSOR: t_release(v.as.t); break;
  case V_U8: u8_release(v.as.u8); break;
  case V_STR:
    if (--v.as.str->rc == 0) rt_cache_free(v.as.str, sizeof(Str) + v.as.str->len + 1);
    break;
  case V_LIST:
    if (--v.as.list->rc == 0) {
      List *l = v.as.list;
      for (int i = 0; i < l->n; i++) work_push(w, l->items[i]);
      rt_free(l->items);
      rt_free(l);
    }
    break;
  case V_RECORD:
    if (--v.as.rec->rc == 0) {
      Record *r = v.as.rec;
      for (int i = 0; i < r->n; i++) work_push(w, r->vals[i]);
      rt_free(r->keys);
      rt_free(r->vals);
      rt_free(r);
    }
    break;
  case V_FUNC: release_hook[V_FUNC](v.as.fn, w); break;
  case V_ENV: release_hook[V_ENV](v.as.env, w); break;
  case V_LAYER: release_hook[V_LAYER](v.as.layer, w); break;
  case V_MODEL: release_hook[V_MODEL](v.as.model, w); break;
  case V_OPTIM: release_hook[V_OPTIM](v.as.optim, w); break;
  case V_GRAPH: release_hook[V_GRAPH](v.as.graph, w); break;
  default: break;
  }
}

void v_release_breaking_cycles(Value v) {
  Work w;
  WORK_INIT(w);
  work_push(&w, v);
  while (w.n) {
    Value x = w.items[--w.n];
    /* Move the items out (the work list owns them now), then let go of x: nothing it
       held can point back at it any more. */
    if (x.type == V_LIST) {
      List *l = x.as.list;
      for (int i = 0; i < l->n; i++) work_push(&w, l->items[i]);
      l->n = 0;
    } else if (x.type == V_RECORD) {
      Record *r = x.as.rec;
      for (int i = 0; i < r->n; i++) work_push(&w, r->vals[i]);
      r->n = 0;
    }
    v_release(x);
  }
  work_free(&w);
}

void v_release(Value v) {
  switch (v.type) {
  case V_LIST: case V_RECORD: case V_FUNC: case V_ENV: break;
  default: release_one(v, NULL); return; /* holds no values */
  }
  Work w;
  WORK_INIT(w);
  release_one(v, &w);
  while (w.n) release_one(w.items[--w.n], &w);
  work_free(&w);
}

/* Strings come from the block cache (mem.h): a literal evaluated at every training step
   (a loss's reduction name) reuses the block of the last one. */
Value v_str(const char *s, size_t len) {
  Str *str = rt_cache_alloc(sizeof(Str) + len + 1);
  str->rc = 1;
  str->len = len;
  memcpy(str->data, s, len);
  str->data[len] = 0;
  return (Value){.type = V_STR, .as.str = str};
}

Value v_cstr(const char *s) { return v_str(s, strlen(s)); }

Value v_list_new(int cap) {
  /* Items first: if the second allocation throws, only the first leaks nothing. */
  Value *items = cap > 0 ? rt_malloc(sizeof(Value) * (size_t)cap) : NULL;
  List *l = malloc(sizeof *l);
  if (!l) {
    rt_free(items);
    l = rt_malloc(sizeof *l); /* throws the out-of-memory error */
  }
  l->rc = 1;
  l->n = 0;
  l->cap = cap;
  l->items = items;
  return (Value){.type = V_LIST, .as.list = l};
}

void list_push(List *l, Value v) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 4;
    l->items = rt_realloc(l->items, sizeof(Value) * (size_t)cap);
    l->cap = cap;
  }
  l->items[l->n++] = v;
}

Value v_record_new(void) {
  Record *r = rt_calloc(1, sizeof *r);
  r->rc = 1;
  return (Value){.type = V_RECORD, .as.rec = r};
}

Value *record_get(Record *r, Sym *key) {
  for (int i = 0; i < r->n; i++)
    if (r->keys[i] == key) return &r->vals[i];
  return NULL;
}

void record_set(Record *r, Sym *key, Value v) {
  Value *slot = record_get(r, key);
  if (slot) {
    v_release(*slot);
    *slot = v;
    return;
  }
  if (r->n == r->cap) {
    int cap = r->cap ? r->cap * 2 : 4;
    r->keys = rt_realloc(r->keys, sizeof(Sym *) * (size_t)cap);
    r->vals = rt_realloc(r->vals, sizeof(Value) * (size_t)cap);
    r->cap = cap;
  }
  r->keys[r->n] = key;
  r->vals[r->n++] = v;
}

const char *v_type_name(Value v) {
  switch (v.type) {
  case V_NONE: return "none";
  case V_BOOL: return "bool";
  case V_NUM: return "number";
  case V_STR: return "string";
  case V_TENSOR:
  case V_U8: return "tensor";
  case V_LIST: return "list";
  case V_RECORD: return "record";
  case V_FUNC: return "function";
  case V_LAYER: return "layer";
  case V_MODEL: return "model";
  case V_OPTIM: return "optimizer";
  case V_GRAPH: return "graph";
  case V_ENV: return "scope";
  }
  return "?";
}

/* Element i of a tensor or byte tensor, as the float it is or stands for. */
static float elem(Value v, int64_t i) {
  return v.type == V_U8 ? v.as.u8->lut[v.as.u8->data[i]] : v.as.t->data[i];
}

/* Tensors and byte tensors compare alike: by shape and the floats they hold. */
static bool tensors_equal(Value a, Value b) {
  int na = a.type == V_U8 ? a.as.u8->ndim : a.as.t->ndim, nb = b.type == V_U8 ? b.as.u8->ndim : b.as.t->ndim;
  const int64_t *sa = a.type == V_U8 ? a.as.u8->shape : a.as.t->shape;
  const int64_t *sb = b.type == V_U8 ? b.as.u8->shape : b.as.t->shape;
  if (na != nb || memcmp(sa, sb, sizeof(int64_t) * (size_t)na)) return false;
  int64_t size = a.type == V_U8 ? a.as.u8->size : a.as.t->size;
  for (int64_t i = 0; i < size; i++)
    if (elem(a, i) != elem(b, i)) return false;
  return true;
}

/* Equality of everything but the items of lists and records: numbers (a bool is 0/1),
   strings by bytes, tensors by shape and values, containers by length, the rest by
   identity. */
static bool shallow_equal(Value a, Value b) {
  if ((a.type == V_NUM || a.type == V_BOOL) && (b.type == V_NUM || b.type == V_BOOL))
    return a.as.num == b.as.num;
  if ((a.type == V_TENSOR || a.type == V_U8) && (b.type == V_TENSOR || b.type == V_U8))
    return tensors_equal(a, b);
  if (a.type != b.type) return false;
  switch (a.type) {
  case V_NONE: return true;
  case V_STR:
    return a.as.str->len == b.as.str->len &&
           memcmp(a.as.str->data, b.as.str->data, a.as.str->len) == 0;
  case V_LIST: return a.as.list->n == b.as.list->n;
  case V_RECORD: return a.as.rec->n == b.as.rec->n;
  default: return a.as.fn == b.as.fn;
  }
}

/* Pairs of containers already compared (or being compared), an open-addressing set. */
typedef struct {
  const void **slots; /* 2 pointers per slot; NULL: free */
  size_t cap, n;
} PairSet;

static size_t pair_hash(const void *a, const void *b, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15u ^ (uint64_t)(uintptr_t)b;
  h ^= h >> 29;
  return (size_t)(h * 0xBF58476D1CE4E5B9u >> 7) & (cap - 1);
}

/* Adds (a, b); false when it was there already. */
static bool pairset_add(PairSet *s, const void *a, const void *b) {
  if (2 * (s->n + 1) > s->cap) {
    PairSet g = {rt_calloc(s->cap ? 2 * s->cap * 2 : 64 * 2, sizeof(void *)),
                 s->cap ? 2 * s->cap : 64, 0};
    for (size_t i = 0; i < s->cap; i++)
      if (s->slots[2 * i]) pairset_add(&g, s->slots[2 * i], s->slots[2 * i + 1]);
    rt_free(s->slots);
    *s = g;
  }
  size_t i = pair_hash(a, b, s->cap);
  for (; s->slots[2 * i]; i = (i + 1) & (s->cap - 1))
    if (s->slots[2 * i] == a && s->slots[2 * i + 1] == b) return false;
  s->slots[2 * i] = a;
  s->slots[2 * i + 1] = b;
  s->n++;
  return true;
}

/* Structural equality, walked with an explicit stack of container pairs, so lists nested
   a million deep compare without deep C recursion. A pair of containers met a second
   time is not walked again: a list that holds itself terminates, and two structures are
   equal when no walk finds a difference. */
bool v_equal(Value a, Value b) {
  if (!shallow_equal(a, b)) return false;
  if (a.type != V_LIST && a.type != V_RECORD) return true;
  Value *stack = NULL; /* pairs: stack[2k], stack[2k + 1] */
  size_t n = 0, cap = 0;
  PairSet seen = {0};
  bool eq = true;
  stack = rt_malloc(2 * 16 * sizeof *stack);
  cap = 16;
  stack[0] = a, stack[1] = b, n = 1;
  while (eq && n) {
    n--;
    Value x = stack[2 * n], y = stack[2 * n + 1];
    if (x.as.list == y.as.list || !pairset_add(&seen, x.as.list, y.as.list)) continue;
    int len = x.type == V_LIST ? x.as.list->n : x.as.rec->n;
    for (int i = 0; eq && i < len; i++) {
      Value u, v;
      if (x.type == V_LIST) {
        u = x.as.list->items[i], v = y.as.list->items[i];
      } else {
        const Value *o = record_get(y.as.rec, x.as.rec->keys[i]);
        if (!o) {
          eq = false;
          break;
        }
        u = x.as.rec->vals[i], v = *o;
      }
      if (!shallow_equal(u, v)) eq = false;
      else if (u.type == V_LIST || u.type == V_RECORD) {
        if (n == cap) {
          cap *= 2;
          stack = rt_realloc(stack, 2 * cap * sizeof *stack);
        }
        stack[2 * n] = u, stack[2 * n + 1] = v, n++;
      }
    }
  }
  rt_free(stack);
  rt_free(seen.slots);
  return eq;
}

bool v_to_num(Value v, double *x) {
  if (v.type == V_NUM || v.type == V_BOOL) *x = v.as.num;
  else if (v.type == V_TENSOR && v.as.t->size == 1) *x = v.as.t->data[0];
  else if (v.type == V_U8 && v.as.u8->size == 1) *x = v.as.u8->lut[v.as.u8->data[0]];
  else return false;
  return true;
}
