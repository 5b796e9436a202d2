/* safetensors.c — the safetensors format: atomic writing, and a strict reader with its
 * own small JSON parser for exactly the header's subset (objects, strings, whole
 * numbers >= 0, arrays of them). See safetensors.h for the layout. */
#include "safetensors.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "mem.h"

#define MAX_HEADER 100000000ull /* the reference implementation's limit */

static int little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one;
}

static void swap4(unsigned char *p, size_t n) { /* n 4-byte words, in place */
  for (size_t i = 0; i < n; i++, p += 4) {
    unsigned char a = p[0], b = p[1];
    p[0] = p[3], p[1] = p[2], p[2] = b, p[3] = a;
  }
}

/* ------------------------------------------------------------------ writing */

typedef struct Buf {
  char *s;
  size_t len, cap;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    b->s = rt_realloc(b->s, cap);
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

static void buf_str(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(Buf *b, const char *fmt, ...) {
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  buf_put(b, tmp, (size_t)n); /* only short numbers are formatted here */
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void buf_json_str(Buf *b, const char *s) {
  buf_put(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      buf_put(b, e, 2);
    } else if (c < 0x20) {
      buf_printf(b, "\\u%04x", c);
    } else {
      buf_put(b, s, 1);
    }
  }
  buf_put(b, "\"", 1);
}

typedef struct Saver {
  Buf head;
  char *tmp; /* PATH.tmp.PID */
  FILE *f;
  int created;
} Saver;

/* The signals that end a process by default (Ctrl-C, kill, a closed terminal). While
   the temporary file exists, those still at their default action are caught and noted
   (a handler, not a signal mask: the mask is per thread, and OpenBLAS's threads would
   take the signal and die); the write checks between chunks, removes PATH.tmp.PID, and
   the signal is raised again once the old disposition is back. The REPL's own SIGINT
   handler is left alone: it sets rt_interrupted, which the write checks as well. */
static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_STOP_SIGS (int)(sizeof stop_sigs / sizeof *stop_sigs)
static volatile sig_atomic_t held_signal;

typedef struct Held {
  struct sigaction old[N_STOP_SIGS];
  bool caught[N_STOP_SIGS];
} Held;

static void note_signal(int sig) { held_signal = sig; }

static void hold_signals(Held *h) {
  held_signal = 0;
  for (int i = 0; i < N_STOP_SIGS; i++) {
    h->caught[i] = sigaction(stop_sigs[i], NULL, &h->old[i]) == 0 &&
                   !(h->old[i].sa_flags & SA_SIGINFO) && h->old[i].sa_handler == SIG_DFL;
    if (!h->caught[i]) continue;
    struct sigaction sa = {.sa_handler = note_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(stop_sigs[i], &sa, NULL);
  }
}

/* After the temporary file is gone: the old dispositions back, and a noted signal
   delivered (by default it ends the process, as it would have without us). */
static void release_signals(Held *h) {
  for (int i = 0; i < N_STOP_SIGS; i++)
    if (h->caught[i]) sigaction(stop_sigs[i], &h->old[i], NULL);
  int sig = held_signal;
  held_signal = 0;
  if (sig) raise(sig);
}

static void check_signals(void) {
  if (held_signal) rt_throw_kind(RT_ERR_INTERRUPT, "interrupted");
  rt_check_interrupt();
}

static void put_bytes(Saver *s, const char *path, const void *p, size_t n) {
  /* In 16 MiB chunks, so a Ctrl-C stops a large save soon (and the file is removed). */
  const char *q = p;
  while (n) {
    size_t k = n < ((size_t)1 << 24) ? n : (size_t)1 << 24;
    if (fwrite(q, 1, k, s->f) != k) rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
    q += k;
    n -= k;
    check_signals();
  }
}

static void put_floats(Saver *s, const char *path, const float *x, int64_t n) {
  if (little_endian()) {
    put_bytes(s, path, x, (size_t)n * 4);
    return;
  }
  unsigned char buf[4096];
  for (int64_t i = 0; i < n; i += 1024) {
    size_t k = (size_t)(n - i < 1024 ? n - i : 1024);
    memcpy(buf, x + i, k * 4);
    swap4(buf, k);
    put_bytes(s, path, buf, k * 4);
  }
}

static void save(Saver *s, const char *path, int n, const char *const *names,
                 Tensor *const *tensors, const char *const *metadata) {
  Buf *h = &s->head;
  buf_put(h, "{", 1);
  if (metadata && metadata[0]) {
    buf_str(h, "\"__metadata__\":{");
    for (int i = 0; metadata[i] && metadata[i + 1]; i += 2) {
      if (i) buf_put(h, ",", 1);
      buf_json_str(h, metadata[i]);
      buf_put(h, ":", 1);
      buf_json_str(h, metadata[i + 1]);
    }
    buf_put(h, "}", 1);
    if (n) buf_put(h, ",", 1);
  }
  uint64_t off = 0;
  for (int i = 0; i < n; i++) {
    const Tensor *t = tensors[i];
    if (i) buf_put(h, ",", 1);
    buf_json_str(h, names[i]);
    buf_str(h, ":{\"dtype\":\"F32\",\"shape\":[");
    for (int d = 0; d < t->ndim; d++) buf_printf(h, "%s%lld", d ? "," : "", (long long)t->shape[d]);
    uint64_t bytes = (uint64_t)t->size * 4;
    buf_printf(h, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
               (unsigned long long)(off + bytes));
    off += bytes;
  }
  buf_put(h, "}", 1);
  while (h->len % 8) buf_put(h, " ", 1); /* so the data starts 8-byte aligned */

  size_t plen = strlen(path) + 32;
  s->tmp = rt_malloc(plen);
  snprintf(s->tmp, plen, "%s.tmp.%ld", path, (long)getpid());
  s->f = fopen(s->tmp, "wb");
  if (!s->f) rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
  s->created = 1;
  unsigned char len8[8];
  for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)h->len >> (8 * i));
  put_bytes(s, path, len8, 8);
  put_bytes(s, path, h->s, h->len);
  for (int i = 0; i < n; i++) put_floats(s, path, tensors[i]->data, tensors[i]->size);
  if (fflush(s->f) != 0 || fsync(fileno(s->f)) != 0)
    rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
  check_signals();
  FILE *f = s->f;
  s->f = NULL;
  if (fclose(f) != 0) rt_throw("%s: cannot write: %s", path, rt_strerror(errno));
  if (rename(s->tmp, path) != 0)
    rt_throw("%s: cannot replace it with %s: %s", path, s->tmp, rt_strerror(errno));
  s->created = 0;
}

void st_save(const char *path, int n, const char *const *names, Tensor *const *tensors,
             const char *const *metadata) {
  for (int i = 0; i < n; i++) {
    if (!names[i] || !names[i][0]) rt_throw("%s: tensor #%d has an empty name", path, i + 1);
    if (!strcmp(names[i], "__metadata__"))
      rt_throw("%s: '__metadata__' cannot name a tensor (the format reserves it)", path);
    for (int j = 0; j < i; j++)
      if (!strcmp(names[i], names[j])) rt_throw("%s: two tensors are named '%s'", path, names[i]);
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) rt_throw("%s: is a folder", path);
  Saver *s = rt_calloc(1, sizeof *s);
  /* A Ctrl-C is acted on only after the temporary file is renamed or removed: the old
     file, if any, survives an interrupted save whole. */
  Held held;
  hold_signals(&held);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    save(s, path, n, names, tensors, metadata);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    if (s->f) fclose(s->f);
    if (s->created) remove(s->tmp);
    release_signals(&held);
    free(s->tmp);
    free(s->head.s);
    free(s);
    rt_rethrow();
  }
  release_signals(&held);
  free(s->tmp);
  free(s->head.s);
  free(s);
}

/* ------------------------------------------------------------------ reading */

typedef struct Ent {
  int ndim;
  int64_t shape[T_MAXDIM];
  uint64_t begin, end;
} Ent;

typedef struct Span {
  uint64_t begin, end;
  int i;
} Span;

typedef struct Loader {
  const char *path;
  FILE *f;
  char *head; /* the JSON text (hlen bytes) */
  const char *p, *end;
  char *str;  /* the last string parsed, NUL-terminated */
  size_t str_len, str_cap;
  Ent *ents;  /* parallel to out->names */
  Span *spans; /* the tensors' byte ranges, sorted */
  int cap, cap_meta;
  StFile *out;
} Loader;

static _Noreturn void bad_json(Loader *L, const char *what) {
  rt_throw("%s: bad JSON header at byte %zu: %s", L->path, (size_t)(L->p - L->head), _(what));
}

static void ws(Loader *L) {
  while (L->p < L->end && (*L->p == ' ' || *L->p == '\t' || *L->p == '\n' || *L->p == '\r')) L->p++;
}

static int peek(Loader *L) { return L->p < L->end ? (unsigned char)*L->p : -1; }

static void expect(Loader *L, char c, const char *what) {
  ws(L);
  if (peek(L) != (unsigned char)c) bad_json(L, what);
  L->p++;
}

static void str_add(Loader *L, unsigned char c) {
  if (L->str_len + 2 > L->str_cap) {
    size_t cap = L->str_cap ? L->str_cap * 2 : 64;
    L->str = rt_realloc(L->str, cap);
    L->str_cap = cap;
  }
  L->str[L->str_len++] = (char)c;
  L->str[L->str_len] = 0;
}

static unsigned hex4(Loader *L) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int c = peek(L);
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) bad_json(L, "expected 4 hex digits after \\u");
    v = v * 16 + (unsigned)d;
    L->p++;
  }
  return v;
}

/* A JSON string into L->str (valid until the next one). */
static const char *parse_string(Loader *L, const char *what) {
  ws(L);
  if (peek(L) != '"') bad_json(L, what);
  L->p++;
  L->str_len = 0;
  str_add(L, 0);
  L->str_len = 0;
  for (;;) {
    int c = peek(L);
    if (c < 0) bad_json(L, "unterminated string");
    if (c == '"') break;
    if (c < 0x20) bad_json(L, "control character in a string");
    L->p++;
    if (c != '\\') {
      str_add(L, (unsigned char)c);
      continue;
    }
    int e = peek(L);
    L->p++;
    switch (e) {
    case '"': case '\\': case '/': str_add(L, (unsigned char)e); break;
    case 'b': str_add(L, '\b'); break;
    case 'f': str_add(L, '\f'); break;
    case 'n': str_add(L, '\n'); break;
    case 'r': str_add(L, '\r'); break;
    case 't': str_add(L, '\t'); break;
    case 'u': {
      unsigned u = hex4(L);
      if (u >= 0xDC00 && u <= 0xDFFF) bad_json(L, "unpaired surrogate in \\u escape");
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (L->end - L->p < 2 || L->p[0] != '\\' || L->p[1] != 'u')
          bad_json(L, "unpaired surrogate in \\u escape");
        L->p += 2;
        unsigned lo = hex4(L);
        if (lo < 0xDC00 || lo > 0xDFFF) bad_json(L, "unpaired surrogate in \\u escape");
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      }
      if (u == 0) bad_json(L, "\\u0000 is not allowed in a name");
      if (u < 0x80) str_add(L, (unsigned char)u);
      else if (u < 0x800) str_add(L, (unsigned char)(0xC0 | u >> 6)), str_add(L, (unsigned char)(0x80 | (u & 0x3F)));
      else if (u < 0x10000) {
        str_add(L, (unsigned char)(0xE0 | u >> 12));
        str_add(L, (unsigned char)(0x80 | (u >> 6 & 0x3F)));
        str_add(L, (unsigned char)(0x80 | (u & 0x3F)));
      } else {
        str_add(L, (unsigned char)(0xF0 | u >> 18));
        str_add(L, (unsigned char)(0x80 | (u >> 12 & 0x3F)));
        str_add(L, (unsigned char)(0x80 | (u >> 6 & 0x3F)));
        str_add(L, (unsigned char)(0x80 | (u & 0x3F)));
      }
      break;
    }
    default: L->p -= 2; bad_json(L, "unknown escape in a string");
    }
  }
  L->p++;
  return L->str;
}

static uint64_t parse_uint(Loader *L) {
  ws(L);
  int c = peek(L);
  if (c < '0' || c > '9') bad_json(L, "expected a whole number >= 0");
  if (c == '0' && L->p + 1 < L->end && L->p[1] >= '0' && L->p[1] <= '9')
    bad_json(L, "numbers may not have leading zeros");
  uint64_t v = 0;
  while ((c = peek(L)) >= '0' && c <= '9') {
    if (v > (UINT64_MAX - 9) / 10) bad_json(L, "number too large");
    v = v * 10 + (uint64_t)(c - '0');
    L->p++;
  }
  if (c == '.' || c == 'e' || c == 'E') bad_json(L, "expected a whole number >= 0");
  return v;
}

/* [n, n, ...] with at most max items; returns the count. */
static int parse_uints(Loader *L, uint64_t *v, int max, const char *too_many) {
  expect(L, '[', "expected '['");
  ws(L);
  int n = 0;
  if (peek(L) == ']') {
    L->p++;
    return 0;
  }
  for (;;) {
    if (n == max) bad_json(L, too_many);
    v[n++] = parse_uint(L);
    ws(L);
    if (peek(L) == ']') break;
    expect(L, ',', "expected ',' or ']' in an array");
  }
  L->p++;
  return n;
}

static void parse_metadata(Loader *L) {
  StFile *o = L->out;
  expect(L, '{', "__metadata__ must be an object of strings");
  ws(L);
  if (peek(L) == '}') {
    L->p++;
    return;
  }
  for (;;) {
    parse_string(L, "expected a string key in __metadata__");
    for (int i = 0; i < o->n_meta; i++)
      if (!strcmp(o->meta_keys[i], L->str)) bad_json(L, "duplicate key in __metadata__");
    if (o->n_meta == L->cap_meta) {
      int cap = L->cap_meta ? 2 * L->cap_meta : 4;
      o->meta_keys = rt_realloc(o->meta_keys, sizeof(char *) * (size_t)cap);
      memset(o->meta_keys + L->cap_meta, 0, sizeof(char *) * (size_t)(cap - L->cap_meta));
      o->meta_vals = rt_realloc(o->meta_vals, sizeof(char *) * (size_t)cap);
      memset(o->meta_vals + L->cap_meta, 0, sizeof(char *) * (size_t)(cap - L->cap_meta));
      L->cap_meta = cap;
    }
    o->meta_keys[o->n_meta] = rt_strdup(L->str);
    expect(L, ':', "expected ':' after a key");
    parse_string(L, "__metadata__ values must be strings");
    o->meta_vals[o->n_meta] = rt_strdup(L->str);
    o->n_meta++;
    ws(L);
    if (peek(L) == '}') break;
    expect(L, ',', "expected ',' or '}'");
  }
  L->p++;
}

static void parse_tensor(Loader *L, Ent *e, const char *name) {
  enum { DTYPE = 1, SHAPE = 2, OFFSETS = 4 };
  int seen = 0;
  char dtype[48] = "";
  expect(L, '{', "a tensor's entry must be an object");
  ws(L);
  if (peek(L) != '}') {
    for (;;) {
      parse_string(L, "expected a string key");
      int k = !strcmp(L->str, "dtype") ? DTYPE : !strcmp(L->str, "shape") ? SHAPE
              : !strcmp(L->str, "data_offsets") ? OFFSETS : 0;
      if (!k)
        rt_throw("%s: tensor '%s': unknown key '%.60s' (expected dtype, shape, data_offsets)",
                 L->path, name, L->str);
      if (seen & k) rt_throw("%s: tensor '%s': duplicate key '%s'", L->path, name, L->str);
      seen |= k;
      expect(L, ':', "expected ':' after a key");
      if (k == DTYPE) {
        snprintf(dtype, sizeof dtype, "%s", parse_string(L, "dtype must be a string"));
      } else if (k == SHAPE) {
        uint64_t v[T_MAXDIM];
        e->ndim = parse_uints(L, v, T_MAXDIM, "a shape has at most 8 dimensions");
        for (int i = 0; i < e->ndim; i++) {
          if (v[i] > INT64_MAX) rt_throw("%s: tensor '%s': shape dimension %llu is too large",
                                         L->path, name, (unsigned long long)v[i]);
          e->shape[i] = (int64_t)v[i];
        }
      } else {
        uint64_t v[2];
        if (parse_uints(L, v, 2, "data_offsets must be [begin, end]") != 2)
          bad_json(L, "data_offsets must be [begin, end]");
        e->begin = v[0], e->end = v[1];
      }
      ws(L);
      if (peek(L) == '}') break;
      expect(L, ',', "expected ',' or '}'");
    }
  }
  L->p++;
  const char *missing = !(seen & DTYPE) ? "dtype" : !(seen & SHAPE) ? "shape"
                        : !(seen & OFFSETS) ? "data_offsets" : NULL;
  if (missing) rt_throw("%s: tensor '%s': missing \"%s\"", L->path, name, missing);
  if (strcmp(dtype, "F32"))
    rt_throw("%s: tensor '%s': dtype %s is not supported (only F32)", L->path, name, dtype);
}

static void parse_header(Loader *L) {
  StFile *o = L->out;
  int have_meta = 0;
  if (peek(L) != '{') bad_json(L, "the header must start with '{'");
  L->p++;
  ws(L);
  if (peek(L) == '}') {
    L->p++;
  } else {
    for (;;) {
      ws(L);
      const char *key_at = L->p;
      parse_string(L, "expected a string key");
      if (!strcmp(L->str, "__metadata__")) {
        if (have_meta) L->p = key_at, bad_json(L, "duplicate __metadata__");
        have_meta = 1;
        expect(L, ':', "expected ':' after a key");
        parse_metadata(L);
      } else {
        for (int i = 0; i < o->n; i++)
          if (!strcmp(o->names[i], L->str)) rt_throw("%s: two tensors are named '%s'", L->path, L->str);
        if (o->n == L->cap) {
          int cap = L->cap ? 2 * L->cap : 8;
          L->ents = rt_realloc(L->ents, sizeof(Ent) * (size_t)cap);
          o->names = rt_realloc(o->names, sizeof(char *) * (size_t)cap);
          memset(o->names + L->cap, 0, sizeof(char *) * (size_t)(cap - L->cap));
          L->cap = cap;
        }
        Ent *e = &L->ents[o->n];
        memset(e, 0, sizeof *e);
        o->names[o->n] = rt_strdup(L->str);
        const char *name = o->names[o->n++];
        expect(L, ':', "expected ':' after a key");
        parse_tensor(L, e, name);
      }
      ws(L);
      if (peek(L) == '}') break;
      expect(L, ',', "expected ',' or '}'");
    }
    L->p++;
  }
  ws(L);
  if (L->p != L->end) bad_json(L, "unexpected text after the header's object");
}

static int by_offset(const void *a, const void *b) {
  const Span *x = a, *y = b;
  if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return x->i - y->i;
}

static void load(Loader *L) {
  const char *path = L->path;
  const char *why;
  int fd = rt_open_regular(path, &why);
  if (fd == -2) rt_throw("%s: is a folder, not a safetensors file", path);
  if (fd < 0) rt_throw("%s: cannot open: %s", path, why);
  L->f = fdopen(fd, "rb");
  if (!L->f) {
    int e = errno;
    close(fd);
    rt_throw("%s: cannot open: %s", path, rt_strerror(e));
  }
  struct stat st;
  if (fstat(fileno(L->f), &st) != 0) rt_throw("%s: cannot read: %s", path, rt_strerror(errno));
  uint64_t size = (uint64_t)st.st_size;
  unsigned char len8[8];
  if (size < 8 || fread(len8, 1, 8, L->f) != 8)
    rt_throw("%s: not a safetensors file: %llu bytes is too short for the 8-byte header length",
             path, (unsigned long long)size);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; i--) hlen = hlen << 8 | len8[i];
  /* A length past the end of the file: a truncated file, or (a huge one) not safetensors. */
  if (hlen > size - 8) {
    if (hlen > MAX_HEADER)
      rt_throw("%s: not a safetensors file: header length %llu is larger than the rest of the "
               "file (%llu bytes)", path, (unsigned long long)hlen, (unsigned long long)(size - 8));
    rt_throw("%s: truncated or corrupt: header length %llu is larger than the rest of the file "
             "(%llu bytes)", path, (unsigned long long)hlen, (unsigned long long)(size - 8));
  }
  if (hlen > MAX_HEADER)
    rt_throw("%s: header length %llu is over the limit of %llu bytes", path,
             (unsigned long long)hlen, MAX_HEADER);
  if (hlen < 2) rt_throw("%s: header length %llu is too short for a JSON object", path,
                         (unsigned long long)hlen);
  L->head = rt_malloc((size_t)hlen + 1);
  if (fread(L->head, 1, (size_t)hlen, L->f) != hlen)
    rt_throw("%s: cannot read the header: %s", path, ferror(L->f) ? rt_strerror(errno) : _("file shrank"));
  L->head[hlen] = 0;
  L->p = L->head;
  L->end = L->head + hlen;
  parse_header(L);

  /* The tensors must tile the data exactly. */
  StFile *o = L->out;
  uint64_t data_len = size - 8 - hlen;
  char sh[96];
  L->spans = rt_malloc(sizeof(Span) * (size_t)(o->n ? o->n : 1));
  for (int i = 0; i < o->n; i++) {
    Ent *e = &L->ents[i];
    if (e->begin > e->end)
      rt_throw("%s: tensor '%s': data_offsets [%llu, %llu] run backwards", path, o->names[i],
               (unsigned long long)e->begin, (unsigned long long)e->end);
    if (e->end > data_len)
      rt_throw("%s: tensor '%s': data_offsets [%llu, %llu] are out of range (the data is %llu bytes)",
               path, o->names[i], (unsigned long long)e->begin, (unsigned long long)e->end,
               (unsigned long long)data_len);
    uint64_t bytes = 4;
    int over = 0;
    for (int d = 0; d < e->ndim; d++) over |= __builtin_mul_overflow(bytes, (uint64_t)e->shape[d], &bytes);
    t_shape_str(e->ndim, e->shape, sh, sizeof sh);
    if (over)
      rt_throw("%s: tensor '%s': shape %s is too large", path, o->names[i], sh);
    if (bytes != e->end - e->begin)
      rt_throw("%s: tensor '%s': shape %s needs %llu bytes but data_offsets [%llu, %llu] hold %llu",
               path, o->names[i], sh, (unsigned long long)bytes, (unsigned long long)e->begin,
               (unsigned long long)e->end, (unsigned long long)(e->end - e->begin));
    L->spans[i] = (Span){e->begin, e->end, i};
  }
  qsort(L->spans, (size_t)o->n, sizeof(Span), by_offset);
  uint64_t pos = 0;
  for (int k = 0; k < o->n; k++) {
    const Span *s = &L->spans[k];
    if (s->begin < pos) {
      const Span *prev = &L->spans[k - 1];
      rt_throw("%s: tensors '%s' and '%s' overlap (bytes [%llu, %llu) and [%llu, %llu))", path,
               o->names[prev->i], o->names[s->i], (unsigned long long)prev->begin,
               (unsigned long long)prev->end, (unsigned long long)s->begin, (unsigned long long)s->end);
    }
    if (s->begin > pos)
      rt_throw("%s: bytes [%llu, %llu) of the data belong to no tensor", path,
               (unsigned long long)pos, (unsigned long long)s->begin);
    pos = s->end;
  }
  if (pos < data_len)
    rt_throw("%s: bytes [%llu, %llu) of the data belong to no tensor", path,
             (unsigned long long)pos, (unsigned long long)data_len);

  /* Read the data in file order. */
  o->tensors = rt_calloc((size_t)(o->n ? o->n : 1), sizeof(Tensor *));
  for (int k = 0; k < o->n; k++) {
    const Span *s = &L->spans[k];
    Ent *e = &L->ents[s->i];
    Tensor *t = o->tensors[s->i] = t_new(e->ndim, e->shape);
    size_t bytes = (size_t)t->size * 4;
    if (bytes && fread(t->data, 1, bytes, L->f) != bytes)
      rt_throw("%s: cannot read tensor '%s': %s", path, o->names[s->i],
               ferror(L->f) ? rt_strerror(errno) : _("file shrank"));
    if (!little_endian()) swap4((unsigned char *)t->data, (size_t)t->size);
    rt_check_interrupt();
  }
}

StFile *st_load(const char *path) {
  Loader *L = rt_calloc(1, sizeof *L);
  RtFrame fr;
  if (RT_TRY(&fr)) {
    L->path = path;
    L->out = rt_calloc(1, sizeof(StFile));
    load(L);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    StFile *o = L->out;
    if (o) {
      for (int i = 0; i < L->cap; i++) free(o->names[i]);
      for (int i = 0; i < L->cap_meta; i++) free(o->meta_keys[i]), free(o->meta_vals[i]);
      if (o->tensors)
        for (int i = 0; i < o->n; i++) t_release(o->tensors[i]);
      free(o->names);
      free(o->meta_keys);
      free(o->meta_vals);
      free(o->tensors);
      free(o);
    }
    if (L->f) fclose(L->f);
    free(L->head);
    free(L->str);
    free(L->ents);
    free(L->spans);
    free(L);
    rt_rethrow();
  }
  StFile *o = L->out;
  fclose(L->f);
  free(L->head);
  free(L->str);
  free(L->ents);
  free(L->spans);
  free(L);
  return o;
}

void st_free(StFile *f) {
  if (!f) return;
  for (int i = 0; i < f->n; i++) {
    free(f->names[i]);
    if (f->tensors) t_release(f->tensors[i]);
  }
  for (int i = 0; i < f->n_meta; i++) free(f->meta_keys[i]), free(f->meta_vals[i]);
  free(f->names);
  free(f->tensors);
  free(f->meta_keys);
  free(f->meta_vals);
  free(f);
}
