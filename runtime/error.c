/* error.c — the setjmp frame chain behind rt_throw (see error.h). */
#include "error.h"
#include "i18n.h"
#include "platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Per-thread unwinding state: the innermost frame and the last message. */
static _Thread_local RtFrame *top;
static _Thread_local char msg[2048];
static _Thread_local RtErrKind kind;

volatile sig_atomic_t rt_interrupted;

void rt_push(RtFrame *f) {
  f->prev = top;
  top = f;
}

void rt_pop(RtFrame *f) {
  /* Frames are popped innermost first; a frame above f that was abandoned by a
     longjmp past it is dropped too. */
  top = f->prev;
}

_Noreturn void rt_rethrow(void) {
  if (!top) {
    fprintf(pf_err(), _("nn: uncaught error: %s\n"), msg);
    exit(70);
  }
  longjmp(top->buf, 1);
}

static _Noreturn void vthrow(RtErrKind k, const char *fmt, va_list ap) {
  vsnprintf(msg, sizeof msg, msg_tr(fmt), ap); /* the catalogue's text (i18n.h) */
  kind = k;
  rt_rethrow();
}

void rt_throw(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vthrow(RT_ERR_GENERIC, fmt, ap);
}

void rt_throw_kind(RtErrKind k, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vthrow(k, fmt, ap);
}

const char *rt_errmsg(void) { return msg; }
RtErrKind rt_errkind(void) { return kind; }

static int defer_depth;

int rt_interrupt_defer_depth(void) { return defer_depth; }
void rt_set_interrupt_defer_depth(int depth) { defer_depth = depth; }

void rt_check_interrupt(void) {
  pf_poll(); /* a page's Stop arrives as an event, which this lets the platform handle */
  if (rt_interrupted && !(defer_depth > 0 && rt_interrupted < 2)) {
    rt_interrupted = 0;
    rt_throw_kind(RT_ERR_INTERRUPT, "interrupted");
  }
}
