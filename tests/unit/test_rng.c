/* test_rng.c — xoshiro256** against a reference written here, and the distributions. */
#include "check.h"

#include <stdlib.h>

/* The reference, transcribed from the authors' xoshiro256starstar.c and
   splitmix64.c (state passed explicitly instead of their globals). */
static uint64_t ref_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

static inline uint64_t ref_rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t ref_next(uint64_t *s) {
  const uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ref_rotl(s[3], 45);
  return result;
}

static void streams(void) {
  /* seed 42: the reference above gives these (also checked with a Python transcription) */
  const uint64_t want[6] = {0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1,
                            0xecb8ad4703b360a1, 0xfde6dc7fe2ec5e64, 0xc50da53101795238};
  uint64_t x = 42, s[4];
  for (int i = 0; i < 4; i++) s[i] = ref_splitmix64(&x);
  Rng r;
  rng_seed(&r, 42);
  for (int i = 0; i < 6; i++) {
    uint64_t ref = ref_next(s);
    check_u64(NAME("reference seed 42 [%d]", i), ref, want[i]);
    check_u64(NAME("rng_next seed 42 [%d]", i), rng_next(&r), want[i]);
  }
  int same = 1;
  for (int i = 0; i < 10000; i++) same &= rng_next(&r) == ref_next(s);
  check_true("rng_next matches reference for 10000 draws", same, "streams diverge");
  Rng a, b;
  rng_seed(&a, 123);
  rng_seed(&b, 123);
  Tensor *ta = t_randn(&a, 2, SHAPE(3, 5)), *tb = t_randn(&b, 2, SHAPE(3, 5));
  check_true("randn reproducible", memcmp(ta->data, tb->data, 15 * sizeof(float)) == 0,
             "same seed, different tensors");
  t_release(ta);
  t_release(tb);
  rng_seed(&a, 42);
  check_num("uniform seed 42 [0]", rng_uniform(&a), (double)(want[0] >> 11) / 9007199254740992.0,
            0);
}

static void distributions(void) {
  Rng r;
  rng_seed(&r, 2024);
  enum { N = 100000 };
  Tensor *n = t_randn(&r, 1, SHAPE(N));
  double s = 0, ss = 0;
  for (int i = 0; i < N; i++) s += n->data[i];
  double mean = s / N;
  for (int i = 0; i < N; i++) ss += (n->data[i] - mean) * (n->data[i] - mean);
  check_num("randn mean", mean, 0, 0.01);
  check_num("randn std", sqrt(ss / N), 1, 0.01);
  t_release(n);
  Tensor *u = t_rand(&r, 1, SHAPE(N));
  double lo = 1, hi = 0;
  s = 0;
  for (int i = 0; i < N; i++) {
    s += u->data[i];
    lo = fmin(lo, u->data[i]);
    hi = fmax(hi, u->data[i]);
  }
  check_true("rand in [0, 1)", lo >= 0 && hi < 1, NAME("(got min %g, max %g)", lo, hi));
  check_num("rand mean", s / N, 0.5, 0.01);
  t_release(u);
  int count[3] = {0};
  for (int i = 0; i < 30000; i++) count[rng_below(&r, 3)]++;
  check_true("below(3) roughly uniform",
             abs(count[0] - 10000) < 400 && abs(count[1] - 10000) < 400 &&
                 abs(count[2] - 10000) < 400,
             NAME("(got %d %d %d)", count[0], count[1], count[2]));
  int zero = 1;
  for (int i = 0; i < 100; i++) zero &= rng_below(&r, 1) == 0;
  check_true("below(1) is 0", zero, "nonzero");
  uint64_t big = (1ull << 63) + 1, m = 0;
  for (int i = 0; i < 100; i++) m |= rng_below(&r, big) >= big;
  check_true("below(2^63 + 1) in range", !m, "out of range");
  CHECK_THROWS("below(0)", rng_below(&r, 0), "random: cannot draw from an empty range");
}

int main(void) {
  RUN(streams);
  RUN(distributions);
  return 0;
}
