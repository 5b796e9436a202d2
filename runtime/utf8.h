/* utf8.h — UTF-8 text as a terminal shows it: code points and display columns. One
 * definition for every front end that lines text up (diagnostics' carets, tables, plots'
 * labels), so Chinese text takes the two columns a terminal gives it. No locale is
 * needed (wcwidth() answers -1 for CJK under the C locale most machines run in). */
#ifndef NN_UTF8_H
#define NN_UTF8_H

#include <stddef.h>

/* The code point at *p (advancing *p past it, never past end); a malformed byte counts
   as one code point of its own value. */
unsigned utf8_next(const char **p, const char *end);
/* Columns of one code point: 2 for the wide characters of East Asian scripts (CJK
   ideographs and punctuation, kana, hangul, full-width forms), else 1. */
int utf8_cp_cols(unsigned cp);
/* Columns of a NUL-terminated string, and of its first n bytes. */
int utf8_cols(const char *s);
int utf8_cols_n(const char *s, size_t n);
/* The bytes of s's longest prefix of at most max bytes that ends where a character
   starts: for cutting a long text short ("%.*s") without splitting a Chinese character. */
size_t utf8_prefix(const char *s, size_t max);

#endif
