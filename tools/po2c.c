/* po2c.c — compile a gettext PO file (po/zh.po) into a C table for runtime/i18n.c.
 *
 *   po2c NAME po/zh.po > catalog_zh.c     defines `const NnMsg NAME[]` and `NAME_n`
 *
 * Why not msgfmt + libintl: glibc's gettext translates only when setlocale() succeeds, and
 * most machines have no zh_CN locale generated (`locale -a`: C, C.utf8, POSIX), so a
 * student's LANG=zh_CN.UTF-8 would silently give English. The catalogue is therefore
 * embedded, looked up by nn itself; the file format stays gettext's, so the usual tools
 * (xgettext, msgmerge, Poedit) work on it.
 *
 * Checked here, as `msgfmt --check-format` would: every translated entry must use the same
 * printf conversions, in the same order, as its msgid (a swapped %s/%d would read the
 * wrong argument); a msgid may appear once; plural forms and contexts are not used.
 * Untranslated (empty) and fuzzy entries are left out: lookups fall back to English.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *id, *str;
  int line;
} Entry;

static const char *path;

static void die(int line, const char *what) {
  fprintf(stderr, "%s:%d: %s\n", path, line, what);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n);
  if (!p) die(0, "out of memory");
  return p;
}

/* Append the C-escaped string literal at s ("...") to *buf. */
static void append_literal(char **buf, size_t *len, const char *s, int line) {
  while (isspace((unsigned char)*s)) s++;
  if (*s != '"') die(line, "expected a string in double quotes");
  s++;
  for (; *s && *s != '"'; s++) {
    char c = *s;
    if (c == '\\') {
      s++;
      switch (*s) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        default: die(line, "unknown escape in string (use \\n \\t \\\" \\\\)");
      }
    }
    *buf = xrealloc(*buf, *len + 2);
    (*buf)[(*len)++] = c;
    (*buf)[*len] = '\0';
  }
  if (*s != '"') die(line, "unterminated string");
  for (s++; *s; s++)
    if (!isspace((unsigned char)*s)) die(line, "text after the closing quote");
  if (!*buf) *buf = calloc(1, 1);
}

/* The printf conversions of s, concatenated ("%s%d%.3g"); "%%" is not a conversion. */
static void conversions(const char *s, char *out, size_t n) {
  size_t k = 0;
  out[0] = '\0';
  for (const char *p = s; *p; p++) {
    if (*p != '%') continue;
    if (p[1] == '%') { p++; continue; }
    const char *q = p + 1;
    while (*q && !strchr("diouxXeEfFgGaAcspn", *q)) q++;
    if (!*q) break;
    for (const char *r = p; r <= q && k + 1 < n; r++) out[k++] = *r;
    out[k] = '\0';
    p = q;
  }
}

static int by_id(const void *a, const void *b) {
  return strcmp(((const Entry *)a)->id, ((const Entry *)b)->id);
}

static void emit(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p == '\n') fputs("\\n", stdout);
    else if (*p == '\t') fputs("\\t", stdout);
    else if (*p < 0x20 || *p >= 0x7f) printf("\\%03o", *p);
    else putchar(*p);
  }
  putchar('"');
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: po2c NAME FILE.po\n");
    return 2;
  }
  path = argv[2];
  FILE *f = fopen(path, "r");
  if (!f) die(0, "cannot open");
  Entry *e = NULL;
  int n = 0, cap = 0, lineno = 0, fuzzy = 0;
  char *id = NULL, *str = NULL, **cur = NULL;
  size_t id_len = 0, str_len = 0, *cur_len = NULL;
  int id_line = 0;
  char line[8192];
  for (;;) {
    char *got = fgets(line, sizeof line, f);
    lineno++;
    if (got && strlen(line) == sizeof line - 1 && line[sizeof line - 2] != '\n')
      die(lineno, "line too long");
    /* An entry ends at a blank line, a comment or a new msgid after its msgstr. */
    int ends = !got || line[0] == '\n' || line[0] == '#' || !strncmp(line, "msgid ", 6);
    if (ends && id && str) {
      if (*id && *str && !fuzzy) {
        char a[512], b[512];
        conversions(id, a, sizeof a);
        conversions(str, b, sizeof b);
        if (strcmp(a, b)) {
          char why[1200];
          snprintf(why, sizeof why, "msgstr's conversions \"%s\" differ from msgid's \"%s\"", b, a);
          die(id_line, why);
        }
        if (n == cap) e = xrealloc(e, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *e);
        e[n++] = (Entry){id, str, id_line};
      } else {
        free(id);
        free(str);
      }
      id = str = NULL;
      id_len = str_len = 0;
      cur = NULL;
      fuzzy = 0;
    }
    if (!got) break;
    if (line[0] == '#') {
      if (line[1] == ',' && strstr(line, "fuzzy")) fuzzy = 1;
      continue;
    }
    if (line[0] == '\n') continue;
    if (!strncmp(line, "msgid ", 6)) {
      if (id) die(lineno, "msgid without its msgstr");
      id_line = lineno;
      cur = &id;
      cur_len = &id_len;
      append_literal(cur, cur_len, line + 6, lineno);
    } else if (!strncmp(line, "msgstr ", 7)) {
      if (!id || str) die(lineno, "msgstr without a msgid");
      cur = &str;
      cur_len = &str_len;
      append_literal(cur, cur_len, line + 7, lineno);
    } else if (line[0] == '"') {
      if (!cur) die(lineno, "a string outside an entry");
      append_literal(cur, cur_len, line, lineno);
    } else if (!strncmp(line, "msgctxt", 7) || !strncmp(line, "msgid_plural", 12) ||
               !strncmp(line, "msgstr[", 7)) {
      die(lineno, "contexts and plural forms are not used by nn's catalogue");
    } else {
      die(lineno, "expected msgid, msgstr, a string or a comment");
    }
  }
  fclose(f);
  if (id) die(lineno, "msgid without its msgstr");
  qsort(e, (size_t)n, sizeof *e, by_id);
  for (int i = 1; i < n; i++)
    if (!strcmp(e[i].id, e[i - 1].id)) {
      char why[64];
      snprintf(why, sizeof why, "duplicate msgid (also at line %d)", e[i - 1].line);
      die(e[i].line, why);
    }
  printf("/* Generated by tools/po2c.c from %s: do not edit. */\n#include \"i18n.h\"\n", path);
  printf("const NnMsg %s[] = {\n", argv[1]);
  for (int i = 0; i < n; i++) {
    fputs("  {", stdout);
    emit(e[i].id);
    fputs(", ", stdout);
    emit(e[i].str);
    fputs("},\n", stdout);
  }
  if (!n) puts("  {\"\", \"\"},");
  printf("};\nconst size_t %s_n = %d;\n", argv[1], n);
  return 0;
}
