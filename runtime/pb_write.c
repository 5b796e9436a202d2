/* pb_write.c — the protocol-buffer wire encoder of pb_write.h: varints, fixed32 and
 * length-delimited fields into a growable buffer, nested messages patched in place. */
#include "pb_write.h"

#include <string.h>

#include "error.h"
#include "mem.h"
#include "onnx_proto.h"

/* The largest message protobuf parsers accept: lengths are int32 there. */
#define PB_MAX ((size_t)INT32_MAX)
/* A reserved length: 5 varint bytes hold any length up to 2^35 − 1. */
enum { LEN_ROOM = 5 };

void pb_free(PbBuf *b) {
  rt_free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* Room for n more bytes (doubling, so appends are amortised O(1)). */
static void reserve(PbBuf *b, size_t n) {
  if (n > PB_MAX || b->len > PB_MAX - n)
    rt_throw("the ONNX file would be larger than 2 GiB, which protobuf cannot hold");
  if (b->len + n <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + n) cap *= 2;
  b->data = rt_realloc(b->data, cap);
  b->cap = cap;
}

static void put(PbBuf *b, const void *p, size_t n) {
  reserve(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}

/* v as LEB128 into out (at most 10 bytes); returns the count. */
static int leb128(uint64_t v, unsigned char *out) {
  int n = 0;
  do {
    unsigned char c = v & 0x7f;
    v >>= 7;
    out[n++] = c | (v ? 0x80 : 0);
  } while (v);
  return n;
}

static void raw_varint(PbBuf *b, uint64_t v) {
  unsigned char tmp[10];
  put(b, tmp, (size_t)leb128(v, tmp));
}

static void key(PbBuf *b, int field, int wire) { raw_varint(b, (uint64_t)field << 3 | (uint64_t)wire); }

void pb_varint(PbBuf *b, int field, uint64_t v) {
  key(b, field, PB_VARINT);
  raw_varint(b, v);
}

void pb_float(PbBuf *b, int field, float v) {
  uint32_t u;
  memcpy(&u, &v, 4);
  unsigned char le[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                         (unsigned char)(u >> 24)};
  key(b, field, PB_FIXED32);
  put(b, le, 4);
}

void pb_bytes(PbBuf *b, int field, const void *p, size_t n) {
  key(b, field, PB_LEN);
  raw_varint(b, n);
  put(b, p, n);
}

void pb_string(PbBuf *b, int field, const char *s) { pb_bytes(b, field, s, strlen(s)); }

void pb_packed_int64(PbBuf *b, int field, const int64_t *v, int n) {
  size_t mark = pb_begin(b, field);
  for (int i = 0; i < n; i++) raw_varint(b, (uint64_t)v[i]);
  pb_end(b, mark);
}

void pb_raw_floats(PbBuf *b, int field, const float *v, int64_t n) {
  if (n < 0 || (uint64_t)n > PB_MAX / 4)
    rt_throw("the ONNX file would be larger than 2 GiB, which protobuf cannot hold");
  key(b, field, PB_LEN);
  raw_varint(b, (uint64_t)n * 4);
  reserve(b, (size_t)n * 4);
  unsigned char *o = b->data + b->len;
  for (int64_t i = 0; i < n; i++) {
    uint32_t u;
    memcpy(&u, v + i, 4);
    o[4 * i] = (unsigned char)u, o[4 * i + 1] = (unsigned char)(u >> 8);
    o[4 * i + 2] = (unsigned char)(u >> 16), o[4 * i + 3] = (unsigned char)(u >> 24);
  }
  b->len += (size_t)n * 4;
}

size_t pb_begin(PbBuf *b, int field) {
  key(b, field, PB_LEN);
  reserve(b, LEN_ROOM);
  size_t mark = b->len;
  b->len += LEN_ROOM;
  return mark;
}

/* The body starts LEN_ROOM bytes after the mark; its length goes at the mark and the
   body moves down to follow it (a varint of the length is at most LEN_ROOM bytes). */
void pb_end(PbBuf *b, size_t mark) {
  size_t body = mark + LEN_ROOM, n = b->len - body;
  if (n > PB_MAX) rt_throw("the ONNX file would be larger than 2 GiB, which protobuf cannot hold");
  unsigned char tmp[10];
  int k = leb128(n, tmp);
  memcpy(b->data + mark, tmp, (size_t)k);
  memmove(b->data + mark + k, b->data + body, n);
  b->len = mark + (size_t)k + n;
}
