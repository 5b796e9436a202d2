/* i18n.c — lookup in the embedded catalogue (i18n.h); the table is generated from
 * po/zh.po by tools/po2c.c into the build folder. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

extern const NnMsg nn_catalog_zh[];
extern const size_t nn_catalog_zh_n;

/* Process-wide, like a gettext locale: the one front end of a process sets it. */
static MsgLang current = MSG_EN;

void msg_set_lang(MsgLang lang) { current = lang; }
MsgLang msg_lang(void) { return current; }
const char *msg_lang_code(MsgLang lang) { return lang == MSG_ZH ? "zh" : "en"; }

static int is_c_locale(const char *v) {
  return !strcmp(v, "C") || !strcmp(v, "POSIX") || !strncmp(v, "C.", 2);
}

MsgLang msg_lang_from_env(void) {
  const char *locale = NULL;
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (int i = 0; i < 3 && !locale; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v) locale = v;
  }
  if (!locale || is_c_locale(locale)) return MSG_EN;
  const char *list = getenv("LANGUAGE");
  for (const char *p = list; p && *p;) {
    if (!strncmp(p, "zh", 2)) return MSG_ZH;
    if (!strncmp(p, "en", 2)) return MSG_EN;
    p = strchr(p, ':');
    if (p) p++;
  }
  return !strncmp(locale, "zh", 2) ? MSG_ZH : MSG_EN;
}

static int cmp_id(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const NnMsg *)elem)->id);
}

const char *msg_tr(const char *msgid) {
  if (current == MSG_EN || !msgid || !*msgid) return msgid;
  const NnMsg *m = bsearch(msgid, nn_catalog_zh, nn_catalog_zh_n, sizeof *nn_catalog_zh, cmp_id);
  return m ? m->str : msgid;
}
