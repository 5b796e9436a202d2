/* graph.c — graph(f, x): the computation graph of one evaluation of f at x, with every
 * node's value and gradient (graph.h); printed as a tree, plotted as an SVG of boxes and
 * arrows (inputs on the left, the output on the right, as micrograd's draw_dot).
 *
 * Built from the tape itself: f runs once with x tracked, ad_backward_visit hands over
 * each node's ∂f/∂node (leaving every parameter's grad as it was), and the nodes are
 * copied out, so the graph shows exactly what grad computes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "autograd.h"
#include "decl.h"
#include "fit.h"
#include "graph.h"
#include "utf8.h"
#include "plot_svg.h"
#include "mem.h"
#include "platform.h"

/* More operations than this are not recorded into a graph: nobody reads such a drawing,
   and the copies would hold every intermediate tensor of the pass. */
enum { GRAPH_MAX_NODES = 20000 };

/* ------------------------------------------------------------------ the value */

static void graph_free(Graph *g) {
  for (int i = 0; i < g->n; i++) {
    GNode *nd = &g->nodes[i];
    rt_free(nd->op);
    t_release(nd->value);
    t_release(nd->grad);
    rt_free(nd->in);
  }
  rt_free(g->nodes);
  for (int i = 0; i < g->n_groups; i++) rt_free(g->groups[i]);
  rt_free(g->fname);
  rt_free(g->at);
  rt_free(g);
}

static void graph_release(void *obj, VWork *w) {
  Graph *g = obj;
  if (--g->rc == 0) graph_free(g);
}

_Static_assert(offsetof(Graph, rc) == 0, "a counted object begins with its count");

static Value v_graph(Graph *g) { return (Value){.type = V_GRAPH, .as.graph = g}; }

/* ------------------------------------------------------------------ recording */

/* Tensor → node index, open addressing on the pointer (the graph's nodes are unique
   tensors). */
typedef struct {
  const Tensor **key;
  int *val;
  size_t cap; /* a power of two, at least twice the entries */
} PtrMap;

static size_t ptr_hash(const Tensor *t, size_t cap) {
  uintptr_t h = (uintptr_t)t;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15u;
  return (size_t)(h >> 7) & (cap - 1);
}

static int map_get(const PtrMap *m, const Tensor *t) {
  for (size_t i = ptr_hash(t, m->cap);; i = (i + 1) & (m->cap - 1)) {
    if (!m->key[i]) return -1;
    if (m->key[i] == t) return m->val[i];
  }
}

static void map_put(PtrMap *m, const Tensor *t, int v) {
  size_t i = ptr_hash(t, m->cap);
  while (m->key[i]) i = (i + 1) & (m->cap - 1);
  m->key[i] = t;
  m->val[i] = v;
}

/* What the recording walks with; freed by build_tape's caller on every path. */
typedef struct {
  PtrMap map;
  const Tensor **tensors; /* node i's tensor on the tape */
  int order;              /* backward pass: nodes seen so far */
  Graph *g;
} Tape;

static void tape_free(Tape *tp) {
  rt_free(tp->map.key);
  rt_free(tp->map.val);
  rt_free(tp->tensors);
}

/* nn's name for a runtime op: the operators as they are written. */
static const char *op_display(const char *op) {
  static const char *const ops[][2] = {
      {"add", "+"}, {"sub", "-"}, {"mul", "*"}, {"div", "/"}, {"pow", "^"}, {"neg", "-"},
      {"maximum", "max"}, {"minimum", "min"}, {"reshape", "reshape"}, {"index", "[ ]"},
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (!strcmp(op, ops[i][0])) return ops[i][1];
  return op;
}

static void name_params(Interp *I, Graph *g, Tape *tp, Value v, const char *prefix, int depth) {
  if (depth > 4) return;
  char buf[160];
  if (v.type == V_MODEL) {
    for (int i = 0; i < v.as.model->n; i++) {
      Value l = v.as.model->layers[i];
      const char *kind = l.type == V_LAYER ? l.as.layer->kind : l.as.model->name;
      snprintf(buf, sizeof buf, "%s%s%d", prefix, kind, i + 1);
      size_t n = strlen(buf);
      if (n + 1 < sizeof buf) buf[n] = '.', buf[n + 1] = 0;
      name_params(I, g, tp, l, buf, depth + 1);
    }
  } else if (v.type == V_LAYER) {
    Layer *l = v.as.layer;
    for (int j = 0; j < l->n_params; j++) {
      int k = map_get(&tp->map, l->params[j]);
      if (k < 0 || g->nodes[k].kind != GN_PARAM || strcmp(g->nodes[k].op, "param")) continue;
      snprintf(buf, sizeof buf, "%s%s", prefix, l->param_names[j]->name);
      rt_free(g->nodes[k].op);
      g->nodes[k].op = rt_strdup(buf);
    }
  }
}

/* The parameters' names: "net.dense1.W" for a model the function is (f itself) or one
   held in a global variable (fn(x) = sum(net(x))), "W" for a bare layer's. */
static void name_all_params(Interp *I, Graph *g, Tape *tp, Value f) {
  char buf[160];
  for (int i = 0; i < I->n_globals; i++) {
    Value v = I->globals[i];
    if (v.type != V_MODEL && v.type != V_LAYER) continue;
    snprintf(buf, sizeof buf, "%s.", I->global_names[i]->name);
    name_params(I, g, tp, v, buf, 0);
  }
  if (f.type == V_MODEL || f.type == V_LAYER) name_params(I, g, tp, f, "", 0);
}

/* The nodes, in depth-first order from y (inputs left to right), by an explicit stack:
   a chain of 10^4 ops must not recurse 10^4 deep. */
static void collect(Interp *I, Tape *tp, Tensor *y, const Tensor *x, const Node *site, const char *who) {
  Graph *g = tp->g;
  int cap = 64, top = 0;
  const Tensor **stack = rt_malloc((size_t)cap * sizeof *stack);
  stack[top++] = y;
  int g_cap = 0;
  while (top) {
    const Tensor *t = stack[--top];
    if (map_get(&tp->map, t) >= 0) continue;
    if (g->n == GRAPH_MAX_NODES) {
      rt_free(stack);
      ev_error(I, site, "%s: the computation has more than %d nodes, too many to draw (try a smaller "
                        "input or a shorter loop)", who, GRAPH_MAX_NODES);
    }
    if (g->n == g_cap) {
      g_cap = g_cap ? 2 * g_cap : 64;
      g->nodes = rt_realloc(g->nodes, (size_t)g_cap * sizeof *g->nodes);
      tp->tensors = rt_realloc(tp->tensors, (size_t)g_cap * sizeof *tp->tensors);
    }
    int k = g->n++;
    GNode *nd = &g->nodes[k];
    memset(nd, 0, sizeof *nd);
    nd->order = -1;
    tp->tensors[k] = t;
    map_put(&tp->map, t, k);
    const char *op = ad_op_name(t);
    if (!op) nd->kind = GN_CONST, nd->op = rt_strdup(_("const"));
    else if (t == x) nd->kind = GN_INPUT, nd->op = rt_strdup("x");
    else if (ad_is_leaf(t)) nd->kind = GN_PARAM, nd->op = rt_strdup("param");
    else nd->kind = GN_OP, nd->op = rt_strdup(op_display(op));
    nd->value = ad_detach(t);
    nd->group = ad_is_leaf(t) ? 0 : ad_tag(t);
    int n_in = ad_n_inputs(t);
    if (top + n_in > cap) {
      cap = 2 * (top + n_in);
      stack = rt_realloc(stack, (size_t)cap * sizeof *stack);
    }
    for (int i = n_in - 1; i >= 0; i--) stack[top++] = ad_input(t, i);
  }
  rt_free(stack);
  /* Each node's inputs as indices, now that every tensor has one. */
  for (int k = 0; k < g->n; k++) {
    int n_in = ad_n_inputs(tp->tensors[k]);
    g->nodes[k].n_in = n_in;
    g->nodes[k].in = rt_calloc((size_t)(n_in ? n_in : 1), sizeof(int));
    for (int i = 0; i < n_in; i++) g->nodes[k].in[i] = map_get(&tp->map, ad_input(tp->tensors[k], i));
  }
}

static void on_grad(void *ctx, const Tensor *t, const Tensor *dt) {
  Tape *tp = ctx;
  int k = map_get(&tp->map, t);
  if (k < 0) return;
  GNode *nd = &tp->g->nodes[k];
  nd->order = tp->order++;
  nd->grad = t_copy(dt);
}

/* Which function made each node, as the tape records (ad_set_tagger): the innermost
   named function running below f itself. The tagger runs inside every recorded op, so
   it allocates nothing (and cannot throw): names are interned symbols, kept in a fixed
   table and copied into the graph afterwards. */
typedef struct {
  Interp *I;
  int base;                                /* frames below this are f's callers, or f */
  int n;
  const char *names[GRAPH_MAX_GROUPS];
} Tagger;

static int tag_node(void *ctx) {
  Tagger *tg = ctx;
  Interp *I = tg->I;
  if (I->n_calls <= tg->base) return 0;
  const Func *fn = I->calls[I->n_calls - 1].fn;
  if (!fn || (fn->def && !fn->def->sym && !fn->bi)) return 0; /* anonymous: no name to show */
  for (int i = 0; i < tg->n; i++)
    if (tg->names[i] == fn->name) return i + 1;
  if (tg->n == GRAPH_MAX_GROUPS) return 0;
  tg->names[tg->n++] = fn->name;
  return tg->n;
}

/* "f" for a lambda; the function's, model's or layer's own name otherwise. */
static const char *fn_name(Value f) {
  if (f.type == V_FUNC) return f.as.fn->def && !f.as.fn->def->sym && !f.as.fn->bi ? "f" : f.as.fn->name;
  if (f.type == V_MODEL) return f.as.model->name;
  if (f.type == V_LAYER) return f.as.layer->kind;
  return "f";
}

Graph *graph_build(Interp *I, Value f, Value x, const Node *site, const char *who) {
  if (!callable(f))
    ev_error(I, site, "%s: expected a function, model or layer to draw the graph of, got %s", who,
             v_type_name(f));
  if (!is_tensorish(x) && x.type != V_LIST)
    ev_error(I, site, "%s: expected a number or tensor to evaluate the function at, got %s", who,
             v_type_name(x));
  Graph *g = rt_calloc(1, sizeof *g);
  g->rc = 1;
  ev_root(I, v_graph(g));
  g->fname = rt_strdup(fn_name(f));
  StrBuf at = {0};
  v_repr(&at, x);
  for (size_t i = 0; i < at.len; i++)
    if (at.s[i] == '\n') at.s[i] = ' ';
  if (at.len > 60) {
    at.len = 57;
    sb_puts(&at, "...");
  }
  g->at = at.s;

  Tensor *t = to_tensor(I, x, _("the point to draw the graph at"));
  ev_root(I, v_tensor(t));
  if (I->grad_depth > 0 && ad_is_tracked(t))
    ev_error(I, site, "%s: cannot draw a graph inside grad: the point is itself being differentiated", who);
  Tensor *leaf = ad_detach(t);
  ev_root(I, v_tensor(leaf));
  ad_track(leaf);
  /* The catcher (ev_pcall) puts recording and grad_depth back on an error. */
  bool rec = ad_set_recording(true);
  int depth = I->grad_depth++;
  Value xv = v_tensor(leaf);
  /* f's own frame (a user function's) is not a group: its nodes are the graph's. */
  Tagger tg = {.I = I, .base = I->n_calls + (f.type == V_FUNC && !f.as.fn->bi)};
  AdTagger *prev_fn;
  void *prev_ctx;
  ad_set_tagger(tag_node, &tg, &prev_fn, &prev_ctx);
  Value y;
  RtFrame tf;
  if (RT_TRY(&tf)) {
    y = f.type == V_FUNC ? ev_call(I, f, 1, &xv, site) : nn_apply(I, f, xv, false, site);
    rt_pop(&tf);
  } else {
    rt_pop(&tf);
    ad_set_tagger(prev_fn, prev_ctx, NULL, NULL); /* tg dies with this frame */
    rt_rethrow();
  }
  ad_set_tagger(prev_fn, prev_ctx, NULL, NULL);
  ev_root(I, y);
  ad_set_recording(rec);
  I->grad_depth = depth;
  for (int i = 0; i < tg.n; i++) g->groups[g->n_groups++] = rt_strdup(tg.names[i]);
  if (y.type != V_TENSOR) {
    if (y.type == V_NUM || y.type == V_BOOL)
      ev_error(I, site, "%s: %s(x) returned the number %g, which does not depend on x: there is no graph "
                        "to draw", who, g->fname, y.as.num);
    ev_error(I, site, "%s: %s(x) must return a scalar, got %s", who, g->fname, v_type_name(y));
  }
  if (y.as.t->size != 1) {
    char sh[96];
    ev_error(I, site, "%s: %s(x) must return a scalar (one number) to take its gradient, got shape %s "
                      "(for a model, draw a loss or sum(net(x)))", who, g->fname,
             t_shape_str(y.as.t->ndim, y.as.t->shape, sh, sizeof sh));
  }
  if (!ad_is_tracked(y.as.t))
    ev_error(I, site, "%s: %s(x) does not depend on x: there is no graph to draw", who, g->fname);

  Tape tp = {.g = g};
  RtFrame fr;
  if (RT_TRY(&fr)) {
    /* Sized once for the most nodes a graph may have (collect stops there), at most
       half full. */
    tp.map.cap = 1024;
    while (tp.map.cap < 2 * (size_t)GRAPH_MAX_NODES + 2) tp.map.cap *= 2;
    tp.map.key = rt_calloc(tp.map.cap, sizeof *tp.map.key);
    tp.map.val = rt_calloc(tp.map.cap, sizeof *tp.map.val);
    collect(I, &tp, y.as.t, leaf, site, who);
    ad_backward_visit(y.as.t, NULL, on_grad, &tp);
    name_all_params(I, g, &tp, f);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    tape_free(&tp);
    rt_rethrow();
  }
  tape_free(&tp);
  ev_unroot(I, 3); /* y, leaf, t: the tape goes with them */
  return g;
}

/* ------------------------------------------------------------------ text */

/* Axis `axis` of t from element `off`, as nested brackets with no column padding. */
static void write_nested(StrBuf *b, const Tensor *t, int axis, int64_t off) {
  if (axis == t->ndim) {
    fmt_number(b, t->data[off]);
    return;
  }
  int64_t stride = 1;
  for (int a = axis + 1; a < t->ndim; a++) stride *= t->shape[a];
  sb_putc(b, '[');
  for (int64_t i = 0; i < t->shape[axis]; i++) {
    if (i) sb_puts(b, ", ");
    write_nested(b, t, axis + 1, off + i * stride);
  }
  sb_putc(b, ']');
}

void graph_fmt_tensor(StrBuf *b, const Tensor *t) {
  if (!t) {
    sb_puts(b, "-");
    return;
  }
  if (t->size == 1) {
    fmt_number(b, t->data[0]);
    return;
  }
  if (t->size <= 4 && t->size > 0) { /* written out on one line: [1, 2], [[0, 1]] */
    write_nested(b, t, 0, 0);
    return;
  }
  double s = 0;
  for (int64_t i = 0; i < t->size; i++) s += t->data[i];
  char sh[96];
  StrBuf m = {0};
  fmt_number(&m, t->size ? s / (double)t->size : 0);
  sb_printf(b, _("%s, mean %s"), t_shape_str(t->ndim, t->shape, sh, sizeof sh), m.s);
  sb_free(&m);
}

void graph_node_name(StrBuf *b, const Graph *g, int i) {
  const GNode *nd = &g->nodes[i];
  if (nd->kind == GN_INPUT || nd->kind == GN_PARAM) sb_puts(b, nd->op);
  else sb_printf(b, "[%d]", i + 1);
}

/* One node's line: "[3] *  value 1  grad 0.104994". */
static void node_line(StrBuf *b, const Graph *g, int k) {
  const GNode *nd = &g->nodes[k];
  StrBuf v = {0}, d = {0};
  graph_fmt_tensor(&v, nd->value);
  sb_printf(b, "[%d] %s  ", k + 1, nd->op);
  if (nd->kind == GN_CONST) {
    sb_printf(b, _("value %s"), v.s);
  } else {
    graph_fmt_tensor(&d, nd->grad);
    sb_printf(b, _("value %s  grad %s"), v.s, d.s);
  }
  if (nd->group) {
    sb_puts(b, "  ");
    sb_printf(b, _("(in %s)"), g->groups[nd->group - 1]);
  }
  sb_putc(b, '\n');
  sb_free(&v);
  sb_free(&d);
}

/* Draw node k under `prefix` (the bars of its ancestors); a node met before is named
   and not drawn again. *drawn counts the lines, up to GRAPH_DRAW_MAX. */
static void tree(StrBuf *b, const Graph *g, int k, StrBuf *prefix, bool last, bool root, bool *shown,
                 int *drawn, int depth) {
  if (*drawn >= GRAPH_DRAW_MAX || depth > GRAPH_DRAW_DEPTH) return;
  sb_puts(b, prefix->s ? prefix->s : "");
  if (!root) sb_puts(b, last ? "└─" : "├─");
  (*drawn)++;
  if (shown[k]) {
    sb_printf(b, "[%d] %s  ", k + 1, g->nodes[k].op);
    sb_puts(b, _("(shown above)"));
    sb_putc(b, '\n');
    return;
  }
  shown[k] = true;
  node_line(b, g, k);
  size_t keep = prefix->len;
  if (!root) sb_puts(prefix, last ? "  " : "│ ");
  const GNode *nd = &g->nodes[k];
  for (int i = 0; i < nd->n_in; i++) tree(b, g, nd->in[i], prefix, i == nd->n_in - 1, false, shown, drawn, depth + 1);
  prefix->len = keep;
  if (prefix->s) prefix->s[keep] = 0;
}

void graph_format(StrBuf *b, const Graph *g) {
  sb_printf(b, _("computation graph of %s at x = %s: %d nodes, the output first (grad = ∂%s/∂node)"),
            g->fname, g->at, g->n, g->fname);
  sb_putc(b, '\n');
  bool *shown = rt_calloc((size_t)g->n, sizeof(bool));
  StrBuf prefix = {0};
  int drawn = 0;
  tree(b, g, 0, &prefix, true, true, shown, &drawn, 0);
  int n_shown = 0;
  for (int i = 0; i < g->n; i++) n_shown += shown[i];
  if (n_shown < g->n)
    sb_printf(b, _("... %d more nodes not drawn (at most %d lines, %d levels deep)"), g->n - n_shown,
              GRAPH_DRAW_MAX, GRAPH_DRAW_DEPTH + 1),
        sb_putc(b, '\n');
  sb_free(&prefix);
  rt_free(shown);
  /* The echo adds its own newline. */
  if (b->len && b->s[b->len - 1] == '\n') b->s[--b->len] = 0;
}

/* ------------------------------------------------------------------ SVG */

static void xml_text(StrBuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '<') sb_puts(b, "&lt;");
    else if (*s == '>') sb_puts(b, "&gt;");
    else if (*s == '&') sb_puts(b, "&amp;");
    else if (*s == '"') sb_puts(b, "&quot;");
    else sb_putc(b, *s);
  }
}

enum { BOX_H = 58, GAP_X = 60, GAP_Y = 16, MARGIN = 20 };

/* In display columns, so a Chinese label (常数, 值, 梯度) counts twice the width of a
   Latin letter, as it is drawn. */
static int n_chars(const char *s) { return utf8_cols(s); }

/* Boxes as wide as the longest line in them (7 pixels a character at font size 12),
   from 150 to 480 pixels. */
static int box_width(const Graph *g, int n) {
  int most = 0;
  for (int k = 0; k < n; k++) {
    const GNode *nd = &g->nodes[k];
    StrBuf l = {0};
    sb_printf(&l, "[%d] %s", k + 1, nd->op);
    if (n_chars(l.s) > most) most = n_chars(l.s);
    for (int w = 0; w < 2; w++) {
      l.len = 0;
      graph_fmt_tensor(&l, w ? nd->grad : nd->value);
      if (n_chars(l.s) + 6 > most) most = n_chars(l.s) + 6;
    }
    sb_free(&l);
  }
  int w = most * 7 + 16;
  return w < 150 ? 150 : w > 480 ? 480 : w;
}

/* A layered drawing: a node's column is its longest distance from the output, counted
   from the right; nodes of one column are stacked in the tree's order. Only the first
   GRAPH_DRAW_MAX nodes (the ones nearest the output) are drawn. */
void graph_svg(StrBuf *b, const Graph *g, int *width_out, int *height_out) {
  int n = g->n < GRAPH_DRAW_MAX ? g->n : GRAPH_DRAW_MAX;
  int *dist = rt_calloc((size_t)n, sizeof(int));
  /* Longest path from the output: nodes are in depth-first order, so relax until stable
     (at most n rounds, each O(edges)). */
  for (bool changed = true; changed;) {
    changed = false;
    for (int k = 0; k < n; k++)
      for (int i = 0; i < g->nodes[k].n_in; i++) {
        int j = g->nodes[k].in[i];
        if (j < n && dist[j] < dist[k] + 1 && dist[k] + 1 < n) dist[j] = dist[k] + 1, changed = true;
      }
  }
  int cols = 0;
  for (int k = 0; k < n; k++)
    if (dist[k] + 1 > cols) cols = dist[k] + 1;
  int *row = rt_calloc((size_t)n, sizeof(int)), *height = rt_calloc((size_t)cols, sizeof(int));
  int rows = 0;
  for (int k = 0; k < n; k++) {
    row[k] = height[dist[k]]++;
    if (height[dist[k]] > rows) rows = height[dist[k]];
  }
  const int BOX_W = box_width(g, n);
  int W = 2 * MARGIN + cols * BOX_W + (cols - 1) * GAP_X;
  int H = 2 * MARGIN + 30 + rows * BOX_H + (rows - 1) * GAP_Y + (n < g->n ? 24 : 0);
#define BX(k) (MARGIN + (cols - 1 - dist[k]) * (BOX_W + GAP_X))
#define BY(k) (MARGIN + 30 + row[k] * (BOX_H + GAP_Y))
  *width_out = W;
  *height_out = H;
  sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"%s\" font-size=\"12\">\n", W, H, W, H, SVG_FONT_FAMILY);
  sb_puts(b, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
             "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
  sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
  StrBuf t = {0};
  sb_printf(&t, _("computation graph of %s at x = %s"), g->fname, g->at);
  sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">", MARGIN, MARGIN + 12);
  xml_text(b, t.s);
  sb_puts(b, "</text>\n");
  sb_free(&t);
  for (int k = 0; k < n; k++)
    for (int i = 0; i < g->nodes[k].n_in; i++) {
      int j = g->nodes[k].in[i];
      if (j >= n) continue;
      sb_printf(b, "<line class=\"edge\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" "
                   "marker-end=\"url(#arrow)\"/>\n",
                BX(j) + BOX_W, BY(j) + BOX_H / 2, BX(k),
                /* inputs of one node arrive side by side (x * x shows two arrows) */
                BY(k) + BOX_H / 2 + (2 * i - (g->nodes[k].n_in - 1)) * 6);
    }
  static const char *const fill[] = {"#e8f0fe", "#fde8d8", "#e6f4e6", "#f1f1f1"};
  for (int k = 0; k < n; k++) {
    const GNode *nd = &g->nodes[k];
    sb_printf(b, "<g class=\"node\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"%s\" "
                 "stroke=\"#333\"/>\n", BX(k), BY(k), BOX_W, BOX_H, fill[nd->kind]);
    StrBuf l = {0};
    sb_printf(&l, "[%d] %s", k + 1, nd->op);
    sb_printf(b, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", BX(k) + 8, BY(k) + 16);
    xml_text(b, l.s);
    sb_puts(b, "</text>\n");
    if (nd->group) { /* the function that made it, at the box's top right */
      sb_printf(b, "<text class=\"group\" x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#666\" "
                   "font-style=\"italic\">", BX(k) + BOX_W - 8, BY(k) + 16);
      l.len = 0;
      sb_printf(&l, _("(in %s)"), g->groups[nd->group - 1]);
      xml_text(b, l.s);
      sb_puts(b, "</text>\n");
    }
    l.len = 0;
    StrBuf v = {0};
    graph_fmt_tensor(&v, nd->value);
    sb_printf(&l, _("value %s"), v.s);
    sb_printf(b, "<text x=\"%d\" y=\"%d\">", BX(k) + 8, BY(k) + 33);
    xml_text(b, l.s);
    sb_puts(b, "</text>\n");
    if (nd->kind != GN_CONST) {
      l.len = 0;
      v.len = 0;
      graph_fmt_tensor(&v, nd->grad);
      sb_printf(&l, _("grad %s"), v.s);
      sb_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#b00\">", BX(k) + 8, BY(k) + 50);
      xml_text(b, l.s);
      sb_puts(b, "</text>\n");
    }
    sb_puts(b, "</g>\n");
    sb_free(&l);
    sb_free(&v);
  }
  if (n < g->n) {
    StrBuf l = {0};
    sb_printf(&l, _("... %d more nodes not drawn (at most %d are drawn)"), g->n - n, GRAPH_DRAW_MAX);
    sb_printf(b, "<text x=\"%d\" y=\"%d\">", MARGIN, H - MARGIN);
    xml_text(b, l.s);
    sb_puts(b, "</text>\n");
    sb_free(&l);
  }
  sb_puts(b, "</svg>\n");
#undef BX
#undef BY
  rt_free(dist);
  rt_free(row);
  rt_free(height);
}

/* ------------------------------------------------------------------ the builtin */

static Value bi_graph(Call *c) {
  if (!callable(c->args[0])) arg_error(c, 0, "a function, model or layer to draw the graph of");
  Value x = c->args[1];
  if (!is_tensorish(x) && x.type != V_LIST) arg_error(c, 1, "a number or tensor to evaluate f at");
  Graph *g = graph_build(c->I, c->args[0], x, c->node, "graph");
  return v_retain(v_graph(g)); /* graph_build's root goes when the call returns */
}

static const Builtin graph_builtins[] = {
    {"graph", "graph(f, x)", bi_graph,
     N_("the computation graph of one evaluation of f at x, with each node's value and gradient; "
        "print it, or plot(graph(f, x), file = \"g.svg\")")},
    {NULL, NULL, NULL, NULL},
};

void graph_register(Interp *I) {
  v_set_release(V_GRAPH, graph_release);
  builtins_register_table(I, graph_builtins);
}
