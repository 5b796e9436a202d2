/* strbuf.h — a growable, NUL-terminated character buffer: how printing, error messages
 * and the plot renderers build text. Knows nothing of values, so the renderers can use it
 * without the interpreter. {0} is an empty buffer; sb_free returns it to that state.
 */
#ifndef NN_STRBUF_H
#define NN_STRBUF_H

#include <stddef.h>

typedef struct StrBuf {
  char *s; /* NULL until the first write, then always NUL-terminated */
  size_t len, cap;
} StrBuf;
void sb_putc(StrBuf *b, char c);
void sb_putn(StrBuf *b, const char *s, size_t n); /* n bytes of s */
void sb_puts(StrBuf *b, const char *s);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(StrBuf *b);

#endif
