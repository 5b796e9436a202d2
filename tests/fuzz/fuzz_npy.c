/* fuzz_npy.c — libFuzzer harness: the input is a .npy file or a .npz archive (told
 * apart by its first bytes: a zip starts with "PK"), read by npy_load / npz_load
 * (runtime/npy.h). Either it loads, and every array it returns holds the elements its
 * shape claims (read through, so ASan sees any short buffer), or it throws a message
 * naming the file; nothing else is allowed. */
#include "fuzz.h"
#include "npy.h"

static void touch(NpyArray a, volatile float *sink) {
  if (!a.t == !a.u8) abort(); /* exactly one of the two */
  if (a.t)
    for (int64_t k = 0; k < a.t->size; k++) *sink += a.t->data[k];
  else
    for (int64_t k = 0; k < a.u8->size; k++) *sink += a.u8->data[k];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof path);
  if (fd < 0) return 0;
  const int zip = size >= 2 && data[0] == 'P' && data[1] == 'K';
  NpyArray volatile one = {NULL, NULL};
  NpzFile *volatile many = NULL;
  RtFrame f;
  fuzz_deadline_arm(fuzz_budget_ms());
  if (RT_TRY(&f)) {
    if (zip) many = npz_load(path);
    else one = npy_load(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (!strstr(rt_errmsg(), path) && rt_errkind() == RT_ERR_GENERIC) abort(); /* messages name the file */
  }
  fuzz_deadline_arm(0);
  volatile float sink = 0;
  if (one.t || one.u8) touch((NpyArray){one.t, one.u8}, &sink);
  if (many)
    for (int i = 0; i < many->n; i++) {
      if (!many->names[i]) abort();
      touch(many->arrays[i], &sink);
    }
  t_release(one.t);
  u8_release(one.u8);
  npz_free(many);
  close(fd);
  return 0;
}
