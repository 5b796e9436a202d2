/* onnx_read.h — an ONNX file (a ModelProto, onnx_proto.h) read into plain C structs:
 * the graph's inputs and outputs with their shapes, its nodes with their attributes,
 * and its initializers as float32 tensors.
 *
 * Everything a model holds (strings, arrays, tensors) is owned by it and freed by
 * onnx_model_free. The reader is strict where the file could make it crash, hang or allocate
 * without bound: lengths are bounded by the bytes of their message (pb_read.h), element
 * counts of tensors are overflow-checked and must equal the data the file holds, and
 * arrays are sized by counting fields first. What nn cannot use is an error naming it:
 * external data, sparse tensors, subgraphs (If, Loop), model-local functions, string
 * and complex tensors, nodes of a domain other than the default one. Errors throw
 * (error.h) with the path first:
 *   "m.onnx: truncated or corrupt ONNX file at byte 17: a length runs past the end ..."
 *   "m.onnx: initializer 'w' keeps its data in an external file, which nn does not read"
 */
#ifndef NN_ONNX_READ_H
#define NN_ONNX_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnx_proto.h"
#include "tensor.h"

/* One attribute of a node; the fields of its type are set. */
typedef struct OnnxAttr {
  const char *name;
  OnnxAttrType type;
  float f;            /* FLOAT */
  int64_t i;          /* INT */
  const char *s;      /* STRING (bytes up to the first NUL) */
  int n;              /* FLOATS, INTS: the count */
  float *floats;      /* FLOATS */
  int64_t *ints;      /* INTS */
  Tensor *t;          /* TENSOR, as float32 values */
  OnnxDataType t_dtype;
} OnnxAttr;

typedef struct OnnxNode {
  const char *name;   /* "" when the file gives none */
  const char *op;     /* op_type: "Gemm", "Relu", ... */
  int n_in, n_out, n_attrs;
  const char **in, **out; /* "" for an optional input left out */
  OnnxAttr *attrs;
} OnnxNode;

/* An initializer: a constant of the graph (weights, shapes), its values as float32. */
typedef struct OnnxInit {
  const char *name;
  OnnxDataType dtype; /* the file's type (INT64 for shapes, FLOAT for weights) */
  Tensor *t;
} OnnxInit;

/* A graph input or output: its element type and shape; dims[i] = -1 for a dimension
   given by name ("N") or not given. has_shape is false when the file gives no shape. */
typedef struct OnnxValue {
  const char *name;
  OnnxDataType dtype;
  bool has_shape;
  int ndim;
  int64_t dims[T_MAXDIM];
} OnnxValue;

typedef struct OnnxArena OnnxArena;

typedef struct OnnxModel {
  int64_t ir_version;
  int64_t opset;      /* of the default domain; 1 when the file names none */
  const char *producer;
  int n_nodes, n_inits, n_inputs, n_outputs;
  OnnxNode *nodes;    /* in the file's (topological) order */
  OnnxInit *inits;
  OnnxValue *inputs;  /* as the file lists them (IR < 4: initializers too) */
  OnnxValue *outputs;
  OnnxArena *arena;   /* what the model owns */
} OnnxModel;

/* Files larger than this are refused (protobuf's own limit is 2 GiB). */
#define ONNX_MAX_FILE ((size_t)2 << 30)

/* Read and check the ONNX file at path; an owned model. On an error nothing is left
   allocated. */
OnnxModel *onnx_read_file(const char *path);
/* The same on n bytes in memory (path names them in messages). */
OnnxModel *onnx_read_bytes(const uint8_t *data, size_t n, const char *path);
void onnx_model_free(OnnxModel *m); /* NULL is fine */

/* Node n's attribute of that name, or NULL. */
const OnnxAttr *onnx_node_attr(const OnnxNode *n, const char *name);
/* The element type's name as ONNX spells it ("FLOAT", "INT64", ...; "?" if unknown). */
const char *onnx_dtype_name(int dtype);

#endif
