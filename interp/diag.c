/* diag.c — the one error format: "file:line:col: error: msg", the source line, carets
 * under the span (as gcc and bison print them). Also UTF-8 validation of sources. */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "i18n.h"
#include "utf8.h"

/* The text of line `line` (1-based) of src: start pointer and length. */
static const char *line_text(const Source *src, int line, size_t *len) {
  const char *p = src->text, *end = src->text + src->len;
  for (int l = 1; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  *len = (size_t)((nl ? nl : end) - p);
  if (*len && p[*len - 1] == '\r') (*len)--;
  return p;
}

void diag_report(FILE *f, int color, const Source *src, Span span, const char *severity,
                 const char *msg) {
  severity = _(severity); /* "error", "warning", "note" */
  const char *bold = color ? "\033[1m" : "", *red = color ? "\033[1;31m" : "",
             *green = color ? "\033[1;32m" : "", *reset = color ? "\033[0m" : "";
  if (!src) {
    fprintf(f, "%snn: %s%s:%s %s\n", bold, red, severity, reset, msg);
    return;
  }
  fprintf(f, "%s%s:%d:%d: %s%s:%s %s\n", bold, src->name, span.first_line, span.first_col,
          red, severity, reset, msg);
  size_t len;
  const char *text = line_text(src, span.first_line, &len);
  if (!text) return;
  /* Long lines are cut around the span so the carets stay readable. */
  enum { MAXW = 200 };
  size_t from = 0;
  int col = span.first_col > 0 ? span.first_col : 1;
  if (len > MAXW && (size_t)col > MAXW / 2) from = (size_t)col - MAXW / 2;
  size_t shown = len - from > MAXW ? MAXW : len - from;
  char gutter[16];
  int gw = snprintf(gutter, sizeof gutter, "%5d", span.first_line);
  fprintf(f, "%s | %s%.*s%s\n", gutter, from ? "..." : "", (int)shown, text + from,
          from + shown < len ? "..." : "");
  fprintf(f, "%*s | %s", gw, "", from ? "   " : "");
  int last = span.last_line == span.first_line && span.last_col >= col ? span.last_col
                                                                        : (int)len;
  if (last < col) last = col;
  fputs(green, f);
  /* Spaces and carets as wide as the characters above them: spans count bytes, a
     terminal shows a Chinese character in two columns (utf8.h) and a tab as a tab. */
  const char *end = text + len, *p = text + from;
  while (p < end && p < text + col - 1) {
    if (*p == '\t') {
      fputc('\t', f);
      p++;
    } else {
      for (int w = utf8_cp_cols(utf8_next(&p, end)); w > 0; w--) fputc(' ', f);
    }
  }
  const char *stop = text + (last < (int)len ? last : (int)len), *cap = text + from + MAXW + 1;
  while (p < stop && p < cap)
    for (int w = utf8_cp_cols(utf8_next(&p, end)); w > 0; w--) fputc('^', f);
  if (last > (int)len || col > (int)len) fputc('^', f); /* the end of the line (end of input) */
  fprintf(f, "%s\n", reset);
}

int diag_check_utf8(const char *text, size_t len, Span *span, char *why, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  int line = 1, col = 1;
  for (size_t i = 0; i < len;) {
    unsigned c = s[i];
    int need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
             : (c & 0xF8) == 0xF0 ? 3 : -1;
    unsigned cp = need == 1 ? c & 0x1F : need == 2 ? c & 0x0F : c & 0x07;
    int ok = need >= 0 && i + (size_t)need < len + (need == 0);
    for (int k = 1; ok && k <= need; k++) {
      if (i + (size_t)k >= len || (s[i + k] & 0xC0) != 0x80) ok = 0;
      else cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (ok && need > 0) {
      /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
      unsigned min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ok = 0;
    }
    if (c == 0) ok = 0;
    if (!ok) {
      *span = (Span){line, col, line, col};
      if (c == 0) snprintf(why, n, "%s", _("the file contains a NUL byte: not a text file"));
      else snprintf(why, n, _("invalid UTF-8 byte 0x%02X: nn source must be UTF-8 text"), c);
      return 0;
    }
    if (c == '\n') {
      line++;
      col = 1;
    } else {
      col += need + 1;
    }
    i += (size_t)need + 1;
  }
  return 1;
}
