/* parser.y — the nn grammar: tokens to the AST of interp/ast.h, with spans and plain-words errors. */

%require "3.8"
%define api.pure full
%locations
%define parse.error custom
%define parse.lac full
%expect 0
%parse-param {ParseCtx *ctx} {yyscan_t scanner}
%lex-param {yyscan_t scanner}

%code requires {
#include "ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* Limits that keep the C stack and the tree depth bounded: open brackets (checked by
   the scanner), and the depth of any subtree (checked as nodes are built; the bison
   stack is capped at YYMAXDEPTH with the same message). */
enum { PARSE_MAX_NESTING = 256, PARSE_MAX_DEPTH = 10000 };

/* A semantic value: a node, its subtree depth, and a rule-specific tag (for a
   comparison: 1, to refuse chains; for an assignment: its compound operator or 0). */
typedef struct Ex {
  Node *n;
  int d;
  int tag;
} Ex;

typedef struct OpenBracket {
  char ch;
  int line, col;
} OpenBracket;

/* Everything one parse needs; shared by scanner (yyextra) and parser (%parse-param). */
typedef struct ParseCtx {
  Source *src;
  SymTab *syms;
  ParseError *err;
  Node *root;
  int failed;                 /* err is filled: the first error wins */
  /* scanner position: next byte's line/col/offset, and the last line break seen */
  int line, col, nl_line, nl_col;
  int end_line, end_col;      /* position of the last byte scanned */
  size_t off;
  size_t tok_off, tok_len;    /* text of the last token matched (the lookahead) */
  int last_tok;               /* kind of the last token handed to the parser */
  struct {                    /* the two tokens before it, for "x y" messages */
    int kind;
    size_t off, len;
    Span span;
  } prev[2];
  Span tok_span;              /* span of the last match */
  size_t last_off, last_len;  /* text and span of last_tok */
  Span last_span;
  int n_open;                 /* open brackets, innermost last */
  OpenBracket open[PARSE_MAX_NESTING];
  OpenBracket closed;         /* what the last token closed, if it was a closer */
  int closed_valid;
  int eof_incomplete;         /* input ended inside brackets or after an operator */
} ParseCtx;
}

%union {
  double num;
  struct { char *s; size_t len; } str;
  Sym *sym;
  Ex ex;
  int op;
}

%code {
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "lexer.h"
#include "utf8.h"

#define YYMAXDEPTH PARSE_MAX_DEPTH

static void yyerror(YYLTYPE *loc, ParseCtx *ctx, yyscan_t scanner, const char *msg);
static void fail(ParseCtx *c, Span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define SP(l) ((Span){(l).first_line, (l).first_column, (l).last_line, (l).last_column})
/* After any action that can fail: stop the parse (bison frees its stacks). */
#define CK do { if (ctx->failed) YYABORT; } while (0)

static Node *mk(ParseCtx *c, NodeKind k, YYLTYPE loc) {
  return ast_new(&c->src->arena, k, c->src, SP(loc));
}

static int imax(int a, int b) { return a > b ? a : b; }

/* Wrap n with depth d, refusing trees deeper than PARSE_MAX_DEPTH. */
static Ex ex(ParseCtx *c, Node *n, int d) {
  if (d > PARSE_MAX_DEPTH) fail(c, n->span, "expression too deeply nested");
  return (Ex){n, d, 0};
}

static Ex leaf(ParseCtx *c, NodeKind k, YYLTYPE loc) { return ex(c, mk(c, k, loc), 1); }

static Ex unary(ParseCtx *c, int op, Ex a, YYLTYPE loc) {
  Node *n = mk(c, N_UNARY, loc);
  n->op = op;
  n->a = a.n;
  return ex(c, n, a.d + 1);
}

static Ex binary(ParseCtx *c, NodeKind k, int op, Ex a, Ex b, YYLTYPE loc) {
  Node *n = mk(c, k, loc);
  n->op = op;
  n->a = a.n;
  n->b = b.n;
  return ex(c, n, imax(a.d, b.d) + 1);
}

/* Append kid to a list-shaped node (block, call, index, bracket, record, params). */
static Ex push(ParseCtx *c, Ex list, Ex kid) {
  ast_push(&c->src->arena, list.n, kid.n);
  list.d = imax(list.d, kid.d + 1);
  return list;
}

static Ex list_new(ParseCtx *c, NodeKind k, YYLTYPE loc) { return (Ex){mk(c, k, loc), 1, 0}; }

static Ex kwarg(ParseCtx *c, Sym *name, Ex value, YYLTYPE loc) {
  Node *n = mk(c, N_KWARG, loc);
  n->sym = name;
  n->a = value.n;
  return ex(c, n, value.d + 1);
}

/* Parameters with defaults come after those without, like Python's rule. */
static Ex add_param(ParseCtx *c, Ex list, Ex param) {
  if (list.n->n_kids > 0 && list.n->kids[list.n->n_kids - 1]->a && !param.n->a)
    fail(c, param.n->span, "parameter '%s' needs a default value (it follows a parameter with one)",
         param.n->sym->name);
  return push(c, list, param);
}

/* A positional argument may not follow a keyword argument. */
static Ex add_arg(ParseCtx *c, Ex list, Ex arg) {
  if (list.n->n_kids > 0 && list.n->kids[list.n->n_kids - 1]->kind == N_KWARG &&
      arg.n->kind != N_KWARG)
    fail(c, arg.n->span, "positional argument after keyword arguments");
  return push(c, list, arg);
}

/* Only names, indexings and fields can be assigned to; say what the target was (one
   whole sentence each, for the catalogue). */
static void check_target(ParseCtx *c, const Node *t) {
  Span at = t->span;
  switch (t->kind) {
  case N_NAME: case N_INDEX: case N_FIELD: return;
  case N_CALL: fail(c, at, "cannot assign to a call"); return;
  case N_NUM: case N_STR: case N_BOOL: case N_NONE: fail(c, at, "cannot assign to a literal"); return;
  case N_BRACKET: fail(c, at, "cannot assign to a list"); return;
  case N_RECORD: fail(c, at, "cannot assign to a record"); return;
  case N_FN: fail(c, at, "cannot assign to a function"); return;
  case N_RANGE: fail(c, at, "cannot assign to a range"); return;
  case N_UNARY: case N_BINARY: case N_AND: case N_OR:
    fail(c, at, "cannot assign to an operator expression");
    return;
  default: fail(c, at, "cannot assign to this expression"); return;
  }
}

/* target op= value  ==>  N_ASSIGN(target, N_BINARY(op, target, value)); the target
   node is shared, so the evaluator can tell a compound assignment by b->a == a. */
static Ex assign(ParseCtx *c, int op, Ex target, Ex value, YYLTYPE loc) {
  Node *n = mk(c, N_ASSIGN, loc);
  n->a = target.n;
  int d = imax(target.d, value.d) + 1;
  if (op) {
    Node *b = mk(c, N_BINARY, loc);
    b->op = op;
    b->a = target.n;
    b->b = value.n;
    n->b = b;
    d++;
  } else {
    n->b = value.n;
  }
  Ex r = ex(c, n, d);
  r.tag = op;
  return r;
}

static int is_word(const Sym *s, const char *w) { return strcmp(s->name, w) == 0; }

/* In a declaration body, `forward(x, k = 1) = expr` and `forward(x) { ... }` define the
   forward function; they parse as a call (then `=` or a block), converted here. */
static Ex forward_fn(ParseCtx *c, Ex call, Ex body, int expr_body, YYLTYPE loc) {
  Node *f = call.n;
  if (f->kind != N_CALL || f->a->kind != N_NAME || !is_word(f->a->sym, "forward")) {
    if (expr_body) fail(c, f->span, "cannot assign to a call");
    else fail(c, f->span, "a block can only follow 'forward(...)' here");
    return call;
  }
  Node *fn = mk(c, N_FN, loc);
  fn->sym = f->a->sym;
  fn->a = body.n;
  fn->flags = expr_body ? NF_EXPR_BODY : 0;
  for (int i = 0; i < f->n_kids; i++) {
    Node *arg = f->kids[i], *p = ast_new(&c->src->arena, N_PARAM, c->src, arg->span);
    if (arg->kind == N_NAME) {
      p->sym = arg->sym;
    } else if (arg->kind == N_KWARG) {
      p->sym = arg->sym;
      p->a = arg->a;
    } else {
      fail(c, arg->span, "expected a parameter name in forward(...)");
      return call;
    }
    ast_push(&c->src->arena, fn, p);
  }
  return ex(c, fn, imax(call.d, body.d) + 1);
}

/* WORD NAME(params) = expr | WORD NAME(params) { } | WORD NAME { } */
static Ex decl(ParseCtx *c, Sym *word, YYLTYPE word_loc, Sym *name, Ex params, Ex body,
               int expr_body, YYLTYPE loc) {
  static const char *const words[] = {"activation", "loss", "optimizer", "layer", "model"};
  int ok = 0;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) ok |= is_word(word, words[i]);
  if (!ok) {
    fail(c, SP(word_loc),
         "unknown declaration '%s' (expected activation, loss, optimizer, layer or model)",
         word->name);
    return body;
  }
  Node *n = params.n ? params.n : mk(c, N_DECL, loc);
  n->kind = N_DECL;
  n->span = SP(loc);
  n->str = arena_strndup(&c->src->arena, word->name, (size_t)word->len);
  n->len = (size_t)word->len;
  n->sym = name;
  n->a = body.n;
  n->flags = expr_body ? NF_EXPR_BODY : 0;
  return ex(c, n, imax(params.d, body.d) + 1);
}

/* `param NAME = expr`, `state NAME = expr`, `state NAME` inside declaration bodies, and
   `native NAME` (a stdlib optimizer naming its kernel; checked in decl.c). */
static Ex member(ParseCtx *c, Sym *word, YYLTYPE word_loc, Sym *name, Ex value, YYLTYPE loc) {
  int is_param = is_word(word, "param"), is_state = is_word(word, "state");
  if (!value.n && is_word(word, "native")) {
    Node *n = mk(c, N_LET, loc);
    n->op = 'n';
    n->sym = name;
    return ex(c, n, 1);
  }
  if (is_param && !value.n) {
    fail(c, SP(loc), "param '%s' needs an initial value (param %s = ...)", name->name, name->name);
    return value;
  }
  if (!is_state && !is_param) {
    if (value.n) fail(c, SP(word_loc), "unknown declaration '%s' (expected param or state)", word->name);
    else fail(c, SP(word_loc), "unknown declaration '%s' (expected state)", word->name);
    return value;
  }
  Node *n = mk(c, N_LET, loc);
  n->op = is_param ? 'p' : 's';
  n->sym = name;
  n->a = value.n;
  return ex(c, n, value.d + 1);
}
}

%token <num> NUM "number"
%token <str> STR "string"
%token <sym> NAME "name"
%token NEWLINE "newline"
%token LET "let" FN "fn" IF "if" ELSE "else" WHILE "while" FOR "for" IN "in"
%token BREAK "break" CONTINUE "continue" RETURN "return" IMPORT "import" EXPLAIN "explain"
%token AND "and" OR "or" NOT "not" TRUE "true" FALSE "false" NONE "none"
%token LE "<=" GE ">=" EQ "==" NE "!=" DOTDOT ".."
%token PLUSEQ "+=" MINUSEQ "-=" STAREQ "*=" SLASHEQ "/="

%type <ex> seq opt_stmt stmt simple_stmt assign if_stmt decl_stmt block
%type <ex> dblock dseq opt_dstmt dstmt
%type <ex> expr or_expr and_expr not_expr cmp_expr range_expr add_expr mul_expr unary pow
%type <ex> postfix primary args arg_list arg params param_list param
%type <ex> items item_list item opt_expr elems fields field
%type <op> cmpop mulop compound

%%

program:
  seq {
    /* The program's block spans the whole text, to its last byte. */
    $1.n->span = (Span){1, 1, ctx->end_line, ctx->end_col};
    ctx->root = $1.n;
  }
;

/* Statement lists are left-recursive (a million statements take constant stack);
   empty statements make blank lines and stray ';' harmless. */
seq:
  opt_stmt               { $$ = list_new(ctx, N_BLOCK, @$); if ($1.n) $$ = push(ctx, $$, $1); }
| seq sep opt_stmt       { $$ = $1; if ($3.n) $$ = push(ctx, $$, $3); }
;
sep: NEWLINE | ';' ;
opt_stmt: %empty { $$ = (Ex){NULL, 0, 0}; } | stmt ;

block:
  '{' seq '}'            { $$ = $2; $$.n->span = SP(@$); }
;

stmt:
  assign                 { $$ = $1; check_target(ctx, $1.n->a); CK; }
| simple_stmt
;

assign:
  expr '=' expr          { $$ = assign(ctx, 0, $1, $3, @$); CK; }
| expr compound expr     { $$ = assign(ctx, $2, $1, $3, @$); CK; }
;
compound: PLUSEQ { $$ = '+'; } | MINUSEQ { $$ = '-'; } | STAREQ { $$ = '*'; } | SLASHEQ { $$ = '/'; } ;

simple_stmt:
  expr                   { Node *n = mk(ctx, N_EXPR, @$); n->a = $1.n; $$ = ex(ctx, n, $1.d + 1); CK; }
| LET NAME '=' expr      { Node *n = mk(ctx, N_LET, @$); n->sym = $2; n->a = $4.n;
                           $$ = ex(ctx, n, $4.d + 1); CK; }
| FN NAME '(' params ')' '=' expr
                         { $$ = $4; $$.n->span = SP(@$); $$.n->sym = $2; $$.n->a = $7.n;
                           $$.n->flags = NF_EXPR_BODY; $$ = ex(ctx, $$.n, imax($4.d, $7.d) + 1); CK; }
| FN NAME '(' params ')' block
                         { $$ = $4; $$.n->span = SP(@$); $$.n->sym = $2; $$.n->a = $6.n;
                           $$ = ex(ctx, $$.n, imax($4.d, $6.d) + 1); CK; }
| if_stmt
| WHILE expr block       { $$ = binary(ctx, N_WHILE, 0, $2, $3, @$); CK; }
| FOR NAME IN expr block { $$ = binary(ctx, N_FOR, 0, $4, $5, @$); $$.n->sym = $2; CK; }
| BREAK                  { $$ = leaf(ctx, N_BREAK, @$); }
| CONTINUE               { $$ = leaf(ctx, N_CONTINUE, @$); }
| RETURN                 { $$ = leaf(ctx, N_RETURN, @$); }
| RETURN expr            { $$ = unary(ctx, 0, $2, @$); $$.n->kind = N_RETURN; CK; }
| IMPORT STR             { $$ = leaf(ctx, N_IMPORT, @$); $$.n->str = $2.s; $$.n->len = $2.len; }
| EXPLAIN expr           { $$ = unary(ctx, 0, $2, @$); $$.n->kind = N_EXPLAIN; CK; }
| decl_stmt
;

if_stmt:
  IF expr block                 { $$ = binary(ctx, N_IF, 0, $2, $3, @$); CK; }
| IF expr block ELSE block      { $$ = binary(ctx, N_IF, 0, $2, $3, @$); $$.n->c = $5.n;
                                  $$ = ex(ctx, $$.n, imax($$.d, $5.d + 1)); CK; }
| IF expr block ELSE if_stmt    { $$ = binary(ctx, N_IF, 0, $2, $3, @$); $$.n->c = $5.n;
                                  $$ = ex(ctx, $$.n, imax($$.d, $5.d + 1)); CK; }
;

/* Declarations: the word is an ordinary name (not reserved), checked in decl(). */
decl_stmt:
  NAME NAME '(' params ')' '=' expr  { $$ = decl(ctx, $1, @1, $2, $4, $7, 1, @$); CK; }
| NAME NAME '(' params ')' dblock    { $$ = decl(ctx, $1, @1, $2, $4, $6, 0, @$); CK; }
| NAME NAME dblock                   { $$ = decl(ctx, $1, @1, $2, (Ex){NULL, 0, 0}, $3, 0, @$); CK; }
;

/* A declaration body also accepts param/state members and forward(...). */
dblock:
  '{' dseq '}'           { $$ = $2; $$.n->span = SP(@$); }
;
dseq:
  opt_dstmt              { $$ = list_new(ctx, N_BLOCK, @$); if ($1.n) $$ = push(ctx, $$, $1); }
| dseq sep opt_dstmt     { $$ = $1; if ($3.n) $$ = push(ctx, $$, $3); }
;
opt_dstmt: %empty { $$ = (Ex){NULL, 0, 0}; } | dstmt ;
dstmt:
  assign                 { if ($1.n->a->kind == N_CALL && !$1.tag)
                             $$ = forward_fn(ctx, (Ex){$1.n->a, $1.d, 0},
                                             (Ex){$1.n->b, $1.d, 0}, 1, @$);
                           else { $$ = $1; check_target(ctx, $1.n->a); }
                           CK; }
| simple_stmt
| NAME NAME '=' expr     { $$ = member(ctx, $1, @1, $2, $4, @$); CK; }
| NAME NAME              { $$ = member(ctx, $1, @1, $2, (Ex){NULL, 0, 0}, @$); CK; }
| postfix block          { $$ = forward_fn(ctx, $1, $2, 0, @$); CK; }
;

params:
  %empty                 { $$ = list_new(ctx, N_FN, @$); }
| param_list
| param_list ','
;
param_list:
  param                  { $$ = push(ctx, list_new(ctx, N_FN, @$), $1); }
| param_list ',' param   { $$ = add_param(ctx, $1, $3); CK; }
;
param:
  NAME                   { $$ = leaf(ctx, N_PARAM, @$); $$.n->sym = $1; }
| NAME '=' expr          { $$ = unary(ctx, 0, $3, @$); $$.n->kind = N_PARAM; $$.n->sym = $1; CK; }
;

/* ---- expressions, lowest precedence first ---- */
expr:
  FN '(' params ')' '=' expr   { $$ = $3; $$.n->span = SP(@$); $$.n->a = $6.n;
                                 $$.n->flags = NF_EXPR_BODY; $$ = ex(ctx, $$.n, imax($3.d, $6.d) + 1); CK; }
| FN '(' params ')' block      { $$ = $3; $$.n->span = SP(@$); $$.n->a = $5.n;
                                 $$ = ex(ctx, $$.n, imax($3.d, $5.d) + 1); CK; }
| or_expr
;
or_expr:
  and_expr
| or_expr OR and_expr          { $$ = binary(ctx, N_OR, 0, $1, $3, @$); CK; }
;
and_expr:
  not_expr
| and_expr AND not_expr        { $$ = binary(ctx, N_AND, 0, $1, $3, @$); CK; }
;
not_expr:
  cmp_expr
| NOT not_expr                 { $$ = unary(ctx, OP_NOT, $2, @$); CK; }
;
/* Comparisons do not chain: a < b < c is an error rather than a surprise. */
cmp_expr:
  range_expr                   { $$ = $1; $$.tag = 0; }
| cmp_expr cmpop range_expr    { if ($1.tag) fail(ctx, SP(@$), "comparisons cannot be chained "
                                                  "(write 'a < b and b < c')");
                                 CK;
                                 $$ = binary(ctx, N_BINARY, $2, $1, $3, @$); $$.tag = 1; CK; }
;
cmpop: '<' { $$ = '<'; } | '>' { $$ = '>'; } | LE { $$ = OP_LE; } | GE { $$ = OP_GE; }
     | EQ { $$ = OP_EQ; } | NE { $$ = OP_NE; } ;
range_expr:
  add_expr
| add_expr DOTDOT add_expr     { $$ = binary(ctx, N_RANGE, 0, $1, $3, @$); CK; }
;
add_expr:
  mul_expr
| add_expr '+' mul_expr        { $$ = binary(ctx, N_BINARY, '+', $1, $3, @$); CK; }
| add_expr '-' mul_expr        { $$ = binary(ctx, N_BINARY, '-', $1, $3, @$); CK; }
;
mul_expr:
  unary
| mul_expr mulop unary         { $$ = binary(ctx, N_BINARY, $2, $1, $3, @$); CK; }
;
mulop: '*' { $$ = '*'; } | '/' { $$ = '/'; } | '%' { $$ = '%'; } | '@' { $$ = '@'; } ;
/* Unary minus binds looser than ^ (-2^2 = -4), and ^'s right operand is a unary
   expression, so 2^-1 works and 2^3^2 = 2^(3^2). */
unary:
  pow
| '-' unary                    { $$ = unary(ctx, '-', $2, @$); CK; }
| '+' unary                    { $$ = unary(ctx, '+', $2, @$); CK; }
;
pow:
  postfix
| postfix '^' unary            { $$ = binary(ctx, N_BINARY, '^', $1, $3, @$); CK; }
;
postfix:
  primary
| postfix '(' args ')'         { $$ = $3; $$.n->span = SP(@$); $$.n->a = $1.n;
                                 $$ = ex(ctx, $$.n, imax($1.d, $3.d) + 1); CK; }
| postfix '[' items ']'        { $$ = $3; $$.n->span = SP(@$); $$.n->a = $1.n;
                                 $$ = ex(ctx, $$.n, imax($1.d, $3.d) + 1); CK; }
| postfix '.' NAME             { $$ = unary(ctx, 0, $1, @$); $$.n->kind = N_FIELD; $$.n->sym = $3; CK; }
;
primary:
  NUM                          { $$ = leaf(ctx, N_NUM, @$); $$.n->num = $1; }
| STR                          { $$ = leaf(ctx, N_STR, @$); $$.n->str = $1.s; $$.n->len = $1.len; }
| TRUE                         { $$ = leaf(ctx, N_BOOL, @$); $$.n->num = 1; }
| FALSE                        { $$ = leaf(ctx, N_BOOL, @$); }
| NONE                         { $$ = leaf(ctx, N_NONE, @$); }
| NAME                         { $$ = leaf(ctx, N_NAME, @$); $$.n->sym = $1; }
| '(' expr ')'                 { $$ = $2; $$.tag = 0; }
| '[' ']'                      { $$ = list_new(ctx, N_BRACKET, @$); }
| '[' elems ']'                { $$ = $2; $$.n->span = SP(@$); }
| '[' elems ',' ']'            { $$ = $2; $$.n->span = SP(@$); }
| '{' '}'                      { $$ = list_new(ctx, N_RECORD, @$); }
| '{' fields nls '}'           { $$ = $2; $$.n->span = SP(@$); }
| '{' fields nls ',' '}'       { $$ = $2; $$.n->span = SP(@$); }
;

/* Call arguments; keyword arguments (N_KWARG) come last. */
args:
  %empty                       { $$ = list_new(ctx, N_CALL, @$); }
| arg_list
| arg_list ','
;
arg_list:
  arg                          { $$ = push(ctx, list_new(ctx, N_CALL, @$), $1); }
| arg_list ',' arg             { $$ = add_arg(ctx, $1, $3); CK; }
;
arg:
  expr
| NAME '=' expr                { $$ = kwarg(ctx, $1, $3, @$); CK; }
;

/* Index items: expressions or slices start:stop:step with any part omitted. */
items:
  item_list
;
item_list:
  item                         { $$ = push(ctx, list_new(ctx, N_INDEX, @$), $1); }
| item_list ',' item           { $$ = push(ctx, $1, $3); }
;
item:
  expr
| opt_expr ':' opt_expr        { Node *n = mk(ctx, N_SLICE, @$); n->a = $1.n; n->b = $3.n;
                                 if (!$1.n) { n->span.first_line = @2.first_line;
                                              n->span.first_col = @2.first_column; }
                                 if (!$3.n) { n->span.last_line = @2.last_line;
                                              n->span.last_col = @2.last_column; }
                                 $$ = ex(ctx, n, imax($1.d, $3.d) + 1); CK; }
| opt_expr ':' opt_expr ':' opt_expr
                               { Node *n = mk(ctx, N_SLICE, @$); n->a = $1.n; n->b = $3.n; n->c = $5.n;
                                 if (!$1.n) { n->span.first_line = @2.first_line;
                                              n->span.first_col = @2.first_column; }
                                 if (!$5.n) { n->span.last_line = @4.last_line;
                                              n->span.last_col = @4.last_column; }
                                 $$ = ex(ctx, n, imax(imax($1.d, $3.d), $5.d) + 1); CK; }
;
opt_expr: %empty { $$ = (Ex){NULL, 0, 0}; } | expr ;

elems:
  expr                         { $$ = push(ctx, list_new(ctx, N_BRACKET, @$), $1); }
| elems ',' expr               { $$ = push(ctx, $1, $3); }
;

/* Record fields. Inside { } line breaks are statement separators, so a record
   allows them before ',' and '}' (the scanner already drops them after '{', ',' and ':'). */
fields:
  field                        { $$ = push(ctx, list_new(ctx, N_RECORD, @$), $1); }
| fields nls ',' field         { $$ = push(ctx, $1, $4); }
;
field:
  NAME ':' expr                { $$ = kwarg(ctx, $1, $3, @$); CK; }
| STR ':' expr                 { $$ = kwarg(ctx, sym_intern(ctx->syms, $1.s, $1.len), $3, @$); CK; }
;
nls: %empty | nls NEWLINE ;

%%

static void fail(ParseCtx *c, Span at, const char *fmt, ...) {
  if (c->failed) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err->msg, sizeof c->err->msg, _(fmt), ap); /* the catalogue's text (i18n.h) */
  va_end(ap);
  c->err->span = at;
  c->err->incomplete = 0;
  c->failed = 1;
}

/* Bison calls this only when its stack would pass YYMAXDEPTH ("memory exhausted"). */
static void yyerror(YYLTYPE *loc, ParseCtx *ctx, yyscan_t scanner, const char *msg) {
  (void)scanner;
  if (strcmp(msg, "memory exhausted") == 0) fail(ctx, SP(*loc), "expression too deeply nested");
  static const char as_is[] = "%s"; /* any other text of bison's: not in the catalogue */
  fail(ctx, SP(*loc), as_is, msg);
}

/* The lookahead as users see it: 'then', newline, end of input, number 3, name 'x'. */
static void describe_got(ParseCtx *c, yysymbol_kind_t k, char *buf, size_t size) {
  const char *t = c->src->text + c->tok_off;
  int n = (int)c->tok_len;
  switch (k) {
  case YYSYMBOL_YYEOF: snprintf(buf, size, "%s", _("end of input")); break;
  case YYSYMBOL_NEWLINE: snprintf(buf, size, "%s", _("newline")); break;
  case YYSYMBOL_NUM: snprintf(buf, size, _("number %.*s"), n > 40 ? 40 : n, t); break;
  case YYSYMBOL_NAME: snprintf(buf, size, _("name '%.*s'"), n > 40 ? 40 : n, t); break;
  case YYSYMBOL_STR: {
    int m = 0;
    while (m < n && m < 30 && t[m] != '\n') m++;
    if (m < n) m = (int)utf8_prefix(t, (size_t)m); /* not inside a Chinese character */
    /* the "..." marks a string cut short */
    snprintf(buf, size, _("string %.*s%s"), m, t, m < n ? "..." : "");
    break;
  }
  /* a punctuation token or keyword: Chinese says 记号 ',' (as 其他记号 does), so that
     "得到%s" neither glues the quote to the word nor needs a space before 输入结束 */
  default: snprintf(buf, size, _("'%.*s'"), n > 40 ? 40 : n, t); break;
  }
}

/* Tokens that can start an expression, collapsed to "an expression" in messages. */
static int starts_expr(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_NUM: case YYSYMBOL_STR: case YYSYMBOL_NAME: case YYSYMBOL_TRUE:
  case YYSYMBOL_FALSE: case YYSYMBOL_NONE: case YYSYMBOL_NOT: case YYSYMBOL_FN:
    return 1;
  default:
    return k == YYTRANSLATE('(') || k == YYTRANSLATE('[') || k == YYTRANSLATE('{') ||
           k == YYTRANSLATE('-') || k == YYTRANSLATE('+');
  }
}

/* Tokens that continue a complete expression (binary operators and postfix). */
static int continues_expr(yysymbol_kind_t k) {
  static const char ops[] = "+-*/%@^<>([.";
  switch (k) {
  case YYSYMBOL_LE: case YYSYMBOL_GE: case YYSYMBOL_EQ: case YYSYMBOL_NE:
  case YYSYMBOL_DOTDOT: case YYSYMBOL_AND: case YYSYMBOL_OR:
    return 1;
  default:
    for (const char *p = ops; *p; p++) {
      int tok = (unsigned char)*p; /* an int: clang warns on YYTRANSLATE's range check */
      if (k == YYTRANSLATE(tok)) return 1;
    }
    return 0;
  }
}

/* The name of an expected token: "a name", "newline", "'='". */
static const char *expected_name(yysymbol_kind_t k, char *buf, size_t size) {
  switch (k) {
  case YYSYMBOL_YYEOF: return _("end of input");
  case YYSYMBOL_NEWLINE: return _("newline");
  case YYSYMBOL_NUM: return _("a number");
  case YYSYMBOL_STR: return _("a string");
  case YYSYMBOL_NAME: return _("a name");
  default: {
    /* yysymbol_name gives "'('" for characters and the bare alias ("<=", "in") for
       the other tokens; quote the latter the same way. */
    const char *s = yysymbol_name(k);
    if (s[0] == '\'') return s;
    snprintf(buf, size, "'%s'", s);
    return buf;
  }
  }
}

static char closer_of(char open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }

/* Syntax errors in plain words, in order of preference:
     unmatched ')'                                  a closer with nothing open
     expected an expression, got ')'                an operand is missing
     expected ')' (to close '(' at line 3), got X   a bracket is still open
     expected newline or ';' after the statement, got X
     expected 'in', got X                           otherwise: the expected tokens */
static int yyreport_syntax_error(const yypcontext_t *yc, ParseCtx *ctx, yyscan_t scanner) {
  (void)scanner;
  if (ctx->failed) return 0;
  yysymbol_kind_t la = yypcontext_token(yc);
  Span at = SP(*yypcontext_location(yc));
  yysymbol_kind_t exp[YYNTOKENS];
  int n_exp = yypcontext_expected_tokens(yc, exp, YYNTOKENS);
  if (n_exp < 0) n_exp = 0;
  int has_expr = 0, has_end = 0, has_dot = 0, has_comma = 0;
  for (int i = 0; i < n_exp; i++) {
    has_expr |= exp[i] == YYSYMBOL_NUM;
    /* ';' (not newline: records take newlines too) says a statement may end here */
    has_end |= exp[i] == YYTRANSLATE(';');
    has_comma |= exp[i] == YYTRANSLATE(',');
    has_dot |= exp[i] == YYTRANSLATE('.');
  }

  /* The bracket the parser may want closed: the one this closer just popped, the
     one under this opener, or the innermost. */
  int lt = ctx->last_tok;
  int la_closer = la != YYSYMBOL_YYEOF && (lt == ')' || lt == ']' || lt == '}');
  int la_opener = la != YYSYMBOL_YYEOF && (lt == '(' || lt == '[' || lt == '{');
  const OpenBracket *open = NULL;
  if (la_closer) open = ctx->closed_valid ? &ctx->closed : NULL;
  else if (la_opener) open = ctx->n_open >= 2 ? &ctx->open[ctx->n_open - 2] : NULL;
  else open = ctx->n_open >= 1 ? &ctx->open[ctx->n_open - 1] : NULL;
  int want_close = 0;
  if (open) {
    int closer = (unsigned char)closer_of(open->ch);
    for (int i = 0; i < n_exp; i++) want_close |= exp[i] == YYTRANSLATE(closer);
  }

  char got[96];
  describe_got(ctx, la, got, sizeof got);
  char *msg = ctx->err->msg;
  size_t size = sizeof ctx->err->msg;
  /* "NAME NAME" then neither '(' nor '{': only a declaration header gets here. */
  int decl_head = n_exp == 2 && ctx->prev[0].kind == NAME && ctx->prev[1].kind == NAME;
  for (int i = 0; i < n_exp; i++)
    decl_head &= exp[i] == YYTRANSLATE('(') || exp[i] == YYTRANSLATE('{');
  /* "help load", help "load", help for: Python's REPL and shells take help WORD; here
     help is a function, so the error shows the call (after_help: the word's text). */
  const char *text = ctx->src->text;
  int help_name = decl_head && ctx->prev[1].len == 4 && !memcmp(text + ctx->prev[1].off, "help", 4);
  int help_word = !decl_head && has_end && la != YYSYMBOL_YYEOF && la != YYSYMBOL_NEWLINE &&
                  ctx->prev[0].kind == NAME && ctx->prev[0].len == 4 &&
                  !memcmp(text + ctx->prev[0].off, "help", 4);
  if (help_name || help_word) {
    const char *w = help_name ? text + ctx->prev[0].off : text + ctx->tok_off;
    int wn = help_name ? (int)ctx->prev[0].len : (int)ctx->tok_len;
    if (la == YYSYMBOL_STR && wn >= 2) w++, wn -= 2; /* the word inside its quotes */
    if (help_name) at = ctx->prev[0].span;
    snprintf(msg, size, _("'help' is a function: write help(\"%.*s\"), or :help %.*s in the REPL"),
             wn, w, wn, w);
  } else if (decl_head) {
    const char *w = ctx->src->text + ctx->prev[1].off, *name = ctx->src->text + ctx->prev[0].off;
    int wn = (int)ctx->prev[1].len, nn = (int)ctx->prev[0].len;
    static const char *const words[] = {"activation", "loss", "optimizer", "layer", "model"};
    int known = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
      known |= (size_t)wn == strlen(words[i]) && memcmp(w, words[i], (size_t)wn) == 0;
    if (known) {
      snprintf(msg, size, _("expected '(' or '{' after '%.*s %.*s', got %s"), wn, w, nn, name, got);
    } else if ((wn == 5 && memcmp(w, "param", 5) == 0) || (wn == 5 && memcmp(w, "state", 5) == 0)) {
      at = ctx->prev[1].span;
      snprintf(msg, size, _("'%.*s' belongs in the body of a layer, model or optimizer declaration"),
               wn, w);
    } else {
      /* Most likely two expressions in a row, as in "x y". */
      at = ctx->prev[0].span;
      snprintf(msg, size, _("expected newline or ';' after the statement, got name '%.*s'"), nn, name);
    }
  } else if (la_closer && !ctx->closed_valid) {
    snprintf(msg, size, _("unmatched %s"), got);
  } else if (has_expr && la != YYSYMBOL_YYEOF && !(la_closer && want_close)) {
    snprintf(msg, size, _("expected an expression, got %s"), got);
  } else if (want_close && (la == YYSYMBOL_YYEOF || !has_end)) {
    /* Mention ',' in lists (not at end of input: there the closer is what is missing). */
    if (has_comma && la != YYSYMBOL_YYEOF)
      snprintf(msg, size, _("expected ',' or '%c' (to close '%c' at line %d), got %s"),
               closer_of(open->ch), open->ch, open->line, got);
    else
      snprintf(msg, size, _("expected '%c' (to close '%c' at line %d), got %s"), closer_of(open->ch),
               open->ch, open->line, got);
  } else if (has_end) {
    /* A complete statement is followed by something that cannot continue it. */
    snprintf(msg, size, _("expected newline or ';' after the statement, got %s"), got);
  } else if (has_expr && !has_dot) {
    snprintf(msg, size, _("expected an expression, got %s"), got);
  } else {
    /* List what is expected, minus operators once an expression is complete. */
    const char *names[5];
    char bufs[5][32];
    int n = 0, more = 0, said_expr = 0;
    for (int i = 0; i < n_exp; i++) {
      yysymbol_kind_t k = exp[i];
      if (has_dot && continues_expr(k)) continue;
      if (has_expr && starts_expr(k)) {
        if (said_expr) continue;
        said_expr = 1;
        if (n < 5) names[n++] = _("an expression");
        else more = 1;
        continue;
      }
      if (n < 5) names[n] = expected_name(k, bufs[n], sizeof bufs[n]), n++;
      else more = 1;
    }
    if (n == 0) {
      snprintf(msg, size, _("unexpected %s"), got);
    } else {
      /* "expected 'in', got X", "expected A, B or C, got X", "expected A, …, E or another
         token, got X": the names joined with ", " (all but the last unless there are more),
         then one whole sentence per case for the catalogue. */
      int head = more ? n : n - 1;
      char list[192] = "";
      size_t len = 0;
      for (int i = 0; i < head && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
      if (more) snprintf(msg, size, _("expected %s or another token, got %s"), list, got);
      else if (n == 1) snprintf(msg, size, _("expected %s, got %s"), names[0], got);
      else snprintf(msg, size, _("expected %s or %s, got %s"), list, names[n - 1], got);
    }
  }
  ctx->err->span = at;
  ctx->err->incomplete = la == YYSYMBOL_YYEOF && ctx->eof_incomplete && !decl_head;
  ctx->failed = 1;
  return 0;
}

Node *parse_source(Source *src, SymTab *syms, ParseError *err) {
  memset(err, 0, sizeof *err);
  ParseCtx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.src = src;
  ctx.syms = syms;
  ctx.err = err;
  ctx.line = ctx.col = 1;
  ctx.nl_line = ctx.nl_col = 1;
  ctx.end_line = ctx.end_col = 1;
  if (src->len > (size_t)INT_MAX - 2) {
    Span start = {1, 1, 1, 1}; /* a variable: xgettext would count the braces' commas */
    fail(&ctx, start, "source too large (%zu bytes)", src->len);
    return NULL;
  }
  /* Everything the parse allocates is in the arena, except the scanner and bison's
     stacks; an out-of-memory throw destroys the scanner here and re-throws. (Bison's
     heap stack, used past 200 levels, cannot be reached from here and would leak in
     that one case.) */
  yyscan_t volatile scanner = NULL;
  int rc = 1;
  RtFrame frame;
  if (RT_TRY(&frame)) {
    yyscan_t s;
    if (yylex_init_extra(&ctx, &s) != 0) rt_throw("out of memory (creating the scanner)");
    scanner = s;
    yy_scan_bytes(src->text, (int)src->len, s);
    rc = yyparse(&ctx, s);
    rt_pop(&frame);
  } else {
    rt_pop(&frame);
    if (scanner) yylex_destroy(scanner);
    rt_rethrow();
  }
  yylex_destroy(scanner);
  if (rc == 0 && !ctx.failed) return ctx.root;
  Span here = {ctx.line, ctx.col, ctx.line, ctx.col};
  if (!ctx.failed) fail(&ctx, here, "syntax error");
  return NULL;
}
