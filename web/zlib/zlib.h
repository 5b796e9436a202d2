/* zlib.h — the WebAssembly build's stand-in for the part of zlib runtime/idx.c uses
 * (Debian has no zlib for emscripten, and its port would be downloaded at build time):
 * gzdopen, gzbuffer, gzdirect, gzread, gzerror, gzclose over our own gzip reader,
 * web/zlib/gunzip.c. Plain files read through as they are, as with zlib. On the include
 * path of the web build alone (web/web.mk); the native build uses the real zlib. */
#ifndef NN_WEB_ZLIB_H
#define NN_WEB_ZLIB_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gunzip.h"

/* zlib's error codes, as gzerror reports them */
#define Z_OK 0
#define Z_ERRNO (-1)
#define Z_DATA_ERROR (-3)
#define Z_BUF_ERROR (-5) /* the gzip stream ended early */

typedef struct gzFile_s {
  int fd;
  Gunzip *gunzip;
  char message[128];
} *gzFile;

static inline ssize_t gz_read_fd(void *source, unsigned char *buf, size_t size) {
  ssize_t r;
  do r = read(*(int *)source, buf, size);
  while (r < 0 && errno == EINTR);
  return r;
}

/* NULL (errno ENOMEM) when out of memory; the caller then still owns fd. */
static inline gzFile gzdopen(int fd, const char *mode) {
  (void)mode;
  gzFile gz = calloc(1, sizeof *gz);
  if (gz) {
    gz->fd = fd;
    gz->gunzip = gunzip_open(gz_read_fd, &gz->fd);
    if (gz->gunzip) return gz;
    free(gz);
  }
  errno = ENOMEM;
  return NULL;
}

/* gunzip reads in its own 64 KiB chunks. */
static inline int gzbuffer(gzFile gz, unsigned size) { return 0; }

/* 1 for a plain (not gzip'ed) file, as zlib's gzdirect. */
static inline int gzdirect(gzFile gz) { return gunzip_is_plain(gz->gunzip); }

/* Bytes read (0 at the end, and for a truncated stream after what it held), -1 on corrupt
   data or a failed read: gzerror says which. */
static inline int gzread(gzFile gz, void *buf, unsigned len) {
  return (int)gunzip_read(gz->gunzip, buf, len);
}

/* zlib's form: "<fd:N>: what went wrong"; errno restored for a failed read. */
static inline const char *gzerror(gzFile gz, int *err) {
  static const int codes[] = {[GUNZIP_OK] = Z_OK, [GUNZIP_TRUNCATED] = Z_BUF_ERROR,
                              [GUNZIP_CORRUPT] = Z_DATA_ERROR, [GUNZIP_READ] = Z_ERRNO};
  GunzipStatus status = gunzip_status(gz->gunzip);
  *err = codes[status];
  if (status == GUNZIP_OK) return "";
  if (status == GUNZIP_READ) errno = gunzip_errno(gz->gunzip);
  snprintf(gz->message, sizeof gz->message, "<fd:%d>: %s", gz->fd, gunzip_message(gz->gunzip));
  return gz->message;
}

static inline int gzclose(gzFile gz) {
  int r = close(gz->fd);
  gunzip_close(gz->gunzip);
  free(gz);
  return r;
}

#endif
