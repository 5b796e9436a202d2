/* diag.h — diagnostics (diag.c): the one format of located messages, and UTF-8 checks. */
#ifndef NN_DIAG_H
#define NN_DIAG_H

#include <stdio.h>

#include "ast.h"

/* Print "name:line:col: error: msg", the source line and carets under span. */
void diag_report(FILE *f, int color, const Source *src, Span span, const char *severity,
                 const char *msg);
/* Validate UTF-8; on failure fill *span with the first bad byte and return 0. */
int diag_check_utf8(const char *text, size_t len, Span *span, char *why, size_t n);

#endif
