/* fuzz_idx.c — libFuzzer harness: the input is an IDX file, plain or gzip'ed, read by
 * idx_load (runtime/idx.h). Either it loads, and every element is a byte / 255 in
 * [0, 1] (read through so ASan sees a short buffer), or it throws a message naming the
 * file; nothing else is allowed. */
#include "fuzz.h"
#include "idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof path);
  if (fd < 0) return 0;
  Tensor *volatile t = NULL;
  RtFrame f;
  fuzz_deadline_arm(fuzz_budget_ms());
  if (RT_TRY(&f)) {
    t = idx_load(path, 255);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (!strstr(rt_errmsg(), path) && rt_errkind() == RT_ERR_GENERIC) abort(); /* messages name the file */
  }
  fuzz_deadline_arm(0);
  if (t) {
    for (int64_t k = 0; k < t->size; k++)
      if (!(t->data[k] >= 0 && t->data[k] <= 1)) abort();
    t_release(t);
  }
  close(fd);
  return 0;
}
