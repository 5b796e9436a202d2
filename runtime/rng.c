/* rng.c — xoshiro256** random numbers seeded by splitmix64: the same stream everywhere. */
#include "tensor.h"

#include <math.h>

#include "error.h"

/* splitmix64 (Steele, Lea, Flood): spreads one 64-bit seed over xoshiro's state. */
static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(Rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
  r->has_spare = 0;
  r->spare = 0;
}

/* xoshiro256** 1.0 (Blackman, Vigna): result = rotl(s1·5, 7)·9, then the linear step. */
uint64_t rng_next(Rng *r) {
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

/* The top 53 bits scaled by 2^−53: every double in [0, 1) on that grid, equally likely. */
double rng_uniform(Rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Marsaglia's polar method: (u, v) uniform in the unit disc, s = u² + v²;
   u·√(−2 ln s / s) and v·√(−2 ln s / s) are independent N(0, 1). The second is kept. */
double rng_normal(Rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  double u, v, s;
  do {
    u = 2 * rng_uniform(r) - 1;
    v = 2 * rng_uniform(r) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  double m = sqrt(-2 * log(s) / s);
  r->spare = v * m;
  r->has_spare = 1;
  return u * m;
}

/* Rejection: draws below 2^64 mod n are refused, leaving a multiple of n values, so
   x mod n is exactly uniform. At most half the draws are refused (n > 2^63). */
uint64_t rng_below(Rng *r, uint64_t n) {
  if (n == 0) rt_throw("random: cannot draw from an empty range");
  uint64_t floor = (0 - n) % n; /* = 2^64 mod n */
  for (;;) {
    uint64_t x = rng_next(r);
    if (x >= floor) return x % n;
  }
}

/* U[0, 1) floats from the top 24 bits: exact in float and never rounded up to 1. */
Tensor *t_rand(Rng *r, int ndim, const int64_t *shape) {
  Tensor *t = t_new(ndim, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)(rng_next(r) >> 40) * 0x1.0p-24f;
  return t;
}

Tensor *t_randn(Rng *r, int ndim, const int64_t *shape) {
  Tensor *t = t_new(ndim, shape);
  for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)rng_normal(r);
  return t;
}
