/* onnx_read.c — ModelProto → OnnxModel (onnx_read.h), on the bounded decoder of
 * pb_read.c. Each message is read twice: once to count its repeated fields (so every
 * array is allocated once, at its exact size, bounded by the bytes that hold it), once
 * to fill them. */
#include "onnx_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "mem.h"
#include "pb_read.h"

/* ------------------------------------------------------------------ the arena */

/* Every block a model owns, in one list, and every tensor: freed together. */
typedef struct Block {
  struct Block *next;
  max_align_t data[];
} Block;

struct OnnxArena {
  Block *blocks;
  int n_tensors, cap_tensors;
  Tensor **tensors;
};

static void *arena_alloc(OnnxArena *A, size_t n) {
  Block *b = rt_calloc(1, sizeof(Block) + n);
  b->next = A->blocks;
  A->blocks = b;
  return b->data;
}

static void *arena_array(OnnxArena *A, size_t count, size_t size) {
  if (count && size > SIZE_MAX / count) rt_throw_kind(RT_ERR_OOM, "out of memory");
  return arena_alloc(A, count * size);
}

static const char *arena_str(OnnxArena *A, const PbField *f) {
  char *s = arena_alloc(A, f->len + 1);
  memcpy(s, f->data, f->len);
  s[f->len] = 0;
  return s;
}

/* Keep t (taken) in the arena. */
static Tensor *arena_tensor(OnnxArena *A, Tensor *t) {
  if (A->n_tensors == A->cap_tensors) {
    int cap = A->cap_tensors ? 2 * A->cap_tensors : 16;
    Tensor **ts = realloc(A->tensors, sizeof(Tensor *) * (size_t)cap);
    if (!ts) {
      t_release(t);
      rt_throw_kind(RT_ERR_OOM, "out of memory");
    }
    A->tensors = ts;
    A->cap_tensors = cap;
  }
  return A->tensors[A->n_tensors++] = t;
}

void onnx_model_free(OnnxModel *m) {
  if (!m) return;
  OnnxArena *A = m->arena;
  if (A) {
    for (int i = 0; i < A->n_tensors; i++) t_release(A->tensors[i]);
    free(A->tensors);
    for (Block *b = A->blocks, *next; b; b = next) {
      next = b->next;
      rt_free(b);
    }
    rt_free(A);
  }
  rt_free(m);
}

/* ------------------------------------------------------------------ reading */

typedef struct Ctx {
  OnnxArena *A;
  const char *path;
} Ctx;

static const char *const dtype_names[] = {
    "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
    "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

const char *onnx_dtype_name(int dtype) {
  return dtype >= 0 && dtype < (int)(sizeof dtype_names / sizeof *dtype_names) ? dtype_names[dtype] : "?";
}

/* Bytes per element in raw_data of the types nn reads; 0 for the others. */
static int dtype_size(int dtype) {
  switch (dtype) {
  case ONNX_FLOAT: case ONNX_INT32: case ONNX_UINT32: return 4;
  case ONNX_DOUBLE: case ONNX_INT64: case ONNX_UINT64: return 8;
  case ONNX_INT16: case ONNX_UINT16: return 2;
  case ONNX_INT8: case ONNX_UINT8: case ONNX_BOOL: return 1;
  default: return 0;
  }
}

static uint64_t le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* Element k of raw_data as a float. */
static float raw_elem(const uint8_t *p, int dtype) {
  switch (dtype) {
  case ONNX_FLOAT: {
    uint32_t u = (uint32_t)le(p, 4);
    float f;
    memcpy(&f, &u, 4);
    return f;
  }
  case ONNX_DOUBLE: {
    uint64_t u = le(p, 8);
    double d;
    memcpy(&d, &u, 8);
    return (float)d;
  }
  case ONNX_INT64: return (float)(int64_t)le(p, 8);
  case ONNX_UINT64: return (float)le(p, 8);
  case ONNX_INT32: return (float)(int32_t)le(p, 4);
  case ONNX_UINT32: return (float)(uint32_t)le(p, 4);
  case ONNX_INT16: return (float)(int16_t)le(p, 2);
  case ONNX_UINT16: return (float)(uint16_t)le(p, 2);
  case ONNX_INT8: return (float)(int8_t)p[0];
  default: return (float)p[0]; /* UINT8, BOOL */
  }
}

/* The number of elements in a packed field of varints (each ends with a byte < 0x80). */
static uint64_t count_varints(const PbField *f) {
  uint64_t n = 0;
  for (size_t i = 0; i < f->len; i++) n += f->data[i] < 0x80;
  return n;
}

/* Elements of a repeated scalar field: packed (a length) or one unpacked value. */
static uint64_t count_elems(const PbField *f, int width) {
  if (f->wire != PB_LEN) return 1;
  return width ? f->len / (size_t)width : count_varints(f);
}

/* Append the values of repeated field f (varints, or fixed of width 4/8) as floats at
   out[*k...], at most cap in all. kind: 'i' signed varint, 'u' unsigned, 'f' float32,
   'd' double. */
static void read_elems(const PbReader *r, const PbField *f, char kind, float *out, uint64_t *k,
                       uint64_t cap) {
  PbReader one = *r;
  PbReader s = f->wire == PB_LEN ? pb_packed(r, f) : one;
  bool packed = f->wire == PB_LEN;
  if ((kind == 'f' && f->wire != PB_LEN && f->wire != PB_FIXED32) ||
      (kind == 'd' && f->wire != PB_LEN && f->wire != PB_FIXED64) ||
      ((kind == 'i' || kind == 'u') && f->wire != PB_LEN && f->wire != PB_VARINT))
    pb_corrupt(r, N_("a number field has the wrong wire type"));
  /* a packed field may be empty (a scalar's dims) */
  for (bool once = true; packed ? pb_more(&s) : once; once = false) {
    if (*k >= cap) pb_corrupt(r, N_("a tensor holds more values than its dims say"));
    uint64_t v = f->v;
    if (packed) v = kind == 'f' ? pb_read_fixed32(&s) : kind == 'd' ? pb_read_fixed64(&s) : pb_read_varint(&s);
    float x;
    if (kind == 'f') {
      uint32_t u = (uint32_t)v;
      memcpy(&x, &u, 4);
    } else if (kind == 'd') {
      double d;
      memcpy(&d, &v, 8);
      x = (float)d;
    } else {
      x = kind == 'i' ? (float)(int64_t)v : (float)v;
    }
    out[(*k)++] = x;
  }
}

/* A TensorProto as a float32 tensor; *dtype gets its type. what: "initializer" or
   "attribute" for messages. */
static Tensor *read_tensor(Ctx *C, PbReader r, OnnxDataType *dtype, const char **name_out) {
  PbField f;
  int64_t dims[T_MAXDIM];
  int ndim = 0;
  int dt = 0;
  const char *name = "";
  const PbField *raw = NULL;
  PbField raw_f;
  uint64_t n_typed = 0;
  bool external = false, segment = false, strings = false;
  PbReader r0 = r;
  while (pb_next(&r, &f)) {
    switch (f.num) {
    case PB_TENSOR_DIMS: {
      if (f.wire != PB_LEN && f.wire != PB_VARINT) pb_corrupt(&r, N_("a number field has the wrong wire type"));
      PbReader s = f.wire == PB_LEN ? pb_packed(&r, &f) : r;
      bool packed = f.wire == PB_LEN;
      /* a packed field may be empty (a scalar's dims) */
      for (bool once = true; packed ? pb_more(&s) : once; once = false) {
        uint64_t v = packed ? pb_read_varint(&s) : f.v;
        if (ndim == T_MAXDIM) rt_throw("%s: a tensor has more than %d dimensions", C->path, T_MAXDIM);
        if ((int64_t)v < 0) rt_throw("%s: a tensor has a negative dimension (%lld)", C->path, (long long)(int64_t)v);
        dims[ndim++] = (int64_t)v;
      }
      break;
    }
    case PB_TENSOR_DATA_TYPE: dt = (int)f.v; break;
    case PB_TENSOR_NAME:
      if (f.wire != PB_LEN) pb_corrupt(&r, N_("a string field has the wrong wire type"));
      name = arena_str(C->A, &f);
      break;
    case PB_TENSOR_RAW_DATA:
      if (f.wire != PB_LEN) pb_corrupt(&r, N_("a string field has the wrong wire type"));
      raw_f = f;
      raw = &raw_f;
      break;
    case PB_TENSOR_FLOAT_DATA: n_typed += count_elems(&f, 4); break;
    case PB_TENSOR_DOUBLE_DATA: n_typed += count_elems(&f, 8); break;
    case PB_TENSOR_INT32_DATA: case PB_TENSOR_INT64_DATA: case PB_TENSOR_UINT64_DATA:
      n_typed += count_elems(&f, 0);
      break;
    case PB_TENSOR_STRING_DATA: strings = true; break;
    case PB_TENSOR_EXTERNAL_DATA: external = true; break;
    case PB_TENSOR_DATA_LOCATION: external |= f.v == 1; break;
    case PB_TENSOR_SEGMENT: segment = true; break;
    default: break;
    }
  }
  *name_out = name;
  *dtype = (OnnxDataType)dt;
  if (external)
    rt_throw("%s: tensor '%s' keeps its data in an external file, which nn does not read", C->path, name);
  if (segment) rt_throw("%s: tensor '%s' is split into segments, which nn does not read", C->path, name);
  int size = dtype_size(dt);
  if (!size || strings)
    rt_throw("%s: tensor '%s' has element type %s, which nn does not read", C->path, name,
             onnx_dtype_name(dt));
  uint64_t count = 1;
  bool over = false;
  for (int i = 0; i < ndim; i++) over |= __builtin_mul_overflow(count, (uint64_t)dims[i], &count);
  char sh[96];
  t_shape_str(ndim, dims, sh, sizeof sh);
  if (over || count > (uint64_t)INT64_MAX / 8)
    rt_throw("%s: tensor '%s' has shape %s, which is too large", C->path, name, sh);
  uint64_t have = raw ? raw->len / (uint64_t)size : n_typed;
  if ((raw && raw->len % (uint64_t)size) || have != count)
    rt_throw("%s: tensor '%s' of shape %s needs %llu values but the file holds %llu", C->path, name,
             sh, (unsigned long long)count, (unsigned long long)have);
  Tensor *t = arena_tensor(C->A, t_new(ndim, dims));
  if (raw) {
    for (uint64_t k = 0; k < count; k++) t->data[k] = raw_elem(raw->data + k * (uint64_t)size, dt);
    return t;
  }
  uint64_t k = 0;
  r = r0;
  while (pb_next(&r, &f)) {
    char kind = 0;
    if (f.num == PB_TENSOR_FLOAT_DATA) kind = 'f';
    if (f.num == PB_TENSOR_DOUBLE_DATA) kind = 'd';
    if (f.num == PB_TENSOR_INT32_DATA || f.num == PB_TENSOR_INT64_DATA) kind = 'i';
    if (f.num == PB_TENSOR_UINT64_DATA) kind = 'u';
    /* int32_data carries the small types as int32 (bool, int8, uint16 ...); uint32 in
       uint64_data. */
    if (kind) read_elems(&r, &f, kind, t->data, &k, count);
  }
  return t;
}

/* TypeProto → dtype and shape of v. */
static void read_type(Ctx *C, PbReader r, OnnxValue *v) {
  PbField f, g, h, d;
  while (pb_next(&r, &f)) {
    if (f.num != PB_TYPE_TENSOR_TYPE) continue; /* sequences, maps: no tensor type */
    PbReader tt = pb_sub(&r, &f, "TypeProto.tensor_type");
    while (pb_next(&tt, &g)) {
      if (g.num == PB_TENSOR_TYPE_ELEM_TYPE) v->dtype = (OnnxDataType)g.v;
      if (g.num != PB_TENSOR_TYPE_SHAPE) continue;
      PbReader sh = pb_sub(&tt, &g, "TypeProto.Tensor.shape");
      v->has_shape = true;
      v->ndim = 0;
      while (pb_next(&sh, &h)) {
        if (h.num != PB_SHAPE_DIM) continue;
        PbReader dim = pb_sub(&sh, &h, "TensorShapeProto.dim");
        int64_t value = -1;
        while (pb_next(&dim, &d))
          if (d.num == PB_DIM_VALUE && (int64_t)d.v >= 0) value = (int64_t)d.v;
        if (v->ndim == T_MAXDIM) {
          v->has_shape = false; /* not a shape nn can hold: the importer says so if it matters */
          break;
        }
        v->dims[v->ndim++] = value;
      }
    }
  }
  (void)C;
}

static void read_value_info(Ctx *C, PbReader r, OnnxValue *v) {
  PbField f;
  v->name = "";
  while (pb_next(&r, &f)) {
    if (f.num == PB_VALUE_INFO_NAME && f.wire == PB_LEN) v->name = arena_str(C->A, &f);
    if (f.num == PB_VALUE_INFO_TYPE) read_type(C, pb_sub(&r, &f, "ValueInfoProto.type"), v);
  }
}

static void read_attr(Ctx *C, PbReader r, OnnxAttr *a, const char *node) {
  PbField f;
  uint64_t n_floats = 0, n_ints = 0;
  bool has_f = false, has_i = false, has_s = false, has_t = false;
  PbReader r0 = r;
  a->name = "";
  while (pb_next(&r, &f)) {
    switch (f.num) {
    case PB_ATTR_NAME:
      if (f.wire != PB_LEN) pb_corrupt(&r, N_("a string field has the wrong wire type"));
      a->name = arena_str(C->A, &f);
      break;
    case PB_ATTR_TYPE: a->type = (OnnxAttrType)f.v; break;
    case PB_ATTR_F: has_f = true; break;
    case PB_ATTR_I: has_i = true; break;
    case PB_ATTR_S: has_s = true; break;
    case PB_ATTR_T: has_t = true; break;
    case PB_ATTR_FLOATS: n_floats += count_elems(&f, 4); break;
    case PB_ATTR_INTS: n_ints += count_elems(&f, 0); break;
    case PB_ATTR_G: case PB_ATTR_GRAPHS:
      rt_throw("%s: node '%s' has a subgraph (attribute '%s'), which nn does not read", C->path,
               node, a->name);
    case PB_ATTR_SPARSE_TENSOR:
      rt_throw("%s: node '%s' has a sparse tensor (attribute '%s'), which nn does not read", C->path,
               node, a->name);
    case PB_ATTR_REF_ATTR_NAME:
      rt_throw("%s: node '%s' refers to a function's attribute ('%s'), which nn does not read",
               C->path, node, a->name);
    default: break;
    }
  }
  if (n_floats >= INT32_MAX || n_ints >= INT32_MAX) /* at most one per byte of the file */
    pb_corrupt(&r, N_("an attribute has too many values"));
  if (!a->type) /* files before IR version 2 give no type: the field set says it */
    a->type = has_f ? ONNX_ATTR_FLOAT : has_i ? ONNX_ATTR_INT : has_s ? ONNX_ATTR_STRING
            : has_t ? ONNX_ATTR_TENSOR : n_floats ? ONNX_ATTR_FLOATS : n_ints ? ONNX_ATTR_INTS
            : ONNX_ATTR_UNDEFINED;
  a->floats = arena_array(C->A, (size_t)n_floats, sizeof(float));
  a->ints = arena_array(C->A, (size_t)n_ints, sizeof(int64_t));
  uint64_t kf = 0;
  int ki = 0;
  r = r0;
  while (pb_next(&r, &f)) {
    switch (f.num) {
    case PB_ATTR_F: {
      if (f.wire != PB_FIXED32) pb_corrupt(&r, N_("a number field has the wrong wire type"));
      uint32_t u = (uint32_t)f.v;
      memcpy(&a->f, &u, 4);
      break;
    }
    case PB_ATTR_I:
      if (f.wire != PB_VARINT) pb_corrupt(&r, N_("a number field has the wrong wire type"));
      a->i = (int64_t)f.v;
      break;
    case PB_ATTR_S:
      if (f.wire != PB_LEN) pb_corrupt(&r, N_("a string field has the wrong wire type"));
      a->s = arena_str(C->A, &f);
      break;
    case PB_ATTR_T: {
      const char *tname;
      a->t = read_tensor(C, pb_sub(&r, &f, "AttributeProto.t"), &a->t_dtype, &tname);
      break;
    }
    case PB_ATTR_FLOATS: read_elems(&r, &f, 'f', a->floats, &kf, n_floats); break;
    case PB_ATTR_INTS: {
      if (f.wire != PB_LEN && f.wire != PB_VARINT) pb_corrupt(&r, N_("a number field has the wrong wire type"));
      PbReader s = f.wire == PB_LEN ? pb_packed(&r, &f) : r;
      bool packed = f.wire == PB_LEN;
      /* a packed field may be empty (a scalar's dims) */
      for (bool once = true; packed ? pb_more(&s) : once; once = false) {
        if ((uint64_t)ki >= n_ints) pb_corrupt(&r, N_("an attribute has too many values"));
        a->ints[ki++] = (int64_t)(packed ? pb_read_varint(&s) : f.v);
      }
      break;
    }
    default: break;
    }
  }
  a->n = (int)(a->type == ONNX_ATTR_FLOATS ? n_floats : n_ints);
}

static void read_node(Ctx *C, PbReader r, OnnxNode *n, int index) {
  PbField f;
  PbReader r0 = r;
  int n_in = 0, n_out = 0, n_attrs = 0;
  n->name = "";
  n->op = "";
  while (pb_next(&r, &f)) {
    if (f.wire != PB_LEN && (f.num == PB_NODE_INPUT || f.num == PB_NODE_OUTPUT ||
                             f.num == PB_NODE_NAME || f.num == PB_NODE_OP_TYPE ||
                             f.num == PB_NODE_ATTRIBUTE || f.num == PB_NODE_DOMAIN))
      pb_corrupt(&r, N_("a string field has the wrong wire type"));
    if (f.num == PB_NODE_INPUT) n_in++;
    if (f.num == PB_NODE_OUTPUT) n_out++;
    if (f.num == PB_NODE_ATTRIBUTE) n_attrs++;
    if (f.num == PB_NODE_NAME) n->name = arena_str(C->A, &f);
    if (f.num == PB_NODE_OP_TYPE) n->op = arena_str(C->A, &f);
    if (f.num == PB_NODE_DOMAIN && f.len && !(f.len == 7 && !memcmp(f.data, "ai.onnx", 7))) {
      const char *dom = arena_str(C->A, &f);
      if (!*n->name) {
        char *nm = arena_alloc(C->A, 32);
        snprintf(nm, 32, "#%d", index);
        n->name = nm;
      }
      rt_throw("%s: node '%s' is of domain '%s', which nn does not read (only the default "
               "ONNX domain)", C->path, n->name, dom);
    }
  }
  n->in = arena_array(C->A, (size_t)n_in, sizeof(char *));
  n->out = arena_array(C->A, (size_t)n_out, sizeof(char *));
  n->attrs = arena_array(C->A, (size_t)n_attrs, sizeof(OnnxAttr));
  r = r0;
  while (pb_next(&r, &f)) {
    if (f.num == PB_NODE_INPUT) n->in[n->n_in++] = arena_str(C->A, &f);
    if (f.num == PB_NODE_OUTPUT) n->out[n->n_out++] = arena_str(C->A, &f);
    if (f.num == PB_NODE_ATTRIBUTE)
      read_attr(C, pb_sub(&r, &f, "NodeProto.attribute"), &n->attrs[n->n_attrs++], n->name);
  }
}

static void read_graph(Ctx *C, PbReader r, OnnxModel *m) {
  PbField f;
  PbReader r0 = r;
  int nn = 0, ni = 0, nin = 0, nout = 0;
  while (pb_next(&r, &f)) {
    if ((f.num == PB_GRAPH_NODE || f.num == PB_GRAPH_INITIALIZER || f.num == PB_GRAPH_INPUT ||
         f.num == PB_GRAPH_OUTPUT) && f.wire != PB_LEN)
      pb_corrupt(&r, N_("a message field has the wrong wire type"));
    nn += f.num == PB_GRAPH_NODE;
    ni += f.num == PB_GRAPH_INITIALIZER;
    nin += f.num == PB_GRAPH_INPUT;
    nout += f.num == PB_GRAPH_OUTPUT;
    if (f.num == PB_GRAPH_SPARSE_INITIALIZER)
      rt_throw("%s: the graph has a sparse initializer, which nn does not read", C->path);
  }
  m->nodes = arena_array(C->A, (size_t)nn, sizeof(OnnxNode));
  m->inits = arena_array(C->A, (size_t)ni, sizeof(OnnxInit));
  m->inputs = arena_array(C->A, (size_t)nin, sizeof(OnnxValue));
  m->outputs = arena_array(C->A, (size_t)nout, sizeof(OnnxValue));
  r = r0;
  while (pb_next(&r, &f)) {
    switch (f.num) {
    case PB_GRAPH_NODE:
      read_node(C, pb_sub(&r, &f, "GraphProto.node"), &m->nodes[m->n_nodes], m->n_nodes);
      m->n_nodes++;
      break;
    case PB_GRAPH_INITIALIZER: {
      OnnxInit *in = &m->inits[m->n_inits++];
      in->t = read_tensor(C, pb_sub(&r, &f, "GraphProto.initializer"), &in->dtype, &in->name);
      break;
    }
    case PB_GRAPH_INPUT: read_value_info(C, pb_sub(&r, &f, "GraphProto.input"), &m->inputs[m->n_inputs++]); break;
    case PB_GRAPH_OUTPUT: read_value_info(C, pb_sub(&r, &f, "GraphProto.output"), &m->outputs[m->n_outputs++]); break;
    default: break;
    }
    rt_check_interrupt();
  }
}

static void read_model(Ctx *C, PbReader r, OnnxModel *m) {
  PbField f, g;
  bool graph = false;
  m->opset = 1;
  m->producer = "";
  while (pb_next(&r, &f)) {
    switch (f.num) {
    case PB_MODEL_IR_VERSION: m->ir_version = (int64_t)f.v; break;
    case PB_MODEL_PRODUCER_NAME:
      if (f.wire == PB_LEN) m->producer = arena_str(C->A, &f);
      break;
    case PB_MODEL_OPSET_IMPORT: {
      PbReader o = pb_sub(&r, &f, "ModelProto.opset_import");
      bool dflt = true;
      int64_t version = 1;
      while (pb_next(&o, &g)) {
        if (g.num == PB_OPSET_DOMAIN && g.wire == PB_LEN)
          dflt = g.len == 0 || (g.len == 7 && !memcmp(g.data, "ai.onnx", 7));
        if (g.num == PB_OPSET_VERSION) version = (int64_t)g.v;
      }
      if (dflt) m->opset = version;
      break;
    }
    case PB_MODEL_FUNCTIONS:
      rt_throw("%s: the model defines its own functions, which nn does not read", C->path);
    case PB_MODEL_GRAPH:
      if (graph) pb_corrupt(&r, N_("the model has two graphs"));
      graph = true;
      read_graph(C, pb_sub(&r, &f, "ModelProto.graph"), m);
      break;
    default: break;
    }
  }
  if (!graph) rt_throw("%s: not an ONNX model (it has no graph)", C->path);
}

OnnxModel *onnx_read_bytes(const uint8_t *data, size_t n, const char *path) {
  OnnxModel *m = rt_calloc(1, sizeof *m);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    m->arena = rt_calloc(1, sizeof(OnnxArena));
    Ctx C = {m->arena, path};
    read_model(&C, pb_reader(data, n, path), m);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    onnx_model_free(m);
    rt_rethrow();
  }
  return m;
}

OnnxModel *onnx_read_file(const char *path) {
  const char *why;
  int fd = rt_open_regular(path, &why);
  if (fd == -2) rt_throw("%s: is a folder, not an ONNX file", path);
  if (fd < 0) rt_throw("%s: cannot open: %s", path, why);
  uint8_t *volatile buf = NULL;
  OnnxModel *m = NULL;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    struct stat st;
    if (fstat(fd, &st) != 0) rt_throw("%s: cannot read: %s", path, rt_strerror(errno));
    if ((uint64_t)st.st_size > ONNX_MAX_FILE)
      rt_throw("%s: %llu bytes is larger than an ONNX file can be (2 GiB)", path,
               (unsigned long long)st.st_size);
    size_t size = (size_t)st.st_size, got = 0;
    buf = rt_malloc(size ? size : 1);
    while (got < size) {
      ssize_t k = read(fd, buf + got, size - got);
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) rt_throw("%s: cannot read: %s", path, rt_strerror(errno));
      if (k == 0) rt_throw("%s: cannot read: %s", path, _("file shrank"));
      got += (size_t)k;
    }
    if (size == 0) rt_throw("%s: not an ONNX model (the file is empty)", path);
    m = onnx_read_bytes(buf, size, path);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    rt_free(buf);
    close(fd);
    rt_rethrow();
  }
  rt_free(buf);
  close(fd);
  return m;
}

const OnnxAttr *onnx_node_attr(const OnnxNode *n, const char *name) {
  for (int i = n->n_attrs - 1; i >= 0; i--) /* the last of repeated names wins */
    if (!strcmp(n->attrs[i].name, name)) return &n->attrs[i];
  return NULL;
}
