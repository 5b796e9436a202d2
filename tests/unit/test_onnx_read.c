/* test_onnx_read.c — the protobuf decoder (pb_read.c) and the ModelProto reader
 * (onnx_read.c) on messages built here byte by byte: what a model holds comes back
 * (nodes, attributes, initializers in each encoding: packed floats, int64 varints, raw
 * doubles), and damaged or hostile input is an error naming what is wrong — a length
 * past the end, an overlong varint, a group, a tensor whose data does not fill its dims
 * or whose dims overflow, external data, a foreign domain, no graph. */
#include "check.h"

#include <string.h>

#include "onnx_read.h"

typedef struct Buf {
  uint8_t b[2048];
  size_t n;
} Buf;

static void varint(Buf *b, uint64_t v) {
  do {
    uint8_t c = v & 0x7f;
    v >>= 7;
    b->b[b->n++] = (uint8_t)(c | (v ? 0x80 : 0));
  } while (v);
}
static void tag(Buf *b, int num, int wire) { varint(b, (uint64_t)num << 3 | (uint64_t)wire); }
static void vint(Buf *b, int num, uint64_t v) { tag(b, num, PB_VARINT), varint(b, v); }
static void bytes(Buf *b, int num, const void *p, size_t n) {
  tag(b, num, PB_LEN);
  varint(b, n);
  memcpy(b->b + b->n, p, n);
  b->n += n;
}
static void str(Buf *b, int num, const char *s) { bytes(b, num, s, strlen(s)); }
static void msg(Buf *b, int num, const Buf *m) { bytes(b, num, m->b, m->n); }
static void f32(Buf *b, int num, float f) {
  tag(b, num, PB_FIXED32);
  memcpy(b->b + b->n, &f, 4); /* little-endian hosts: the wire order */
  b->n += 4;
}

/* A value info "name" of type FLOAT with shape [N, d]. */
static void value_info(Buf *g, int field, const char *name, int64_t d) {
  Buf dimN = {0}, dimD = {0}, shape = {0}, tt = {0}, type = {0}, vi = {0};
  str(&dimN, PB_DIM_PARAM, "N");
  vint(&dimD, PB_DIM_VALUE, (uint64_t)d);
  msg(&shape, PB_SHAPE_DIM, &dimN);
  msg(&shape, PB_SHAPE_DIM, &dimD);
  vint(&tt, PB_TENSOR_TYPE_ELEM_TYPE, ONNX_FLOAT);
  msg(&tt, PB_TENSOR_TYPE_SHAPE, &shape);
  msg(&type, PB_TYPE_TENSOR_TYPE, &tt);
  str(&vi, PB_VALUE_INFO_NAME, name);
  msg(&vi, PB_VALUE_INFO_TYPE, &type);
  msg(g, field, &vi);
}

/* A model: ir_version 8, opset 13, the graph g. */
static Buf model(const Buf *g) {
  Buf m = {0}, op = {0};
  vint(&m, PB_MODEL_IR_VERSION, 8);
  vint(&op, PB_OPSET_VERSION, 13);
  msg(&m, PB_MODEL_OPSET_IMPORT, &op);
  msg(&m, PB_MODEL_GRAPH, g);
  return m;
}

static void reads_a_model(void) {
  Buf node = {0}, attr = {0}, attr2 = {0}, w = {0}, s = {0}, d = {0}, g = {0};
  str(&node, PB_NODE_INPUT, "x");
  str(&node, PB_NODE_INPUT, "w");
  str(&node, PB_NODE_OUTPUT, "y");
  str(&node, PB_NODE_NAME, "n0");
  str(&node, PB_NODE_OP_TYPE, "Gemm");
  str(&attr, PB_ATTR_NAME, "transB");
  vint(&attr, PB_ATTR_TYPE, ONNX_ATTR_INT);
  vint(&attr, PB_ATTR_I, 1);
  msg(&node, PB_NODE_ATTRIBUTE, &attr);
  str(&attr2, PB_ATTR_NAME, "alpha"); /* no type: IR version 1 style, inferred */
  f32(&attr2, PB_ATTR_F, 0.5f);
  msg(&node, PB_NODE_ATTRIBUTE, &attr2);
  msg(&g, PB_GRAPH_NODE, &node);
  /* w: [2, 3] FLOAT in packed float_data */
  vint(&w, PB_TENSOR_DIMS, 2);
  vint(&w, PB_TENSOR_DIMS, 3);
  vint(&w, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
  str(&w, PB_TENSOR_NAME, "w");
  float vals[6] = {1, -2, 3.5f, 0, 1e-3f, 7};
  bytes(&w, PB_TENSOR_FLOAT_DATA, vals, sizeof vals);
  msg(&g, PB_GRAPH_INITIALIZER, &w);
  /* s: [2] INT64 in packed int64_data, -1 as ten varint bytes */
  Buf packed = {0};
  varint(&packed, (uint64_t)-1);
  varint(&packed, 4);
  uint8_t dims_packed[] = {2};
  bytes(&s, PB_TENSOR_DIMS, dims_packed, 1);
  vint(&s, PB_TENSOR_DATA_TYPE, ONNX_INT64);
  str(&s, PB_TENSOR_NAME, "s");
  msg(&s, PB_TENSOR_INT64_DATA, &packed);
  msg(&g, PB_GRAPH_INITIALIZER, &s);
  /* d: 0-d DOUBLE in raw_data, its dims an empty packed field (as nn's export writes a
     scalar's) */
  double half = 0.25;
  bytes(&d, PB_TENSOR_DIMS, "", 0);
  vint(&d, PB_TENSOR_DATA_TYPE, ONNX_DOUBLE);
  str(&d, PB_TENSOR_NAME, "d");
  bytes(&d, PB_TENSOR_RAW_DATA, &half, 8);
  msg(&g, PB_GRAPH_INITIALIZER, &d);
  value_info(&g, PB_GRAPH_INPUT, "x", 3);
  value_info(&g, PB_GRAPH_OUTPUT, "y", 2);
  Buf m = model(&g);
  OnnxModel *om = onnx_read_bytes(m.b, m.n, "m.onnx");
  check_int("model/ir_version", om->ir_version, 8);
  check_int("model/opset", om->opset, 13);
  check_int("model/nodes", om->n_nodes, 1);
  check_str("model/op", om->nodes[0].op, "Gemm");
  check_str("model/name", om->nodes[0].name, "n0");
  check_int("model/inputs of the node", om->nodes[0].n_in, 2);
  check_str("model/second input", om->nodes[0].in[1], "w");
  check_str("model/output", om->nodes[0].out[0], "y");
  const OnnxAttr *tb = onnx_node_attr(&om->nodes[0], "transB"), *al = onnx_node_attr(&om->nodes[0], "alpha");
  check_true("model/transB", tb && tb->type == ONNX_ATTR_INT && tb->i == 1, "missing or wrong");
  check_true("model/alpha (type inferred)", al && al->type == ONNX_ATTR_FLOAT && al->f == 0.5f, "missing or wrong");
  check_true("model/no such attribute", !onnx_node_attr(&om->nodes[0], "beta"), "found");
  check_int("model/initializers", om->n_inits, 3);
  check_data("model/packed float_data", om->inits[0].t, "[2, 3]", (double[]){1, -2, 3.5, 0, 1e-3f, 7}, 6, 0);
  check_data("model/int64_data varints", om->inits[1].t, "[2]", (double[]){-1, 4}, 2, 0);
  check_int("model/int64 dtype", om->inits[1].dtype, ONNX_INT64);
  check_data("model/raw double", om->inits[2].t, "[]", (double[]){0.25}, 1, 0);
  check_int("model/graph inputs", om->n_inputs, 1);
  check_true("model/input shape [N, 3]", om->inputs[0].has_shape && om->inputs[0].ndim == 2 &&
             om->inputs[0].dims[0] == -1 && om->inputs[0].dims[1] == 3, "wrong");
  onnx_model_free(om);
}

/* A graph with one initializer made by fill(t). */
static Buf with_tensor(void (*fill)(Buf *t)) {
  Buf t = {0}, g = {0};
  str(&t, PB_TENSOR_NAME, "w");
  fill(&t);
  msg(&g, PB_GRAPH_INITIALIZER, &t);
  return model(&g);
}

static void short_data(Buf *t) {
  vint(t, PB_TENSOR_DIMS, 3);
  vint(t, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
  float v[2] = {1, 2};
  bytes(t, PB_TENSOR_FLOAT_DATA, v, sizeof v);
}
static void huge_dims(Buf *t) {
  vint(t, PB_TENSOR_DIMS, (uint64_t)1 << 40);
  vint(t, PB_TENSOR_DIMS, (uint64_t)1 << 40);
  vint(t, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
}
static void external(Buf *t) {
  vint(t, PB_TENSOR_DIMS, 1);
  vint(t, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
  vint(t, PB_TENSOR_DATA_LOCATION, 1);
}
static void strings(Buf *t) {
  vint(t, PB_TENSOR_DIMS, 1);
  vint(t, PB_TENSOR_DATA_TYPE, ONNX_STRING);
  str(t, PB_TENSOR_STRING_DATA, "a");
}
static void raw_odd(Buf *t) {
  vint(t, PB_TENSOR_DIMS, 1);
  vint(t, PB_TENSOR_DATA_TYPE, ONNX_FLOAT);
  bytes(t, PB_TENSOR_RAW_DATA, "abc", 3);
}

static void bad_tensors(void) {
  Buf m = with_tensor(short_data);
  CHECK_THROWS("tensor/too few values", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: tensor 'w' of shape [3] needs 3 values but the file holds 2");
  m = with_tensor(huge_dims);
  CHECK_THROWS("tensor/dims overflow", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: tensor 'w' has shape [1099511627776, 1099511627776], which is too large");
  m = with_tensor(external);
  CHECK_THROWS("tensor/external data", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: tensor 'w' keeps its data in an external file, which nn does not read");
  m = with_tensor(strings);
  CHECK_THROWS("tensor/strings", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: tensor 'w' has element type STRING, which nn does not read");
  m = with_tensor(raw_odd);
  CHECK_THROWS("tensor/raw bytes not a whole number of floats", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: tensor 'w' of shape [1] needs 1 values but the file holds 0");
}

static void bad_wire(void) {
  /* graph field with a length of 100 and 2 bytes after it */
  uint8_t past[] = {0x3a, 100, 0, 0};
  CHECK_THROWS("wire/length past the end", onnx_model_free(onnx_read_bytes(past, sizeof past, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 2: a length runs past the end of its message");
  uint8_t longv[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK_THROWS("wire/varint over 10 bytes", onnx_model_free(onnx_read_bytes(longv, sizeof longv, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 11: a number is longer than 64 bits");
  uint8_t cut[] = {0x08, 0x80};
  CHECK_THROWS("wire/varint cut short", onnx_model_free(onnx_read_bytes(cut, sizeof cut, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 2: a number runs past the end of its message");
  uint8_t group[] = {0x0b, 0x0c};
  CHECK_THROWS("wire/group", onnx_model_free(onnx_read_bytes(group, sizeof group, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 1: unknown wire type (groups are not read)");
  uint8_t zero[] = {0x00, 0x01};
  CHECK_THROWS("wire/field 0", onnx_model_free(onnx_read_bytes(zero, sizeof zero, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 1: bad field number");
  uint8_t nograph[] = {0x08, 0x08};
  CHECK_THROWS("model/no graph", onnx_model_free(onnx_read_bytes(nograph, sizeof nograph, "m.onnx")),
               "m.onnx: not an ONNX model (it has no graph)");
  uint8_t notmsg[] = {0x38, 0x01}; /* graph as a varint */
  CHECK_THROWS("model/graph not a message", onnx_model_free(onnx_read_bytes(notmsg, sizeof notmsg, "m.onnx")),
               "m.onnx: truncated or corrupt ONNX file at byte 2: ModelProto.graph is not a message");
}

static void foreign(void) {
  Buf node = {0}, g = {0};
  str(&node, PB_NODE_OP_TYPE, "FusedGemm");
  str(&node, PB_NODE_DOMAIN, "com.microsoft");
  msg(&g, PB_GRAPH_NODE, &node);
  Buf m = model(&g);
  CHECK_THROWS("node/foreign domain", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: node '#0' is of domain 'com.microsoft', which nn does not read (only the default ONNX domain)");
  Buf node2 = {0}, attr = {0}, g2 = {0}, sub = {0};
  str(&attr, PB_ATTR_NAME, "then_branch");
  msg(&attr, PB_ATTR_G, &sub);
  str(&node2, PB_NODE_NAME, "if1");
  str(&node2, PB_NODE_OP_TYPE, "If");
  msg(&node2, PB_NODE_ATTRIBUTE, &attr);
  msg(&g2, PB_GRAPH_NODE, &node2);
  m = model(&g2);
  CHECK_THROWS("node/subgraph", onnx_model_free(onnx_read_bytes(m.b, m.n, "m.onnx")),
               "m.onnx: node 'if1' has a subgraph (attribute 'then_branch'), which nn does not read");
}

int main(void) {
  RUN(reads_a_model);
  RUN(bad_tensors);
  RUN(bad_wire);
  RUN(foreign);
  return 0;
}
