/* onnx_write.c — the ONNX model builder of onnx_write.h: ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto and ValueInfoProto fields (onnx_proto.h)
 * streamed into one protobuf buffer, and the file written atomically. */
#include "onnx_write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "mem.h"
#include "onnx_proto.h"

void onnx_begin(OnnxWriter *w, const char *graph_name) {
  memset(w, 0, sizeof *w);
  pb_varint(&w->buf, PB_MODEL_IR_VERSION, ONNX_IR_VERSION);
  pb_string(&w->buf, PB_MODEL_PRODUCER_NAME, "nn");
  size_t op = pb_begin(&w->buf, PB_MODEL_OPSET_IMPORT);
  pb_string(&w->buf, PB_OPSET_DOMAIN, "");
  pb_varint(&w->buf, PB_OPSET_VERSION, ONNX_OPSET);
  pb_end(&w->buf, op);
  w->graph = pb_begin(&w->buf, PB_MODEL_GRAPH);
  pb_string(&w->buf, PB_GRAPH_NAME, graph_name);
}

void onnx_free(OnnxWriter *w) { pb_free(&w->buf); }

static void close_node(OnnxWriter *w) {
  if (!w->in_node) return;
  pb_end(&w->buf, w->node);
  w->in_node = false;
}

void onnx_node(OnnxWriter *w, const char *name, const char *op_type, int n_in,
               const char *const *in, const char *out) {
  close_node(w);
  w->node = pb_begin(&w->buf, PB_GRAPH_NODE);
  w->in_node = true;
  for (int i = 0; i < n_in; i++) pb_string(&w->buf, PB_NODE_INPUT, in[i]);
  pb_string(&w->buf, PB_NODE_OUTPUT, out);
  pb_string(&w->buf, PB_NODE_NAME, name);
  pb_string(&w->buf, PB_NODE_OP_TYPE, op_type);
}

/* An AttributeProto of the open node: its name and type around the value fields. */
static size_t attr_begin(OnnxWriter *w, const char *name, OnnxAttrType type) {
  size_t m = pb_begin(&w->buf, PB_NODE_ATTRIBUTE);
  pb_string(&w->buf, PB_ATTR_NAME, name);
  pb_varint(&w->buf, PB_ATTR_TYPE, type);
  return m;
}

void onnx_attr_int(OnnxWriter *w, const char *name, int64_t v) {
  size_t m = attr_begin(w, name, ONNX_ATTR_INT);
  pb_varint(&w->buf, PB_ATTR_I, (uint64_t)v);
  pb_end(&w->buf, m);
}

void onnx_attr_float(OnnxWriter *w, const char *name, float v) {
  size_t m = attr_begin(w, name, ONNX_ATTR_FLOAT);
  pb_float(&w->buf, PB_ATTR_F, v);
  pb_end(&w->buf, m);
}

void onnx_attr_ints(OnnxWriter *w, const char *name, const int64_t *v, int n) {
  size_t m = attr_begin(w, name, ONNX_ATTR_INTS);
  pb_packed_int64(&w->buf, PB_ATTR_INTS, v, n);
  pb_end(&w->buf, m);
}

void onnx_init_float(OnnxWriter *w, const char *name, const Tensor *t) {
  close_node(w);
  size_t m = pb_begin(&w->buf, PB_GRAPH_INITIALIZER);
  pb_packed_int64(&w->buf, PB_TENSOR_DIMS, t->shape, t->ndim);
  pb_varint(&w->buf, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
  pb_string(&w->buf, PB_TENSOR_NAME, name);
  pb_raw_floats(&w->buf, PB_TENSOR_RAW_DATA, t->data, t->size);
  pb_end(&w->buf, m);
}

void onnx_init_int64(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                     const int64_t *v) {
  close_node(w);
  int64_t n = t_span(shape, 0, ndim);
  size_t m = pb_begin(&w->buf, PB_GRAPH_INITIALIZER);
  pb_packed_int64(&w->buf, PB_TENSOR_DIMS, shape, ndim);
  pb_varint(&w->buf, PB_TENSOR_DATA_TYPE, ONNX_INT64);
  pb_string(&w->buf, PB_TENSOR_NAME, name);
  pb_packed_int64(&w->buf, PB_TENSOR_INT64_DATA, v, (int)n);
  pb_end(&w->buf, m);
}

/* ValueInfoProto { name, TypeProto { tensor_type { elem_type, shape { dim... } } } } */
static void value_info(OnnxWriter *w, int field, const char *name, int ndim, const int64_t *shape,
                       const char *dim_param) {
  close_node(w);
  size_t vi = pb_begin(&w->buf, field);
  pb_string(&w->buf, PB_VALUE_INFO_NAME, name);
  size_t type = pb_begin(&w->buf, PB_VALUE_INFO_TYPE);
  size_t tt = pb_begin(&w->buf, PB_TYPE_TENSOR_TYPE);
  pb_varint(&w->buf, PB_TENSOR_TYPE_ELEM_TYPE, ONNX_FLOAT);
  size_t sh = pb_begin(&w->buf, PB_TENSOR_TYPE_SHAPE);
  for (int i = 0; i < ndim; i++) {
    size_t d = pb_begin(&w->buf, PB_SHAPE_DIM);
    if (shape[i] < 0) pb_string(&w->buf, PB_DIM_PARAM, dim_param);
    else pb_varint(&w->buf, PB_DIM_VALUE, (uint64_t)shape[i]);
    pb_end(&w->buf, d);
  }
  pb_end(&w->buf, sh);
  pb_end(&w->buf, tt);
  pb_end(&w->buf, type);
  pb_end(&w->buf, vi);
}

void onnx_input(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                const char *dim_param) {
  value_info(w, PB_GRAPH_INPUT, name, ndim, shape, dim_param);
}

void onnx_output(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                 const char *dim_param) {
  value_info(w, PB_GRAPH_OUTPUT, name, ndim, shape, dim_param);
}

void onnx_finish(OnnxWriter *w) {
  close_node(w);
  pb_end(&w->buf, w->graph);
}

void onnx_save(const OnnxWriter *w, const char *path) {
  size_t n = strlen(path) + 32;
  char *tmp = rt_malloc(n);
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  int err = 0;
  if (!f) {
    err = errno;
  } else {
    if (fwrite(w->buf.data, 1, w->buf.len, f) != w->buf.len || fflush(f) != 0) err = errno ? errno : EIO;
    if (fclose(f) != 0 && !err) err = errno;
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) remove(tmp);
  }
  rt_free(tmp);
  if (err) rt_throw("%s: cannot write: %s", path, rt_strerror(err ? err : EIO));
}
