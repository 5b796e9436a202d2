/* help.c — the bilingual help: entries of docs/help/<lang>.md (embedded by tools/embed.c
 * as nn_help_files), looked up by name or alias; the signature of a function comes from
 * the function value at run time, so it always matches the defaults nn uses. The texts
 * are parsed on each request (they are small), so there is no state besides I->lang.
 */
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "mem.h"
#include "platform.h"

typedef struct {
  const char *name;
  const char *text;
} EmbeddedFile;
extern const EmbeddedFile nn_help_files[];

/* ------------------------------------------------------------------ the texts */

/* A piece of an embedded text (not NUL-terminated). */
typedef struct {
  const char *s;
  size_t n;
} Slice;

/* One entry: its heading ("softmax, overflow_fix"), its section's title, its text. */
typedef struct {
  Slice head, section, body;
} Entry;

/* The embedded text of a language, or NULL. */
static const char *lang_text(const char *lang) {
  for (const EmbeddedFile *f = nn_help_files; f->name; f++)
    if (!strncmp(f->name, lang, 2) && !strcmp(f->name + 2, ".md")) return f->text;
  return NULL;
}

static const char *line_end(const char *p) {
  const char *e = strchr(p, '\n');
  return e ? e : p + strlen(p);
}

/* The entries of a text in order: *p starts at the text; returns false at the end. */
static bool next_entry(const char **p, Slice *section, Entry *e) {
  const char *s = *p;
  while (*s) {
    const char *end = line_end(s);
    if (!strncmp(s, "# ", 2)) {
      *section = (Slice){s + 2, (size_t)(end - s - 2)};
    } else if (!strncmp(s, "## ", 3)) {
      e->head = (Slice){s + 3, (size_t)(end - s - 3)};
      e->section = *section;
      const char *b = *end ? end + 1 : end, *q = b, *last = b;
      while (*q && *q != '#') { /* the text: up to the next heading, without trailing blanks */
        const char *qe = line_end(q);
        if (qe > q) last = qe;
        q = *qe ? qe + 1 : qe;
      }
      while (b < last && *b == '\n') b++;
      e->body = (Slice){b, (size_t)(last > b ? last - b : 0)};
      *p = q;
      return true;
    }
    s = *end ? end + 1 : end;
  }
  *p = s;
  return false;
}

/* Names are compared ignoring ASCII case, with '-' and ' ' the same as '_'. */
static int norm_char(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  if (c == '-' || c == ' ') return '_';
  return c;
}

static bool same_name(const char *a, size_t na, const char *b, size_t nb) {
  if (na != nb) return false;
  for (size_t i = 0; i < na; i++)
    if (norm_char((unsigned char)a[i]) != norm_char((unsigned char)b[i])) return false;
  return true;
}

/* The i-th name of a heading (0: the entry's own name); false past the last. */
static bool head_name(Slice head, int i, Slice *out) {
  const char *s = head.s, *end = head.s + head.n;
  for (;;) {
    while (s < end && *s == ' ') s++;
    const char *c = s;
    while (c < end && *c != ',') c++;
    const char *e = c;
    if (c == end) c = NULL;
    const char *t = e;
    while (t > s && t[-1] == ' ') t--;
    if (i-- == 0) {
      *out = (Slice){s, (size_t)(t - s)};
      return t > s;
    }
    if (!c) return false;
    s = c + 1;
  }
}

static bool head_has(Slice head, const char *name, size_t n) {
  Slice a;
  for (int i = 0; head_name(head, i, &a); i++)
    if (same_name(a.s, a.n, name, n)) return true;
  return false;
}

/* The entry of `name` (any of its names) in one language's text. */
static bool find_in(const char *text, const char *name, size_t n, Entry *e) {
  if (!text) return false;
  const char *p = text;
  Slice sec = {"", 0};
  while (next_entry(&p, &sec, e))
    if (head_has(e->head, name, n)) return true;
  return false;
}

/* The entry's own name for a name or alias from any language; false when unknown. */
static bool resolve(const char *name, Slice *primary) {
  Entry e;
  size_t n = strlen(name);
  for (const EmbeddedFile *f = nn_help_files; f->name; f++)
    if (find_in(f->text, name, n, &e)) return head_name(e.head, 0, primary);
  return false;
}

static const char *other_lang(const char *lang) { return !strcmp(lang, "zh") ? "en" : "zh"; }

/* ------------------------------------------------------------------ languages */

const char *help_lang_code(const char *lang) {
  if (!lang) return NULL;
  if (!strncmp(lang, "zh", 2) || !strncmp(lang, "ZH", 2) || !strncmp(lang, "中", 3) ||
      !strcmp(lang, "chinese") || !strcmp(lang, "Chinese"))
    return "zh";
  if (!strncmp(lang, "en", 2) || !strncmp(lang, "EN", 2) || !strncmp(lang, "En", 2) ||
      !strcmp(lang, "C") || !strcmp(lang, "POSIX") || !strncmp(lang, "C.", 2) || !strcmp(lang, "英文"))
    return "en";
  return NULL;
}

const char *help_default_lang(void) { return msg_lang_code(msg_lang_from_env()); }

bool help_set_lang(Interp *I, const char *lang) {
  const char *code = help_lang_code(lang);
  if (!code) return false;
  memcpy(I->lang, code, 3);
  msg_set_lang(!strcmp(code, "zh") ? MSG_ZH : MSG_EN); /* the catalogue follows (i18n.h) */
  return true;
}

/* The language to use: the argument, else the session's, else the environment's. */
static const char *use_lang(Interp *I, const char *lang) {
  const char *code = help_lang_code(lang);
  if (code) return code;
  code = help_lang_code(I->lang);
  return code ? code : help_default_lang();
}

/* ------------------------------------------------------------------ functions */

static const Func *global_func(Interp *I, const char *name) {
  Value *v = ev_global(I, name);
  return v && v->type == V_FUNC ? v->as.fn : NULL;
}

/* A builtin or standard-library function (not one the user defined). */
static bool library_func(const Func *f) {
  return (f->bi && !f->def) || ev_in_stdlib(f->def) || f->formula;
}

/* "softmax(x, axis = -1)": the builtin's table signature, or the repr without <kind …>. */
static void print_signature(FILE *out, const Func *f) {
  if (f->bi && !f->def) {
    fprintf(out, "%s\n", f->bi->sig);
    return;
  }
  StrBuf b = {0};
  v_repr(&b, (Value){.type = V_FUNC, .as.fn = (Func *)f});
  char *s = strchr(b.s, ' ');
  size_t len = s ? strlen(s + 1) : 0;
  if (s && len && s[len] == '>') fprintf(out, "%.*s\n", (int)len - 1, s + 1);
  else fprintf(out, "%s\n", b.s);
  sb_free(&b);
}

/* The comment lines directly above a definition, '#' kept when `raw`, else stripped. */
static void print_comment_above(FILE *out, const Node *def, bool raw) {
  const char *text = def->src->text, *p = text;
  const char **lines = rt_malloc(sizeof(char *) * (size_t)(def->span.first_line + 1));
  int n = 0;
  for (int line = 1; line < def->span.first_line && *p; line++) {
    lines[n++] = p;
    const char *e = strchr(p, '\n');
    if (!e) break;
    p = e + 1;
  }
  int first = n;
  while (first > 0 && lines[first - 1][0] == '#') first--;
  for (int i = first; i < n; i++) {
    const char *e = line_end(lines[i]), *t = lines[i];
    if (!raw) {
      t++;
      if (*t == ' ') t++;
      fprintf(out, "  %.*s\n", (int)(e - t), t);
    } else {
      fprintf(out, "%.*s\n", (int)(e - t), t);
    }
  }
  rt_free(lines);
}

/* ------------------------------------------------------------------ messages */

typedef struct {
  const char *en, *zh;
} Msg;

static const char *msg(const char *lang, Msg m) { return !strcmp(lang, "zh") ? m.zh : m.en; }

static const Msg M_FALLBACK = {"(no English text for '%s' yet; here is the Chinese one)\n",
                               "（'%s' 还没有中文说明，下面是英文的）\n"};
static const Msg M_NOHELP = {"no help for '%s'", "没有 '%s' 的帮助"};
static const Msg M_MEAN = {"; did you mean ", "；你是不是要找 "};
static const Msg M_OR = {" or ", " 或 "};
static const Msg M_LIST = {"; help() lists the topics and functions", "；help() 列出所有主题和函数"};

/* ------------------------------------------------------------------ suggestions */

static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb) {
  size_t *row = rt_malloc(sizeof(size_t) * (nb + 1));
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j];
      size_t cost = norm_char((unsigned char)a[i - 1]) != norm_char((unsigned char)b[j - 1]);
      size_t best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t d = row[nb];
  rt_free(row);
  return d;
}

static bool contains(const char *hay, size_t nh, const char *needle, size_t nn) {
  for (size_t i = 0; nn && i + nn <= nh; i++)
    if (same_name(hay + i, nn, needle, nn)) return true;
  return false;
}

#define N_SUGGEST 3

typedef struct {
  Slice names[N_SUGGEST];
  size_t score[N_SUGGEST];
  int n;
} Suggest;

/* Keep the closest few candidates (their entry's own name, once each). */
static void consider(Suggest *s, const char *q, size_t nq, Slice cand, Slice own) {
  size_t d = edit_distance(q, nq, cand.s, cand.n);
  size_t limit = nq <= 3 ? 1 : nq / 4 + 1;
  if (d > limit && !(nq >= 3 && contains(cand.s, cand.n, q, nq))) return;
  if (d > limit) d = limit + 1; /* a substring match ranks after the close spellings */
  for (int i = 0; i < s->n; i++)
    if (same_name(s->names[i].s, s->names[i].n, own.s, own.n)) {
      if (d < s->score[i]) s->score[i] = d;
      return;
    }
  int at;
  if (s->n < N_SUGGEST) at = s->n++;
  else if (d < s->score[N_SUGGEST - 1]) at = N_SUGGEST - 1;
  else return;
  s->names[at] = own;
  s->score[at] = d;
  for (int i = at; i > 0 && s->score[i] < s->score[i - 1]; i--) { /* keep sorted */
    Slice tn = s->names[i];
    size_t ts = s->score[i];
    s->names[i] = s->names[i - 1], s->score[i] = s->score[i - 1];
    s->names[i - 1] = tn, s->score[i - 1] = ts;
  }
}

/* "no help for 'sofmax'; did you mean 'softmax'?" into b. */
static void not_found(Interp *I, StrBuf *b, const char *name, const char *lang) {
  Suggest s = {0};
  size_t nq = strlen(name);
  for (const EmbeddedFile *f = nn_help_files; f->name; f++) {
    const char *p = f->text;
    Slice sec = {"", 0}, a, own;
    Entry e;
    while (next_entry(&p, &sec, &e)) {
      head_name(e.head, 0, &own);
      for (int i = 0; head_name(e.head, i, &a); i++) consider(&s, name, nq, a, own);
    }
  }
  for (int i = 0; i < I->n_globals; i++)
    if (I->globals[i].type == V_FUNC) {
      Slice g = {I->global_names[i]->name, (size_t)I->global_names[i]->len};
      consider(&s, name, nq, g, g);
    }
  sb_printf(b, msg(lang, M_NOHELP), name);
  if (!s.n) {
    sb_puts(b, msg(lang, M_LIST));
    return;
  }
  sb_puts(b, msg(lang, M_MEAN));
  for (int i = 0; i < s.n; i++) {
    if (i) sb_puts(b, i == s.n - 1 ? msg(lang, M_OR) : ", ");
    sb_printf(b, "'%.*s'", (int)s.names[i].n, s.names[i].s);
  }
  sb_puts(b, !strcmp(lang, "zh") ? "？" : "?");
}

/* ------------------------------------------------------------------ help */

static void print_body(FILE *out, Slice body) {
  const char *p = body.s, *end = body.s + body.n;
  while (p < end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    if (e > p) fprintf(out, "  %.*s\n", (int)(e - p), p);
    else fputc('\n', out);
    p = e + 1;
  }
}

/* What `name` refers to: its entry's own name and/or the global function. */
static bool lookup(Interp *I, const char *name, Slice *primary, const Func **f) {
  bool has = resolve(name, primary);
  *f = global_func(I, name);
  if (!*f && has) {
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)primary->n, primary->s);
    *f = global_func(I, buf);
  }
  return has;
}

bool help_print(Interp *I, FILE *out, const char *name, const char *lang) {
  lang = use_lang(I, lang);
  Slice primary;
  const Func *f;
  bool has = lookup(I, name, &primary, &f);
  if (!has && !f) {
    Value *v = ev_global(I, name);
    if (v) {
      StrBuf b = {0};
      v_repr(&b, *v);
      fprintf(out, "%s = %s (a %s)\n", name, b.s, v_type_name(*v));
      sb_free(&b);
      return true;
    }
    StrBuf b = {0};
    not_found(I, &b, name, lang);
    fprintf(out, "%s\n", b.s);
    sb_free(&b);
    return false;
  }
  if (f) print_signature(out, f);
  Entry e;
  if (has && find_in(lang_text(lang), primary.s, primary.n, &e)) {
    print_body(out, e.body);
  } else if (has && find_in(lang_text(other_lang(lang)), primary.s, primary.n, &e)) {
    char own[128];
    snprintf(own, sizeof own, "%.*s", (int)primary.n, primary.s);
    fprintf(out, msg(other_lang(lang), M_FALLBACK), own);
    print_body(out, e.body);
  } else if (f->def) {
    print_comment_above(out, f->def, false); /* a function of the session: its comment */
  } else if (f->bi) {
    fprintf(out, "  %s\n", f->bi->help);
  }
  return true;
}

/* ------------------------------------------------------------------ the index */

static const Msg M_HEAD = {
    "help(\"NAME\") or :help NAME explains a topic of the course notes or a function:\n"
    "its formula, what it means, nn's defaults and PyTorch's and Keras's. Names in either\n"
    "language work (:help 交叉熵). :lang zh switches to Chinese; :source NAME shows a\n"
    "stdlib definition.\n",
    "help(\"名称\") 或 :help 名称 讲解课程笔记里的一个主题或一个函数：公式、含义、\n"
    "nn 的默认值以及与 PyTorch、Keras 的对比。中英文名称都可以（:help cross_entropy）。\n"
    ":lang en 切换到英文；:source 名称 显示标准库里的定义。\n"};
static const Msg M_OTHER = {"Other functions", "其他函数"};

static void wrap_names(FILE *out, int *col, const char *s, size_t n) {
  if (*col + (int)n + 2 > 78) {
    fputc('\n', out);
    *col = 0;
  }
  if (*col == 0) *col += fprintf(out, "   ");
  *col += fprintf(out, " %.*s", (int)n, s);
}

static bool documented(const char *name) {
  Slice p;
  return resolve(name, &p);
}

void help_index(Interp *I, FILE *out, const char *lang) {
  lang = use_lang(I, lang);
  fputs(msg(lang, M_HEAD), out);
  const char *p = lang_text(lang);
  Slice sec = {NULL, 0}, cur = {NULL, 0}, own;
  Entry e;
  int col = 0;
  while (p && next_entry(&p, &sec, &e)) {
    if (e.section.s != cur.s) {
      if (col) fputc('\n', out);
      fprintf(out, "\n%.*s\n", (int)e.section.n, e.section.s);
      cur = e.section;
      col = 0;
    }
    head_name(e.head, 0, &own);
    wrap_names(out, &col, own.s, own.n);
  }
  if (col) fputc('\n', out);
  col = 0;
  bool any = false;
  for (int i = 0; i < I->n_globals; i++) {
    Value v = I->globals[i];
    const char *name = I->global_names[i]->name;
    if (v.type != V_FUNC || !library_func(v.as.fn) || documented(name)) continue;
    if (!any) fprintf(out, "\n%s\n", msg(lang, M_OTHER));
    any = true;
    wrap_names(out, &col, name, strlen(name));
  }
  if (col) fputc('\n', out);
}

/* ------------------------------------------------------------------ :source */

static const Msg M_NATIVE = {
    "# %s runs a native kernel; this is its formula in nn (formula(%s) runs it):\n",
    "# %s 运行的是本地（C）实现；下面是它在 nn 里的公式（formula(%s) 会运行它）：\n"};
static const Msg M_NOSRC = {
    "'%s' is built into nn (written in C) and has no nn source; help(\"%s\") explains it\n",
    "'%s' 是 nn 内置的（用 C 写成），没有 nn 源代码；help(\"%s\") 有它的说明\n"};
static const Msg M_NOFUNC = {"'%s' is not a function\n", "'%s' 不是函数\n"};

bool help_source(Interp *I, FILE *out, const char *name) {
  const char *lang = use_lang(I, NULL);
  Slice primary;
  const Func *f;
  lookup(I, name, &primary, &f);
  if (!f) {
    fprintf(out, msg(lang, M_NOFUNC), name);
    return false;
  }
  const Node *def = f->def ? f->def : f->formula ? f->formula->def : NULL;
  if (!def) {
    fprintf(out, msg(lang, M_NOSRC), f->name, f->name);
    return false;
  }
  if (!f->def) fprintf(out, msg(lang, M_NATIVE), f->name, f->name);
  print_comment_above(out, def, true);
  /* the declaration's lines, whole */
  const char *p = def->src->text;
  for (int line = 1; line < def->span.first_line && *p; line++) p = *line_end(p) ? line_end(p) + 1 : line_end(p);
  for (int line = def->span.first_line; line <= def->span.last_line && *p; line++) {
    const char *e = line_end(p);
    fprintf(out, "%.*s\n", (int)(e - p), p);
    p = *e ? e + 1 : e;
  }
  return true;
}

/* ------------------------------------------------------------------ builtins */

static const char *arg_lang(Call *c, int i) {
  if (c->args[i].type == V_NONE) return use_lang(c->I, NULL);
  const char *s = arg_str(c, i), *code = help_lang_code(s);
  if (!code)
    ev_error(c->I, c->arg_nodes && c->arg_nodes[i] ? c->arg_nodes[i] : c->node,
             "bad argument #%d 'lang' to '%s' (expected \"en\" or \"zh\", got \"%.40s\")", i + 1,
             c->fn->name, s);
  return code;
}

/* The name asked about: a string, or a function (help(softmax)). */
static const char *arg_name(Call *c, int i) {
  Value v = c->args[i];
  if (v.type == V_FUNC) return v.as.fn->name;
  if (v.type != V_STR) arg_error(c, i, "a name as a string, such as \"softmax\"");
  return v.as.str->data;
}

static Value bi_help(Call *c) {
  const char *lang = arg_lang(c, 1);
  fflush(pf_out());
  if (c->args[0].type == V_NONE) {
    help_index(c->I, pf_out(), lang);
    return v_none();
  }
  const char *name = arg_name(c, 0);
  Slice primary;
  const Func *f;
  if (!lookup(c->I, name, &primary, &f) && !f && !ev_global(c->I, name)) {
    StrBuf b = {0};
    not_found(c->I, &b, name, lang);
    char m[512];
    snprintf(m, sizeof m, "%s", b.s);
    sb_free(&b);
    ev_error(c->I, c->arg_nodes && c->arg_nodes[0] ? c->arg_nodes[0] : c->node, "%s", m);
  }
  help_print(c->I, pf_out(), name, lang);
  return v_none();
}

static bool listed(List *l, const char *s, size_t n) {
  for (int i = 0; i < l->n; i++)
    if (same_name(l->items[i].as.str->data, l->items[i].as.str->len, s, n)) return true;
  return false;
}

/* help_topics(kind): "topics" — the entries that are not functions; "functions" — every
   builtin and stdlib function; "all" — both. Names in the order of the texts. */
static Value bi_help_topics(Call *c) {
  const char *kind = arg_str(c, 0);
  bool topics = !strcmp(kind, "topics") || !strcmp(kind, "all");
  bool funcs = !strcmp(kind, "functions") || !strcmp(kind, "all");
  if (!topics && !funcs) arg_error(c, 0, "\"topics\", \"functions\" or \"all\"");
  Interp *I = c->I;
  Value r = v_list_new(0);
  ev_root(I, r);
  List *l = r.as.list;
  if (topics)
    for (const EmbeddedFile *f = nn_help_files; f->name; f++) {
      const char *p = f->text;
      Slice sec = {"", 0}, own;
      Entry e;
      while (next_entry(&p, &sec, &e)) {
        head_name(e.head, 0, &own);
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)own.n, own.s);
        if (global_func(I, buf) || listed(l, own.s, own.n)) continue;
        list_push(l, v_str(own.s, own.n));
      }
    }
  if (funcs)
    for (int i = 0; i < I->n_globals; i++) {
      const Func *f = I->globals[i].type == V_FUNC ? I->globals[i].as.fn : NULL;
      const char *name = I->global_names[i]->name;
      /* An alias (binary_cross_entropy = bce) is listed once, under the function's name. */
      bool alias = f && strcmp(f->name, name) && global_func(I, f->name) == f;
      if (f && library_func(f) && !alias) list_push(l, v_cstr(name));
    }
  return ev_unroot_keep(I);
}

/* help_text(name, lang): the entry's text in that language only (no fallback), or none. */
static Value bi_help_text(Call *c) {
  const char *name = arg_name(c, 0);
  const char *lang = arg_lang(c, 1);
  Slice primary;
  Entry e;
  if (!resolve(name, &primary) || !find_in(lang_text(lang), primary.s, primary.n, &e))
    return v_none();
  return v_str(e.body.s, e.body.n);
}

static const Builtin help_builtins[] = {
    {"help", "help(name = none, lang = none)", bi_help,
     "explain a topic of the notes or a function, in English or Chinese (lang = \"zh\"); "
     "help() lists them all"},
    {"help_topics", "help_topics(kind = \"topics\")", bi_help_topics,
     "the names help knows: \"topics\", \"functions\" (every builtin and stdlib function) or \"all\""},
    {"help_text", "help_text(name, lang = none)", bi_help_text,
     "the help text of a name in one language, as a string (none when it has none)"},
    {NULL, NULL, NULL, NULL},
};

void help_register(Interp *I) {
  if (!help_lang_code(I->lang)) help_set_lang(I, help_default_lang());
  builtins_register_table(I, help_builtins);
}
