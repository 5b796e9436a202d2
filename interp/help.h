/* help.h — the bilingual help (English and Chinese): the topics of the course notes and
 * every builtin and stdlib function, for the REPL's :help, :lang and :source and for the
 * builtins help(), help_topics() and help_text().
 *
 * The texts are docs/help/en.md and docs/help/zh.md, embedded at build time: `# Title`
 * starts a section (the index groups by them), `## name, alias, …` starts an entry and the
 * lines up to the next heading are its text. Aliases of either file find the entry in both
 * (`:help 动量` shows the momentum text in English too). A language is "en" or "zh".
 */
#ifndef NN_HELP_H
#define NN_HELP_H

#include <stdbool.h>
#include <stdio.h>

#include "args.h"

/* Print the help of `name` (a topic, an alias, or any global; "cross-entropy" and
   "Cross_Entropy" find cross_entropy; "X函数", as the notes name functions, finds X) on
   out: the signature when it names a function (from the function value itself), then
   the text in `lang` (NULL: I->lang). A text missing in that language is taken from the
   other one, after a note that says so. Unknown: prints "no help for 'x'; did you mean
   'y'?" (near misses counted in letters of either script: 学习律 → 学习率) on out, in
   `lang`, and returns false. */
bool help_print(Interp *I, FILE *out, const char *name, const char *lang);

/* Call fn with every entry's name and alias in the texts of every language (not
   NUL-terminated: n bytes; repeats across languages), for completion. */
void help_each_name(void (*fn)(void *ud, const char *name, size_t n), void *ud);

/* The overview on out: how to ask, then the topics grouped by the notes' sections, then
   the functions by kind, then any builtin or stdlib function the texts do not cover. */
void help_index(Interp *I, FILE *out, const char *lang);

/* Print the nn definition of a function with the comment lines above it: a stdlib
   declaration, the stdlib formula of a native (softmax, adam), or a function defined in
   the session. Returns false (after saying why on out) for a pure C builtin or an
   unknown name. */
bool help_source(Interp *I, FILE *out, const char *name);

/* The language from the environment, as gettext reads it (i18n.h: msg_lang_from_env):
   "zh" or "en". */
const char *help_default_lang(void);

/* Set I->lang for the session (":lang zh") and the message catalogue's language with it:
   accepts en, zh and names that start with them (zh_CN.UTF-8, english, 中文); returns
   false, changing nothing, for others. */
bool help_set_lang(Interp *I, const char *lang);

/* "en" or "zh" for a user's spelling of a language, NULL when it is neither. */
const char *help_lang_code(const char *lang);

/* Registers help(name = none, lang = none), help_topics(kind = "topics") and
   help_text(name, lang = none), and sets I->lang from the environment. */
void help_register(Interp *I);

#endif
