/* idx.c — reading IDX files (MNIST's format), gzip'ed or plain, into byte tensors. */
#include "idx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "file.h"
#include "i18n.h"

/* Reads of at least twice gzbuffer's size (below) decompress straight into the caller's
   buffer; smaller ones go through zlib's own buffer and a copy (a fifth of the load time). */
#define CHUNK (1 << 20)
/* deflate never compresses better than about 1032:1, so a .gz file of s bytes holds
   at most this much: more than that is truncated without reading it all. */
#define GZ_MAX_RATIO 1100

/* Read up to n bytes; returns how many were read (fewer only at the end of the data).
   A gzip stream cut short reads as an early end; other stream damage throws. */
static size_t read_some(gzFile gz, const char *path, unsigned char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    size_t want = n - got > CHUNK ? CHUNK : n - got;
    int r = gzread(gz, buf + got, (unsigned)want);
    if (r < 0) {
      int err;
      const char *why = gzerror(gz, &err);
      if (err == Z_BUF_ERROR) break; /* "unexpected end of file": truncated */
      if (err == Z_ERRNO) rt_throw("%s: cannot read: %s", path, rt_strerror(errno));
      /* zlib names the stream ("<fd:3>: incorrect data check"); the path is ours. */
      const char *colon = strstr(why, ": ");
      rt_throw("%s: corrupt gzip data: %s", path, colon ? colon + 2 : why);
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  return got;
}

/* Count what is left (at most `limit` bytes), for messages about short or long files. */
static uint64_t count_rest(gzFile gz, const char *path, uint64_t limit) {
  unsigned char buf[4096];
  uint64_t n = 0;
  size_t r;
  while (n < limit && (r = read_some(gz, path, buf, sizeof buf)) > 0) n += r;
  return n;
}

static U8Tensor *read_idx(gzFile gz, const char *path, uint64_t file_size, double divisor,
                          U8Tensor *volatile *out) {
  unsigned char head[4 + 4 * T_MAXDIM];
  size_t got = read_some(gz, path, head, 4);
  if (got == 0) rt_throw("%s: empty file (expected an IDX header)", path);
  if (got < 4) rt_throw("%s: truncated: expected a 4-byte IDX header, got %zu bytes", path, got);
  if (head[0] || head[1])
    rt_throw("%s: not an IDX file (bad magic %02x %02x %02x %02x: IDX files start with 00 00 08)",
             path, head[0], head[1], head[2], head[3]);
  if (head[2] != 0x08)
    rt_throw("%s: unsupported IDX element type 0x%02x (only unsigned bytes, 0x08, are supported)",
             path, head[2]);
  int nd = head[3];
  if (nd < 1 || nd > T_MAXDIM)
    rt_throw("%s: bad IDX header: %d dimensions (1 to %d are supported)", path, nd, T_MAXDIM);
  got = read_some(gz, path, head + 4, 4 * (size_t)nd);
  if (got < 4 * (size_t)nd)
    rt_throw("%s: truncated: expected %d bytes of dimensions, got %zu", path, 4 * nd, got);

  int64_t shape[T_MAXDIM];
  int64_t size = 1;
  int over = 0;
  for (int i = 0; i < nd; i++) {
    const unsigned char *p = head + 4 + 4 * i;
    shape[i] = (int64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
    if (__builtin_mul_overflow(size, shape[i], &size)) over = 1;
  }
  char sh[96];
  if (over)
    rt_throw("%s: bad IDX header: sizes %s overflow", path, t_shape_str(nd, shape, sh, sizeof sh));

  const char *what = nd == 1 ? _("label data") : _("image data");
  uint64_t expected = (uint64_t)size;
  uint64_t header = 4 + 4 * (uint64_t)nd;
  /* Refuse a size the file cannot hold before allocating for it. */
  int plain = gzdirect(gz);
  uint64_t room = file_size > header ? file_size - header : 0;
  if (!plain) room = file_size > UINT64_MAX / GZ_MAX_RATIO ? UINT64_MAX : file_size * GZ_MAX_RATIO;
  if (expected > room) {
    uint64_t have = plain ? room : count_rest(gz, path, expected);
    rt_throw("%s: truncated: expected %llu bytes of %s, got %llu", path,
             (unsigned long long)expected, what, (unsigned long long)have);
  }

  U8Tensor *t = *out = u8_new(nd, shape, divisor);
  /* Straight into the tensor, a chunk at a time (to answer Ctrl-C). */
  uint64_t done = 0;
  while (done < expected) {
    size_t want = expected - done > CHUNK ? CHUNK : (size_t)(expected - done);
    size_t r = read_some(gz, path, t->data + done, want);
    done += r;
    if (r < want) break;
    rt_check_interrupt();
  }
  if (done < expected)
    rt_throw("%s: truncated: expected %llu bytes of %s, got %llu", path,
             (unsigned long long)expected, what, (unsigned long long)done);
  uint64_t extra = count_rest(gz, path, (uint64_t)1 << 20);
  if (extra >= (uint64_t)1 << 20)
    rt_throw("%s: at least %llu bytes of trailing data after the %llu bytes of %s", path,
             (unsigned long long)extra, (unsigned long long)expected, what);
  if (extra)
    rt_throw("%s: %llu bytes of trailing data after the %llu bytes of %s", path,
             (unsigned long long)extra, (unsigned long long)expected, what);
  /* A gzip stream that stops right after the data, without its 8-byte trailer (CRC-32
     and length), reads as a clean end above; zlib notes it as Z_BUF_ERROR. Without the
     trailer nothing checked the data, so it is refused rather than trusted. */
  int err;
  gzerror(gz, &err);
  if (err == Z_BUF_ERROR)
    rt_throw("%s: truncated or corrupt: the gzip data ends without its CRC-32 trailer", path);
  return t;
}

U8Tensor *idx_load_u8(const char *path, double divisor) {
  const char *why;
  int fd = rt_open_regular(path, &why);
  if (fd == -2) rt_throw("%s: is a folder, not an IDX file", path);
  if (fd < 0) rt_throw("%s: cannot open: %s", path, why);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    rt_throw("%s: cannot open: %s", path, rt_strerror(e));
  }
  errno = 0;
  gzFile gz = gzdopen(fd, "rb"); /* owns fd from here */
  if (!gz) {
    int e = errno;
    close(fd);
    rt_throw("%s: cannot open: %s", path, e ? rt_strerror(e) : _("out of memory"));
  }
  gzbuffer(gz, 1 << 17);
  U8Tensor *volatile t = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    read_idx(gz, path, (uint64_t)st.st_size, divisor, &t);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    gzclose(gz);
    u8_release(t);
    rt_rethrow();
  }
  gzclose(gz);
  return t;
}

Tensor *idx_load(const char *path, double divisor) {
  U8Tensor *volatile b = idx_load_u8(path, divisor);
  Tensor *t = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    t = u8_to_tensor(b);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    u8_release(b);
    rt_rethrow();
  }
  u8_release(b);
  return t;
}
