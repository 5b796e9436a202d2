/* print.c — how values look: numbers to 6 significant digits, tensors like NumPy
 * (columns aligned, large ones elided with "..." and their shape shown). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decl.h"
#include "graph.h"
#include "mem.h"
#include "metrics.h"
#include "utf8.h"

enum {
  SUMMARY_SIZE = 1000, /* tensors with more elements are elided */
  EDGE = 3,            /* elements kept at each end of an elided axis */
  LINE_WIDTH = 75      /* 1-D rows wrap here, as NumPy does */
};

static int fmt_num_raw(char *buf, size_t n, double x) {
  if (isnan(x)) return snprintf(buf, n, "nan");
  if (isinf(x)) return snprintf(buf, n, x < 0 ? "-inf" : "inf");
  /* Zero prints as 0 whatever its sign: "-0" only puzzles a reader. */
  if (x == 0) x = 0;
  /* Whole numbers print exactly (3628800, not 3.6288e+06) while they are small enough
     to be exact in a double; everything else to 6 significant digits. */
  if (x == floor(x) && fabs(x) < 1e16) return snprintf(buf, n, "%.0f", x);
  return snprintf(buf, n, "%.6g", x);
}

void fmt_number(StrBuf *b, double x) {
  char buf[32];
  fmt_num_raw(buf, sizeof buf, x);
  sb_puts(b, buf);
}

/* Indices shown along an axis of size n: all, or EDGE at each end around a gap. */
static int shown(int64_t n, int summarize, int64_t *idx) {
  if (!summarize || n <= 2 * EDGE) {
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    return (int)n;
  }
  for (int i = 0; i < EDGE; i++) {
    idx[i] = i;
    idx[EDGE + 1 + i] = n - EDGE + i;
  }
  idx[EDGE] = -1; /* the "..." */
  return 2 * EDGE + 1;
}

typedef struct {
  const Tensor *t;
  int summarize;
  int width; /* every element padded to this */
  StrBuf *b;
} TFmt;

static void elem(TFmt *f, int64_t off) {
  char buf[32];
  int n = fmt_num_raw(buf, sizeof buf, f->t->data[off]);
  for (int i = n; i < f->width; i++) sb_putc(f->b, ' ');
  sb_puts(f->b, buf);
}

static void pad(StrBuf *b, int n) {
  for (int i = 0; i < n; i++) sb_putc(b, ' ');
}

/* Print the sub-tensor at axis `ax` starting at flat offset `off`. */
static void rec(TFmt *f, int ax, int64_t off, int64_t stride_prod) {
  const Tensor *t = f->t;
  int64_t n = t->shape[ax];
  int64_t stride = stride_prod / (n ? n : 1);
  int64_t idx[2 * EDGE + 2 > 64 ? 2 * EDGE + 2 : 64];
  int64_t *ix = idx;
  int64_t heap_needed = (!f->summarize || n <= 2 * EDGE) ? n : 2 * EDGE + 1;
  int64_t *heap = NULL;
  if (heap_needed > 64) ix = heap = rt_malloc(sizeof(int64_t) * (size_t)heap_needed);
  int m = shown(n, f->summarize, ix);
  sb_putc(f->b, '[');
  if (ax == t->ndim - 1) {
    int col = ax + 1;
    for (int i = 0; i < m; i++) {
      if (i) {
        sb_putc(f->b, ',');
        col++;
        if (col + f->width + 2 > LINE_WIDTH) {
          sb_putc(f->b, '\n');
          pad(f->b, ax + 1);
          col = ax + 1;
        } else {
          sb_putc(f->b, ' ');
          col++;
        }
      }
      if (ix[i] < 0) {
        pad(f->b, f->width > 3 ? f->width - 3 : 0);
        sb_puts(f->b, "...");
      } else {
        elem(f, off + ix[i] * stride);
      }
      col += f->width > 3 ? f->width : 3;
    }
  } else {
    for (int i = 0; i < m; i++) {
      if (i) {
        sb_putc(f->b, ',');
        /* One newline between rows, one more per axis above the rows (NumPy). */
        for (int k = ax; k < t->ndim - 1; k++) sb_putc(f->b, '\n');
        pad(f->b, ax + 1);
      }
      if (ix[i] < 0) sb_puts(f->b, "...");
      else rec(f, ax + 1, off + ix[i] * stride, stride);
    }
  }
  sb_putc(f->b, ']');
  rt_free(heap);
}

/* Width of the widest element that will be shown. */
static int max_width(const Tensor *t, int summarize) {
  int w = 1;
  char buf[32];
  if (!summarize) {
    for (int64_t i = 0; i < t->size; i++) {
      int n = fmt_num_raw(buf, sizeof buf, t->data[i]);
      if (n > w) w = n;
    }
    return w;
  }
  /* Elided: visit only the shown corner elements (odometer over shown indices). */
  int64_t ix[T_MAXDIM][2 * EDGE + 1];
  int m[T_MAXDIM], pos[T_MAXDIM] = {0};
  for (int a = 0; a < t->ndim; a++) m[a] = shown(t->shape[a], 1, ix[a]);
  for (;;) {
    int64_t off = 0, skip = 0;
    for (int a = 0; a < t->ndim; a++) {
      int64_t i = ix[a][pos[a]];
      if (i < 0) skip = 1;
      off = off * t->shape[a] + (i < 0 ? 0 : i);
    }
    if (!skip) {
      int n = fmt_num_raw(buf, sizeof buf, t->data[off]);
      if (n > w) w = n;
    }
    int a = t->ndim - 1;
    while (a >= 0 && ++pos[a] == m[a]) pos[a--] = 0;
    if (a < 0) break;
  }
  return w;
}

/* Whether T prints elided ("...") and followed by its shape. An empty tensor prints one
   [] per index of the axes before its first zero axis (zeros(1e8, 0) has 1e8 of them):
   those count, not its size of 0. */
static int summarized(const Tensor *t) {
  int64_t brackets = 1;
  for (int a = 0; a < t->ndim && t->shape[a] && brackets <= SUMMARY_SIZE; a++) brackets *= t->shape[a];
  return t->size > SUMMARY_SIZE || (t->size == 0 && brackets > SUMMARY_SIZE);
}

void fmt_tensor(StrBuf *b, const Tensor *t) {
  if (t->ndim == 0) {
    fmt_number(b, t->data[0]);
    return;
  }
  int summarize = summarized(t);
  /* Rows of a matrix line up in columns; a single row is written compactly. */
  TFmt f = {t, summarize, t->ndim >= 2 && t->size ? max_width(t, summarize) : 0, b};
  rec(&f, 0, 0, t->size);
  if (summarize) {
    char sh[96];
    sb_printf(b, "  # shape %s", t_shape_str(t->ndim, t->shape, sh, sizeof sh));
  }
}

static void quote(StrBuf *b, const Str *s) {
  sb_putc(b, '"');
  for (size_t i = 0; i < s->len; i++) {
    unsigned char c = (unsigned char)s->data[i];
    switch (c) {
    case '"': sb_puts(b, "\\\""); break;
    case '\\': sb_puts(b, "\\\\"); break;
    case '\n': sb_puts(b, "\\n"); break;
    case '\t': sb_puts(b, "\\t"); break;
    case '\r': sb_puts(b, "\\r"); break;
    default:
      if (c < 32) sb_printf(b, "\\u{%x}", c);
      else sb_putc(b, (char)c);
    }
  }
  sb_putc(b, '"');
}

static void fmt_params(StrBuf *b, const Params *p) {
  for (int i = 0; i < p->n; i++) {
    if (i) sb_puts(b, ", ");
    if (p->variadic && i == p->n - 1) sb_putc(b, '*');
    sb_puts(b, p->names[i]->name);
    if (p->has_default[i]) {
      sb_puts(b, " = ");
      v_repr(b, p->defaults[i]);
    }
  }
}

/* Containers being printed, outermost first: a list or record met again inside itself
   prints as [...] / {...} (like Python), and nesting past MAX_NEST is cut the same way. */
enum { MAX_NEST = 100 };
typedef struct {
  const void *open[MAX_NEST];
  int n;
  bool summary;     /* the echo's short form: see v_echo */
  char pending[96]; /* the shape comment of a summarised tensor inside a container: it
                       ends its line, after the ',' that follows the tensor */
} Nest;

/* ", " between the items of a list or record; after a summarised tensor ",  # shape
   [101, 2]" and a new line (fmt_item indents it under the container's first item). */
static void item_sep(StrBuf *b, Nest *nest) {
  if (!nest->pending[0]) {
    sb_puts(b, ", ");
    return;
  }
  sb_printf(b, ",  # %s\n ", nest->pending);
  nest->pending[0] = 0;
}

static void fmt_value(StrBuf *b, Value v, int top_str_raw, Nest *nest);
static bool fmt_elided(StrBuf *b, Value v, Nest *nest);

/* An element of a list or record: a multi-line value (a matrix) has its later lines
   indented to the column where it starts, so its rows line up. */
static void fmt_item(StrBuf *b, Value v, Nest *nest) {
  size_t line = b->len;
  while (line > 0 && b->s[line - 1] != '\n') line--;
  /* display columns: a Chinese string before the item takes two a character */
  int col = utf8_cols_n(b->s + line, b->len - line);
  if (col > 32) col = 2; /* deep inside a long line: indent a little, not to the far right */
  StrBuf item = {0};
  fmt_value(&item, v, 0, nest);
  for (size_t i = 0; i < item.len; i++) {
    sb_putc(b, item.s[i]);
    if (item.s[i] == '\n')
      for (int k = 0; k < col; k++) sb_putc(b, ' ');
  }
  sb_free(&item);
}

/* Enter a container; false (and "[...]" written) when it is already open or too deep. */
static bool nest_enter(StrBuf *b, Nest *nest, const void *c, const char *cut) {
  bool again = nest->n >= MAX_NEST;
  for (int i = 0; i < nest->n && !again; i++) again = nest->open[i] == c;
  if (again) {
    sb_puts(b, cut);
    return false;
  }
  nest->open[nest->n++] = c;
  return true;
}

static void fmt_value(StrBuf *b, Value v, int top_str_raw, Nest *nest) {
  if (v.type == V_U8) { /* bytes print as the floats they stand for */
    Tensor *volatile t = u8_to_tensor(v.as.u8);
    RtFrame f;
    if (RT_TRY(&f)) {
      fmt_value(b, v_tensor(t), top_str_raw, nest);
      rt_pop(&f);
    } else {
      rt_pop(&f);
      t_release(t);
      rt_rethrow();
    }
    t_release(t);
    return;
  }
  if (nest->summary && fmt_elided(b, v, nest)) return;
  switch (v.type) {
  case V_NONE: sb_puts(b, "none"); break;
  case V_BOOL: sb_puts(b, v.as.num ? "true" : "false"); break;
  case V_NUM: fmt_number(b, v.as.num); break;
  case V_STR:
    if (top_str_raw) sb_putn(b, v.as.str->data, v.as.str->len); /* NULs included */
    else quote(b, v.as.str);
    break;
  case V_TENSOR:
    if (nest->n == 0 && v.as.t->table) { /* a confusion matrix or report, shown alone */
      metrics_fmt_table(b, v.as.t);
      break;
    }
    fmt_tensor(b, v.as.t);
    /* Empty with more than one axis, shown on its own: [] alone would hide [0, 3]. */
    if (nest->n == 0 && v.as.t->size == 0 && v.as.t->ndim > 1 && !summarized(v.as.t)) {
      char sh[96];
      sb_printf(b, "  # shape %s", t_shape_str(v.as.t->ndim, v.as.t->shape, sh, sizeof sh));
    }
    break;
  case V_U8: break; /* printed as its floats above */
  case V_LIST:
    if (!nest_enter(b, nest, v.as.list, "[...]")) break;
    sb_putc(b, '[');
    for (int i = 0; i < v.as.list->n; i++) {
      if (i) item_sep(b, nest);
      fmt_item(b, v.as.list->items[i], nest);
    }
    sb_putc(b, ']');
    nest->n--;
    break;
  case V_RECORD:
    if (!nest_enter(b, nest, v.as.rec, "{...}")) break;
    sb_putc(b, '{');
    for (int i = 0; i < v.as.rec->n; i++) {
      if (i) item_sep(b, nest);
      sb_printf(b, "%s: ", v.as.rec->keys[i]->name);
      fmt_item(b, v.as.rec->vals[i], nest);
    }
    sb_putc(b, '}');
    nest->n--;
    break;
  case V_FUNC: {
    static const char *const kinds[] = {"fn", "activation", "loss", "layer", "model", "optimizer"};
    const Func *f = v.as.fn;
    const char *kind = f->kind != FK_FN ? kinds[f->kind] : f->bi ? "builtin" : "fn";
    if (f->def && !f->def->sym) sb_puts(b, "<fn(");
    else sb_printf(b, "<%s %s(", kind, f->name);
    fmt_params(b, &f->params);
    sb_puts(b, ")>");
    break;
  }
  case V_LAYER: {
    const Layer *l = v.as.layer;
    sb_printf(b, "<layer %s", l->kind);
    if (l->native && !strcmp(l->kind, "dense"))
      sb_printf(b, "(%g → %g)", l->hp[0], l->hp[1]);
    for (int i = 0; i < l->n_params; i++) {
      char sh[96];
      sb_printf(b, "%s %s %s", i ? "," : ":", l->param_names[i]->name,
                t_shape_str(l->params[i]->ndim, l->params[i]->shape, sh, sizeof sh));
    }
    sb_putc(b, '>');
    break;
  }
  case V_MODEL: {
    const Model *m = v.as.model;
    sb_printf(b, "<model %s:", m->name);
    for (int i = 0; i < m->n; i++) {
      Value l = m->layers[i];
      sb_printf(b, " %s", l.type == V_LAYER ? l.as.layer->kind : l.as.model->name);
    }
    sb_putc(b, '>');
    break;
  }
  case V_OPTIM: {
    const Optim *o = v.as.optim;
    sb_printf(b, "<optimizer %s(", o->name);
    const Env *h = o->hyper;
    for (int i = 0; h && i < h->n; i++) {
      sb_printf(b, "%s%s = ", i ? ", " : "", h->names[i]->name);
      fmt_value(b, h->vals[i], 0, nest);
    }
    sb_puts(b, ")>");
    break;
  }
  case V_GRAPH: graph_format(b, v.as.graph); break;
  case V_ENV: sb_puts(b, "<scope>"); break;
  }
}

void v_repr(StrBuf *b, Value v) {
  Nest nest = {.n = 0};
  fmt_value(b, v, 0, &nest);
}

void v_str_of(StrBuf *b, Value v) {
  Nest nest = {.n = 0};
  fmt_value(b, v, 1, &nest);
}

/* ------------------------------------------------------------------ the echo */

enum {
  ECHO_LINES = 20,       /* an echo longer than this is summarised */
  ECHO_COLUMNS = 80,     /* on a screen this wide */
  ECHO_WEIGHT = 20000,   /* values with more numbers than this go straight to the summary */
  ECHO_ITEMS = 10        /* lists and records with more items keep EDGE at each end */
};

/* How many numbers and items v holds, counting up to just past cap (cycles and deep
   nesting count as past it). */
static int64_t weight(Value v, int64_t cap, int depth) {
  if (depth > MAX_NEST) return cap + 1;
  int64_t w = 1;
  if (v.type == V_TENSOR) return v.as.t->size;
  if (v.type == V_U8) return v.as.u8->size;
  if (v.type == V_LIST)
    for (int i = 0; i < v.as.list->n && w <= cap; i++) w += weight(v.as.list->items[i], cap, depth + 1);
  if (v.type == V_RECORD)
    for (int i = 0; i < v.as.rec->n && w <= cap; i++) w += weight(v.as.rec->vals[i], cap, depth + 1);
  return w;
}

/* The summary form of a tensor, list or record with more than fits (NumPy's, applied to
   every axis and container): EDGE items at each end of each long axis around "...",
   then the tensor's shape; a list or record says how many items it left out. false when
   v is short enough to be written as usual. */
static bool fmt_elided(StrBuf *b, Value v, Nest *nest) {
  if (v.type == V_TENSOR) {
    const Tensor *t = v.as.t;
    bool long_axis = false;
    for (int a = 0; a < t->ndim; a++) long_axis |= t->shape[a] > 2 * EDGE;
    if (!long_axis || t->size == 0) return false; /* as usual */
    TFmt f = {t, 1, t->ndim >= 2 ? max_width(t, 1) : 0, b};
    rec(&f, 0, 0, t->size);
    char sh[96];
    snprintf(nest->pending, sizeof nest->pending, "shape %s", t_shape_str(t->ndim, t->shape, sh, sizeof sh));
    if (nest->n == 0) {
      sb_printf(b, "  # %s", nest->pending);
      nest->pending[0] = 0;
    }
    return true;
  }
  bool list = v.type == V_LIST;
  int n = list ? v.as.list->n : v.type == V_RECORD ? v.as.rec->n : 0;
  if (n <= ECHO_ITEMS) return false;
  if (!nest_enter(b, nest, list ? (const void *)v.as.list : (const void *)v.as.rec, list ? "[...]" : "{...}"))
    return true;
  sb_putc(b, list ? '[' : '{');
  for (int i = 0; i < n; i++) {
    if (i == EDGE) {
      item_sep(b, nest);
      sb_printf(b, _("... %d more, "), n - 2 * EDGE); /* the echo's words (i18n.h) */
      i = n - EDGE;
    } else if (i) {
      item_sep(b, nest);
    }
    if (!list) sb_printf(b, "%s: ", v.as.rec->keys[i]->name);
    fmt_item(b, list ? v.as.list->items[i] : v.as.rec->vals[i], nest);
  }
  sb_putc(b, list ? ']' : '}');
  nest->n--;
  return true;
}

void v_echo(StrBuf *b, Value v) {
  size_t start = b->len;
  Nest nest = {.n = 0, .summary = false, .pending = ""};
  if (weight(v, ECHO_WEIGHT, 0) <= ECHO_WEIGHT) {
    fmt_value(b, v, 0, &nest);
    /* Lines on an 80-column screen: a long line wraps (columns count characters). */
    int lines = 1, col = 0;
    for (size_t i = start; i < b->len; i++) {
      if (b->s[i] == '\n') lines++, col = 0;
      else if (((unsigned char)b->s[i] & 0xC0) != 0x80 && ++col > ECHO_COLUMNS) lines++, col = 1;
    }
    if (lines <= ECHO_LINES) return;
    b->len = start;
    b->s[start] = 0;
  }
  nest.summary = true;
  fmt_value(b, v, 0, &nest);
  if (nest.pending[0]) sb_printf(b, "  # %s", nest.pending);
}
