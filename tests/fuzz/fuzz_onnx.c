/* fuzz_onnx.c — libFuzzer harness: the input is an ONNX file. onnx_read_file
 * (runtime/onnx_read.h) either reads it, and then every string, array and tensor it
 * returns is read through (so ASan sees a short buffer), or throws a message naming the
 * file. Then load_onnx (interp/import.c) builds a model from it in a fresh interpreter
 * and prints it and its parameters: a located error or a model, nothing else. */
#include "fuzz.h"
#include "interp.h"
#include "onnx_read.h"

static size_t touch(const char *s) { return s ? strlen(s) : 0; }

static void check_model(const OnnxModel *m) {
  size_t n = 0;
  for (int i = 0; i < m->n_nodes; i++) {
    const OnnxNode *nd = &m->nodes[i];
    n += touch(nd->name) + touch(nd->op);
    for (int k = 0; k < nd->n_in; k++) n += touch(nd->in[k]);
    for (int k = 0; k < nd->n_out; k++) n += touch(nd->out[k]);
    for (int k = 0; k < nd->n_attrs; k++) {
      const OnnxAttr *a = &nd->attrs[k];
      n += touch(a->name) + touch(a->s);
      int count = a->type == ONNX_ATTR_FLOATS || a->type == ONNX_ATTR_INTS ? a->n : 0;
      for (int j = 0; j < count; j++) n += a->type == ONNX_ATTR_FLOATS ? (a->floats[j] > 0) : (a->ints[j] > 0);
      if (a->t)
        for (int64_t j = 0; j < a->t->size; j++) n += a->t->data[j] > 0;
    }
  }
  for (int i = 0; i < m->n_inits; i++) {
    n += touch(m->inits[i].name);
    for (int64_t j = 0; j < m->inits[i].t->size; j++) n += m->inits[i].t->data[j] > 0;
  }
  for (int i = 0; i < m->n_inputs; i++) {
    if (m->inputs[i].ndim < 0 || m->inputs[i].ndim > T_MAXDIM) abort();
    n += touch(m->inputs[i].name);
  }
  for (int i = 0; i < m->n_outputs; i++) n += touch(m->outputs[i].name);
  if (n == (size_t)-1) abort(); /* keeps the reads */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_setup();
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof path);
  if (fd < 0) return 0;
  OnnxModel *volatile m = NULL;
  RtFrame f;
  fuzz_deadline_arm(fuzz_budget_ms());
  if (RT_TRY(&f)) {
    m = onnx_read_file(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (!strstr(rt_errmsg(), path) && rt_errkind() == RT_ERR_GENERIC) abort(); /* messages name the file */
  }
  fuzz_deadline_arm(0);
  if (m) {
    check_model(m);
    onnx_model_free(m);
    char code[256];
    int n = snprintf(code, sizeof code, "let m = load_onnx(\"%s\")\nprint(m)\nprint(params(m))\n", path);
    Interp I;
    interp_init(&I);
    fuzz_deadline_arm(fuzz_budget_ms());
    interp_run(&I, "fuzz_onnx.nn", code, (size_t)n, NULL);
    fuzz_deadline_arm(0);
    interp_free(&I);
  }
  close(fd);
  return 0;
}
