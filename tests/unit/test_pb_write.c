/* test_pb_write.c — the protobuf wire encoder (runtime/pb_write.h) against encodings
 * worked out by hand from the protobuf spec (developers.google.com/protocol-buffers,
 * "Encoding"): varints (150 → 08 96 01, the spec's own example), negative int64 as ten
 * bytes, fixed32 floats little-endian, strings, packed int64, and nested messages whose
 * reserved length is patched and the body moved down. */
#include "check.h"
#include "onnx_proto.h"
#include "pb_write.h"

/* b's bytes equal want [n]: on a mismatch, both in hex. */
static void check_bytes(const char *name, const PbBuf *b, const unsigned char *want, size_t n) {
  char got[512] = "", exp[512] = "";
  for (size_t i = 0; i < b->len && i < 100; i++) snprintf(got + strlen(got), 8, "%02x ", b->data[i]);
  for (size_t i = 0; i < n && i < 100; i++) snprintf(exp + strlen(exp), 8, "%02x ", want[i]);
  char detail[1100];
  snprintf(detail, sizeof detail, "got %s, want %s", got, exp);
  check_true(name, b->len == n && !memcmp(b->data, want, n), detail);
}

int main(void) {
  RtFrame f;
  if (!RT_TRY(&f)) {
    printf("FAIL pb_write: threw %s\n", rt_errmsg());
    return 1;
  }
  PbBuf b = {0};
  pb_varint(&b, 1, 150);
  check_bytes("varint 150 (the spec's example)", &b, (const unsigned char[]){0x08, 0x96, 0x01}, 3);
  pb_free(&b);

  pb_varint(&b, 2, (uint64_t)(int64_t)-1);
  check_bytes("varint -1 as int64: ten bytes", &b,
              (const unsigned char[]){0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 11);
  pb_free(&b);

  pb_float(&b, PB_ATTR_F, 1.0f); /* field 2, wire type 5: key 0x15; 1.0f = 0x3f800000 */
  check_bytes("fixed32 float 1.0", &b, (const unsigned char[]){0x15, 0x00, 0x00, 0x80, 0x3f}, 5);
  pb_free(&b);

  pb_string(&b, 2, "testing");
  check_bytes("string (the spec's example)", &b,
              (const unsigned char[]){0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}, 9);
  pb_free(&b);

  pb_packed_int64(&b, 4, (const int64_t[]){3, 270, 86942}, 3); /* the spec's packed example */
  check_bytes("packed int64 (the spec's example)", &b,
              (const unsigned char[]){0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05}, 8);
  pb_free(&b);

  /* message 3 { message 1 { varint 1: 150 } }: lengths 5 and 3, the reserved room gone */
  size_t outer = pb_begin(&b, 3);
  size_t inner = pb_begin(&b, 1);
  pb_varint(&b, 1, 150);
  pb_end(&b, inner);
  pb_end(&b, outer);
  check_bytes("nested messages", &b, (const unsigned char[]){0x1a, 0x05, 0x0a, 0x03, 0x08, 0x96, 0x01}, 7);
  pb_free(&b);

  /* a body of 200 bytes needs a two-byte length (c8 01) */
  unsigned char big[200];
  memset(big, 7, sizeof big);
  outer = pb_begin(&b, 1);
  pb_bytes(&b, 2, big, 197); /* key, length 197 (c5 01): 200 bytes */
  pb_end(&b, outer);
  check_int("nested 200-byte body: total length", (int64_t)b.len, 3 + 200);
  check_true("nested 200-byte body: its length", b.data[1] == 0xc8 && b.data[2] == 0x01,
             "length bytes are not c8 01");
  pb_free(&b);

  pb_raw_floats(&b, 9, (const float[]){1.0f, -2.0f}, 2);
  check_bytes("raw floats little-endian", &b,
              (const unsigned char[]){0x4a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}, 10);
  pb_free(&b);
  rt_pop(&f);
  return 0;
}
