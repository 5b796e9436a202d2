/* onnx_write.h — an ONNX model builder on plain tensors (interp/export.c drives it).
 *
 * The model is encoded as it is built (pb_write.h), in one buffer: protobuf lets a
 * message's fields come in any order, so nodes, initializers, inputs and outputs are
 * appended to the graph as they are given. What is written: IR version 8, the default
 * domain at opset 13 (onnx_proto.h), producer "nn", one graph. A node is opened with
 * onnx_node, takes its attributes, and is closed by the next onnx_node or onnx_finish.
 *
 * Names are copied into the encoding: the caller's strings and tensors are borrowed for
 * the call only. Errors throw (error.h); the builder owns nothing but its buffer, which
 * onnx_free releases (also after an error: the caller keeps the OnnxWriter on its
 * frame and frees it in both branches).
 */
#ifndef NN_ONNX_WRITE_H
#define NN_ONNX_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "pb_write.h"
#include "tensor.h"

typedef struct OnnxWriter {
  PbBuf buf;
  size_t graph;  /* the open graph's mark (pb_begin) */
  size_t node;   /* the open node's mark */
  bool in_node;
} OnnxWriter;

/* Start a model whose graph is called graph_name (nn's model name). */
void onnx_begin(OnnxWriter *w, const char *graph_name);
void onnx_free(OnnxWriter *w);

/* A node op_type(in[0..n_in)) → out, named name, in the default domain. An empty input
   name is an omitted optional input. Stays open for its attributes. */
void onnx_node(OnnxWriter *w, const char *name, const char *op_type, int n_in,
               const char *const *in, const char *out);
void onnx_attr_int(OnnxWriter *w, const char *name, int64_t v);
void onnx_attr_float(OnnxWriter *w, const char *name, float v);
void onnx_attr_ints(OnnxWriter *w, const char *name, const int64_t *v, int n);

/* An initializer: a float32 tensor (its shape and data) or an int64 one. */
void onnx_init_float(OnnxWriter *w, const char *name, const Tensor *t);
void onnx_init_int64(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                     const int64_t *v);

/* A graph input or output of type float32: shape[i] < 0 is the dynamic dimension
   named dim_param ("N", the batch). */
void onnx_input(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                const char *dim_param);
void onnx_output(OnnxWriter *w, const char *name, int ndim, const int64_t *shape,
                 const char *dim_param);

/* Close the graph and the model; the encoded file is w->buf.data [w->buf.len]. */
void onnx_finish(OnnxWriter *w);

/* Write the finished model to path, atomically (path.tmp.PID, then renamed over it):
   "PATH: cannot write: No space left on device". */
void onnx_save(const OnnxWriter *w, const char *path);

#endif
