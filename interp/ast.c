/* ast.c — the syntax tree's storage: bump arena, interned symbols, node helpers, dump. */
#include "ast.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* ---- arena ----
 * Blocks of ARENA_BLOCK bytes, each headed by a link; a request larger than a quarter
 * block gets a block of its own (inserted behind the head so the head's free space
 * is not wasted). Payloads start 16-byte aligned because the header is padded to 16
 * and every request is rounded up to 16. */
enum { ARENA_BLOCK = 64 * 1024, ARENA_ALIGN = 16 };

struct ArenaBlock {
  ArenaBlock *next;
  size_t used, cap;
  alignas(16) unsigned char data[];
};

static ArenaBlock *block_new(size_t cap) {
  ArenaBlock *b = rt_malloc(sizeof(ArenaBlock) + cap);
  b->next = NULL;
  b->used = 0;
  b->cap = cap;
  return b;
}

void *arena_alloc(Arena *a, size_t n) {
  if (n == 0) n = 1;
  if (n > SIZE_MAX - 2 * ARENA_ALIGN - sizeof(ArenaBlock)) rt_malloc(SIZE_MAX); /* throws */
  n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  ArenaBlock *b = a->head;
  if (!b || b->cap - b->used < n) {
    if (n > ARENA_BLOCK / 4) {
      /* Big request: a dedicated block, kept out of the head position. */
      ArenaBlock *big = block_new(n);
      if (b) {
        big->next = b->next;
        b->next = big;
      } else {
        a->head = big;
      }
      big->used = n;
      memset(big->data, 0, n);
      return big->data;
    }
    b = block_new(ARENA_BLOCK);
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1); /* zeroed: the terminator is already there */
  memcpy(p, s, n);
  return p;
}

void arena_free(Arena *a) {
  ArenaBlock *b = a->head;
  while (b) {
    ArenaBlock *next = b->next;
    rt_free(b);
    b = next;
  }
  a->head = NULL;
}

/* ---- symbols ----
 * Chained hash table keyed by 32-bit FNV-1a; doubles when the load factor passes 1.
 * A Sym and its name share one allocation. */
static uint32_t fnv1a(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

static void symtab_grow(SymTab *t) {
  int n = t->n_buckets ? t->n_buckets * 2 : 64;
  Sym **nb = rt_calloc((size_t)n, sizeof *nb);
  for (int i = 0; i < t->n_buckets; i++) {
    Sym *s = t->buckets[i];
    while (s) {
      Sym *next = s->next;
      Sym **slot = &nb[s->hash & (uint32_t)(n - 1)];
      s->next = *slot;
      *slot = s;
      s = next;
    }
  }
  rt_free(t->buckets);
  t->buckets = nb;
  t->n_buckets = n;
}

Sym *sym_intern(SymTab *t, const char *s, size_t len) {
  uint32_t h = fnv1a(s, len);
  if (t->n_buckets) {
    for (Sym *y = t->buckets[h & (uint32_t)(t->n_buckets - 1)]; y; y = y->next)
      if (y->hash == h && (size_t)y->len == len && memcmp(y->name, s, len) == 0) return y;
  }
  if (t->n_syms >= t->n_buckets) symtab_grow(t);
  Sym *y = rt_malloc(sizeof *y + len + 1);
  char *name = (char *)(y + 1);
  memcpy(name, s, len);
  name[len] = 0;
  y->name = name;
  y->hash = h;
  y->len = (int)len;
  y->gslot = 0;
  Sym **slot = &t->buckets[h & (uint32_t)(t->n_buckets - 1)];
  y->next = *slot;
  *slot = y;
  t->n_syms++;
  return y;
}

void symtab_free(SymTab *t) {
  for (int i = 0; i < t->n_buckets; i++) {
    Sym *s = t->buckets[i];
    while (s) {
      Sym *next = s->next;
      rt_free(s);
      s = next;
    }
  }
  rt_free(t->buckets);
  t->buckets = NULL;
  t->n_buckets = t->n_syms = 0;
}

/* ---- nodes ---- */
Node *ast_new(Arena *ar, NodeKind kind, const Source *src, Span span) {
  Node *n = arena_alloc(ar, sizeof *n);
  n->kind = kind;
  n->src = src;
  n->span = span;
  return n;
}

/* kids has no capacity field: capacities are powers of two, so the array is full
   exactly when n_kids is 0 or a power of two, and then it is copied into one twice
   as large (the old array stays in the arena; the waste is at most the final size). */
void ast_push(Arena *ar, Node *parent, Node *kid) {
  int n = parent->n_kids;
  if ((n & (n - 1)) == 0) {
    size_t cap = n ? (size_t)n * 2 : 2;
    Node **k = arena_alloc(ar, cap * sizeof *k);
    if (n) memcpy(k, parent->kids, (size_t)n * sizeof *k);
    parent->kids = k;
  }
  parent->kids[n] = kid;
  parent->n_kids = n + 1;
}

static const char *const kind_names[] = {
    [N_NUM] = "num",        [N_STR] = "str",         [N_BOOL] = "bool",
    [N_NONE] = "none",      [N_NAME] = "name",       [N_BRACKET] = "bracket",
    [N_RECORD] = "record",  [N_UNARY] = "unary",     [N_BINARY] = "binary",
    [N_AND] = "and",        [N_OR] = "or",           [N_CALL] = "call",
    [N_KWARG] = "kwarg",    [N_INDEX] = "index",     [N_SLICE] = "slice",
    [N_FIELD] = "field",    [N_RANGE] = "range",     [N_FN] = "fn",
    [N_PARAM] = "param",    [N_BLOCK] = "block",     [N_LET] = "let",
    [N_ASSIGN] = "assign",  [N_EXPR] = "expr",       [N_IF] = "if",
    [N_WHILE] = "while",    [N_FOR] = "for",         [N_BREAK] = "break",
    [N_CONTINUE] = "continue", [N_RETURN] = "return", [N_IMPORT] = "import",
    [N_DECL] = "decl",      [N_EXPLAIN] = "explain",
};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == N__COUNT,
               "kind_names must name every NodeKind");

const char *ast_kind_name(NodeKind k) {
  return (unsigned)k < N__COUNT ? kind_names[k] : "?";
}

static void dump_op(FILE *f, int op) {
  switch (op) {
  case OP_LE: fputs(" <=", f); break;
  case OP_GE: fputs(" >=", f); break;
  case OP_EQ: fputs(" ==", f); break;
  case OP_NE: fputs(" !=", f); break;
  case OP_NOT: fputs(" not", f); break;
  default: fprintf(f, " %c", op); break; /* a single ASCII operator character */
  }
}

static void dump_str(FILE *f, const char *s, size_t len) {
  fputc('"', f);
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", f);
    else if (ch == '\t') fputs("\\t", f);
    else if (ch < 0x20 || ch == 0x7f) fprintf(f, "\\x%02x", ch);
    else fputc(ch, f);
  }
  fputc('"', f);
}

/* One line per node: "kind details @l:c-l:c", children indented by two. The fixed
   children a, b, c come first (a missing one is shown as "-" when a later one exists,
   so positions keep their meaning, e.g. in a slice), then kids. */
void ast_dump(const Node *n, int indent, void *file) {
  FILE *f = file;
  fprintf(f, "%*s", indent * 2, "");
  if (!n) {
    fputs("-\n", f);
    return;
  }
  fputs(ast_kind_name(n->kind), f);
  switch (n->kind) {
  case N_NUM: {
    /* The shortest of 15 or 17 digits that reads back as the same double. */
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", n->num);
    if (strtod(buf, NULL) != n->num) snprintf(buf, sizeof buf, "%.17g", n->num);
    fprintf(f, " %s", buf);
    break;
  }
  case N_BOOL: fputs(n->num != 0 ? " true" : " false", f); break;
  case N_STR: case N_IMPORT:
    fputc(' ', f);
    dump_str(f, n->str ? n->str : "", n->len);
    break;
  case N_UNARY: case N_BINARY: dump_op(f, n->op); break;
  case N_LET:
    if (n->op == 'p') fputs(" param", f);
    else if (n->op == 's') fputs(" state", f);
    else if (n->op == 'n') fputs(" native", f);
    break;
  case N_DECL: fprintf(f, " %s", n->str ? n->str : "?"); break;
  default: break;
  }
  if (n->sym) fprintf(f, " %s", n->sym->name);
  if (n->flags & NF_EXPR_BODY) fputs(" =expr", f);
  fprintf(f, " @%d:%d-%d:%d\n", n->span.first_line, n->span.first_col, n->span.last_line,
          n->span.last_col);
  const Node *fixed[3] = {n->a, n->b, n->c};
  int last = -1;
  for (int i = 0; i < 3; i++)
    if (fixed[i]) last = i;
  for (int i = 0; i <= last; i++) ast_dump(fixed[i], indent + 1, f);
  for (int i = 0; i < n->n_kids; i++) ast_dump(n->kids[i], indent + 1, f);
}
