/* test_data.c — IDX and safetensors files: loading good files (plain and gzip'ed), a
 * save → load round trip, and every corrupt, truncated or oversized file we can make,
 * each of which must throw its exact message (and, under ASan, leak nothing). */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "idx.h"
#include "safetensors.h"

static char dir[64];

/* dir/name into a static buffer (one of four, so a few can be alive at once). */
static const char *at(const char *name) {
  static char bufs[4][256];
  static int k;
  char *b = bufs[k++ % 4];
  snprintf(b, 256, "%s/%s", dir, name);
  return b;
}

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n) printf("FAIL cannot write %s\n", path);
  if (f) fclose(f);
}

static void write_gz(const char *path, const void *data, size_t n) {
  gzFile g = gzopen(path, "wb");
  if (!g || gzwrite(g, data, (unsigned)n) != (int)n) printf("FAIL cannot write %s\n", path);
  if (g) gzclose(g);
}

/* Run stmt, which must throw exactly want (a runtime string). */
#define THROWS(name, stmt, want)                                  \
  do {                                                            \
    RtFrame f_;                                                   \
    if (RT_TRY(&f_)) {                                            \
      stmt;                                                       \
      rt_pop(&f_);                                                \
      check_true(name, 0, "no error thrown");                     \
    } else {                                                      \
      rt_pop(&f_);                                                \
      check_str(name, rt_errmsg(), want);                         \
    }                                                             \
  } while (0)

/* The message at the path (messages start with it). */
static const char *msg(const char *path, const char *rest) {
  static char buf[1024];
  snprintf(buf, sizeof buf, "%s: %s", path, rest);
  return buf;
}

/* ------------------------------------------------------------------ IDX */

/* An IDX header for unsigned bytes with the given dims, then n data bytes (i % 256). */
static size_t make_idx(unsigned char *buf, int nd, const uint32_t *dims, size_t n) {
  size_t k = 0;
  buf[k++] = 0, buf[k++] = 0, buf[k++] = 8, buf[k++] = (unsigned char)nd;
  for (int i = 0; i < nd; i++) {
    buf[k++] = (unsigned char)(dims[i] >> 24), buf[k++] = (unsigned char)(dims[i] >> 16);
    buf[k++] = (unsigned char)(dims[i] >> 8), buf[k++] = (unsigned char)dims[i];
  }
  for (size_t i = 0; i < n; i++) buf[k++] = (unsigned char)(i * 51 % 256);
  return k;
}

static void idx_good(void) {
  unsigned char buf[256];
  size_t n = make_idx(buf, 3, (uint32_t[]){2, 2, 3}, 12);
  double want[12];
  for (int i = 0; i < 12; i++) want[i] = (i * 51 % 256) / 255.0;
  write_file(at("img.idx"), buf, n);
  Tensor *t = idx_load(at("img.idx"), 255);
  check_data("idx: plain file [2, 2, 3] / 255", t, "[2, 2, 3]", want, 12, 1e-7);
  t_release(t);
  write_gz(at("img.idx.gz"), buf, n);
  t = idx_load(at("img.idx.gz"), 255);
  check_data("idx: gzip'ed file [2, 2, 3] / 255", t, "[2, 2, 3]", want, 12, 1e-7);
  t_release(t);
  n = make_idx(buf, 1, (uint32_t[]){5}, 5);
  write_gz(at("lab.idx.gz"), buf, n);
  t = idx_load(at("lab.idx.gz"), 1);
  check_data("idx: labels [5] kept as bytes", t, "[5]", (double[]){0, 51, 102, 153, 204}, 5, 0);
  t_release(t);
  n = make_idx(buf, 2, (uint32_t[]){0, 28}, 0);
  write_file(at("none.idx"), buf, n);
  t = idx_load(at("none.idx"), 255);
  check_shape("idx: zero images", t, "[0, 28]");
  t_release(t);
}

static void idx_bad(void) {
  unsigned char buf[4096];
  size_t n;
  THROWS("idx: missing file", idx_load(at("nope.gz"), 1), msg(at("nope.gz"), "cannot open: No such file or directory"));
  THROWS("idx: a folder", idx_load(dir, 1), msg(dir, "is a folder, not an IDX file"));
  write_file(at("empty.idx"), "", 0);
  THROWS("idx: empty file", idx_load(at("empty.idx"), 1), msg(at("empty.idx"), "empty file (expected an IDX header)"));
  write_file(at("short.idx"), "\0\0\x08", 3);
  THROWS("idx: 3-byte file", idx_load(at("short.idx"), 1),
         msg(at("short.idx"), "truncated: expected a 4-byte IDX header, got 3 bytes"));
  write_file(at("magic.idx"), "PK\x03\x04rest", 8);
  THROWS("idx: bad magic", idx_load(at("magic.idx"), 1),
         msg(at("magic.idx"), "not an IDX file (bad magic 50 4b 03 04: IDX files start with 00 00 08)"));
  write_file(at("float.idx"), "\0\0\x0d\x01\0\0\0\x01\0\0\0\0", 12);
  THROWS("idx: float elements", idx_load(at("float.idx"), 1),
         msg(at("float.idx"), "unsupported IDX element type 0x0d (only unsigned bytes, 0x08, are supported)"));
  write_file(at("nd0.idx"), "\0\0\x08\0", 4);
  THROWS("idx: 0 dimensions", idx_load(at("nd0.idx"), 1),
         msg(at("nd0.idx"), "bad IDX header: 0 dimensions (1 to 8 are supported)"));
  write_file(at("nd9.idx"), "\0\0\x08\x09", 4);
  THROWS("idx: 9 dimensions", idx_load(at("nd9.idx"), 1),
         msg(at("nd9.idx"), "bad IDX header: 9 dimensions (1 to 8 are supported)"));
  write_file(at("dims.idx"), "\0\0\x08\x03\0\0\0\x02\0\0", 10);
  THROWS("idx: truncated dimensions", idx_load(at("dims.idx"), 1),
         msg(at("dims.idx"), "truncated: expected 12 bytes of dimensions, got 6"));
  n = make_idx(buf, 4, (uint32_t[]){0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 2}, 0);
  write_file(at("over.idx"), buf, n);
  THROWS("idx: sizes overflow", idx_load(at("over.idx"), 1),
         msg(at("over.idx"), "bad IDX header: sizes [4294967295, 4294967295, 4294967295, 2] overflow"));
  /* plain: 3 images of 2×2 but only 5 bytes */
  n = make_idx(buf, 3, (uint32_t[]){3, 2, 2}, 5);
  write_file(at("trunc.idx"), buf, n);
  THROWS("idx: truncated plain data", idx_load(at("trunc.idx"), 1),
         msg(at("trunc.idx"), "truncated: expected 12 bytes of image data, got 5"));
  write_gz(at("trunc.idx.gz"), buf, n);
  THROWS("idx: truncated gzip'ed data", idx_load(at("trunc.idx.gz"), 1),
         msg(at("trunc.idx.gz"), "truncated: expected 12 bytes of image data, got 5"));
  n = make_idx(buf, 1, (uint32_t[]){10}, 7);
  write_gz(at("lab7.gz"), buf, n);
  THROWS("idx: truncated labels", idx_load(at("lab7.gz"), 1),
         msg(at("lab7.gz"), "truncated: expected 10 bytes of label data, got 7"));
  /* a gzip stream cut in the middle: the data it still holds, then the end */
  n = make_idx(buf, 2, (uint32_t[]){30, 100}, 3000);
  write_gz(at("cut.gz"), buf, n);
  {
    FILE *f = fopen(at("cut.gz"), "rb");
    unsigned char z[8192];
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    write_file(at("cut.gz"), z, zn / 2);
    RtFrame fr;
    if (RT_TRY(&fr)) {
      t_release(idx_load(at("cut.gz"), 1));
      rt_pop(&fr);
      check_true("idx: gzip stream cut short", 0, "no error thrown");
    } else {
      rt_pop(&fr);
      const char *want = msg(at("cut.gz"), "truncated: expected 3000 bytes of image data, got ");
      check_true("idx: gzip stream cut short", !strncmp(rt_errmsg(), want, strlen(want)), rt_errmsg());
    }
  }
  /* a header claiming far more than a small .gz can hold: refused before allocating */
  n = make_idx(buf, 3, (uint32_t[]){60000, 2800, 2800}, 100);
  write_gz(at("huge.gz"), buf, n);
  THROWS("idx: huge claim in a small .gz", idx_load(at("huge.gz"), 1),
         msg(at("huge.gz"), "truncated: expected 470400000000 bytes of image data, got 100"));
  n = make_idx(buf, 3, (uint32_t[]){60000, 2800, 2800}, 100);
  write_file(at("huge.idx"), buf, n);
  THROWS("idx: huge claim in a small file", idx_load(at("huge.idx"), 1),
         msg(at("huge.idx"), "truncated: expected 470400000000 bytes of image data, got 100"));
  n = make_idx(buf, 2, (uint32_t[]){2, 2}, 6);
  write_gz(at("long.gz"), buf, n);
  THROWS("idx: trailing data", idx_load(at("long.gz"), 1),
         msg(at("long.gz"), "2 bytes of trailing data after the 4 bytes of image data"));
  write_file(at("junk.gz"), "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate", 29);
  {
    RtFrame fr;
    if (RT_TRY(&fr)) {
      t_release(idx_load(at("junk.gz"), 1));
      rt_pop(&fr);
      check_true("idx: corrupt gzip data", 0, "no error thrown");
    } else {
      rt_pop(&fr);
      const char *want = msg(at("junk.gz"), "corrupt gzip data: ");
      check_true("idx: corrupt gzip data", !strncmp(rt_errmsg(), want, strlen(want)), rt_errmsg());
    }
  }
}

/* ------------------------------------------------------------------ safetensors */

static void st_round_trip(void) {
  Tensor *w = t_from(2, SHAPE(2, 3), (float[]){1, -2, 3.5f, 4e-20f, 5, 6});
  Tensor *b = VEC(2, 0.25f, -0.5f);
  Tensor *s = t_scalar(7);
  Tensor *e = t_zeros(2, SHAPE(0, 3));
  const char *names[] = {"w", "b\"quoted\\", "s", "e"};
  Tensor *ts[] = {w, b, s, e};
  const char *meta[] = {"format", "nn", "note", "x\ny", NULL};
  st_save(at("m.safetensors"), 4, names, ts, meta);
  check_true("st: no temporary file left", access(at("m.safetensors.tmp"), F_OK) != 0, "");
  StFile *f = st_load(at("m.safetensors"));
  check_int("st: 4 tensors back", f->n, 4);
  for (int i = 0; i < 4 && i < f->n; i++) {
    check_str(NAME("st: name %d", i), f->names[i], names[i]);
    double want[6];
    for (int k = 0; k < ts[i]->size; k++) want[k] = ts[i]->data[k];
    char sh[96];
    check_data(NAME("st: tensor %s", names[i]), f->tensors[i],
               t_shape_str(ts[i]->ndim, ts[i]->shape, sh, sizeof sh), want, ts[i]->size, 0);
  }
  check_int("st: metadata entries", f->n_meta, 2);
  if (f->n_meta == 2) {
    check_str("st: metadata key", f->meta_keys[1], "note");
    check_str("st: metadata value with an escape", f->meta_vals[1], "x\ny");
  }
  st_free(f);
  /* the header is padded to a multiple of 8 with spaces */
  FILE *fp = fopen(at("m.safetensors"), "rb");
  unsigned char len8[8];
  check_true("st: read back the length", fread(len8, 1, 8, fp) == 8, "");
  fclose(fp);
  check_int("st: header length % 8", len8[0] % 8, 0);

  /* saving over a file replaces it; a failed save leaves it as it was */
  st_save(at("m.safetensors"), 1, names, ts, NULL);
  f = st_load(at("m.safetensors"));
  check_int("st: overwritten with 1 tensor", f->n, 1);
  check_int("st: no metadata", f->n_meta, 0);
  st_free(f);
  const char *dup[] = {"a", "a"};
  THROWS("st: duplicate names refused", st_save(at("m.safetensors"), 2, dup, ts, NULL),
         msg(at("m.safetensors"), "two tensors are named 'a'"));
  const char *reserved[] = {"__metadata__"};
  THROWS("st: reserved name refused", st_save(at("m.safetensors"), 1, reserved, ts, NULL),
         msg(at("m.safetensors"), "'__metadata__' cannot name a tensor (the format reserves it)"));
  const char *empty[] = {""};
  THROWS("st: empty name refused", st_save(at("m.safetensors"), 1, empty, ts, NULL),
         msg(at("m.safetensors"), "tensor #1 has an empty name"));
  f = st_load(at("m.safetensors"));
  check_int("st: file untouched by failed saves", f->n, 1);
  st_free(f);
  THROWS("st: save into a missing folder", st_save(at("no/such/dir.safetensors"), 1, names, ts, NULL),
         msg(at("no/such/dir.safetensors"), "cannot write: No such file or directory"));
  st_save(at("none.safetensors"), 0, NULL, NULL, NULL);
  f = st_load(at("none.safetensors"));
  check_int("st: an empty file of tensors", f->n, 0);
  st_free(f);
  t_release(w), t_release(b), t_release(s), t_release(e);
}

/* A file with the given header (unpadded) and n_data bytes of data (floats 0, 1, …). */
static const char *st_file(const char *name, const char *header, size_t n_data) {
  static unsigned char buf[8192];
  size_t h = strlen(header);
  for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)h >> (8 * i));
  memcpy(buf + 8, header, h);
  for (size_t i = 0; i < n_data; i++) buf[8 + h + i] = (unsigned char)i;
  const char *p = at(name);
  write_file(p, buf, 8 + h + n_data);
  return p;
}

#define ST_BAD(label, header, n_data, want)                                   \
  do {                                                                        \
    const char *p_ = st_file("bad.safetensors", header, n_data);              \
    THROWS("st: " label, st_free(st_load(p_)), msg(p_, want));                \
  } while (0)

#define T32(name, shape, a, b) \
  "\"" name "\":{\"dtype\":\"F32\",\"shape\":" shape ",\"data_offsets\":[" #a "," #b "]}"

static void st_bad(void) {
  THROWS("st: missing file", st_load(at("nope.safetensors")),
         msg(at("nope.safetensors"), "cannot open: No such file or directory"));
  THROWS("st: a folder", st_load(dir), msg(dir, "is a folder, not a safetensors file"));
  write_file(at("tiny.safetensors"), "abc", 3);
  THROWS("st: 3-byte file", st_load(at("tiny.safetensors")),
         msg(at("tiny.safetensors"), "not a safetensors file: 3 bytes is too short for the 8-byte header length"));
  write_file(at("long.safetensors"), "\x00\x10\x00\x00\x00\x00\x00\x00{}", 10);
  THROWS("st: header length beyond the file", st_load(at("long.safetensors")),
         msg(at("long.safetensors"), "truncated or corrupt: header length 4096 is larger than the rest of the file (2 bytes)"));
  write_file(at("neg.safetensors"), "\xff\xff\xff\xff\xff\xff\xff\xff{}", 10);
  THROWS("st: header length 2^64 - 1", st_load(at("neg.safetensors")),
         msg(at("neg.safetensors"), "not a safetensors file: header length 18446744073709551615 is larger than the rest of the file (2 bytes)"));
  { /* over the 100 MB limit, in a sparse file that really is that long */
    FILE *f = fopen(at("big.safetensors"), "wb");
    fwrite("\x00\x00\x00\x10\x00\x00\x00\x00", 1, 8, f); /* 2^28 */
    fclose(f);
    if (truncate(at("big.safetensors"), (off_t)1 << 29) == 0)
      THROWS("st: header over the limit", st_load(at("big.safetensors")),
             msg(at("big.safetensors"), "header length 268435456 is over the limit of 100000000 bytes"));
    remove(at("big.safetensors"));
  }
  ST_BAD("header length 0", "", 0, "header length 0 is too short for a JSON object");
  ST_BAD("not an object", "[1, 2]  ", 0, "bad JSON header at byte 0: the header must start with '{'");
  ST_BAD("missing colon", "{\"a\" {}}", 0, "bad JSON header at byte 5: expected ':' after a key");
  ST_BAD("trailing comma", "{" T32("a", "[1]", 0, 4) ",}", 4, "bad JSON header at byte 54: expected a string key");
  ST_BAD("unterminated string", "{\"abc", 0, "bad JSON header at byte 5: unterminated string");
  ST_BAD("control character", "{\"a\tb\":1}", 0, "bad JSON header at byte 3: control character in a string");
  ST_BAD("bad escape", "{\"a\\qb\":1}", 0, "bad JSON header at byte 3: unknown escape in a string");
  ST_BAD("lone surrogate", "{\"\\udc00\":1}", 0, "bad JSON header at byte 8: unpaired surrogate in \\u escape");
  ST_BAD("\\u0000", "{\"\\u0000\":1}", 0, "bad JSON header at byte 8: \\u0000 is not allowed in a name");
  ST_BAD("text after the object", "{}x", 0, "bad JSON header at byte 2: unexpected text after the header's object");
  ST_BAD("two objects", "{} {}", 0, "bad JSON header at byte 3: unexpected text after the header's object");
  ST_BAD("entry not an object", "{\"a\":[1]}", 0, "bad JSON header at byte 5: a tensor's entry must be an object");
  ST_BAD("negative offset", "{\"a\":{\"data_offsets\":[-1,4]}}", 0,
         "bad JSON header at byte 22: expected a whole number >= 0");
  ST_BAD("float in shape", "{\"a\":{\"shape\":[1.5]}}", 0, "bad JSON header at byte 16: expected a whole number >= 0");
  ST_BAD("leading zero", "{\"a\":{\"shape\":[01]}}", 0, "bad JSON header at byte 15: numbers may not have leading zeros");
  ST_BAD("number too large", "{\"a\":{\"shape\":[99999999999999999999]}}", 0,
         "bad JSON header at byte 34: number too large");
  ST_BAD("dimension too large", "{\"a\":{\"shape\":[9999999999999999999]}}", 0,
         "tensor 'a': shape dimension 9999999999999999999 is too large");
  ST_BAD("9 dimensions", "{\"a\":{\"shape\":[1,1,1,1,1,1,1,1,1]}}", 0,
         "bad JSON header at byte 31: a shape has at most 8 dimensions");
  ST_BAD("3 offsets", "{\"a\":{\"data_offsets\":[0,4,8]}}", 0,
         "bad JSON header at byte 26: data_offsets must be [begin, end]");
  ST_BAD("dtype F16", "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
         "tensor 'a': dtype F16 is not supported (only F32)");
  ST_BAD("dtype BF16 after a good one", "{" T32("w", "[1]", 0, 4) ",\"h\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}", 8,
         "tensor 'h': dtype BF16 is not supported (only F32)");
  ST_BAD("missing data_offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 0,
         "tensor 'a': missing \"data_offsets\"");
  ST_BAD("missing dtype", "{\"a\":{}}", 0, "tensor 'a': missing \"dtype\"");
  ST_BAD("unknown key", "{\"a\":{\"dtype\":\"F32\",\"strides\":[1]}}", 0,
         "tensor 'a': unknown key 'strides' (expected dtype, shape, data_offsets)");
  ST_BAD("duplicate key", "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}", 0, "tensor 'a': duplicate key 'dtype'");
  ST_BAD("duplicate tensor", "{" T32("a", "[1]", 0, 4) "," T32("a", "[1]", 4, 8) "}", 8,
         "two tensors are named 'a'");
  ST_BAD("metadata not strings", "{\"__metadata__\":{\"epochs\":3}}", 0,
         "bad JSON header at byte 26: __metadata__ values must be strings");
  ST_BAD("metadata twice", "{\"__metadata__\":{},\"__metadata__\":{}}", 0, "bad JSON header at byte 19: duplicate __metadata__");
  ST_BAD("shape/offsets mismatch", "{" T32("b", "[3]", 0, 8) "}", 8,
         "tensor 'b': shape [3] needs 12 bytes but data_offsets [0, 8] hold 8");
  ST_BAD("offsets out of range", "{" T32("b", "[3]", 0, 12) "}", 8,
         "tensor 'b': data_offsets [0, 12] are out of range (the data is 8 bytes)");
  ST_BAD("offsets backwards", "{" T32("b", "[0]", 8, 4) "}", 8,
         "tensor 'b': data_offsets [8, 4] run backwards");
  ST_BAD("overlap", "{" T32("a", "[2]", 0, 8) "," T32("b", "[2]", 4, 12) "}", 12,
         "tensors 'a' and 'b' overlap (bytes [0, 8) and [4, 12))");
  ST_BAD("gap", "{" T32("a", "[1]", 0, 4) "," T32("b", "[1]", 8, 12) "}", 12,
         "bytes [4, 8) of the data belong to no tensor");
  ST_BAD("data before the first", "{" T32("a", "[1]", 4, 8) "}", 8,
         "bytes [0, 4) of the data belong to no tensor");
  ST_BAD("trailing data", "{" T32("a", "[1]", 0, 4) "}", 12, "bytes [4, 12) of the data belong to no tensor");
  ST_BAD("huge shape", "{" T32("a", "[4294967296,4294967296]", 0, 4) "}", 4,
         "tensor 'a': shape [4294967296, 4294967296] is too large");

  /* out of order in the header, in order in the data; \u escapes; padding; metadata */
  const char *p = st_file("ok.safetensors",
                          "{\"__metadata__\":{\"k\":\"v\"},\"b\\u00e9\":{\"dtype\":\"F32\",\"shape\":[1],"
                          "\"data_offsets\":[4,8]}, \"a\" : {\"shape\":[],\"data_offsets\":[0,4],\"dtype\":\"F32\"}}   ",
                          8);
  StFile *f = st_load(p);
  check_int("st: header order kept", f->n, 2);
  if (f->n == 2) {
    check_str("st: \\u00e9 decoded to UTF-8", f->names[0], "b\xc3\xa9");
    check_shape("st: 0-d tensor", f->tensors[1], "[]");
    unsigned char raw[4] = {4, 5, 6, 7};
    float v;
    memcpy(&v, raw, 4);
    check_num("st: data read little-endian", f->tensors[0]->data[0], v, 0);
  }
  st_free(f);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/nn_test_data.XXXXXX");
  if (!mkdtemp(dir)) {
    printf("FAIL mkdtemp\n");
    return 1;
  }
  RUN(idx_good);
  RUN(idx_bad);
  RUN(st_round_trip);
  RUN(st_bad);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("FAIL removing %s\n", dir);
  return 0;
}
