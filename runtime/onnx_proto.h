/* onnx_proto.h — the field numbers and enums of onnx.proto (ONNX 1.12, the messages nn
 * reads and writes), shared by the writer (onnx_write.c) and the reader (onnx_read.c).
 *
 * ONNX files are protocol buffers; nn encodes and decodes the wire format itself
 * (pb_write.c, pb_read.c) rather than linking protobuf-c and a generated onnx.pb-c.c:
 * the subset is small (varints, fixed32/64, length-delimited fields), the reader must
 * bound every length by the bytes it has (hostile files), and the WebAssembly build
 * links no extra library. Names follow onnx.proto: PB_<MESSAGE>_<FIELD>.
 */
#ifndef NN_ONNX_PROTO_H
#define NN_ONNX_PROTO_H

/* Wire types of the protobuf encoding. */
enum { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2, PB_FIXED32 = 5 };

/* ModelProto */
enum {
  PB_MODEL_IR_VERSION = 1, PB_MODEL_PRODUCER_NAME = 2, PB_MODEL_PRODUCER_VERSION = 3,
  PB_MODEL_DOMAIN = 4, PB_MODEL_MODEL_VERSION = 5, PB_MODEL_DOC_STRING = 6,
  PB_MODEL_GRAPH = 7, PB_MODEL_OPSET_IMPORT = 8, PB_MODEL_METADATA_PROPS = 14,
  PB_MODEL_TRAINING_INFO = 20, PB_MODEL_FUNCTIONS = 25
};
/* OperatorSetIdProto */
enum { PB_OPSET_DOMAIN = 1, PB_OPSET_VERSION = 2 };
/* StringStringEntryProto */
enum { PB_ENTRY_KEY = 1, PB_ENTRY_VALUE = 2 };
/* GraphProto */
enum {
  PB_GRAPH_NODE = 1, PB_GRAPH_NAME = 2, PB_GRAPH_INITIALIZER = 5, PB_GRAPH_DOC_STRING = 10,
  PB_GRAPH_INPUT = 11, PB_GRAPH_OUTPUT = 12, PB_GRAPH_VALUE_INFO = 13,
  PB_GRAPH_SPARSE_INITIALIZER = 15
};
/* NodeProto */
enum {
  PB_NODE_INPUT = 1, PB_NODE_OUTPUT = 2, PB_NODE_NAME = 3, PB_NODE_OP_TYPE = 4,
  PB_NODE_ATTRIBUTE = 5, PB_NODE_DOC_STRING = 6, PB_NODE_DOMAIN = 7
};
/* AttributeProto and its AttributeType */
enum {
  PB_ATTR_NAME = 1, PB_ATTR_F = 2, PB_ATTR_I = 3, PB_ATTR_S = 4, PB_ATTR_T = 5, PB_ATTR_G = 6,
  PB_ATTR_FLOATS = 7, PB_ATTR_INTS = 8, PB_ATTR_STRINGS = 9, PB_ATTR_TENSORS = 10,
  PB_ATTR_GRAPHS = 11, PB_ATTR_DOC_STRING = 13, PB_ATTR_TP = 14, PB_ATTR_TYPE = 20,
  PB_ATTR_REF_ATTR_NAME = 21, PB_ATTR_SPARSE_TENSOR = 22
};
typedef enum {
  ONNX_ATTR_UNDEFINED = 0, ONNX_ATTR_FLOAT = 1, ONNX_ATTR_INT = 2, ONNX_ATTR_STRING = 3,
  ONNX_ATTR_TENSOR = 4, ONNX_ATTR_GRAPH = 5, ONNX_ATTR_FLOATS = 6, ONNX_ATTR_INTS = 7,
  ONNX_ATTR_STRINGS = 8, ONNX_ATTR_TENSORS = 9, ONNX_ATTR_GRAPHS = 10,
  ONNX_ATTR_SPARSE_TENSOR = 11, ONNX_ATTR_SPARSE_TENSORS = 12, ONNX_ATTR_TYPE_PROTO = 13,
  ONNX_ATTR_TYPE_PROTOS = 14
} OnnxAttrType;
/* ValueInfoProto */
enum { PB_VALUE_INFO_NAME = 1, PB_VALUE_INFO_TYPE = 2, PB_VALUE_INFO_DOC_STRING = 3 };
/* TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension */
enum { PB_TYPE_TENSOR_TYPE = 1, PB_TYPE_DENOTATION = 6 };
enum { PB_TENSOR_TYPE_ELEM_TYPE = 1, PB_TENSOR_TYPE_SHAPE = 2 };
enum { PB_SHAPE_DIM = 1 };
enum { PB_DIM_VALUE = 1, PB_DIM_PARAM = 2, PB_DIM_DENOTATION = 3 };
/* TensorProto and its DataType */
enum {
  PB_TENSOR_DIMS = 1, PB_TENSOR_DATA_TYPE = 2, PB_TENSOR_SEGMENT = 3, PB_TENSOR_FLOAT_DATA = 4,
  PB_TENSOR_INT32_DATA = 5, PB_TENSOR_STRING_DATA = 6, PB_TENSOR_INT64_DATA = 7,
  PB_TENSOR_NAME = 8, PB_TENSOR_RAW_DATA = 9, PB_TENSOR_DOUBLE_DATA = 10,
  PB_TENSOR_UINT64_DATA = 11, PB_TENSOR_DOC_STRING = 12, PB_TENSOR_EXTERNAL_DATA = 13,
  PB_TENSOR_DATA_LOCATION = 14
};
typedef enum {
  ONNX_UNDEFINED = 0, ONNX_FLOAT = 1, ONNX_UINT8 = 2, ONNX_INT8 = 3, ONNX_UINT16 = 4,
  ONNX_INT16 = 5, ONNX_INT32 = 6, ONNX_INT64 = 7, ONNX_STRING = 8, ONNX_BOOL = 9,
  ONNX_FLOAT16 = 10, ONNX_DOUBLE = 11, ONNX_UINT32 = 12, ONNX_UINT64 = 13,
  ONNX_COMPLEX64 = 14, ONNX_COMPLEX128 = 15, ONNX_BFLOAT16 = 16
} OnnxDataType;

/* What nn writes: IR version 8 (ONNX 1.10+) with the default domain at opset 13. */
enum { ONNX_IR_VERSION = 8, ONNX_OPSET = 13 };

#endif
