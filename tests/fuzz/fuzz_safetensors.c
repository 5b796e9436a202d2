/* fuzz_safetensors.c — libFuzzer harness: the input is a safetensors file, read by
 * st_load (runtime/safetensors.h). Either it loads, and the tensors it returns must
 * agree with the sizes the header claims (checked below, read through so ASan sees
 * any short buffer), or it throws a message; nothing else is allowed. */
#include "fuzz.h"
#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof path);
  if (fd < 0) return 0;
  StFile *volatile st = NULL;
  RtFrame f;
  fuzz_deadline_arm(fuzz_budget_ms());
  if (RT_TRY(&f)) {
    st = st_load(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (!strstr(rt_errmsg(), path) && rt_errkind() == RT_ERR_GENERIC) abort(); /* messages name the file */
  }
  fuzz_deadline_arm(0);
  if (st) {
    volatile float sink = 0;
    for (int i = 0; i < st->n; i++) {
      Tensor *t = st->tensors[i];
      if (!st->names[i][0]) abort(); /* names are non-empty */
      for (int64_t k = 0; k < t->size; k++) sink += t->data[k];
    }
    for (int i = 0; i < st->n_meta; i++) sink += (float)(strlen(st->meta_keys[i]) + strlen(st->meta_vals[i]));
    (void)sink;
  }
  st_free(st);
  close(fd);
  return 0;
}
