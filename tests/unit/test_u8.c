/* test_u8.c — byte tensors (runtime/u8.h) against the float path they replace: the
 * conversion is bit for bit idx.c's old (float)(b / 255.0), and row indexing and row
 * gathers give what t_index and a float gather give, errors included. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "u8.h"

/* t's floats equal, bit for bit, to a's bytes through lut. */
static int same_bits(const Tensor *t, const U8Tensor *a) {
  if (t->ndim != a->ndim || memcmp(t->shape, a->shape, sizeof(int64_t) * (size_t)a->ndim)) return 0;
  for (int64_t i = 0; i < a->size; i++)
    if (memcmp(&t->data[i], &a->lut[a->data[i]], sizeof(float))) return 0;
  return 1;
}

/* The error message of t_index (float) or u8_index0 (bytes), or "" when none. */
static void index_both(const Tensor *f, const U8Tensor *b, const TIndex *ix, Tensor **tf, U8Tensor **tb,
                       char *ef, char *eb) {
  RtFrame fr;
  *tf = NULL, *tb = NULL, *ef = *eb = 0;
  if (RT_TRY(&fr)) {
    *tf = t_index(f, 1, ix);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    snprintf(ef, 256, "%s", rt_errmsg());
  }
  if (RT_TRY(&fr)) {
    *tb = u8_index0(b, ix);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    snprintf(eb, 256, "%s", rt_errmsg());
  }
}

int main(void) {
  /* Every byte converts as idx.c always converted it. */
  U8Tensor *all = u8_new(1, (int64_t[]){256}, 255);
  for (int b = 0; b < 256; b++) all->data[b] = (uint8_t)b;
  Tensor *fa = u8_to_tensor(all);
  int ok = 1;
  for (int b = 0; b < 256; b++) {
    float want = (float)(b / 255.0);
    ok &= !memcmp(&fa->data[b], &want, sizeof want);
  }
  check_true("u8_to_tensor: b -> (float)(b / 255.0), bit for bit, for all 256 bytes", ok, "differs");
  U8Tensor *labels = u8_new(0, NULL, 1);
  check_true("labels: divisor 1 keeps the byte", labels->lut[200] == 200.0f, "lut[200]");
  u8_release(labels);

  /* images [7, 3, 2] of pseudo-random bytes, and the same as floats */
  int64_t shape[3] = {7, 3, 2};
  U8Tensor *b = u8_new(3, shape, 255);
  srand(1);
  for (int64_t i = 0; i < b->size; i++) b->data[i] = (uint8_t)(rand() & 255);
  Tensor *f = u8_to_tensor(b);
  check_true("u8_to_tensor keeps the shape and values", same_bits(f, b), "differs");

  /* Row gathers: u8_rows_to_tensor == take the float rows; u8_take_rows keeps bytes. */
  int64_t idx[5] = {6, 0, 3, 3, 1};
  Tensor *rows = u8_rows_to_tensor(b, idx, 5);
  U8Tensor *rb = u8_take_rows(b, idx, 5);
  int rows_ok = rows->shape[0] == 5 && rows->shape[1] == 3 && rows->shape[2] == 2 && same_bits(rows, rb);
  for (int i = 0; i < 5; i++)
    rows_ok &= !memcmp(rows->data + i * 6, f->data + idx[i] * 6, 6 * sizeof(float));
  check_true("u8_rows_to_tensor and u8_take_rows pick the float rows", rows_ok, "differs");

  /* Every index and slice on the leading axis, as t_index takes it (clamping, negative
     ends, steps both ways, errors). */
  int n_cases = 0, n_bad = 0;
  char ef[256], eb[256], detail[700] = "";
  for (int64_t i = -9; i <= 9; i++) {
    TIndex ix = {.kind = T_IX_INDEX, .index = i};
    Tensor *tf;
    U8Tensor *tb;
    index_both(f, b, &ix, &tf, &tb, ef, eb);
    int same = strcmp(ef, eb) == 0 && (!tf || same_bits(tf, tb));
    if (!same && !n_bad++) snprintf(detail, sizeof detail, "x[%lld]: %s | %s", (long long)i, ef, eb);
    n_cases++;
    t_release(tf);
    u8_release(tb);
  }
  for (int hs = 0; hs < 2; hs++)
    for (int he = 0; he < 2; he++)
      for (int64_t s = -10; s <= 10; s++)
        for (int64_t e = -10; e <= 10; e++)
          for (int64_t st = -4; st <= 4; st++) {
            TIndex ix = {.kind = T_IX_SLICE, .has_start = hs, .has_stop = he, .start = s, .stop = e,
                         .step = st};
            Tensor *tf;
            U8Tensor *tb;
            index_both(f, b, &ix, &tf, &tb, ef, eb);
            int same = strcmp(ef, eb) == 0 && (!tf || same_bits(tf, tb));
            if (!same && !n_bad++)
              snprintf(detail, sizeof detail, "x[%lld:%lld:%lld] (%d %d): %s | %s", (long long)s,
                       (long long)e, (long long)st, hs, he, ef, eb);
            n_cases++;
            t_release(tf);
            u8_release(tb);
          }
  check_true(NAME("u8_index0 == t_index on axis 0 (%d indices and slices)", n_cases), n_bad == 0, detail);

  /* A 1-D byte tensor indexed to a 0-d one. */
  TIndex one = {.kind = T_IX_INDEX, .index = -1};
  U8Tensor *last = u8_index0(all, &one);
  check_true("x[-1] of a 1-D byte tensor is 0-d", last->ndim == 0 && last->size == 1 && last->data[0] == 255,
             "wrong");

  u8_release(last);
  u8_release(rb);
  t_release(rows);
  t_release(f);
  u8_release(b);
  t_release(fa);
  u8_release(all);
  return 0;
}
