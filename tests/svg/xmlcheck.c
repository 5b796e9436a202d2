/* xmlcheck.c — is a file well-formed XML 1.0? The plot tests' checker, so that they need
 * nothing beyond a C compiler (xmllint, when installed, is asked as well).
 *
 *   xmlcheck FILE...   prints "FILE: well-formed" or "FILE:LINE: error: WHY"; exit 1 on any
 *
 * Checks: UTF-8 without forbidden control characters; an optional XML declaration; one
 * root element; tags that nest and match; attribute syntax, quoting and uniqueness; '<'
 * never in text or attribute values; '&' only as a known entity or a character
 * reference; comments, processing instructions and CDATA sections closed. A DOCTYPE
 * (which SVG files need not carry) is rejected rather than parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  const unsigned char *s, *end, *p;
  char err[256];
} Doc;

static int line_of(const Doc *d) {
  int n = 1;
  for (const unsigned char *q = d->s; q < d->p && q < d->end; q++) n += *q == '\n';
  return n;
}

static int fail(Doc *d, const char *why) {
  if (!d->err[0]) snprintf(d->err, sizeof d->err, "%s:%d: error: %s", d->name, line_of(d), why);
  return 0;
}

static int at(const Doc *d, const char *lit) {
  size_t n = strlen(lit);
  return (size_t)(d->end - d->p) >= n && !memcmp(d->p, lit, n);
}

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static void skip_space(Doc *d) {
  while (d->p < d->end && is_space(*d->p)) d->p++;
}

static int name_start(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80; }
static int name_char(int c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

/* A name; its span in *b, *n. */
static int name(Doc *d, const unsigned char **b, size_t *n) {
  if (d->p >= d->end || !name_start(*d->p)) return fail(d, "expected a name");
  *b = d->p;
  while (d->p < d->end && name_char(*d->p)) d->p++;
  *n = (size_t)(d->p - *b);
  return 1;
}

/* After '&': a predefined entity or a character reference, then ';'. */
static int reference(Doc *d) {
  d->p++;
  static const char *const ents[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
  for (int i = 0; i < 5; i++)
    if (at(d, ents[i])) {
      d->p += strlen(ents[i]);
      return 1;
    }
  if (at(d, "#x")) {
    d->p += 2;
    const unsigned char *b = d->p;
    while (d->p < d->end && strchr("0123456789abcdefABCDEF", *d->p) && *d->p) d->p++;
    if (d->p == b || d->p >= d->end || *d->p != ';') return fail(d, "bad character reference");
    d->p++;
    return 1;
  }
  if (at(d, "#")) {
    d->p++;
    const unsigned char *b = d->p;
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    if (d->p == b || d->p >= d->end || *d->p != ';') return fail(d, "bad character reference");
    d->p++;
    return 1;
  }
  return fail(d, "'&' that is not an entity reference (write &amp;)");
}

/* Skip to just past `close`, failing with `what` at the end of the file. */
static int skip_past(Doc *d, const char *close, const char *what) {
  while (d->p < d->end && !at(d, close)) d->p++;
  if (d->p >= d->end) return fail(d, what);
  d->p += strlen(close);
  return 1;
}

static int misc(Doc *d) { /* comments and PIs; 1 if one was consumed */
  if (at(d, "<!--")) {
    d->p += 4;
    while (d->p < d->end && !at(d, "--")) d->p++;
    if (!at(d, "-->")) return fail(d, "'--' inside a comment, or an unclosed comment"), -1;
    d->p += 3;
    return 1;
  }
  if (at(d, "<?")) {
    if (at(d, "<?xml ") || at(d, "<?xml?")) return fail(d, "an XML declaration that is not at the start"), -1;
    return skip_past(d, "?>", "unclosed processing instruction") ? 1 : -1;
  }
  return 0;
}

typedef struct {
  const unsigned char *b;
  size_t n;
} Span;

static int element(Doc *d, int depth) {
  if (depth > 10000) return fail(d, "elements nested too deeply");
  const unsigned char *nb;
  size_t nn;
  d->p++; /* '<' */
  if (!name(d, &nb, &nn)) return 0;
  Span attrs[256];
  int na = 0;
  for (;;) {
    int had_space = d->p < d->end && is_space(*d->p);
    skip_space(d);
    if (d->p >= d->end) return fail(d, "unclosed start tag");
    if (at(d, "/>")) {
      d->p += 2;
      return 1;
    }
    if (*d->p == '>') {
      d->p++;
      break;
    }
    if (!had_space) return fail(d, "attributes must be separated by white space");
    const unsigned char *ab;
    size_t an;
    if (!name(d, &ab, &an)) return 0;
    for (int i = 0; i < na; i++)
      if (attrs[i].n == an && !memcmp(attrs[i].b, ab, an)) return fail(d, "an attribute given twice");
    if (na < 256) attrs[na++] = (Span){ab, an};
    skip_space(d);
    if (d->p >= d->end || *d->p != '=') return fail(d, "expected '=' after an attribute name");
    d->p++;
    skip_space(d);
    if (d->p >= d->end || (*d->p != '"' && *d->p != '\'')) return fail(d, "an attribute value must be quoted");
    unsigned char q = *d->p++;
    while (d->p < d->end && *d->p != q) {
      if (*d->p == '<') return fail(d, "'<' inside an attribute value");
      if (*d->p == '&') {
        if (!reference(d)) return 0;
      } else {
        d->p++;
      }
    }
    if (d->p >= d->end) return fail(d, "unclosed attribute value");
    d->p++;
  }
  /* content */
  for (;;) {
    if (d->p >= d->end) return fail(d, "unclosed element");
    if (at(d, "</")) {
      d->p += 2;
      const unsigned char *eb;
      size_t en;
      if (!name(d, &eb, &en)) return 0;
      if (en != nn || memcmp(eb, nb, nn)) return fail(d, "end tag does not match its start tag");
      skip_space(d);
      if (d->p >= d->end || *d->p != '>') return fail(d, "expected '>' to end the end tag");
      d->p++;
      return 1;
    }
    if (at(d, "<![CDATA[")) {
      d->p += 9;
      if (!skip_past(d, "]]>", "unclosed CDATA section")) return 0;
      continue;
    }
    int m = misc(d);
    if (m < 0) return 0;
    if (m) continue;
    if (at(d, "<!")) return fail(d, "markup declarations are not allowed here");
    if (*d->p == '<') {
      if (!element(d, depth + 1)) return 0;
      continue;
    }
    if (*d->p == '&') {
      if (!reference(d)) return 0;
      continue;
    }
    if (at(d, "]]>")) return fail(d, "']]>' in text");
    d->p++;
  }
}

/* UTF-8 and the characters XML 1.0 allows. */
static int check_chars(Doc *d) {
  for (d->p = d->s; d->p < d->end;) {
    unsigned c = *d->p;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return fail(d, "a control character");
    if (c < 0x80) {
      d->p++;
      continue;
    }
    int n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (!n || d->end - d->p < n) return fail(d, "invalid UTF-8");
    for (int k = 1; k < n; k++)
      if ((d->p[k] & 0xC0) != 0x80) return fail(d, "invalid UTF-8");
    d->p += n;
  }
  return 1;
}

static int check(Doc *d) {
  if (!check_chars(d)) return 0;
  d->p = d->s;
  if (at(d, "\xEF\xBB\xBF")) d->p += 3;
  if (at(d, "<?xml ") || at(d, "<?xml?")) {
    if (!skip_past(d, "?>", "unclosed XML declaration")) return 0;
  }
  int roots = 0;
  for (;;) {
    skip_space(d);
    if (d->p >= d->end) break;
    int m = misc(d);
    if (m < 0) return 0;
    if (m) continue;
    if (at(d, "<!DOCTYPE")) return fail(d, "a DOCTYPE (not supported by this checker)");
    if (*d->p != '<') return fail(d, "text outside the root element");
    if (roots++) return fail(d, "more than one root element");
    if (!element(d, 0)) return 0;
  }
  if (!roots) return fail(d, "no root element");
  return 1;
}

int main(int argc, char **argv) {
  int bad = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: xmlcheck FILE...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      printf("%s: cannot open\n", argv[i]);
      bad = 1;
      continue;
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
      len += got;
      if (len == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) {
      printf("%s: out of memory\n", argv[i]);
      return 2;
    }
    Doc d = {.name = argv[i], .s = buf, .end = buf + len};
    if (check(&d)) printf("%s: well-formed\n", argv[i]);
    else {
      printf("%s\n", d.err);
      bad = 1;
    }
    free(buf);
  }
  return bad;
}
