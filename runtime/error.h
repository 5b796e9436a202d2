/* error.h — the one unwinding path: a chain of setjmp frames, like Lua's luaD_throw.
 *
 * Anything that detects an error a user can cause (a bad shape, an allocation that
 * fails, an interrupt) calls rt_throw, which formats the message and longjmps to the
 * innermost frame pushed with RT_TRY. Code between a throw and the frame must keep
 * what it allocated reachable from an owner (see interp/value.h's root stack), or
 * allocate only after every check that can throw has passed.
 *
 *   RtFrame f;
 *   if (RT_TRY(&f)) { ...work that may throw...; rt_pop(&f); }
 *   else            { rt_pop(&f); use rt_errmsg(); }
 *
 * The chain is per thread; the runtime holds no other mutable state.
 */
#ifndef NN_ERROR_H
#define NN_ERROR_H

#include <setjmp.h>
#include <signal.h>

typedef enum { RT_ERR_GENERIC, RT_ERR_OOM, RT_ERR_INTERRUPT } RtErrKind;

typedef struct RtFrame {
  jmp_buf buf;
  struct RtFrame *prev;
} RtFrame;

/* Push f and take its setjmp: nonzero the first time, zero after a throw.
   The frame is popped by rt_pop in both branches. */
#define RT_TRY(f) (rt_push(f), setjmp((f)->buf) == 0)

void rt_push(RtFrame *f);
void rt_pop(RtFrame *f);

/* Format the message and unwind to the innermost frame. With no frame pushed,
   prints the message and exits with status 70 (a bug: callers must push one). */
_Noreturn void rt_throw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void rt_throw_kind(RtErrKind kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Re-throw the current message unchanged (after local cleanup in a catch). */
_Noreturn void rt_rethrow(void);

const char *rt_errmsg(void);
RtErrKind rt_errkind(void);

/* Ctrl-C: the signal handler counts presses in this flag (1, then 2 for more); long
   loops call rt_check_interrupt, which clears it and throws RT_ERR_INTERRUPT
   ("interrupted"). */
extern volatile sig_atomic_t rt_interrupted;
void rt_check_interrupt(void);
/* A loop that stops cleanly on Ctrl-C by itself (train: after the current step, keeping
   the weights and returning the history) defers the interrupt: while the depth is above 0,
   rt_check_interrupt ignores a first Ctrl-C — a schedule, a validation pass or a declared
   loss running between the loop's own checks must not abort it — and throws on a second,
   so runaway code inside still stops. The depth is interpreter state: the protected call
   (interp/eval.c) saves and restores it on every unwind. */
int rt_interrupt_defer_depth(void);
void rt_set_interrupt_defer_depth(int depth);

#endif
