/* fuzz_csv.c — libFuzzer harness: the input is a CSV file, read by the load_csv builtin
 * (interp/data.c) in a fresh interpreter, once with the default target (the last
 * column) and once with target "y", and the result is used (shapes, a sum) so a wrong
 * size shows up under ASan. Errors are reported (to /dev/null); nothing else is allowed. */
#include "fuzz.h"
#include "interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof path);
  if (fd < 0) return 0;
  char code[512];
  Interp I;
  interp_init(&I);
  fuzz_deadline_arm(fuzz_budget_ms());
  const char *targets[] = {"", ", \"y\""};
  for (int i = 0; i < 2; i++) {
    int n = snprintf(code, sizeof code,
                     "let d%d = load_csv(\"%s\"%s)\nprint(shape(d%d.x), shape(d%d.y), sum(d%d.x), sum(d%d.y))\n",
                     i, path, targets[i], i, i, i, i);
    interp_run(&I, "fuzz_csv.nn", code, (size_t)n, NULL);
  }
  fuzz_deadline_arm(0);
  interp_free(&I);
  close(fd);
  return 0;
}
