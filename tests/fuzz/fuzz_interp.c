/* fuzz_interp.c — libFuzzer harness: the input is an nn script, run by a fresh
 * interpreter (interp_init, interp_run, interp_free), so every input starts from the
 * same state and interp_free's cleanup is checked for leaks each time. Errors unwind
 * and are reported (to /dev/null); the CPU-time budget (fuzz.h) ends endless loops as
 * "interrupted". A crash, a sanitizer report, a leak or a libFuzzer timeout is a bug. */
#include "fuzz.h"
#include "interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  Interp I;
  interp_init(&I);
  fuzz_deadline_arm(fuzz_budget_ms());
  interp_run(&I, "fuzz.nn", (const char *)data, size, NULL);
  fuzz_deadline_arm(0);
  interp_free(&I);
  return 0;
}
