/* check.h — helpers for the C unit tests: each check prints one "PASS name" or
 * "FAIL name: details (got X, want Y)" line on stdout; the runner counts them. */
#ifndef NN_CHECK_H
#define NN_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "tensor.h"

/* Test names built with a format: NAME("add[%d]", i). The buffer is a compound
   literal, alive until the end of the enclosing block. */
#define NAME(...) name_fmt((char[256]){0}, __VA_ARGS__)
static inline const char *name_fmt(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline const char *name_fmt(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, 256, fmt, ap);
  va_end(ap);
  return buf;
}

static inline int check_true(const char *name, int ok, const char *detail) {
  if (ok) printf("PASS %s\n", name);
  else printf("FAIL %s: %s\n", name, detail);
  return ok;
}

/* got ≈ want within tol relative to max(1, |want|); NaN matches NaN, ±inf itself. */
static inline int near(double got, double want, double tol) {
  if (isnan(want)) return isnan(got);
  if (isinf(want)) return got == want;
  return fabs(got - want) <= tol * fmax(1, fabs(want));
}

static inline int check_num(const char *name, double got, double want, double tol) {
  int ok = near(got, want, tol);
  if (ok) printf("PASS %s\n", name);
  else printf("FAIL %s: not within %g (got %.9g, want %.9g)\n", name, tol, got, want);
  return ok;
}

static inline int check_int(const char *name, int64_t got, int64_t want) {
  if (got == want) printf("PASS %s\n", name);
  else printf("FAIL %s: (got %" PRId64 ", want %" PRId64 ")\n", name, got, want);
  return got == want;
}

static inline int check_u64(const char *name, uint64_t got, uint64_t want) {
  if (got == want) printf("PASS %s\n", name);
  else printf("FAIL %s: (got 0x%016" PRIx64 ", want 0x%016" PRIx64 ")\n", name, got, want);
  return got == want;
}

static inline int check_str(const char *name, const char *got, const char *want) {
  int ok = strcmp(got, want) == 0;
  if (ok) printf("PASS %s\n", name);
  else printf("FAIL %s: (got \"%s\", want \"%s\")\n", name, got, want);
  return ok;
}

/* t's shape as text, e.g. "[2, 3]". */
static inline int check_shape(const char *name, const Tensor *t, const char *want) {
  char s[96];
  return check_str(name, t_shape_str(t->ndim, t->shape, s, sizeof s), want);
}

/* Shape and every value of t against want[n]; reports the first mismatch. */
static inline int check_data(const char *name, const Tensor *t, const char *shape,
                             const double *want, int64_t n, double tol) {
  char s[96];
  t_shape_str(t->ndim, t->shape, s, sizeof s);
  if (strcmp(s, shape) != 0) {
    printf("FAIL %s: shape (got %s, want %s)\n", name, s, shape);
    return 0;
  }
  if (t->size != n) {
    printf("FAIL %s: size (got %" PRId64 ", want %" PRId64 ")\n", name, t->size, n);
    return 0;
  }
  for (int64_t i = 0; i < n; i++)
    if (!near(t->data[i], want[i], tol)) {
      printf("FAIL %s: element %" PRId64 " (got %.9g, want %.9g)\n", name, i,
             (double)t->data[i], want[i]);
      return 0;
    }
  printf("PASS %s\n", name);
  return 1;
}

/* Run stmt, which must throw exactly `want`. A stmt that returns must release what
   it made, e.g. CHECK_THROWS(n, t_release(t_matmul(a, b)), "matmul: ..."). */
#define CHECK_THROWS(name, stmt, want)                           \
  do {                                                           \
    RtFrame f_;                                                  \
    if (RT_TRY(&f_)) {                                           \
      stmt;                                                      \
      rt_pop(&f_);                                               \
      check_true(name, 0, "no error thrown (want \"" want "\")"); \
    } else {                                                     \
      rt_pop(&f_);                                               \
      check_str(name, rt_errmsg(), want);                        \
    }                                                            \
  } while (0)

/* Run one test function; an unexpected throw becomes a FAIL line, not an exit. */
#define RUN(fn)                                                              \
  do {                                                                       \
    RtFrame f_;                                                              \
    if (RT_TRY(&f_)) {                                                       \
      fn();                                                                  \
      rt_pop(&f_);                                                           \
    } else {                                                                 \
      rt_pop(&f_);                                                           \
      printf("FAIL %s: unexpected error: %s\n", #fn, rt_errmsg());           \
    }                                                                        \
  } while (0)

/* Shorthands for literals: SHAPE(2, 3), VEC(3, 1, 2, 3) (a [3] tensor). */
#define SHAPE(...) ((int64_t[]){__VA_ARGS__})
#define VEC(n, ...) t_from(1, SHAPE(n), (float[]){__VA_ARGS__})

/* ---- finite-difference gradient checks (test_autograd.c, test_conv.c) ---- */

#include <stdbool.h>

#include "autograd.h"

typedef Tensor *(*FdApply)(const void *spec, Tensor **in);

/* Σ seed·y in double */
static inline double fd_dot(const Tensor *seed, const Tensor *y) {
  double s = 0;
  for (int64_t i = 0; i < y->size; i++) s += (double)seed->data[i] * y->data[i];
  return s;
}

/* Back-propagate a random seed through apply(spec, in) and compare every element of the
   gradient of each input in `diff` (a bit per input) with a central difference of
   Σ seed·y taken in double around the float32 point (step 1e-3 relative): |analytic −
   numeric| <= tol·max(1, |numeric|). A missing gradient counts as zeros, or fails when
   need_grad. Releases the inputs. */
static inline void fd_check(const char *name, FdApply apply, const void *spec, Rng *rng, int n,
                            Tensor **in, unsigned diff, double tol, bool need_grad) {
  for (int i = 0; i < n; i++)
    if (diff >> i & 1) ad_track(in[i]);
  Tensor *y = apply(spec, in);
  Tensor *seed = t_randn(rng, y->ndim, y->shape);
  ad_backward(y, seed);
  bool was = ad_set_recording(false);
  int ok = 1, checked = 0;
  char why[256] = "";
  for (int i = 0; i < n && ok; i++) {
    if (!(diff >> i & 1)) continue;
    const Tensor *g = ad_grad(in[i]);
    if (need_grad && !g) {
      snprintf(why, sizeof why, "input %d: no gradient of its shape", i);
      ok = 0;
      break;
    }
    if (g && !t_same_shape(g, in[i])) {
      char s1[96], s2[96];
      snprintf(why, sizeof why, "input %d: gradient shape %s, input shape %s", i,
               t_shape_str(g->ndim, g->shape, s1, 96), t_shape_str(in[i]->ndim, in[i]->shape, s2, 96));
      ok = 0;
      break;
    }
    for (int64_t j = 0; j < in[i]->size && ok; j++) {
      float x0 = in[i]->data[j];
      double h = 1e-3 * fmax(1, fabs(x0));
      float xp = (float)(x0 + h), xm = (float)(x0 - h);
      in[i]->data[j] = xp;
      Tensor *yp = apply(spec, in);
      in[i]->data[j] = xm;
      Tensor *ym = apply(spec, in);
      in[i]->data[j] = x0;
      double num = (fd_dot(seed, yp) - fd_dot(seed, ym)) / ((double)xp - xm);
      double an = g ? g->data[j] : 0;
      t_release(yp);
      t_release(ym);
      checked++;
      if (!(fabs(an - num) <= tol * fmax(1, fabs(num)))) {
        snprintf(why, sizeof why, "input %d element %lld: analytic %.7g, numeric %.7g", i,
                 (long long)j, an, num);
        ok = 0;
      }
    }
  }
  ad_set_recording(was);
  if (ok && !checked) snprintf(why, sizeof why, "nothing checked"), ok = 0;
  check_true(name, ok, why);
  t_release(y);
  t_release(seed);
  for (int i = 0; i < n; i++) t_release(in[i]);
}

#endif
