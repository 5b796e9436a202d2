/* help.c — the bilingual help: entries of docs/help/<lang>.md (embedded by tools/embed.c
 * as nn_help_files), looked up by name or alias; the signature of a function comes from
 * the function value at run time, so it always matches the defaults nn uses. The texts
 * are parsed on each request (they are small), so there is no state besides I->lang.
 */
#include <stdint.h>
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

void help_each_name(void (*fn)(void *ud, const char *name, size_t n), void *ud) {
  for (const EmbeddedFile *f = nn_help_files; f->name; f++) {
    const char *p = f->text;
    Slice sec = {"", 0}, a;
    Entry e;
    while (next_entry(&p, &sec, &e))
      for (int i = 0; head_name(e.head, i, &a); i++) fn(ud, a.s, a.n);
  }
}

/* The notes name each function "X函数" (sigmoid函数, ReLU函数, Leaky ReLU函数): the length
   of X without the suffix and the blanks, '_' or '-' before it; 0 when there is none. */
static size_t strip_hanshu(const char *name, size_t n) {
  static const char suffix[] = "函数";
  size_t k = sizeof suffix - 1;
  if (n <= k || memcmp(name + n - k, suffix, k)) return 0;
  n -= k;
  while (n && norm_char((unsigned char)name[n - 1]) == '_') n--;
  return n;
}

/* The entry's own name for a name or alias from any language, or for "X函数" when X is
   one; false when unknown. */
static bool resolve(const char *name, Slice *primary) {
  Entry e;
  size_t n = strlen(name), stem = strip_hanshu(name, n);
  for (const EmbeddedFile *f = nn_help_files; f->name; f++)
    if (find_in(f->text, name, n, &e)) return head_name(e.head, 0, primary);
  for (const EmbeddedFile *f = nn_help_files; stem && f->name; f++)
    if (find_in(f->text, name, stem, &e)) return head_name(e.head, 0, primary);
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

/* The text of msgid (marked N_()) in `lang`, which help("x", lang = "zh") may set apart
   from the session's language: the catalogue is switched for the one lookup (the
   returned text is a static string of the catalogue, valid after the switch back). */
__attribute__((format_arg(2))) static const char *tr_in(const char *lang, const char *msgid) {
  MsgLang cur = msg_lang();
  msg_set_lang(!strcmp(lang, "zh") ? MSG_ZH : MSG_EN);
  const char *s = msg_tr(msgid);
  msg_set_lang(cur);
  return s;
}

/* Shown in the language asked for, above the text of the other one. */
static const char *const M_NO_EN_TEXT = N_("(no English text for '%s' yet; here is the Chinese one)\n");
static const char *const M_NO_ZH_TEXT = N_("(no Chinese text for '%s' yet; here is the English one)\n");

/* ------------------------------------------------------------------ suggestions */

/* The code points of a UTF-8 name, ASCII folded as norm_char does, into out (room for n):
   near misses are counted in letters of either script, so 学习律 is one letter from 学习率
   (not one of its three bytes) and "ReLu" none from "relu". Returns the count. */
static size_t code_points(const char *s, size_t n, uint32_t *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; k++) {
    unsigned char c = (unsigned char)s[i];
    size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > n - i) len = n - i; /* a cut-off sequence: its bytes so far */
    uint32_t cp = len == 1 ? (uint32_t)norm_char(c) : c & (0x7Fu >> len);
    for (size_t j = 1; j < len; j++) cp = cp << 6 | ((unsigned char)s[i + j] & 0x3Fu);
    out[k] = cp;
    i += len;
  }
  return k;
}

/* Levenshtein distance in code points (insert, delete, replace one letter: cost 1). A
   candidate with no letter in common with the query (the distance is then the longer
   length: 鞍 and 熵) is no near miss: its distance is reported as SIZE_MAX. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb) {
  uint32_t *ca = rt_malloc(sizeof(uint32_t) * (na + nb + 1)), *cb = ca + na;
  na = code_points(a, na, ca);
  nb = code_points(b, nb, cb);
  size_t *row = rt_malloc(sizeof(size_t) * (nb + 1));
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j];
      size_t best = diag + (ca[i - 1] != cb[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t d = row[nb];
  rt_free(row);
  rt_free(ca);
  return d >= (na > nb ? na : nb) ? SIZE_MAX : d;
}

static bool has_non_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) return true;
  return false;
}

/* How far a candidate may be from a query and still be suggested. Latin: 1 letter up to
   3 letters, then one more per 4 ("sofmax" → softmax). Chinese names are short and each
   character carries a word's meaning, so 1 up to 4 characters (学习律 → 学习率, 梯度消逝 →
   梯度消失), then one more per 4. */
static size_t max_distance(const char *q, size_t nq) {
  if (!has_non_ascii(q, nq)) return nq <= 3 ? 1 : nq / 4 + 1;
  uint32_t *cp = rt_malloc(sizeof(uint32_t) * (nq + 1));
  size_t n = code_points(q, nq, cp);
  rt_free(cp);
  return n <= 4 ? 1 : n / 4 + 1;
}

static bool contains(const char *hay, size_t nh, const char *needle, size_t nn) {
  for (size_t i = 0; nn && i + nn <= nh; i++)
    if (same_name(hay + i, nn, needle, nn)) return true;
  return false;
}

#define N_SUGGEST 3

typedef struct {
  Slice names[N_SUGGEST]; /* what to show: the entry's own name, or the close alias */
  Slice own[N_SUGGEST];   /* the entry's own name: each entry is suggested once */
  size_t score[N_SUGGEST];
  int n;
} Suggest;

/* Keep the closest few candidates. A Chinese query is answered with the Chinese alias
   that came close (梯度消逝 → 梯度消失), a Latin one with the entry's own name. */
static void consider(Suggest *s, const char *q, size_t nq, Slice cand, Slice own) {
  size_t d = edit_distance(q, nq, cand.s, cand.n);
  size_t limit = max_distance(q, nq);
  if (d > limit && !(nq >= 3 && contains(cand.s, cand.n, q, nq))) return;
  if (d > limit) d = limit + 1; /* a substring match ranks after the close spellings */
  Slice show = has_non_ascii(q, nq) && has_non_ascii(cand.s, cand.n) ? cand : own;
  for (int i = 0; i < s->n; i++)
    if (same_name(s->own[i].s, s->own[i].n, own.s, own.n)) {
      if (d < s->score[i]) s->score[i] = d, s->names[i] = show;
      return;
    }
  int at;
  if (s->n < N_SUGGEST) at = s->n++;
  else if (d < s->score[N_SUGGEST - 1]) at = N_SUGGEST - 1;
  else return;
  s->names[at] = show;
  s->own[at] = own;
  s->score[at] = d;
  for (int i = at; i > 0 && s->score[i] < s->score[i - 1]; i--) { /* keep sorted */
    Slice tn = s->names[i], to = s->own[i];
    size_t ts = s->score[i];
    s->names[i] = s->names[i - 1], s->own[i] = s->own[i - 1], s->score[i] = s->score[i - 1];
    s->names[i - 1] = tn, s->own[i - 1] = to, s->score[i - 1] = ts;
  }
}

/* Every name help knows (entries' names and aliases of both languages, functions of the
   session) measured against the query q[0, nq). */
static void suggest_for(Interp *I, Suggest *s, const char *q, size_t nq) {
  for (const EmbeddedFile *f = nn_help_files; f->name; f++) {
    const char *p = f->text;
    Slice sec = {"", 0}, a, own;
    Entry e;
    while (next_entry(&p, &sec, &e)) {
      head_name(e.head, 0, &own);
      for (int i = 0; head_name(e.head, i, &a); i++) consider(s, q, nq, a, own);
    }
  }
  for (int i = 0; i < I->n_globals; i++)
    if (I->globals[i].type == V_FUNC) {
      Slice g = {I->global_names[i]->name, (size_t)I->global_names[i]->len};
      consider(s, q, nq, g, g);
    }
}

/* "no help for 'sofmax'; did you mean 'softmax'?" into b, in lang. */
static void not_found(Interp *I, StrBuf *b, const char *name, const char *lang) {
  Suggest s = {0};
  size_t nq = strlen(name), stem = strip_hanshu(name, nq);
  suggest_for(I, &s, name, nq);
  if (stem) suggest_for(I, &s, name, stem); /* "sigmiod函数": as "sigmiod" too */
  if (!s.n) {
    sb_printf(b, tr_in(lang, N_("no help for '%s'; help() lists the topics and functions")), name);
    return;
  }
  char v[N_SUGGEST][160]; /* the names, quoted by the messages */
  for (int i = 0; i < s.n; i++) snprintf(v[i], sizeof v[i], "%.*s", (int)s.names[i].n, s.names[i].s);
  if (s.n == 1) sb_printf(b, tr_in(lang, N_("no help for '%s'; did you mean '%s'?")), name, v[0]);
  else if (s.n == 2)
    sb_printf(b, tr_in(lang, N_("no help for '%s'; did you mean '%s' or '%s'?")), name, v[0], v[1]);
  else
    sb_printf(b, tr_in(lang, N_("no help for '%s'; did you mean '%s', '%s' or '%s'?")), name, v[0],
              v[1], v[2]);
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
  size_t stem = strip_hanshu(name, strlen(name));
  if (!*f && stem) { /* a function of the session: "sq函数" */
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)stem, name);
    *f = global_func(I, buf);
  }
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
      fprintf(out, tr_in(lang, N_("%s = %s (a %s)\n")), name, b.s, v_type_name(*v));
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
    fprintf(out, tr_in(lang, !strcmp(lang, "zh") ? M_NO_ZH_TEXT : M_NO_EN_TEXT), own);
    print_body(out, e.body);
  } else if (f->def) {
    print_comment_above(out, f->def, false); /* a function of the session: its comment */
  } else if (f->bi) {
    fprintf(out, "  %s\n", tr_in(lang, f->bi->help)); /* marked N_() in its table */
  }
  return true;
}

/* ------------------------------------------------------------------ the index */

static const char *const M_HEAD = N_(
    "help(\"NAME\") or :help NAME explains a topic of the course notes, a function or a\n"
    "keyword: its formula, what it means, an example, nn's defaults and PyTorch's and\n"
    "Keras's. Names in either language work (:help 交叉熵, :help sigmoid函数). :lang zh\n"
    "switches to Chinese; :source NAME shows a stdlib definition.\n");
static const char *const M_OTHER = N_("Other functions");

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
  fputs(tr_in(lang, M_HEAD), out);
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
    if (!any) fprintf(out, "\n%s\n", tr_in(lang, M_OTHER));
    any = true;
    wrap_names(out, &col, name, strlen(name));
  }
  if (col) fputc('\n', out);
}

/* ------------------------------------------------------------------ :source */

static const char *const M_NATIVE =
    N_("# %s runs a native kernel; this is its formula in nn (formula(%s) runs it):\n");
static const char *const M_NOSRC =
    N_("'%s' is built into nn (written in C) and has no nn source; help(\"%s\") explains it\n");
static const char *const M_NOFUNC = N_("'%s' is not a function\n");

bool help_source(Interp *I, FILE *out, const char *name) {
  const char *lang = use_lang(I, NULL);
  Slice primary;
  const Func *f;
  lookup(I, name, &primary, &f);
  if (!f) {
    fprintf(out, tr_in(lang, M_NOFUNC), name);
    return false;
  }
  const Node *def = f->def ? f->def : f->formula ? f->formula->def : NULL;
  if (!def) {
    fprintf(out, tr_in(lang, M_NOSRC), f->name, f->name);
    return false;
  }
  if (!f->def) fprintf(out, tr_in(lang, M_NATIVE), f->name, f->name);
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
     N_("explain a topic of the notes, a function or a keyword, in English or Chinese "
        "(lang = \"zh\"); help() lists them all")},
    {"help_topics", "help_topics(kind = \"topics\")", bi_help_topics,
     N_("the names help knows: \"topics\", \"functions\" (every builtin and stdlib function) or \"all\"")},
    {"help_text", "help_text(name, lang = none)", bi_help_text,
     N_("the help text of a name in one language, as a string (none when it has none)")},
    {NULL, NULL, NULL, NULL},
};

void help_register(Interp *I) {
  if (!help_lang_code(I->lang)) help_set_lang(I, help_default_lang());
  builtins_register_table(I, help_builtins);
}
