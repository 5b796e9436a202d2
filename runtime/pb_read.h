/* pb_read.h — a bounded decoder of the protocol-buffer wire format (onnx_read.c reads
 * ONNX files with it).
 *
 * A reader walks one message's bytes field by field. Every length is checked against
 * the bytes left in the enclosing message before anything is read, varints are at most
 * 10 bytes, and a sub-message reader is one level deeper: past PB_MAX_DEPTH levels the
 * input is refused. Nothing here allocates. Malformed input throws (error.h)
 *   "PATH: truncated or corrupt ONNX file at byte N: WHAT"
 * with N the offset in the whole file.
 */
#ifndef NN_PB_READ_H
#define NN_PB_READ_H

#include <stddef.h>
#include <stdint.h>

/* Messages nest at most this deep (ONNX nests model → graph → node → attribute →
   tensor → ...: fewer than 10 levels in files nn reads; subgraphs are refused). */
enum { PB_MAX_DEPTH = 32 };

typedef struct PbReader {
  const uint8_t *p, *end; /* the bytes of this message still to read */
  const uint8_t *base;    /* the start of the file, for offsets in messages */
  const char *path;       /* for messages */
  int depth;
} PbReader;

/* One field: its number and wire type (onnx_proto.h: PB_VARINT ...); v holds a varint
   or fixed value, data/len the bytes of a length-delimited one (inside the file). */
typedef struct PbField {
  uint32_t num;
  int wire;
  uint64_t v;
  const uint8_t *data;
  size_t len;
} PbField;

/* A reader of a whole file of n bytes at data. */
PbReader pb_reader(const uint8_t *data, size_t n, const char *path);
/* Read the next field into *f: 1, or 0 at the end of the message. Throws on a bad tag,
   a group (wire types 3, 4), a varint over 10 bytes or a length past the end. */
int pb_next(PbReader *r, PbField *f);
/* A reader of f's bytes as a message (f must be length-delimited), one level deeper;
   throws past PB_MAX_DEPTH or when f is not length-delimited (what: the field, for the
   message). */
PbReader pb_sub(const PbReader *r, const PbField *f, const char *what);
/* A packed repeated scalar field (f length-delimited): a reader over its bytes, read
   with pb_read_varint / pb_read_fixed32 / pb_read_fixed64 while pb_more. An unpacked element is a
   field of its own, with its value in f->v. */
PbReader pb_packed(const PbReader *r, const PbField *f);
int pb_more(const PbReader *r);
uint64_t pb_read_varint(PbReader *r);
uint32_t pb_read_fixed32(PbReader *r);
uint64_t pb_read_fixed64(PbReader *r);
/* Throw the reader's "truncated or corrupt" error at its position with a message. */
_Noreturn void pb_corrupt(const PbReader *r, const char *what);

#endif
