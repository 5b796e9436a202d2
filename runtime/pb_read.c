/* pb_read.c — the bounded protocol-buffer decoder (pb_read.h): every read checked
 * against the end of its message, nesting depth bounded. */
#include "pb_read.h"

#include "error.h"
#include "i18n.h"
#include "onnx_proto.h"

_Noreturn void pb_corrupt(const PbReader *r, const char *what) {
  rt_throw("%s: truncated or corrupt ONNX file at byte %llu: %s", r->path,
           (unsigned long long)(r->p - r->base), _(what));
}

PbReader pb_reader(const uint8_t *data, size_t n, const char *path) {
  return (PbReader){data, data + n, data, path, 0};
}

int pb_more(const PbReader *r) { return r->p < r->end; }

uint64_t pb_read_varint(PbReader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->p >= r->end) pb_corrupt(r, N_("a number runs past the end of its message"));
    uint8_t b = *r->p++;
    if (shift == 63 && b > 1) pb_corrupt(r, N_("a number is longer than 64 bits"));
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  pb_corrupt(r, N_("a number is longer than 64 bits"));
}

uint32_t pb_read_fixed32(PbReader *r) {
  if (r->end - r->p < 4) pb_corrupt(r, N_("a number runs past the end of its message"));
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
               (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

uint64_t pb_read_fixed64(PbReader *r) {
  uint64_t lo = pb_read_fixed32(r);
  return lo | (uint64_t)pb_read_fixed32(r) << 32;
}

int pb_next(PbReader *r, PbField *f) {
  if (r->p >= r->end) return 0;
  uint64_t tag = pb_read_varint(r);
  f->num = (uint32_t)(tag >> 3);
  f->wire = (int)(tag & 7);
  f->v = 0;
  f->data = NULL;
  f->len = 0;
  if (f->num == 0 || tag >> 3 > 0x1fffffff) pb_corrupt(r, N_("bad field number"));
  switch (f->wire) {
  case PB_VARINT: f->v = pb_read_varint(r); break;
  case PB_FIXED64: f->v = pb_read_fixed64(r); break;
  case PB_FIXED32: f->v = pb_read_fixed32(r); break;
  case PB_LEN: {
    uint64_t n = pb_read_varint(r);
    if (n > (uint64_t)(r->end - r->p))
      pb_corrupt(r, N_("a length runs past the end of its message"));
    f->data = r->p;
    f->len = (size_t)n;
    r->p += n;
    break;
  }
  default: pb_corrupt(r, N_("unknown wire type (groups are not read)"));
  }
  return 1;
}

PbReader pb_sub(const PbReader *r, const PbField *f, const char *what) {
  if (f->wire != PB_LEN)
    rt_throw("%s: truncated or corrupt ONNX file at byte %llu: %s is not a message", r->path,
             (unsigned long long)(r->p - r->base), what);
  PbReader s = {f->data, f->data + f->len, r->base, r->path, r->depth + 1};
  if (s.depth > PB_MAX_DEPTH) pb_corrupt(&s, N_("messages nest too deep"));
  return s;
}

PbReader pb_packed(const PbReader *r, const PbField *f) {
  return (PbReader){f->data, f->data + f->len, r->base, r->path, r->depth};
}
