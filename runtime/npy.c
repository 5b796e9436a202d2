/* npy.c — NumPy's .npy and .npz files (see npy.h): a strict header parser for the Python
 * dict NumPy writes, a zip reader for stored and deflated members, and the writers. */
#include "npy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "mem.h"

#define MAGIC "\x93NUMPY"
#define MAX_HEADER 10000 /* NumPy's own limit on what np.load parses */
#define CHUNK (1 << 16)  /* a multiple of every itemsize */
/* deflate never compresses better than about 1032:1: a member claiming more than this
   many bytes per compressed byte is corrupt, and is refused before anything is allocated. */
#define DEFLATE_MAX_RATIO 1100

/* ------------------------------------------------------------------ CRC-32 */

/* The CRC-32 of zip and gzip (polynomial 0xEDB88320, reflected). Each load or save makes
   its own table: the runtime keeps no mutable globals. */
static void crc_table(uint32_t table[256]) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

static uint32_t crc_update(const uint32_t table[256], uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static uint64_t get_le(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static void put_le(unsigned char *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* ------------------------------------------------------------------ byte sources */

/* Where a .npy's bytes come from: the file itself, or one member of a zip (stored: a
   window of the file; deflated: inflated from one), with the member's CRC-32 kept. */
typedef struct Inflater Inflater;
typedef struct Src {
  const char *path;
  const char *member;   /* NULL for a .npy file */
  int fd;
  uint64_t raw_left;    /* bytes of the file (or the member's compressed data) not read */
  uint64_t size;        /* the .npy's length: file size or the member's uncompressed size */
  uint64_t pos;         /* .npy bytes handed out so far */
  Inflater *inf;        /* a deflated member's decoder, else NULL */
  uint32_t crc, zip_crc; /* the CRC-32 of the bytes handed out; the one the archive gives */
  const uint32_t *table;
} Src;

/* "PATH: " or "PATH: member 'x.npy': ", for the start of a message. */
static const char *where(const Src *s, char *buf, size_t n) {
  if (s->member) snprintf(buf, n, _("%s: member '%s': "), s->path, s->member);
  else snprintf(buf, n, "%s: ", s->path);
  return buf;
}

/* Up to n raw bytes from the file (fewer only at its end or the member's). */
static size_t read_raw(Src *s, unsigned char *buf, size_t n) {
  if (n > s->raw_left) n = (size_t)s->raw_left;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(s->fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) rt_throw("%s: cannot read: %s", s->path, rt_strerror(errno));
    if (r == 0) break;
    got += (size_t)r;
  }
  s->raw_left -= got;
  return got;
}

#ifndef NN_WEB_ZLIB_H
/* Raw deflate (zip's method 8) with zlib. */
struct Inflater {
  z_stream z;
  bool ended; /* the deflate stream's last block is done */
  unsigned char in[CHUNK];
};

static void inflater_start(Src *s) {
  s->inf = rt_calloc(1, sizeof *s->inf);
  if (inflateInit2(&s->inf->z, -MAX_WBITS) != Z_OK) {
    free(s->inf);
    s->inf = NULL;
    rt_throw_kind(RT_ERR_OOM, "out of memory");
  }
}

static void inflater_end(Src *s) {
  if (!s->inf) return;
  inflateEnd(&s->inf->z);
  free(s->inf);
  s->inf = NULL;
}

/* Up to n bytes; fewer only where the deflate stream ends. */
static size_t inflater_read(Src *s, unsigned char *buf, size_t n) {
  char w[1200];
  Inflater *f = s->inf;
  f->z.next_out = buf;
  f->z.avail_out = (uInt)n;
  while (f->z.avail_out && !f->ended) {
    if (!f->z.avail_in) {
      f->z.avail_in = (uInt)read_raw(s, f->in, CHUNK);
      f->z.next_in = f->in;
      if (!f->z.avail_in) rt_throw("%struncated: the compressed data ends early", where(s, w, sizeof w));
    }
    int r = inflate(&f->z, Z_NO_FLUSH);
    if (r == Z_STREAM_END) f->ended = true;
    else if (r == Z_MEM_ERROR) rt_throw_kind(RT_ERR_OOM, "out of memory");
    else if (r != Z_OK)
      rt_throw("%scorrupt deflate data: %s", where(s, w, sizeof w), f->z.msg ? f->z.msg : "?");
  }
  return n - f->z.avail_out;
}

static bool inflater_ended(Src *s) { return s->inf->ended; }
#else
/* The WebAssembly build has no zlib, only web/zlib/gunzip.c's gzip reader: the member's
   raw deflate data is handed to it wrapped as a gzip member — a 10-byte header before,
   the archive's CRC-32 and size after — which it inflates and checks. */
struct Inflater {
  Gunzip *gz;
  Src *s;
  unsigned char wrap[18]; /* gzip's header, then its trailer */
  int stage;              /* 0: header, 1: the deflate data, 2: trailer, 3: done */
  size_t at;
};

static ssize_t wrapped_source(void *ctx, unsigned char *buf, size_t size) {
  Inflater *f = ctx;
  for (;;) {
    if (f->stage == 1) {
      size_t got = read_raw(f->s, buf, size);
      if (got) return (ssize_t)got;
      f->stage = 2, f->at = 10;
    }
    if (f->stage == 3) return 0;
    size_t end = f->stage == 0 ? 10 : 18, k = end - f->at < size ? end - f->at : size;
    memcpy(buf, f->wrap + f->at, k);
    f->at += k;
    if (f->at == end) f->stage++;
    if (k) return (ssize_t)k;
  }
}

static void inflater_start(Src *s) {
  Inflater *f = s->inf = rt_calloc(1, sizeof *s->inf);
  static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  memcpy(f->wrap, head, 10);
  put_le(f->wrap + 10, s->zip_crc, 4);
  put_le(f->wrap + 14, s->size & 0xFFFFFFFFu, 4);
  f->s = s;
  f->gz = gunzip_open(wrapped_source, f);
  if (!f->gz) {
    free(f);
    s->inf = NULL;
    rt_throw_kind(RT_ERR_OOM, "out of memory");
  }
}

static void inflater_end(Src *s) {
  if (!s->inf) return;
  gunzip_close(s->inf->gz);
  free(s->inf);
  s->inf = NULL;
}

static size_t inflater_read(Src *s, unsigned char *buf, size_t n) {
  char w[1200];
  size_t got = 0;
  while (got < n) {
    ssize_t r = gunzip_read(s->inf->gz, buf + got, n - got);
    GunzipStatus st = gunzip_status(s->inf->gz);
    if (st == GUNZIP_TRUNCATED) rt_throw("%struncated: the compressed data ends early", where(s, w, sizeof w));
    if (st == GUNZIP_READ) rt_throw("%s: cannot read: %s", s->path, rt_strerror(gunzip_errno(s->inf->gz)));
    if (st == GUNZIP_CORRUPT) rt_throw("%scorrupt deflate data: %s", where(s, w, sizeof w), gunzip_message(s->inf->gz));
    if (r <= 0) break;
    got += (size_t)r;
  }
  return got;
}

static bool inflater_ended(Src *s) { return gunzip_status(s->inf->gz) == GUNZIP_OK; }
#endif

/* Up to n bytes of the .npy (fewer only at its end), through the member's CRC. */
static size_t src_read(Src *s, unsigned char *buf, size_t n) {
  if (n > s->size - s->pos) n = (size_t)(s->size - s->pos); /* a member inflating to more */
  size_t got = s->inf ? inflater_read(s, buf, n) : read_raw(s, buf, n);
  if (s->member) s->crc = crc_update(s->table, s->crc, buf, got);
  s->pos += got;
  rt_check_interrupt();
  return got;
}

/* ------------------------------------------------------------------ the header */

typedef struct Header {
  char descr[64];
  char order;        /* '<' or '>' ('|' and '=' resolved) */
  char kind;         /* 'f', 'i', 'u', 'b' */
  int itemsize;
  int ndim;
  int64_t shape[T_MAXDIM];
  int64_t count;     /* Π shape */
  uint64_t bytes;    /* count × itemsize */
} Header;

typedef struct Parser {
  Src *s;
  const char *p, *end, *start;
  char str[64];
} Parser;

static _Noreturn void bad_header(Parser *P, const char *what) {
  char w[1200];
  rt_throw("%sbad .npy header at byte %d: %s", where(P->s, w, sizeof w), (int)(P->p - P->start), _(what));
}

static void skip_ws(Parser *P) {
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r')) P->p++;
}

static bool accept(Parser *P, char c) {
  skip_ws(P);
  if (P->p < P->end && *P->p == c) {
    P->p++;
    return true;
  }
  return false;
}

static bool accept_word(Parser *P, const char *word) {
  skip_ws(P);
  size_t n = strlen(word);
  if ((size_t)(P->end - P->p) >= n && !memcmp(P->p, word, n)) {
    P->p += n;
    return true;
  }
  return false;
}

/* A quoted string ('...' or "..."), without escapes (NumPy's keys and descrs have none). */
static const char *parse_str(Parser *P) {
  skip_ws(P);
  if (P->p >= P->end || (*P->p != '\'' && *P->p != '"')) bad_header(P, N_("expected a quoted string"));
  char q = *P->p++;
  size_t n = 0;
  while (P->p < P->end && *P->p != q) {
    if (*P->p == '\\' || (unsigned char)*P->p < 0x20) bad_header(P, N_("unexpected character in a string"));
    if (n + 1 >= sizeof P->str) bad_header(P, N_("string too long"));
    P->str[n++] = *P->p++;
  }
  if (P->p >= P->end) bad_header(P, N_("unterminated string"));
  P->p++;
  P->str[n] = 0;
  return P->str;
}

/* A whole number >= 0 (Python 2's files may write 3L). */
static int64_t parse_dim(Parser *P) {
  skip_ws(P);
  if (P->p >= P->end || *P->p < '0' || *P->p > '9') bad_header(P, N_("expected a whole number >= 0 in the shape"));
  int64_t v = 0;
  while (P->p < P->end && *P->p >= '0' && *P->p <= '9') {
    if (v > (INT64_MAX - 9) / 10) bad_header(P, N_("a dimension of the shape is too large"));
    v = v * 10 + (*P->p++ - '0');
  }
  if (P->p < P->end && *P->p == 'L') P->p++;
  return v;
}

static const char *kind_name(char kind) {
  switch (kind) {
  case 'c': return N_("complex numbers");
  case 'O': return N_("Python objects, which NumPy pickles");
  case 'U': case 'S': case 'a': return N_("strings");
  case 'V': return N_("raw or structured records");
  case 'M': case 'm': return N_("dates and times");
  case 'f': return N_("floats of this size");
  default: return N_("an unknown kind");
  }
}

static void parse_descr(Parser *P, Header *h) {
  char w[1200];
  skip_ws(P);
  if (P->p < P->end && *P->p == '[')
    rt_throw("%sa structured dtype (a list of named fields) is not supported: save each field "
             "as its own array", where(P->s, w, sizeof w));
  const char *d = parse_str(P);
  snprintf(h->descr, sizeof h->descr, "%s", d);
  const char *q = d;
  char order = '=';
  if (*q == '<' || *q == '>' || *q == '|' || *q == '=') order = *q++;
  char kind = *q ? *q++ : '?';
  int size = 0;
  while (*q >= '0' && *q <= '9' && size < 1000) size = size * 10 + (*q++ - '0');
  bool ok = !*q && ((kind == 'f' && (size == 4 || size == 8)) ||
                    ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                    (kind == 'b' && size == 1));
  if (!ok)
    rt_throw("%sdtype '%s' (%s) is not supported: nn reads f4, f8, i1, i2, i4, i8, u1, u2, u4, "
             "u8 and b1", where(P->s, w, sizeof w), h->descr, _(kind_name(kind)));
  static const uint16_t one = 1;
  const char native = *(const unsigned char *)&one ? '<' : '>';
  h->order = order == '<' || order == '>' ? order : native;
  h->kind = kind;
  h->itemsize = size;
}

/* The dict: {'descr': ..., 'fortran_order': False, 'shape': (...), } in any key order. */
static void parse_header(Src *s, const char *text, size_t n, Header *h) {
  Parser P = {.s = s, .p = text, .end = text + n, .start = text};
  char w[1200];
  bool seen[3] = {false, false, false};
  if (!accept(&P, '{')) bad_header(&P, N_("expected '{'"));
  while (!accept(&P, '}')) {
    const char *key = parse_str(&P);
    int k = !strcmp(key, "descr") ? 0 : !strcmp(key, "fortran_order") ? 1 : !strcmp(key, "shape") ? 2 : -1;
    if (k < 0) {
      char kb[64];
      snprintf(kb, sizeof kb, "%s", key);
      rt_throw("%sunexpected key '%s' in the .npy header (NumPy writes descr, fortran_order "
               "and shape)", where(s, w, sizeof w), kb);
    }
    if (seen[k]) bad_header(&P, N_("a key appears twice"));
    seen[k] = true;
    if (!accept(&P, ':')) bad_header(&P, N_("expected ':' after a key"));
    if (k == 0) {
      parse_descr(&P, h);
    } else if (k == 1) {
      if (accept_word(&P, "True"))
        rt_throw("%sfortran_order is True (column-major data): nn reads C order; save "
                 "np.ascontiguousarray(a) instead", where(s, w, sizeof w));
      if (!accept_word(&P, "False")) bad_header(&P, N_("fortran_order must be True or False"));
    } else {
      if (!accept(&P, '(')) bad_header(&P, N_("expected '(' to start the shape"));
      h->ndim = 0;
      while (!accept(&P, ')')) {
        int64_t d = parse_dim(&P);
        if (h->ndim == T_MAXDIM)
          rt_throw("%sthe shape has more than %d dimensions, the most an nn tensor has",
                   where(s, w, sizeof w), T_MAXDIM);
        h->shape[h->ndim++] = d;
        if (!accept(&P, ',')) {
          if (!accept(&P, ')')) bad_header(&P, N_("expected ',' or ')' in the shape"));
          break;
        }
      }
    }
    if (!accept(&P, ',')) {
      if (!accept(&P, '}')) bad_header(&P, N_("expected ',' or '}'"));
      break;
    }
  }
  skip_ws(&P);
  if (P.p != P.end) bad_header(&P, N_("text after the closing '}'"));
  if (!seen[0] || !seen[1] || !seen[2])
    rt_throw("%sthe .npy header lacks '%s'", where(s, w, sizeof w),
             !seen[0] ? "descr" : !seen[1] ? "fortran_order" : "shape");
  uint64_t count = 1;
  bool over = false;
  for (int i = 0; i < h->ndim; i++) over |= __builtin_mul_overflow(count, (uint64_t)h->shape[i], &count);
  uint64_t bytes = 0;
  over |= __builtin_mul_overflow(count, (uint64_t)h->itemsize, &bytes);
  char sh[96];
  if (over || bytes > (uint64_t)INT64_MAX)
    rt_throw("%sshape %s of '%s' is too large: its size overflows", where(s, w, sizeof w),
             t_shape_str(h->ndim, h->shape, sh, sizeof sh), h->descr);
  h->count = (int64_t)count;
  h->bytes = bytes;
}

/* The magic, the version and the header; leaves s just before the data. */
static void read_header(Src *s, Header *h) {
  char w[1200];
  unsigned char pre[12];
  size_t got = src_read(s, pre, 10);
  if (memcmp(pre, MAGIC, got < 6 ? got : 6))
    rt_throw("%snot a .npy file (it does not start with \\x93NUMPY)", where(s, w, sizeof w));
  if (got < 8) rt_throw("%struncated: %zu bytes, too short for a .npy header", where(s, w, sizeof w), got);
  int major = pre[6], minor = pre[7];
  if (!(major >= 1 && major <= 3 && minor == 0))
    rt_throw("%s.npy version %d.%d is not supported (nn reads 1.0, 2.0 and 3.0)",
             where(s, w, sizeof w), major, minor);
  int lenbytes = major == 1 ? 2 : 4;
  if (got < 8 + (size_t)lenbytes) got += src_read(s, pre + got, 8 + (size_t)lenbytes - got);
  if (got < 8 + (size_t)lenbytes)
    rt_throw("%struncated: %zu bytes, too short for a .npy header", where(s, w, sizeof w), got);
  uint64_t hlen = get_le(pre + 8, lenbytes);
  if (hlen > MAX_HEADER)
    rt_throw("%sthe .npy header is %llu bytes long, more than NumPy's limit of %d",
             where(s, w, sizeof w), (unsigned long long)hlen, MAX_HEADER);
  char text[MAX_HEADER + 1];
  size_t hgot = src_read(s, (unsigned char *)text, (size_t)hlen);
  if (hgot < hlen)
    rt_throw("%struncated: the header should be %llu bytes, the file holds %zu",
             where(s, w, sizeof w), (unsigned long long)hlen, hgot);
  text[hlen] = 0;
  parse_header(s, text, (size_t)hlen, h);
  uint64_t have = s->size - s->pos; /* pos ≤ size: src_read never reads past size */
  if (have != h->bytes) {
    char sh[96];
    rt_throw("%sshape %s of '%s' needs %llu bytes of data but the %s holds %llu",
             where(s, w, sizeof w), t_shape_str(h->ndim, h->shape, sh, sizeof sh), h->descr,
             (unsigned long long)h->bytes, s->member ? _("member") : _("file"),
             (unsigned long long)have);
  }
}

/* ------------------------------------------------------------------ the data */

/* n items of h's dtype at p → floats. */
static void to_floats(const Header *h, const unsigned char *p, int64_t n, float *out) {
  static const uint16_t one = 1;
  const bool swap = (h->order == '<') != (*(const unsigned char *)&one == 1);
  const int sz = h->itemsize;
  for (int64_t i = 0; i < n; i++, p += sz) {
    unsigned char b[8];
    if (swap) for (int k = 0; k < sz; k++) b[k] = p[sz - 1 - k];
    else memcpy(b, p, (size_t)sz);
    float v;
    switch (h->kind << 4 | sz) {
    case 'f' << 4 | 4: memcpy(&v, b, 4); break;
    case 'f' << 4 | 8: { double d; memcpy(&d, b, 8); v = (float)d; break; }
    case 'i' << 4 | 1: { int8_t x; memcpy(&x, b, 1); v = (float)x; break; }
    case 'i' << 4 | 2: { int16_t x; memcpy(&x, b, 2); v = (float)x; break; }
    case 'i' << 4 | 4: { int32_t x; memcpy(&x, b, 4); v = (float)x; break; }
    case 'i' << 4 | 8: { int64_t x; memcpy(&x, b, 8); v = (float)x; break; }
    case 'u' << 4 | 1: v = (float)b[0]; break;
    case 'u' << 4 | 2: { uint16_t x; memcpy(&x, b, 2); v = (float)x; break; }
    case 'u' << 4 | 4: { uint32_t x; memcpy(&x, b, 4); v = (float)x; break; }
    case 'u' << 4 | 8: { uint64_t x; memcpy(&x, b, 8); v = (float)x; break; }
    default: v = b[0] != 0; break; /* b1 */
    }
    out[i] = v;
  }
}

/* The array after its header; *keep holds what is allocated, for the caller to free on
   an unwind. */
static void read_array(Src *s, NpyArray *volatile keep, unsigned char *volatile *buf) {
  Header h;
  memset(&h, 0, sizeof h);
  read_header(s, &h);
  char w[1200];
  if (h.kind == 'u' && h.itemsize == 1) {
    U8Tensor *a = keep->u8 = u8_new(h.ndim, h.shape, 1);
    if (src_read(s, a->data, (size_t)h.bytes) != h.bytes)
      rt_throw("%struncated: the data ends early", where(s, w, sizeof w));
    return;
  }
  Tensor *t = keep->t = t_new(h.ndim, h.shape);
  static const uint16_t one = 1;
  if (h.kind == 'f' && h.itemsize == 4 && (h.order == '<') == (*(const unsigned char *)&one == 1)) {
    if (src_read(s, (unsigned char *)t->data, (size_t)h.bytes) != h.bytes)
      rt_throw("%struncated: the data ends early", where(s, w, sizeof w));
    return;
  }
  *buf = rt_malloc(CHUNK);
  int64_t per = CHUNK / h.itemsize;
  for (int64_t i = 0; i < h.count; i += per) {
    int64_t k = h.count - i < per ? h.count - i : per;
    if (src_read(s, *buf, (size_t)(k * h.itemsize)) != (size_t)(k * h.itemsize))
      rt_throw("%struncated: the data ends early", where(s, w, sizeof w));
    to_floats(&h, *buf, k, t->data + i);
  }
}

/* Read one array from s; on an error, frees what it made and rethrows. */
static NpyArray load_from(Src *s) {
  NpyArray volatile keep = {NULL, NULL};
  unsigned char *volatile buf = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    read_array(s, (NpyArray *)&keep, &buf);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(buf);
    t_release(keep.t);
    u8_release(keep.u8);
    rt_rethrow();
  }
  free(buf);
  return (NpyArray){keep.t, keep.u8};
}

static int open_file(const char *path, uint64_t *size) {
  const char *why;
  int fd = rt_open_regular(path, &why);
  if (fd < 0) rt_throw("%s: cannot open: %s", path, why);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    rt_throw("%s: cannot read: %s", path, rt_strerror(e));
  }
  *size = (uint64_t)st.st_size;
  return fd;
}

NpyArray npy_load(const char *path) {
  uint64_t size;
  int fd = open_file(path, &size);
  Src s = {.path = path, .fd = fd, .raw_left = size, .size = size};
  NpyArray r;
  RtFrame f;
  if (RT_TRY(&f)) {
    r = load_from(&s);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    close(fd);
    rt_rethrow();
  }
  close(fd);
  return r;
}

/* ------------------------------------------------------------------ zip archives */

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOCATOR64 0x07064b50u
#define ZIP_MAX_MEMBERS 100000

typedef struct Zip {
  const char *path;
  int fd;
  uint64_t size;
  uint64_t cd_off;   /* where the central directory starts: members end before it */
  unsigned char *cd; /* the central directory */
  NpzFile *out;
  Src src;           /* the member being read */
  uint32_t table[256];
} Zip;

static void read_at(Zip *z, uint64_t off, unsigned char *buf, size_t n, const char *what) {
  if (off > z->size || n > z->size - off)
    rt_throw("%s: truncated zip archive: %s lies past the end of the file", z->path, _(what));
  if (lseek(z->fd, (off_t)off, SEEK_SET) < 0) rt_throw("%s: cannot read: %s", z->path, rt_strerror(errno));
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(z->fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) rt_throw("%s: cannot read: %s", z->path, rt_strerror(errno));
    if (r == 0) rt_throw("%s: truncated zip archive: %s lies past the end of the file", z->path, _(what));
    got += (size_t)r;
  }
}

/* The end records: where the central directory is and how many entries it has. */
static void find_directory(Zip *z, uint64_t *cd_off, uint64_t *cd_size, uint64_t *entries) {
  size_t tail = z->size < 22 + 65535 ? (size_t)z->size : 22 + 65535;
  unsigned char *buf = z->cd = rt_malloc(tail ? tail : 1);
  read_at(z, z->size - tail, buf, tail, N_("the end record"));
  long e = -1;
  for (long i = (long)tail - 22; i >= 0; i--)
    if (get_le(buf + i, 4) == SIG_END) {
      e = i;
      break;
    }
  if (e < 0) {
    if (z->size >= 6 && !memcmp(buf, MAGIC, 6))
      rt_throw("%s: this is a .npy file, not a .npz: rename it to .npy", z->path);
    rt_throw("%s: not a .npz file (no zip end record)", z->path);
  }
  const unsigned char *p = buf + e;
  if (get_le(p + 4, 2) || get_le(p + 6, 2)) rt_throw("%s: zip archives split across disks are not supported", z->path);
  *entries = get_le(p + 10, 2);
  *cd_size = get_le(p + 12, 4);
  *cd_off = get_le(p + 16, 4);
  if (*entries == 0xFFFF || *cd_size == 0xFFFFFFFF || *cd_off == 0xFFFFFFFF) {
    /* Zip64: a locator just before the end record points at the 64-bit end record. */
    uint64_t at = z->size - tail + (uint64_t)e;
    unsigned char loc[20], end64[56];
    if (at < 20) rt_throw("%s: bad zip archive: the zip64 end record is missing", z->path);
    read_at(z, at - 20, loc, 20, N_("the zip64 locator"));
    if (get_le(loc, 4) != SIG_LOCATOR64) rt_throw("%s: bad zip archive: the zip64 end record is missing", z->path);
    read_at(z, get_le(loc + 8, 8), end64, 56, N_("the zip64 end record"));
    if (get_le(end64, 4) != SIG_END64) rt_throw("%s: bad zip archive: the zip64 end record is missing", z->path);
    *entries = get_le(end64 + 32, 8);
    *cd_size = get_le(end64 + 40, 8);
    *cd_off = get_le(end64 + 48, 8);
  }
  free(z->cd);
  z->cd = NULL;
  if (*entries > ZIP_MAX_MEMBERS)
    rt_throw("%s: the archive claims %llu members, more than nn reads (%d)", z->path,
             (unsigned long long)*entries, ZIP_MAX_MEMBERS);
}

/* Read the member whose central entry is at p (n bytes left in the directory); returns
   the bytes the entry takes. */
static size_t read_member(Zip *z, const unsigned char *p, size_t left, int index) {
  if (left < 46 || get_le(p, 4) != SIG_CENTRAL)
    rt_throw("%s: bad zip archive: central directory entry #%d is damaged", z->path, index + 1);
  int flags = (int)get_le(p + 8, 2), method = (int)get_le(p + 10, 2);
  uint32_t crc = (uint32_t)get_le(p + 16, 4);
  uint64_t csize = get_le(p + 20, 4), usize = get_le(p + 24, 4);
  size_t nlen = get_le(p + 28, 2), xlen = get_le(p + 30, 2), clen = get_le(p + 32, 2);
  uint64_t off = get_le(p + 42, 4);
  if (46 + nlen + xlen + clen > left)
    rt_throw("%s: bad zip archive: central directory entry #%d is damaged", z->path, index + 1);
  /* The name, kept in out right away so an error below frees it. */
  NpzFile *o = z->out;
  char *name = o->names[o->n] = rt_strndup((const char *)p + 46, nlen);
  o->n++;
  if (strlen(name) != nlen || !nlen)
    rt_throw("%s: bad zip archive: member #%d has an empty name or one with a NUL byte", z->path, index + 1);
  /* Zip64 sizes and offset: the extra field 0x0001 holds those set to 0xFFFFFFFF, in order. */
  const unsigned char *x = p + 46 + nlen, *xe = x + xlen;
  while (xe - x >= 4) {
    size_t id = get_le(x, 2), sz = get_le(x + 2, 2);
    if ((size_t)(xe - x - 4) < sz) break;
    if (id == 1) {
      const unsigned char *q = x + 4, *qe = q + sz;
      uint64_t *fields[3] = {&usize, &csize, &off};
      for (int i = 0; i < 3; i++)
        if (*fields[i] == 0xFFFFFFFF) {
          if (qe - q < 8) rt_throw("%s: member '%s': bad zip64 extra field", z->path, name);
          *fields[i] = get_le(q, 8);
          q += 8;
        }
    }
    x += 4 + sz;
  }
  if (flags & 1) rt_throw("%s: member '%s' is encrypted", z->path, name);
  if (method != 0 && method != 8)
    rt_throw("%s: member '%s': compression method %d is not supported (nn reads stored and "
             "deflated members)", z->path, name, method);
  unsigned char local[30];
  read_at(z, off, local, 30, N_("a member's local header"));
  if (get_le(local, 4) != SIG_LOCAL)
    rt_throw("%s: bad zip archive: the local header of member '%s' is damaged", z->path, name);
  uint64_t data = off + 30 + get_le(local + 26, 2) + get_le(local + 28, 2);
  if (data > z->cd_off || csize > z->cd_off - data)
    rt_throw("%s: member '%s' is truncated: %llu bytes of data are missing", z->path, name,
             (unsigned long long)(data > z->cd_off ? csize : csize - (z->cd_off - data)));
  if (method == 0 && csize != usize)
    rt_throw("%s: bad zip archive: stored member '%s' has %llu bytes, its size says %llu",
             z->path, name, (unsigned long long)csize, (unsigned long long)usize);
  if (method == 8 && usize / DEFLATE_MAX_RATIO > csize + 1)
    rt_throw("%s: member '%s': %llu compressed bytes cannot hold the %llu it claims", z->path,
             name, (unsigned long long)csize, (unsigned long long)usize);
  if (lseek(z->fd, (off_t)data, SEEK_SET) < 0) rt_throw("%s: cannot read: %s", z->path, rt_strerror(errno));
  Src *s = &z->src;
  *s = (Src){.path = z->path, .member = name, .fd = z->fd, .raw_left = csize, .size = usize,
             .zip_crc = crc, .table = z->table};
  if (method == 8) inflater_start(s);
  o->arrays[o->n - 1] = load_from(s);
  if (s->inf) {
    /* the deflate stream must end exactly where the data does */
    unsigned char extra;
    if (inflater_read(s, &extra, 1))
      rt_throw("%s: member '%s' holds more than its size says", z->path, name);
    if (!inflater_ended(s))
      rt_throw("%s: member '%s' is truncated: the compressed data ends early", z->path, name);
    inflater_end(s);
  }
  if (s->crc != crc)
    rt_throw("%s: member '%s': CRC-32 mismatch (the archive says %08x, the data gives %08x)",
             z->path, name, (unsigned)crc, (unsigned)s->crc);
  /* the record's key: "x.npy" → "x" */
  if (nlen > 4 && !strcmp(name + nlen - 4, ".npy")) name[nlen - 4] = 0;
  for (int i = 0; i < o->n - 1; i++)
    if (!strcmp(o->names[i], name)) rt_throw("%s: two members are named '%s'", z->path, name);
  return 46 + nlen + xlen + clen;
}

static void read_zip(Zip *z) {
  uint64_t cd_off, cd_size, entries;
  find_directory(z, &cd_off, &cd_size, &entries);
  if (cd_off > z->size || cd_size > z->size - cd_off)
    rt_throw("%s: truncated zip archive: the central directory lies past the end of the file", z->path);
  z->cd_off = cd_off;
  z->cd = rt_malloc(cd_size ? (size_t)cd_size : 1);
  read_at(z, cd_off, z->cd, (size_t)cd_size, N_("the central directory"));
  NpzFile *o = z->out;
  o->names = rt_calloc(entries ? entries : 1, sizeof *o->names);
  o->arrays = rt_calloc(entries ? entries : 1, sizeof *o->arrays);
  size_t at = 0;
  for (uint64_t i = 0; i < entries; i++) at += read_member(z, z->cd + at, (size_t)cd_size - at, (int)i);
}

NpzFile *npz_load(const char *path) {
  Zip *z = rt_calloc(1, sizeof *z);
  z->path = path;
  z->fd = -1;
  crc_table(z->table);
  RtFrame f;
  if (RT_TRY(&f)) {
    z->out = rt_calloc(1, sizeof *z->out);
    z->fd = open_file(path, &z->size);
    read_zip(z);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    inflater_end(&z->src);
    if (z->fd >= 0) close(z->fd);
    free(z->cd);
    npz_free(z->out);
    free(z);
    rt_rethrow();
  }
  NpzFile *out = z->out;
  close(z->fd);
  free(z->cd);
  free(z);
  return out;
}

void npz_free(NpzFile *f) {
  if (!f) return;
  for (int i = 0; i < f->n; i++) {
    free(f->names[i]);
    if (f->arrays) {
      t_release(f->arrays[i].t);
      u8_release(f->arrays[i].u8);
    }
  }
  free(f->names);
  free(f->arrays);
  free(f);
}

/* ------------------------------------------------------------------ writing */

typedef struct Out {
  const char *path;
  char *tmp; /* PATH.tmp.PID */
  FILE *f;
  uint64_t written;
  uint32_t table[256];
} Out;

static void out_bytes(Out *o, const void *p, size_t n) {
  if (n && fwrite(p, 1, n, o->f) != n) rt_throw("%s: cannot write: %s", o->path, rt_strerror(errno));
  o->written += n;
}

/* The .npy header of t: magic, version 1.0, length, the dict padded to 64 bytes. */
static size_t npy_header(const Tensor *t, char *buf, size_t cap) {
  int n = snprintf(buf + 10, cap - 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
  for (int d = 0; d < t->ndim; d++)
    n += snprintf(buf + 10 + n, cap - 10 - (size_t)n, "%lld,%s", (long long)t->shape[d],
                  d + 1 < t->ndim ? " " : "");
  if (t->ndim > 1) n--; /* (2, 3) but (3,) */
  n += snprintf(buf + 10 + n, cap - 10 - (size_t)n, "), }");
  while ((10 + n + 1) % 64) buf[10 + n++] = ' ';
  buf[10 + n++] = '\n';
  memcpy(buf, MAGIC "\x01\x00", 8);
  put_le((unsigned char *)buf + 8, (uint64_t)n, 2);
  return 10 + (size_t)n;
}

/* t's floats as little-endian bytes, a chunk at a time, to the file and/or a CRC. */
static void each_chunk(Out *o, const Tensor *t, bool write, uint32_t *crc) {
  unsigned char buf[CHUNK];
  static const uint16_t one = 1;
  const bool le = *(const unsigned char *)&one == 1;
  for (int64_t i = 0; i < t->size; i += CHUNK / 4) {
    int64_t k = t->size - i < CHUNK / 4 ? t->size - i : CHUNK / 4;
    const unsigned char *p = (const unsigned char *)(t->data + i);
    if (!le) {
      for (int64_t j = 0; j < k * 4; j++) buf[j] = p[(j & ~3) + 3 - (j & 3)];
      p = buf;
    }
    if (crc) *crc = crc_update(o->table, *crc, p, (size_t)k * 4);
    if (write) out_bytes(o, p, (size_t)k * 4);
    rt_check_interrupt();
  }
}

/* Each member: local header, the .npy; then the central directory and its end record. */
static void write_npz(Out *o, int n, const char *const *names, Tensor *const *ts) {
  uint64_t *offs = rt_calloc((size_t)n + 1, 3 * sizeof *offs); /* offset, size, crc */
  RtFrame f;
  if (RT_TRY(&f)) {
    for (int i = 0; i < n; i++) {
      char head[512]; /* 10 + the dict of 8 dims of 19 digits, padded */
      size_t hn = npy_header(ts[i], head, sizeof head);
      uint32_t crc = crc_update(o->table, 0, (const unsigned char *)head, hn);
      each_chunk(o, ts[i], false, &crc);
      uint64_t size = hn + (uint64_t)ts[i]->size * 4;
      size_t nlen = strlen(names[i]) + 4;
      if (size > 0xFFFFFFFEu || o->written > 0xFFFFFFFEu - size)
        rt_throw("%s: more than 4 GiB of data: too large for an .npz without zip64", o->path);
      unsigned char lh[30];
      put_le(lh, SIG_LOCAL, 4);
      put_le(lh + 4, 20, 2);             /* version needed: 2.0 */
      put_le(lh + 6, 0, 2);              /* flags */
      put_le(lh + 8, 0, 2);              /* stored */
      put_le(lh + 10, 0, 2);             /* time 00:00 */
      put_le(lh + 12, 1 << 5 | 1, 2);    /* date 1980-01-01: the files are reproducible */
      put_le(lh + 14, crc, 4);
      put_le(lh + 18, size, 4);
      put_le(lh + 22, size, 4);
      put_le(lh + 26, nlen, 2);
      put_le(lh + 28, 0, 2);
      offs[3 * i] = o->written, offs[3 * i + 1] = size, offs[3 * i + 2] = crc;
      out_bytes(o, lh, 30);
      out_bytes(o, names[i], nlen - 4);
      out_bytes(o, ".npy", 4);
      out_bytes(o, head, hn);
      each_chunk(o, ts[i], true, NULL);
    }
    uint64_t cd = o->written;
    for (int i = 0; i < n; i++) {
      unsigned char ch[46];
      memset(ch, 0, sizeof ch);
      size_t nlen = strlen(names[i]) + 4;
      put_le(ch, SIG_CENTRAL, 4);
      put_le(ch + 4, 3 << 8 | 20, 2);    /* made by: Unix, 2.0 */
      put_le(ch + 6, 20, 2);
      put_le(ch + 14, 1 << 5 | 1, 2);
      put_le(ch + 16, offs[3 * i + 2], 4);
      put_le(ch + 20, offs[3 * i + 1], 4);
      put_le(ch + 24, offs[3 * i + 1], 4);
      put_le(ch + 28, nlen, 2);
      put_le(ch + 38, 0100644u << 16, 4); /* a regular file, rw-r--r-- */
      put_le(ch + 42, offs[3 * i], 4);
      out_bytes(o, ch, 46);
      out_bytes(o, names[i], nlen - 4);
      out_bytes(o, ".npy", 4);
    }
    unsigned char end[22];
    memset(end, 0, sizeof end);
    put_le(end, SIG_END, 4);
    put_le(end + 8, (uint64_t)n, 2);
    put_le(end + 10, (uint64_t)n, 2);
    put_le(end + 12, o->written - cd, 4);
    put_le(end + 16, cd, 4);
    out_bytes(o, end, 22);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(offs);
    rt_rethrow();
  }
  free(offs);
}

/* Write to PATH.tmp.PID and rename it over PATH (npz when names, else one .npy). */
static void save(const char *path, int n, const char *const *names, Tensor *const *ts) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) rt_throw("%s: is a folder", path);
  Out *o = rt_calloc(1, sizeof *o);
  o->path = path;
  crc_table(o->table);
  RtFrame f;
  if (RT_TRY(&f)) {
    size_t plen = strlen(path) + 32;
    o->tmp = rt_malloc(plen);
    snprintf(o->tmp, plen, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f) rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
    if (names) {
      write_npz(o, n, names, ts);
    } else {
      char head[512]; /* 10 + the dict of 8 dims of 19 digits, padded */
      out_bytes(o, head, npy_header(ts[0], head, sizeof head));
      each_chunk(o, ts[0], true, NULL);
    }
    FILE *file = o->f;
    o->f = NULL;
    if (fflush(file) != 0 || fsync(fileno(file)) != 0) {
      int e = errno;
      fclose(file);
      rt_throw("%s: cannot write: %s", path, rt_strerror(e));
    }
    if (fclose(file) != 0) rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
    if (rename(o->tmp, path) != 0)
      rt_throw("%s: cannot replace it with %s: %s", path, o->tmp, rt_strerror(errno));
    rt_pop(&f);
  } else {
    rt_pop(&f);
    if (o->f) fclose(o->f);
    if (o->tmp) remove(o->tmp);
    free(o->tmp);
    free(o);
    rt_rethrow();
  }
  free(o->tmp);
  free(o);
}

void npy_save(const char *path, const Tensor *t) {
  Tensor *const ts[1] = {(Tensor *)t};
  save(path, 1, NULL, ts);
}

void npz_save(const char *path, int n, const char *const *names, Tensor *const *ts) {
  for (int i = 0; i < n; i++) {
    if (!names[i] || !names[i][0]) rt_throw("%s: tensor #%d has an empty name", path, i + 1);
    for (int j = 0; j < i; j++)
      if (!strcmp(names[i], names[j])) rt_throw("%s: two tensors are named '%s'", path, names[i]);
  }
  save(path, n, names, ts);
}
