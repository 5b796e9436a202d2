/* utf8.c — display columns of UTF-8 text (utf8.h). */
#include <string.h>

#include "utf8.h"

unsigned utf8_next(const char **p, const char *end) {
  const unsigned char *s = (const unsigned char *)*p;
  unsigned cp = *s;
  int len = cp < 0x80 ? 1 : (cp >> 5) == 6 ? 2 : (cp >> 4) == 14 ? 3 : (cp >> 3) == 30 ? 4 : 1;
  if (len > 1) cp &= 0x3Fu >> (len - 1);
  int k = 1;
  for (; k < len && s + k < (const unsigned char *)end && (s[k] & 0xC0) == 0x80; k++)
    cp = cp << 6 | (s[k] & 0x3Fu);
  *p += k;
  return cp;
}

/* East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W/F, the blocks that
   matter for Chinese, Japanese and Korean text), as wcwidth() gives them in a UTF-8
   locale. */
int utf8_cp_cols(unsigned cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
                 (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                 (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                 (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
             ? 2
             : 1;
}

int utf8_cols_n(const char *s, size_t n) {
  int cols = 0;
  for (const char *p = s, *end = s + n; p < end;) cols += utf8_cp_cols(utf8_next(&p, end));
  return cols;
}

int utf8_cols(const char *s) { return utf8_cols_n(s, strlen(s)); }

size_t utf8_prefix(const char *s, size_t max) {
  size_t n = strnlen(s, max + 1);
  if (n <= max) return n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
  return max;
}
