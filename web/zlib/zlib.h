/* zlib.h — the WebAssembly build's stand-in for the part of zlib runtime/idx.c uses
 * (Debian has no zlib for emscripten, and its port would be downloaded at build time).
 * It reads plain files only: gzdopen refuses a gzip stream (ENOTSUP, so idx.c reports
 * "cannot open: …"); gunzip IDX files before loading them in a page. Header-only, on the
 * include path of the web build alone (web/web.mk). */
#ifndef NN_WEB_ZLIB_H
#define NN_WEB_ZLIB_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define Z_ERRNO (-1)
#define Z_BUF_ERROR (-5)

typedef struct gzFile_s {
  int fd, err;
  unsigned char head[2]; /* the bytes read to look for gzip's magic, not yet returned */
  int n_head;
} *gzFile;

static inline gzFile gzdopen(int fd, const char *mode) {
  (void)mode;
  gzFile gz = calloc(1, sizeof *gz);
  if (!gz) return NULL;
  gz->fd = fd;
  while (gz->n_head < 2) {
    ssize_t r = read(fd, gz->head + gz->n_head, (size_t)(2 - gz->n_head));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; /* a short file or an error: gzread reports it */
    gz->n_head += (int)r;
  }
  if (gz->n_head == 2 && gz->head[0] == 0x1f && gz->head[1] == 0x8b) {
    free(gz); /* the caller closes fd */
    errno = ENOTSUP;
    return NULL;
  }
  return gz;
}

static inline int gzbuffer(gzFile gz, unsigned size) { return 0; }
static inline int gzdirect(gzFile gz) { return 1; }

static inline int gzread(gzFile gz, void *buf, unsigned len) {
  unsigned char *p = buf;
  unsigned got = 0;
  while (got < len && gz->n_head > 0) {
    p[got++] = gz->head[0];
    gz->head[0] = gz->head[1];
    gz->n_head--;
  }
  while (got < len) {
    ssize_t r = read(gz->fd, p + got, len - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      gz->err = Z_ERRNO;
      return -1;
    }
    if (r == 0) break;
    got += (unsigned)r;
  }
  return (int)got;
}

static inline const char *gzerror(gzFile gz, int *err) {
  *err = gz->err;
  return gz->err ? strerror(errno) : "";
}

static inline int gzclose(gzFile gz) {
  int r = close(gz->fd);
  free(gz);
  return r;
}

#endif
