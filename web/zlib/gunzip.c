/* gunzip.c — a streaming gzip reader: RFC 1952's member format around RFC 1951's
 * inflate (stored, fixed-Huffman and dynamic-Huffman blocks), CRC-32 and ISIZE checked. */
#include "gunzip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_SIZE (1 << 16)
/* Deflate's back-references reach at most 32768 bytes back (RFC 1951 §2). */
#define WINDOW_SIZE (1 << 15)
#define WINDOW_MASK (WINDOW_SIZE - 1)
/* Huffman codes are at most 15 bits long (RFC 1951 §3.2.2). */
#define MAX_CODE_BITS 15

/* gzip header flag bits (RFC 1952 §2.3.1); bits 5 to 7 are reserved and must be 0. */
enum { FLAG_HCRC = 2, FLAG_EXTRA = 4, FLAG_NAME = 8, FLAG_COMMENT = 16, FLAG_RESERVED = 0xe0 };

/* Literal/length symbols 257..285 stand for match lengths base + the value of `extra`
   more bits (RFC 1951 §3.2.5): 257 → 3, …, 284 → 227..257, 285 → 258. */
static const uint16_t LENGTH_BASE[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
                                         15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t LENGTH_EXTRA[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
/* Distance symbols 0..29: distance base + the value of `extra` more bits (1..32768). */
static const uint16_t DISTANCE_BASE[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t DISTANCE_EXTRA[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                           6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* A dynamic block sends the code lengths of its code-length alphabet in this order
   (RFC 1951 §3.2.7), the ones likeliest to be zero last so they can be left out. */
static const uint8_t CODE_LENGTH_ORDER[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                              11, 4,  12, 3, 13, 2, 14, 1, 15};

/* A canonical Huffman code as a lookup table indexed by the next `bits` bits of input
   (the first bit read in the lowest bit): entry = symbol << 4 | code length, 0 where no
   code starts with those bits. A code of length L fills every 2^(bits-L)-th entry. */
typedef struct {
  int bits;
  uint16_t entry[1 << MAX_CODE_BITS];
} HuffTable;

typedef enum {
  STAGE_HEADER,      /* a member's header, after its magic bytes */
  STAGE_BLOCK_START, /* a block's 3-bit header, or the trailer after the final block */
  STAGE_STORED,      /* copying a stored block's bytes */
  STAGE_HUFFMAN,     /* decoding a fixed or dynamic Huffman block's symbols */
  STAGE_TRAILER,     /* CRC-32 and ISIZE, then the next member if any */
  STAGE_END
} Stage;

struct Gunzip {
  GunzipSource read;
  void *source;
  unsigned char input[INPUT_SIZE];
  size_t input_pos, input_len;
  int input_ended;
  /* Bits not yet consumed, the next one lowest (deflate packs bits from each byte's
     least significant bit up, RFC 1951 §3.1.1). */
  uint64_t bit_buf;
  int bit_count;

  int plain;
  Stage stage;
  int final_block;
  unsigned stored_left;                /* bytes of the stored block still to copy */
  unsigned copy_left, copy_distance;   /* a back-reference being copied */
  uint64_t member_out;                 /* bytes this member produced so far */
  unsigned char window[WINDOW_SIZE];   /* the last 32 KiB produced, at member_out % 32 KiB */
  uint32_t crc;                        /* CRC-32 of this member's output so far, not inverted */
  uint32_t crc_table[256];
  HuffTable litlen, distance, code_length;

  GunzipStatus status;
  int read_errno;
  char message[96];
};

/* Records the first error; later ones are consequences of it. */
__attribute__((format(printf, 3, 4)))
static void fail(Gunzip *gz, GunzipStatus status, const char *fmt, ...) {
  if (gz->status != GUNZIP_OK) return;
  gz->status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(gz->message, sizeof gz->message, fmt, ap);
  va_end(ap);
}

/* CRC-32 of RFC 1952 §8: the reflected polynomial 0xEDB88320; a byte-at-a-time table
   holds the remainder of each byte value. */
static void crc_init_table(uint32_t table[256]) {
  for (uint32_t b = 0; b < 256; b++) {
    uint32_t c = b;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[b] = c;
  }
}

/* crc is the running value before the final inversion (start with 0xFFFFFFFF). */
static uint32_t crc_update(const uint32_t table[256], uint32_t crc, const unsigned char *p,
                           size_t n) {
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

/* The next byte of the compressed stream, or -1 at its end or on a read error. */
static int fetch_byte(Gunzip *gz) {
  if (gz->input_pos == gz->input_len) {
    if (gz->input_ended) return -1;
    ssize_t r = gz->read(gz->source, gz->input, sizeof gz->input);
    if (r < 0) {
      gz->read_errno = errno;
      gz->input_ended = 1;
      fail(gz, GUNZIP_READ, "%s", strerror(gz->read_errno));
      return -1;
    }
    if (r == 0) {
      gz->input_ended = 1;
      return -1;
    }
    gz->input_pos = 0;
    gz->input_len = (size_t)r;
  }
  return gz->input[gz->input_pos++];
}

/* Ensures n bits are buffered; 0 (and the stream marked truncated) when it ends first. */
static int need_bits(Gunzip *gz, int n) {
  while (gz->bit_count < n) {
    int b = fetch_byte(gz);
    if (b < 0) {
      fail(gz, GUNZIP_TRUNCATED, "unexpected end of file");
      return 0;
    }
    gz->bit_buf |= (uint64_t)b << gz->bit_count;
    gz->bit_count += 8;
  }
  return 1;
}

/* The next n (0 to 16) bits as a number, the first bit read lowest; 0 when truncated. */
static unsigned get_bits(Gunzip *gz, int n) {
  if (!need_bits(gz, n)) return 0;
  unsigned v = (unsigned)(gz->bit_buf & ((1u << n) - 1));
  gz->bit_buf >>= n;
  gz->bit_count -= n;
  return v;
}

/* The next byte on a byte boundary (from bit_buf first), or -1 at the end. */
static int next_byte(Gunzip *gz) {
  if (gz->bit_count == 0) return fetch_byte(gz);
  int b = (int)(gz->bit_buf & 0xff);
  gz->bit_buf >>= 8;
  gz->bit_count -= 8;
  return b;
}

/* Drops the bits left in the current byte (stored blocks and the trailer start on a
   byte boundary). */
static void align_to_byte(Gunzip *gz) {
  int drop = gz->bit_count & 7;
  gz->bit_buf >>= drop;
  gz->bit_count -= drop;
}

/* Builds t from lengths[n] (0 = symbol unused). Canonical codes (RFC 1951 §3.2.2):
   codes of one length are consecutive numbers, in symbol order, and each length's first
   code follows the last of the shorter ones: next_code[L] = (next_code[L-1] +
   count[L-1]) << 1. Lengths asking for more codes than exist (Kraft sum over 1) are
   refused; a code set with gaps is kept, and input that hits a gap is refused. */
static int build_table(Gunzip *gz, HuffTable *t, const uint8_t *lengths, int n,
                       const char *what) {
  int count[MAX_CODE_BITS + 1] = {0};
  for (int s = 0; s < n; s++) count[lengths[s]]++;
  count[0] = 0;
  int left = 1; /* codes still free at the current length */
  int max_len = 0;
  for (int len = 1; len <= MAX_CODE_BITS; len++) {
    left = 2 * left - count[len];
    if (left < 0) {
      fail(gz, GUNZIP_CORRUPT, "invalid %s set", what);
      return 0;
    }
    if (count[len]) max_len = len;
  }
  unsigned next_code[MAX_CODE_BITS + 1];
  unsigned code = 0;
  for (int len = 1; len <= MAX_CODE_BITS; len++) {
    code = (code + (unsigned)count[len - 1]) << 1;
    next_code[len] = code;
  }
  t->bits = max_len;
  memset(t->entry, 0, sizeof t->entry[0] << max_len);
  for (int s = 0; s < n; s++) {
    int len = lengths[s];
    if (!len) continue;
    /* Huffman codes are packed from their most significant bit first: reversed, they
       index the table with the first bit lowest. */
    unsigned c = next_code[len]++, reversed = 0;
    for (int k = 0; k < len; k++) reversed |= (c >> k & 1) << (len - 1 - k);
    for (unsigned i = reversed; i < 1u << max_len; i += 1u << len)
      t->entry[i] = (uint16_t)(s << 4 | len);
  }
  return 1;
}

/* The next symbol of code t, or -1 (the error recorded). */
static inline int decode_symbol(Gunzip *gz, const HuffTable *t) {
  if (gz->bit_count < t->bits) {
    /* Whole bytes while they fit, straight from the input buffer (the fast path). */
    while (gz->bit_count <= 56 && gz->input_pos < gz->input_len) {
      gz->bit_buf |= (uint64_t)gz->input[gz->input_pos++] << gz->bit_count;
      gz->bit_count += 8;
    }
    while (gz->bit_count < t->bits) {
      int b = fetch_byte(gz);
      if (b < 0) break; /* the code may be shorter than t->bits: see below */
      gz->bit_buf |= (uint64_t)b << gz->bit_count;
      gz->bit_count += 8;
    }
  }
  unsigned entry = t->entry[gz->bit_buf & ((1u << t->bits) - 1)];
  int len = entry & 15;
  if (gz->status != GUNZIP_OK) return -1;
  if (len == 0 || len > gz->bit_count) {
    if (gz->bit_count < t->bits) fail(gz, GUNZIP_TRUNCATED, "unexpected end of file");
    else fail(gz, GUNZIP_CORRUPT, "invalid code");
    return -1;
  }
  gz->bit_buf >>= len;
  gz->bit_count -= len;
  return (int)(entry >> 4);
}

/* The fixed codes of block type 1 (RFC 1951 §3.2.6): literal/lengths 0-143 8 bits,
   144-255 9 bits, 256-279 7 bits, 280-287 8 bits; distances 0-31 5 bits. */
static void build_fixed_tables(Gunzip *gz) {
  uint8_t lengths[288];
  int s = 0;
  while (s < 144) lengths[s++] = 8;
  while (s < 256) lengths[s++] = 9;
  while (s < 280) lengths[s++] = 7;
  while (s < 288) lengths[s++] = 8;
  build_table(gz, &gz->litlen, lengths, 288, "literal/lengths");
  memset(lengths, 5, 32);
  build_table(gz, &gz->distance, lengths, 32, "distances");
}

/* A dynamic block's header (RFC 1951 §3.2.7): HLIT (5 bits) + 257 literal/length code
   lengths and HDIST (5 bits) + 1 distance code lengths, themselves Huffman-coded with a
   code-length code whose HCLEN (4 bits) + 4 lengths (3 bits each) come first, in
   CODE_LENGTH_ORDER. Code-length symbols: 0-15 a length; 16 the previous length 3-6
   times (2 more bits); 17 zero 3-10 times (3 bits); 18 zero 11-138 times (7 bits). */
static int read_dynamic_tables(Gunzip *gz) {
  int n_litlen = (int)get_bits(gz, 5) + 257;
  int n_distance = (int)get_bits(gz, 5) + 1;
  int n_code_length = (int)get_bits(gz, 4) + 4;
  if (gz->status != GUNZIP_OK) return 0;
  if (n_litlen > 286 || n_distance > 30) {
    fail(gz, GUNZIP_CORRUPT, "too many length or distance symbols");
    return 0;
  }
  uint8_t cl_lengths[19] = {0};
  for (int i = 0; i < n_code_length; i++) cl_lengths[CODE_LENGTH_ORDER[i]] = (uint8_t)get_bits(gz, 3);
  if (gz->status != GUNZIP_OK || !build_table(gz, &gz->code_length, cl_lengths, 19, "code lengths"))
    return 0;

  uint8_t lengths[286 + 30];
  int total = n_litlen + n_distance;
  for (int i = 0; i < total;) {
    int sym = decode_symbol(gz, &gz->code_length);
    if (sym < 0) return 0;
    if (sym < 16) {
      lengths[i++] = (uint8_t)sym;
      continue;
    }
    uint8_t value = 0;
    unsigned repeat;
    if (sym == 16) {
      if (i == 0) {
        fail(gz, GUNZIP_CORRUPT, "invalid bit length repeat");
        return 0;
      }
      value = lengths[i - 1];
      repeat = 3 + get_bits(gz, 2);
    } else if (sym == 17) {
      repeat = 3 + get_bits(gz, 3);
    } else {
      repeat = 11 + get_bits(gz, 7);
    }
    if (gz->status != GUNZIP_OK) return 0;
    if (i + (int)repeat > total) {
      fail(gz, GUNZIP_CORRUPT, "invalid bit length repeat");
      return 0;
    }
    while (repeat--) lengths[i++] = value;
  }
  if (lengths[256] == 0) {
    fail(gz, GUNZIP_CORRUPT, "invalid code -- missing end-of-block");
    return 0;
  }
  return build_table(gz, &gz->litlen, lengths, n_litlen, "literal/lengths") &&
         build_table(gz, &gz->distance, lengths + n_litlen, n_distance, "distances");
}

/* A block's header: BFINAL (1 bit), BTYPE (2 bits: 0 stored, 1 fixed, 2 dynamic). */
static int start_block(Gunzip *gz) {
  gz->final_block = (int)get_bits(gz, 1);
  unsigned type = get_bits(gz, 2);
  if (gz->status != GUNZIP_OK) return 0;
  switch (type) {
  case 0: { /* LEN and NLEN, its ones' complement, after the byte boundary */
    align_to_byte(gz);
    unsigned len = get_bits(gz, 16), nlen = get_bits(gz, 16);
    if (gz->status != GUNZIP_OK) return 0;
    if (len != (~nlen & 0xffff)) {
      fail(gz, GUNZIP_CORRUPT, "invalid stored block lengths");
      return 0;
    }
    gz->stored_left = len;
    gz->stage = STAGE_STORED;
    return 1;
  }
  case 1:
    build_fixed_tables(gz);
    gz->stage = STAGE_HUFFMAN;
    return 1;
  case 2:
    if (!read_dynamic_tables(gz)) return 0;
    gz->stage = STAGE_HUFFMAN;
    return 1;
  default:
    fail(gz, GUNZIP_CORRUPT, "invalid block type");
    return 0;
  }
}

static unsigned header_byte(Gunzip *gz, uint32_t *header_crc) {
  unsigned char b = (unsigned char)get_bits(gz, 8);
  *header_crc = crc_update(gz->crc_table, *header_crc, &b, 1);
  return b;
}

/* A member's header after ID1 ID2 (RFC 1952 §2.3): CM (8 = deflate), FLG, MTIME (4
   bytes), XFL, OS, then as FLG says: XLEN (2 bytes) and that many extra bytes, a
   zero-terminated file name, a zero-terminated comment, CRC16 (the low half of the
   header's CRC-32). Starts the member's output: empty window, CRC and length. */
static int read_member_header(Gunzip *gz) {
  static const unsigned char magic[2] = {0x1f, 0x8b};
  uint32_t header_crc = crc_update(gz->crc_table, 0xffffffffu, magic, 2);
  unsigned method = header_byte(gz, &header_crc);
  unsigned flags = header_byte(gz, &header_crc);
  for (int i = 0; i < 6; i++) header_byte(gz, &header_crc); /* MTIME, XFL, OS */
  if (gz->status != GUNZIP_OK) return 0;
  if (method != 8) {
    fail(gz, GUNZIP_CORRUPT, "unknown compression method");
    return 0;
  }
  if (flags & FLAG_RESERVED) {
    fail(gz, GUNZIP_CORRUPT, "unknown header flags set");
    return 0;
  }
  if (flags & FLAG_EXTRA) {
    unsigned xlen = header_byte(gz, &header_crc);
    xlen |= header_byte(gz, &header_crc) << 8;
    while (xlen-- && gz->status == GUNZIP_OK) header_byte(gz, &header_crc);
  }
  if (flags & FLAG_NAME)
    while (header_byte(gz, &header_crc) != 0 && gz->status == GUNZIP_OK) continue;
  if (flags & FLAG_COMMENT)
    while (header_byte(gz, &header_crc) != 0 && gz->status == GUNZIP_OK) continue;
  if (flags & FLAG_HCRC) {
    unsigned want = get_bits(gz, 16);
    if (gz->status == GUNZIP_OK && want != (~header_crc & 0xffff)) {
      fail(gz, GUNZIP_CORRUPT, "header crc mismatch");
      return 0;
    }
  }
  if (gz->status != GUNZIP_OK) return 0;
  gz->member_out = 0;
  gz->crc = 0xffffffffu;
  gz->final_block = 0;
  gz->stage = STAGE_BLOCK_START;
  return 1;
}

/* The member's trailer (RFC 1952 §2.3.1): CRC32 and ISIZE (the length mod 2^32), 4
   bytes each, least significant first. Then another member or the end: bytes that do
   not start with gzip's magic are ignored, as zlib ignores them. */
static int read_trailer(Gunzip *gz) {
  align_to_byte(gz);
  uint32_t crc = get_bits(gz, 16);
  crc |= (uint32_t)get_bits(gz, 16) << 16;
  uint32_t isize = get_bits(gz, 16);
  isize |= (uint32_t)get_bits(gz, 16) << 16;
  if (gz->status != GUNZIP_OK) return 0;
  if (crc != ~gz->crc) {
    fail(gz, GUNZIP_CORRUPT, "incorrect data check");
    return 0;
  }
  if (isize != (uint32_t)gz->member_out) {
    fail(gz, GUNZIP_CORRUPT, "incorrect length check");
    return 0;
  }
  gz->stage = STAGE_END;
  if (next_byte(gz) == 0x1f && next_byte(gz) == 0x8b) gz->stage = STAGE_HEADER;
  return gz->status == GUNZIP_OK;
}

Gunzip *gunzip_open(GunzipSource read, void *source) {
  Gunzip *gz = calloc(1, sizeof *gz);
  if (!gz) return NULL;
  gz->read = read;
  gz->source = source;
  crc_init_table(gz->crc_table);
  /* Fill the input with at least gzip's two magic bytes, to tell gzip from plain. */
  while (gz->input_len < 2 && !gz->input_ended) {
    ssize_t r = read(source, gz->input + gz->input_len, sizeof gz->input - gz->input_len);
    if (r < 0) {
      gz->read_errno = errno;
      fail(gz, GUNZIP_READ, "%s", strerror(gz->read_errno));
    }
    if (r <= 0) gz->input_ended = 1;
    else gz->input_len += (size_t)r;
  }
  if (gz->input_len >= 2 && gz->input[0] == 0x1f && gz->input[1] == 0x8b) {
    gz->input_pos = 2;
    gz->stage = STAGE_HEADER;
  } else {
    gz->plain = 1;
  }
  return gz;
}

/* A plain stream: what is buffered, then straight from the source. */
static ssize_t read_plain(Gunzip *gz, unsigned char *out, size_t n) {
  size_t got = gz->input_len - gz->input_pos < n ? gz->input_len - gz->input_pos : n;
  memcpy(out, gz->input + gz->input_pos, got);
  gz->input_pos += got;
  while (got < n && !gz->input_ended) {
    ssize_t r = gz->read(gz->source, out + got, n - got);
    if (r < 0) {
      gz->read_errno = errno;
      fail(gz, GUNZIP_READ, "%s", strerror(gz->read_errno));
      return -1;
    }
    if (r == 0) gz->input_ended = 1;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

/* One byte of output: to the caller and into the window. */
static inline void emit(Gunzip *gz, unsigned char *out, size_t *got, unsigned char b) {
  gz->window[gz->member_out++ & WINDOW_MASK] = b;
  out[(*got)++] = b;
}

/* Decodes until n bytes are out, a back-reference or block cut short by n waiting in the
   state for the next call. */
ssize_t gunzip_read(Gunzip *gz, unsigned char *out, size_t n) {
  if (gz->status == GUNZIP_TRUNCATED) return 0;
  if (gz->status != GUNZIP_OK) return -1;
  if (gz->plain) return read_plain(gz, out, n);
  size_t got = 0;
  size_t crc_from = 0; /* out[crc_from..got) is not in gz->crc yet */
  while (got < n && gz->status == GUNZIP_OK) {
    if (gz->copy_left) {
      /* Byte by byte: a copy may overlap what it produces (distance < length repeats
         the last `distance` bytes). Locals, as stores to out may alias gz's fields. */
      size_t k = n - got < gz->copy_left ? n - got : gz->copy_left;
      uint64_t pos = gz->member_out;
      const unsigned distance = gz->copy_distance;
      unsigned char *window = gz->window, *dst = out + got;
      for (size_t i = 0; i < k; i++, pos++)
        dst[i] = window[pos & WINDOW_MASK] = window[(pos - distance) & WINDOW_MASK];
      gz->member_out = pos;
      gz->copy_left -= (unsigned)k;
      got += k;
      continue;
    }
    switch (gz->stage) {
    case STAGE_HEADER:
      read_member_header(gz);
      break;
    case STAGE_BLOCK_START:
      if (gz->final_block) gz->stage = STAGE_TRAILER;
      else start_block(gz);
      break;
    case STAGE_STORED:
      while (gz->stored_left && got < n) {
        unsigned b = get_bits(gz, 8);
        if (gz->status != GUNZIP_OK) break;
        emit(gz, out, &got, (unsigned char)b);
        gz->stored_left--;
      }
      if (!gz->stored_left) gz->stage = STAGE_BLOCK_START;
      break;
    case STAGE_HUFFMAN: {
      int sym = decode_symbol(gz, &gz->litlen);
      while (sym >= 0 && sym < 256) { /* literals, the common case, without the switch */
        emit(gz, out, &got, (unsigned char)sym);
        sym = got < n ? decode_symbol(gz, &gz->litlen) : -2;
      }
      if (sym < 0) break; /* an error, or the output is full */
      if (sym == 256) { /* end of block */
        gz->stage = STAGE_BLOCK_START;
        break;
      }
      if (sym > 285) {
        fail(gz, GUNZIP_CORRUPT, "invalid literal/length code");
        break;
      }
      unsigned length = LENGTH_BASE[sym - 257] + get_bits(gz, LENGTH_EXTRA[sym - 257]);
      int dsym = decode_symbol(gz, &gz->distance);
      if (dsym < 0) break;
      if (dsym > 29) {
        fail(gz, GUNZIP_CORRUPT, "invalid distance code");
        break;
      }
      unsigned distance = DISTANCE_BASE[dsym] + get_bits(gz, DISTANCE_EXTRA[dsym]);
      if (gz->status != GUNZIP_OK) break;
      if (distance > gz->member_out) {
        fail(gz, GUNZIP_CORRUPT, "invalid distance too far back");
        break;
      }
      gz->copy_left = length;
      gz->copy_distance = distance;
      break;
    }
    case STAGE_TRAILER:
      gz->crc = crc_update(gz->crc_table, gz->crc, out + crc_from, got - crc_from);
      crc_from = got;
      read_trailer(gz);
      break;
    case STAGE_END:
      return (ssize_t)got;
    }
  }
  gz->crc = crc_update(gz->crc_table, gz->crc, out + crc_from, got - crc_from);
  if (gz->status == GUNZIP_OK || gz->status == GUNZIP_TRUNCATED) return (ssize_t)got;
  return -1;
}

int gunzip_is_plain(const Gunzip *gz) { return gz->plain; }
GunzipStatus gunzip_status(const Gunzip *gz) { return gz->status; }
const char *gunzip_message(const Gunzip *gz) { return gz->message; }
int gunzip_errno(const Gunzip *gz) { return gz->read_errno; }
void gunzip_close(Gunzip *gz) { free(gz); }
