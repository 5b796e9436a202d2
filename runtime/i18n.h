/* i18n.h — the message catalogue: every user-facing string goes through _() (gettext's
 * convention), so a second language is a file (po/zh.po), not a code change.
 *
 *   rt_throw(_("...%s..."), x)   is not needed: rt_throw, ev_error, arg_error, arg_fail and
 *                                the warning helper translate their format themselves;
 *   sb_puts(b, _("Loss"))        everything else that a user reads is wrapped in _();
 *   static const char *k = N_("epoch");   marks a string translated later with _(k).
 *
 * po/zh.po is compiled into a sorted table at build time (tools/po2c.c says why it is not
 * libintl). The language is process-wide, as a gettext locale is: the interpreter sets it
 * from LANGUAGE/LC_ALL/LC_MESSAGES/LANG, `--lang` and `:lang`. A msgid with no Chinese text
 * prints in English; `make test` fails on one (tools/check_catalog.sh).
 */
#ifndef NN_I18N_H
#define NN_I18N_H

#include <stddef.h>

typedef struct NnMsg {
  const char *id, *str;
} NnMsg;

typedef enum { MSG_EN, MSG_ZH } MsgLang;

void msg_set_lang(MsgLang lang);
MsgLang msg_lang(void);
/* "en" or "zh". */
const char *msg_lang_code(MsgLang lang);
/* The language a user's environment asks for, as gettext reads it: LC_ALL, else
   LC_MESSAGES, else LANG names the locale; a C/POSIX locale means English; otherwise the
   first of LANGUAGE's colon-separated list that is zh* or en*, else the locale's own
   prefix (zh* is Chinese). Nothing set: English. */
MsgLang msg_lang_from_env(void);

/* The text of msgid in the current language (msgid itself when untranslated). */
const char *msg_tr(const char *msgid) __attribute__((format_arg(1)));

#define _(s) msg_tr(s)
#define N_(s) (s)

#endif
