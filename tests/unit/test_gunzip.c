/* test_gunzip.c — the WebAssembly build's gzip reader (web/zlib/gunzip.c), natively:
 * files made by Python's zlib (tests/unit/gunzip/make_refs.py) decompress to their plain
 * bytes however input and output are cut; damaged files fail with zlib's message. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "web/zlib/gunzip.h"

#define REFS "tests/unit/gunzip/"

typedef struct {
  unsigned char *data;
  size_t len;
} Bytes;

static Bytes read_ref(const char *name) {
  Bytes b = {NULL, 0};
  char path[256];
  snprintf(path, sizeof path, REFS "%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("FAIL %s: cannot open (run from the source tree's top)\n", path);
    return b;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = malloc((size_t)n + 1);
  b.len = fread(b.data, 1, (size_t)n, f);
  fclose(f);
  return b;
}

/* A source over memory handing out at most `chunk` bytes a call; after `fail_after`
   bytes (when non-zero) a read fails with EIO. */
typedef struct {
  const unsigned char *data;
  size_t len, pos, chunk, fail_after;
} MemorySource;

static ssize_t read_memory(void *source, unsigned char *buf, size_t size) {
  MemorySource *m = source;
  if (m->fail_after && m->pos >= m->fail_after) {
    errno = EIO;
    return -1;
  }
  size_t n = m->len - m->pos;
  if (n > size) n = size;
  if (n > m->chunk) n = m->chunk;
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return (ssize_t)n;
}

typedef struct {
  Bytes out;
  ssize_t last;        /* the last gunzip_read's result */
  GunzipStatus status;
  char message[96];
  int plain, read_errno;
} Result;

/* Everything gunzip_read hands out, asking for out_chunk bytes at a time, until it
   returns 0 or -1. */
static Result decompress(Bytes gz, size_t in_chunk, size_t out_chunk, size_t fail_after) {
  MemorySource m = {gz.data, gz.len, 0, in_chunk, fail_after};
  Gunzip *g = gunzip_open(read_memory, &m);
  Result r = {{NULL, 0}, 0, GUNZIP_OK, "", 0, 0};
  size_t cap = 1 << 16;
  r.out.data = malloc(cap);
  for (;;) {
    if (r.out.len + out_chunk > cap) {
      while (r.out.len + out_chunk > cap) cap *= 2;
      r.out.data = realloc(r.out.data, cap);
    }
    r.last = gunzip_read(g, r.out.data + r.out.len, out_chunk);
    if (r.last <= 0) break;
    r.out.len += (size_t)r.last;
  }
  r.status = gunzip_status(g);
  snprintf(r.message, sizeof r.message, "%s", gunzip_message(g));
  r.plain = gunzip_is_plain(g);
  r.read_errno = gunzip_errno(g);
  /* Once it has ended or failed, it stays so. */
  unsigned char byte;
  ssize_t again = gunzip_read(g, &byte, 1);
  if (again != (r.last < 0 ? -1 : 0)) printf("FAIL a read after the end returned %zd\n", again);
  gunzip_close(g);
  return r;
}

static int same_bytes(const char *name, Bytes got, Bytes want) {
  if (got.len != want.len) return check_int(NAME("%s length", name), (int64_t)got.len, (int64_t)want.len);
  for (size_t i = 0; i < got.len; i++)
    if (got.data[i] != want.data[i]) {
      printf("FAIL %s: byte %zu differs (got %u, want %u)\n", name, i, got.data[i], want.data[i]);
      return 0;
    }
  printf("PASS %s\n", name);
  return 1;
}

/* Each good file against its plain bytes: whole, a byte of input at a time, a byte of
   output at a time (a back-reference or stored block cut at every point), and odd cuts. */
static void test_good_files(void) {
  static const struct {
    const char *gz, *plain;
  } cases[] = {
      {"empty.gz", "empty.bin"},
      {"small_fixed.gz", "small.bin"},
      {"small_stored.gz", "small.bin"},
      {"small_headers.gz", "small.bin"}, /* FEXTRA, FNAME, FCOMMENT and FHCRC set */
      {"text_level1.gz", "text.bin"},
      {"text_level9.gz", "text.bin"}, /* back-references 30000 bytes long */
      {"text_huffman_only.gz", "text.bin"},
      {"text_fixed.gz", "text.bin"},
      {"runs_rle.gz", "runs.bin"},
      {"noise_level0.gz", "noise.bin"}, /* stored blocks: two, 70000 bytes */
      {"noise_level9.gz", "noise.bin"},
      {"multi.gz", "multi.bin"}, /* three members */
  };
  static const size_t cuts[][2] = {{1 << 20, 1 << 20}, {1, 1 << 16}, {1 << 16, 1}, {3, 7}, {7, 300}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    Bytes gz = read_ref(cases[c].gz), plain = read_ref(cases[c].plain);
    if (!gz.data || !plain.data) continue;
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
      Result r = decompress(gz, cuts[k][0], cuts[k][1], 0);
      const char *name = NAME("%s (input by %zu, output by %zu)", cases[c].gz, cuts[k][0], cuts[k][1]);
      if (check_str(NAME("%s: no error", name), r.message, ""))
        same_bytes(name, r.out, plain);
      check_int(NAME("%s: gzip, not plain", name), r.plain, 0);
      free(r.out.data);
    }
    free(gz.data);
    free(plain.data);
  }
}

/* Data without gzip's magic reads through unchanged, as with zlib. */
static void test_plain(void) {
  Bytes text = read_ref("text.bin");
  if (!text.data) return;
  Result r = decompress(text, 1000, 4096, 0);
  check_int("plain: is plain", r.plain, 1);
  same_bytes("plain: bytes as they are", r.out, text);
  free(r.out.data);
  Bytes one = {(unsigned char *)"\x1f", 1}; /* half a magic number */
  r = decompress(one, 1, 16, 0);
  check_int("plain: one byte 1f is plain", r.plain, 1);
  check_int("plain: one byte 1f reads as itself", r.out.len == 1 && r.out.data[0] == 0x1f, 1);
  free(r.out.data);
  free(text.data);
}

/* Damaged files: zlib's message (so the page reports what ./nn reports), -1 for corrupt
   data; a truncated stream hands out only bytes that match the plain data, then 0. */
static void test_bad_files(void) {
  static const struct {
    const char *gz;
    GunzipStatus status;
    const char *message;
  } cases[] = {
      {"bad_crc.gz", GUNZIP_CORRUPT, "incorrect data check"},
      {"bad_isize.gz", GUNZIP_CORRUPT, "incorrect length check"},
      {"bad_truncated.gz", GUNZIP_TRUNCATED, "unexpected end of file"},
      {"bad_no_trailer.gz", GUNZIP_TRUNCATED, "unexpected end of file"},
      {"bad_block_type.gz", GUNZIP_CORRUPT, "invalid block type"},
      {"bad_distance.gz", GUNZIP_CORRUPT, "invalid distance too far back"},
      {"bad_stored_lengths.gz", GUNZIP_CORRUPT, "invalid stored block lengths"},
      {"bad_method.gz", GUNZIP_CORRUPT, "unknown compression method"},
      {"bad_header_crc.gz", GUNZIP_CORRUPT, "header crc mismatch"},
      {"bad_oversubscribed.gz", GUNZIP_CORRUPT, "invalid literal/lengths set"},
  };
  Bytes text = read_ref("text.bin");
  if (!text.data) return;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    Bytes gz = read_ref(cases[c].gz);
    if (!gz.data) continue;
    for (size_t out_chunk = 1; out_chunk <= 1 << 20; out_chunk <<= 10) {
      Result r = decompress(gz, 4096, out_chunk, 0);
      const char *name = NAME("%s (output by %zu)", cases[c].gz, out_chunk);
      check_str(NAME("%s: message", name), r.message, cases[c].message);
      check_int(NAME("%s: status", name), r.status, cases[c].status);
      if (cases[c].status == GUNZIP_TRUNCATED) {
        check_int(NAME("%s: ends with 0", name), r.last, 0);
        Bytes prefix = {text.data, r.out.len < text.len ? r.out.len : text.len};
        same_bytes(NAME("%s: what it gave is the data's start", name), r.out, prefix);
      } else {
        check_int(NAME("%s: ends with -1", name), r.last, -1);
      }
      free(r.out.data);
    }
    free(gz.data);
  }
  /* Cut right after the deflate data: all the data, but nothing checked it. */
  Bytes no_trailer = read_ref("bad_no_trailer.gz");
  if (no_trailer.data) {
    Result r = decompress(no_trailer, 1 << 20, 1 << 20, 0);
    check_int("bad_no_trailer.gz: all the data, unchecked", (int64_t)r.out.len, (int64_t)text.len);
    free(r.out.data);
    free(no_trailer.data);
  }
  /* Every cut of a good file, in its header, data or trailer, reads as truncated. */
  Bytes good = read_ref("text_level9.gz");
  if (good.data) {
    int all_truncated = 1;
    for (size_t cut = 2; cut < good.len; cut += cut < 32 || cut > good.len - 16 ? 1 : 97) {
      Result r = decompress((Bytes){good.data, cut}, 1 << 20, 1 << 20, 0);
      if (r.status != GUNZIP_TRUNCATED) {
        printf("FAIL text_level9.gz cut at %zu: status %d (%s)\n", cut, (int)r.status, r.message);
        all_truncated = 0;
      }
      free(r.out.data);
    }
    check_true("every cut of text_level9.gz reads as truncated", all_truncated, "see above");
    free(good.data);
  }
  free(text.data);
}

/* Bytes after the last member that are not a gzip header are ignored (as zlib does); a
   failed read is reported with its errno. */
static void test_trailing_and_read_errors(void) {
  Bytes gz = read_ref("small_fixed.gz"), plain = read_ref("small.bin");
  if (!gz.data || !plain.data) return;
  Bytes junk = {malloc(gz.len + 5), gz.len + 5};
  memcpy(junk.data, gz.data, gz.len);
  memcpy(junk.data + gz.len, "junk!", 5);
  Result r = decompress(junk, 1 << 20, 1 << 20, 0);
  check_str("trailing junk: no error", r.message, "");
  same_bytes("trailing junk: the member's data", r.out, plain);
  free(r.out.data);
  free(junk.data);

  r = decompress(gz, 8, 1 << 20, 16);
  check_int("read error: status", r.status, GUNZIP_READ);
  check_int("read error: errno", r.read_errno, EIO);
  check_str("read error: message", r.message, strerror(EIO));
  check_int("read error: -1", r.last, -1);
  free(r.out.data);
  free(gz.data);
  free(plain.data);
}

int main(void) {
  RUN(test_good_files);
  RUN(test_plain);
  RUN(test_bad_files);
  RUN(test_trailing_and_read_errors);
  return 0;
}
