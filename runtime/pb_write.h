/* pb_write.h — a protocol-buffer wire encoder: fields appended to a growable buffer,
 * nested messages written in place (onnx_write.c builds ONNX models with it).
 *
 * Every field is its key (field number << 3 | wire type, onnx_proto.h's PB_*) and then
 *   PB_VARINT   an unsigned LEB128 varint (negative int64 as its 10-byte two's complement)
 *   PB_FIXED32  4 bytes little-endian (a float)
 *   PB_LEN      a varint length, then that many bytes (strings, packed arrays, messages)
 * A nested message is opened with pb_begin, which reserves room for its length, and
 * closed with pb_end, which writes the length and moves the body down if it needed
 * fewer bytes. Messages are limited to 2 GiB - 1, as protobuf's own parsers require;
 * a larger one throws (error.h). Allocation goes through mem.h (it throws, never
 * returns NULL); the buffer is the caller's, released with pb_free, also on unwind.
 */
#ifndef NN_PB_WRITE_H
#define NN_PB_WRITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct PbBuf {
  unsigned char *data;
  size_t len, cap;
} PbBuf;

void pb_free(PbBuf *b); /* releases the bytes; the buffer may be used again after */

void pb_varint(PbBuf *b, int field, uint64_t v);               /* int32/int64/enum/bool */
void pb_float(PbBuf *b, int field, float v);                    /* fixed32 */
void pb_bytes(PbBuf *b, int field, const void *p, size_t n);    /* length-delimited */
void pb_string(PbBuf *b, int field, const char *s);             /* NUL-terminated text */
/* A packed repeated int64 field: n varints in one length-delimited field. */
void pb_packed_int64(PbBuf *b, int field, const int64_t *v, int n);
/* Float data as raw little-endian bytes (TensorProto.raw_data), whatever the host's
   byte order. */
void pb_raw_floats(PbBuf *b, int field, const float *v, int64_t n);

/* Open a nested message as field `field`; returns the mark pb_end needs. */
size_t pb_begin(PbBuf *b, int field);
void pb_end(PbBuf *b, size_t mark);

#endif
