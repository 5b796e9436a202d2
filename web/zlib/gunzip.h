/* gunzip.h — a streaming gzip reader (RFC 1952 members holding RFC 1951 deflate data),
 * for the WebAssembly build's zlib stand-in (web/zlib/zlib.h), which has no real zlib.
 *
 * The reader pulls compressed bytes from a source function and hands out decompressed
 * bytes on demand, keeping only the 32 KiB window deflate may refer back to. A stream
 * that does not start with gzip's magic (1f 8b) is passed through unchanged ("plain"),
 * as zlib's gzread does. Members follow one another (multi-member files decompress to
 * their concatenation); bytes after the last member that are not a gzip header are
 * ignored, as zlib ignores them. Each member's CRC-32 and length (ISIZE) are checked. */
#ifndef NN_GUNZIP_H
#define NN_GUNZIP_H

#include <stddef.h>
#include <sys/types.h>

/* Reads up to `size` bytes of the compressed stream into buf: returns how many (0 at
   its end), or -1 on a read error (errno says which). */
typedef ssize_t (*GunzipSource)(void *source, unsigned char *buf, size_t size);

typedef enum {
  GUNZIP_OK,        /* no error (yet) */
  GUNZIP_TRUNCATED, /* the compressed stream ended inside a member */
  GUNZIP_CORRUPT,   /* bad header, bad deflate data, or a CRC-32/length mismatch */
  GUNZIP_READ       /* the source failed (errno kept in gunzip_errno) */
} GunzipStatus;

typedef struct Gunzip Gunzip;

/* A reader over source; reads the first bytes at once to tell gzip from plain data.
   NULL when out of memory. A failed first read shows in gunzip_status. */
Gunzip *gunzip_open(GunzipSource read, void *source);

/* Up to n decompressed bytes into out: returns how many. Fewer than n only at the end
   of the data or on an error; after an error (gunzip_status) it returns -1 for corrupt
   data or a failed read, and the bytes it got for a truncated stream, then 0. Bytes
   decoded past a corruption are never handed out. */
ssize_t gunzip_read(Gunzip *gz, unsigned char *out, size_t n);

/* 1 when the stream is not gzip (read through as is), 0 when it is. */
int gunzip_is_plain(const Gunzip *gz);

GunzipStatus gunzip_status(const Gunzip *gz);
/* What went wrong, in zlib's words where zlib has them ("incorrect data check"); "" when
   nothing did. */
const char *gunzip_message(const Gunzip *gz);
/* The errno of a failed read (GUNZIP_READ). */
int gunzip_errno(const Gunzip *gz);

void gunzip_close(Gunzip *gz);

#endif
