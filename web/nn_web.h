/* nn_web.h — the C functions web/nn-api.js calls (exported from the module by web/web.mk;
 * see nn_web.c for what each does). */
#ifndef NN_WEB_H
#define NN_WEB_H

#include <stddef.h>

/* nn_web_run's flags (nn-api.js passes the same numbers). */
enum { NN_WEB_ECHO = 1, NN_WEB_TEXT_PLOTS = 2, NN_WEB_REPL = 4 };

void nn_web_init(void);
int nn_web_run(const char *name, const char *source, size_t len, int flags);
void nn_web_reset(void);
void nn_web_interrupt(void);
int nn_web_set_home(const char *dir);
int nn_web_set_lang(const char *code);
const char *nn_web_text(int stream);
size_t nn_web_text_len(int stream);
int nn_web_figures(void);
const char *nn_web_figure(int i);

#endif
