/* ast.h — the syntax tree the parser builds and the evaluator walks.
 *
 * Ownership: every node, string and list of a parse lives in the Arena of its
 * Source and dies with it; the interpreter keeps each Source alive as long as any
 * function defined in it may run (in practice: until the interpreter is freed).
 * Identifiers are interned Syms (pointer equality), owned by the SymTab.
 */
#ifndef NN_AST_H
#define NN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena: bump allocation, freed all at once ---- */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
  ArenaBlock *head;
} Arena;
void *arena_alloc(Arena *a, size_t n); /* zeroed, 16-byte aligned; throws on OOM */
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* ---- source text ---- */
typedef struct Source {
  char *name;     /* "script.nn", "<stdin>", "<repl>", "<stdlib:core.nn>", "-e" */
  char *text;     /* NUL-terminated, owned */
  size_t len;
  Arena arena;    /* the AST of this source */
  bool keep;      /* a function or declaration was made from it: it must outlive the run */
  struct Source *next; /* interpreter's list of live sources */
} Source;

/* 1-based line and column (columns count bytes); last_* is inclusive. */
typedef struct Span {
  int first_line, first_col, last_line, last_col;
} Span;

/* ---- interned identifiers ---- */
typedef struct Sym {
  const char *name;
  uint32_t hash;
  int len;
  int gslot;        /* 1 + index of the global variable of this name; 0: none yet
                       (owned by the interpreter; sym_intern leaves it zero) */
  struct Sym *next; /* hash chain */
} Sym;
typedef struct SymTab {
  Sym **buckets;
  int n_buckets, n_syms;
} SymTab;
Sym *sym_intern(SymTab *t, const char *s, size_t len);
void symtab_free(SymTab *t);

/* ---- nodes ----
 * Field use by kind (unused fields are zero):
 *   N_NUM      num                      N_STR    str (unescaped, NUL-terminated), len
 *   N_BOOL     num (0 or 1)             N_NONE   -
 *   N_NAME     sym
 *   N_BRACKET  kids = elements          [a, b, c]: a tensor if every element is a
 *                                        number/tensor of one shape, else a list
 *   N_RECORD   kids = N_KWARG fields    {a: 1, b: x}
 *   N_UNARY    op ('-', '+', OP_NOT), a
 *   N_BINARY   op ('+' '-' '*' '/' '%' '^' '@' '<' '>' OP_LE OP_GE OP_EQ OP_NE), a, b
 *   N_AND, N_OR  a, b (short-circuit)
 *   N_CALL     a = callee, kids = args; a keyword argument is an N_KWARG
 *   N_KWARG    sym = name, a = value
 *   N_INDEX    a = object, kids = items; an item is an expression or an N_SLICE
 *   N_SLICE    a = start, b = stop, c = step (each may be NULL)
 *   N_FIELD    a = object, sym = field  (x.T, rec.name)
 *   N_RANGE    a = from, b = to         a..b: from, from+1, ..., to-1
 *   N_FN       sym = name or NULL (anonymous), kids = N_PARAM, a = body,
 *              flags & NF_EXPR_BODY: a is an expression (fn f(x) = x + 1), else an N_BLOCK
 *   N_PARAM    sym = name, a = default value or NULL
 *   N_BLOCK    kids = statements
 *   N_LET      sym, a = value
 *   N_ASSIGN   a = target (N_NAME, N_INDEX or N_FIELD), b = value; x += e is parsed as
 *              N_ASSIGN(x, N_BINARY('+', x, e)) sharing the node x (so x[f()] += 1
 *              evaluates f() twice)
 *   N_EXPR     a = expression  (an expression statement: echoed by the REPL and -e)
 *   N_IF       a = cond, b = then-block, c = else-block, else-if N_IF, or NULL
 *   N_WHILE    a = cond, b = body
 *   N_FOR      sym = loop variable, a = iterable (an N_RANGE runs without a tensor), b = body
 *   N_BREAK, N_CONTINUE
 *   N_RETURN   a = value or NULL
 *   N_IMPORT   str = path
 *   N_EXPLAIN  a = the expression to walk through step by step (interp/explain.c)
 *   N_DECL     `activation|loss|optimizer|layer|model NAME(params) = expr | { block }`:
 *              str/len = the word, sym = NAME, kids = N_PARAM, a = body (NF_EXPR_BODY
 *              for `= expr`). Inside its body `param W = e` and `state v [= e]` are
 *              N_LET with op 'p' / 's', `native NAME` (a stdlib optimizer's kernel)
 *              an N_LET with op 'n' and no value, and `forward(x) = e` an N_FN named forward.
 *              (Evaluated by the declarations issue; an error until then.)
 */
typedef enum {
  N_NUM, N_STR, N_BOOL, N_NONE, N_NAME, N_BRACKET, N_RECORD,
  N_UNARY, N_BINARY, N_AND, N_OR, N_CALL, N_KWARG, N_INDEX, N_SLICE, N_FIELD, N_RANGE,
  N_FN, N_PARAM, N_BLOCK, N_LET, N_ASSIGN, N_EXPR, N_IF, N_WHILE, N_FOR,
  N_BREAK, N_CONTINUE, N_RETURN, N_IMPORT, N_DECL, N_EXPLAIN,
  N__COUNT
} NodeKind;

/* Operators that are not a single character. */
enum { OP_LE = 256, OP_GE, OP_EQ, OP_NE, OP_NOT };

enum { NF_EXPR_BODY = 1 };

typedef struct Node Node;
struct Node {
  NodeKind kind;
  int op;
  int flags;
  Span span;
  const Source *src;
  Node *a, *b, *c;
  Node **kids;
  int n_kids;
  double num;
  const char *str;
  size_t len;
  Sym *sym;
};

Node *ast_new(Arena *ar, NodeKind kind, const Source *src, Span span);
/* Append to a node's kids (arena-grown). */
void ast_push(Arena *ar, Node *parent, Node *kid);
const char *ast_kind_name(NodeKind k);
/* Debug dump, one node per line, indented (used by `nn --ast`). */
void ast_dump(const Node *n, int indent, void *file /* FILE* */);

/* ---- parsing (grammar/parser.y) ----
 * Parse the whole Source into an N_BLOCK of statements, allocated in src->arena.
 * On a syntax error returns NULL and fills *err. err->incomplete is set when the
 * input ended while a bracket, block or string was still open (the REPL then reads
 * a continuation line instead of reporting). */
typedef struct ParseError {
  Span span;          /* where the error is */
  char msg[512];      /* "expected ')' (to close '(' at line 3), got end of input" */
  int incomplete;
} ParseError;

Node *parse_source(Source *src, SymTab *syms, ParseError *err);

#endif
