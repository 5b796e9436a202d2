/* test_alloc_steps.c — a training step in the steady state allocates nothing (issue 11):
 * train() on the Fashion-MNIST-shaped MLP (784-256-128-10 + softmax, batch 64, random
 * data of that shape) for 1 step and for 2 and 10 steps, each time from an empty block
 * cache and the same fresh model and optimizer, makes exactly as many calls to malloc —
 * steps 2 to 10 take every tensor, autograd node and work list from the blocks step 1
 * freed. For Adam, SGD and momentum, for mse (a loss written in nn: a scope and a string
 * per call, from the cache too) and for a model with batchnorm and dropout; in the last
 * two step 2 may need one block more than step 1 left (step 1 lent a freed block to a
 * new Adam state of the same size, which keeps it), and steps 3 to 10 nothing. With the cache
 * off the same count grows with every step (so the check can fail), and the losses are
 * the same bit for bit (so the cache changes nothing else). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "interp.h"
#include "mem.h"

static Interp I;

static void run(const char *code) {
  if (interp_run(&I, "test", code, strlen(code), NULL))
    printf("FAIL the code ran with an error: %s\n", code);
}

/* One configuration: the model's name, the optimizer, the loss and the targets (Y: class
   indices, Y1: one-hot rows). */
typedef struct {
  const char *model, *optimizer, *loss, *y;
} Setup;

/* Calls to malloc made by train() over `steps` batches of 64 with a fresh model and
   optimizer, starting from an empty cache; *loss: the mean loss of that epoch. */
static uint64_t train_allocs(Setup u, int steps, float *loss) {
  char code[256];
  snprintf(code, sizeof code, "let d = {x: X[0:%d], y: %s[0:%d]}\nseed(1)\nlet m = %s()\nlet o = %s\n"
           "let lossf = %s\n", 64 * steps, u.y, 64 * steps, u.model, u.optimizer, u.loss);
  run(code);
  rt_cache_trim();
  uint64_t before = rt_alloc_count();
  /* The same text every time: parsing it allocates the same. */
  run("let h = train(m, d, lossf, optimizer = o, epochs = 1, batch = 64, shuffle = false, verbose = false)");
  uint64_t n = rt_alloc_count() - before;
  run("let L = h.loss[0]");
  Value *l = ev_global(&I, "L");
  double x = NAN;
  if (!l || !v_to_num(*l, &x)) printf("FAIL the loss of %s, %s is not a number\n", u.model, u.optimizer);
  *loss = (float)x;
  return n;
}

/* strict: step 2 allocates nothing either (else at most one block). */
static void steady(Setup u, bool strict, bool cache_built) {
  char model[64], optimizer[96];
  snprintf(model, sizeof model, "%s", u.model);
  snprintf(optimizer, sizeof optimizer, "%s, %s", u.optimizer, u.loss);
  float l1, l2, l10, off1, off10;
  rt_cache_set(true);
  train_allocs(u, 10, &l10); /* first use: symbols, globals, stdlib */
  uint64_t n1 = train_allocs(u, 1, &l1);
  uint64_t n2 = train_allocs(u, 2, &l2);
  uint64_t n10 = train_allocs(u, 10, &l10);
  char what[320];
  snprintf(what, sizeof what, "%s, %s: 1 step %llu mallocs, 2 steps %llu, 10 steps %llu", model,
           optimizer, (unsigned long long)n1, (unsigned long long)n2, (unsigned long long)n10);
  check_true(NAME("alloc/%s %s: step 1 allocates (the count sees it)", model, optimizer), n1 > 20, what);
  check_true(NAME("alloc/%s %s: a loss", model, optimizer), isfinite(l1) && isfinite(l10), "not finite");
  if (cache_built) {
    if (strict) check_int(NAME("alloc/%s %s: step 2 allocates nothing", model, optimizer), (int64_t)n2, (int64_t)n1);
    else check_true(NAME("alloc/%s %s: step 2 allocates at most one block", model, optimizer), n2 <= n1 + 1, what);
    check_int(NAME("alloc/%s %s: steps 3-10 allocate nothing", model, optimizer), (int64_t)n10, (int64_t)n2);
  }
  rt_cache_set(false);
  uint64_t m1 = train_allocs(u, 1, &off1);
  uint64_t m10 = train_allocs(u, 10, &off10);
  snprintf(what, sizeof what, "cache off: 1 step %llu mallocs, 10 steps %llu", (unsigned long long)m1,
           (unsigned long long)m10);
  check_true(NAME("alloc/%s %s: without the cache each step allocates", model, optimizer),
             m10 >= m1 + 9 * 20, what);
  if (cache_built) {
    check_true(NAME("alloc/%s %s: same loss with and without the cache (1 step)", model, optimizer),
               memcmp(&l1, &off1, sizeof l1) == 0, "losses differ");
    check_true(NAME("alloc/%s %s: same loss with and without the cache (10 steps)", model, optimizer),
               memcmp(&l10, &off10, sizeof l10) == 0, "losses differ");
  }
}

int main(void) {
  interp_init(&I);
  run("seed(0)\n"
      "model mlp() {\n  flatten\n  dense(784, 256)\n  relu\n  dense(256, 128)\n  relu\n"
      "  dense(128, 10)\n  softmax\n}\n"
      "model mlp_bn() {\n  flatten\n  dense(784, 256)\n  batchnorm(256)\n  relu\n  dropout(0.2)\n"
      "  dense(256, 128)\n  relu\n  dense(128, 10)\n  softmax\n}\n"
      "let X = rand(1000, 28, 28)\nlet Y = floor(rand(1000) * 10)\nlet Y1 = one_hot(Y, 10)\n");
  /* Under AddressSanitizer the cache is compiled out: only the cache-off half runs. */
  bool built = rt_cache_set(true);
  steady((Setup){"mlp", "adam(lr = 0.001)", "cross_entropy", "Y"}, true, built);
  steady((Setup){"mlp", "sgd(lr = 0.01)", "cross_entropy", "Y"}, true, built);
  steady((Setup){"mlp", "momentum(lr = 0.01)", "cross_entropy", "Y"}, true, built);
  steady((Setup){"mlp", "adam(lr = 0.001)", "mse", "Y1"}, false, built);
  steady((Setup){"mlp_bn", "adam(lr = 0.001)", "cross_entropy", "Y"}, false, built);
  interp_free(&I);
  rt_cache_trim();
  return 0;
}
