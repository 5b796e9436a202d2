#!/usr/bin/env python3
"""make_refs.py — the reference files of tests/unit/test_gunzip.c, made with Python's zlib
(the real zlib) so that web/zlib/gunzip.c is checked against an independent compressor.

    python3 tests/unit/gunzip/make_refs.py      (writes into tests/unit/gunzip/)

NAME.bin is plain data; NAME.gz a gzip file. Good files decompress to the .bin named in
test_gunzip.c; bad_*.gz are damaged on purpose (each one's comment below says how).
Deterministic: the same files on every run (no timestamps, seeded random data)."""
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)

def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    """Raw deflate (RFC 1951, no zlib or gzip wrapper)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()

# gzip header flags (RFC 1952 §2.3.1)
FHCRC, FEXTRA, FNAME, FCOMMENT = 2, 4, 8, 16

def member(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, flags=0, body=None):
    """One gzip member: header (with the optional fields FLG asks for), deflate data,
    CRC-32 and ISIZE. body replaces the deflate data (for hand-made blocks)."""
    header = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", 0) + bytes([0, 255])
    if flags & FEXTRA:
        extra = b"AB\x04\x00test"  # one subfield "AB" of 4 bytes
        header += struct.pack("<H", len(extra)) + extra
    if flags & FNAME:
        header += b"name.bin\x00"
    if flags & FCOMMENT:
        header += b"a comment\x00"
    if flags & FHCRC:
        header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    if body is None:
        body = deflate(data, level, strategy)
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)

class BitWriter:
    """Deflate's bit order (RFC 1951 §3.1.1): numbers least significant bit first,
    Huffman codes most significant bit first."""
    def __init__(self):
        self.bits = []
    def number(self, value, n):
        self.bits += [(value >> i) & 1 for i in range(n)]
    def code(self, value, n):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]
    def bytes(self):
        b = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(sum(b[i + k] << k for k in range(8)) for i in range(0, len(b), 8))

def fixed_literal(w, byte):  # literals 0-143: 8-bit codes 00110000 + byte
    w.code(0x30 + byte, 8)

def words(rng, n):
    vocab = ("the loss falls as the model learns; gradient descent with a learning rate "
             "of 0.1 trains the hidden layer and its activation function over each epoch "
             "of the data set").split()
    out = []
    while sum(len(x) + 1 for x in out) < n:
        out.append(rng.choice(vocab))
    return " ".join(out).encode()[:n]

def main():
    rng = random.Random(1951)
    small = b"Hello, gzip! RFC 1951 and RFC 1952.\n" * 3
    # About 80 KB of text; 2 KB chunks copied from 30000 bytes earlier give deflate
    # back-references near the 32 KiB limit of its window.
    text = bytearray(words(rng, 30000))
    while len(text) < 80000:
        text += text[len(text) - 30000 : len(text) - 28000] + words(rng, 500)
    text = bytes(text)
    # Runs of one byte: matches at distance 1 that overlap what they copy.
    runs = b"".join(bytes([rng.randrange(256)]) * rng.randrange(1, 100) for _ in range(400))
    noise = rng.randbytes(70000)  # incompressible: stored blocks, more than one (> 64 KiB)
    write("empty.bin", b"")
    write("small.bin", small)
    write("text.bin", text)
    write("runs.bin", runs)
    write("noise.bin", noise)
    write("multi.bin", small + text[:1000] + small)

    write("empty.gz", member(b""))
    write("small_fixed.gz", member(small, 6, zlib.Z_FIXED))
    write("small_stored.gz", member(small, 0))
    write("small_headers.gz", member(small, 9, flags=FEXTRA | FNAME | FCOMMENT | FHCRC))
    write("text_level1.gz", member(text, 1))
    write("text_level9.gz", member(text, 9))
    write("text_huffman_only.gz", member(text, 9, zlib.Z_HUFFMAN_ONLY))
    write("runs_rle.gz", member(runs, 9, zlib.Z_RLE))
    write("text_fixed.gz", member(text, 9, zlib.Z_FIXED))
    write("noise_level0.gz", member(noise, 0))
    write("noise_level9.gz", member(noise, 9))
    write("multi.gz", member(small, 9) + member(text[:1000], 1) + member(small, 0))

    good = member(text, 9)
    # The CRC-32 in the trailer changed (its first byte).
    bad = bytearray(good); bad[-8] ^= 0x55; write("bad_crc.gz", bytes(bad))
    # ISIZE one more than the length.
    bad = bytearray(good); bad[-4] ^= 0x01; write("bad_isize.gz", bytes(bad))
    # Cut in the middle of the deflate data.
    write("bad_truncated.gz", good[: len(good) // 2])
    # Everything but the 8-byte trailer.
    write("bad_no_trailer.gz", good[:-8])
    # A block of type 3 (reserved): BFINAL 1, BTYPE 11.
    w = BitWriter(); w.number(1, 1); w.number(3, 2)
    write("bad_block_type.gz", member(b"", body=w.bytes()))
    # A fixed block: literal 'a', then a match of length 3 at distance 2 with only one
    # byte produced (length symbol 257: 7-bit code 0000001; distance symbol 1: 00001).
    w = BitWriter(); w.number(1, 1); w.number(1, 2)
    fixed_literal(w, ord("a")); w.code(1, 7); w.code(1, 5); w.code(0, 7)
    write("bad_distance.gz", member(b"aaaa", body=w.bytes()))
    # A stored block whose NLEN is not the complement of LEN.
    write("bad_stored_lengths.gz", member(b"abc", body=b"\x01\x03\x00\x00\x00abc"))
    # Compression method 7 instead of 8 (deflate).
    bad = bytearray(member(small)); bad[2] = 7; write("bad_method.gz", bytes(bad))
    # A header CRC16 that does not match the header.
    bad = bytearray(member(small, flags=FHCRC)); bad[10] ^= 0xFF; write("bad_header_crc.gz", bytes(bad))
    # A dynamic block whose literal/length code lengths are over-subscribed: HLIT 257,
    # HDIST 1, HCLEN 18 (code-length symbols 0 and 1 of 1 bit each: every length is 1).
    w = BitWriter(); w.number(1, 1); w.number(2, 2)
    w.number(0, 5); w.number(0, 5); w.number(14, 4)
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]
    for sym in order:
        w.number(1 if sym in (0, 1) else 0, 3)
    for _ in range(258):
        w.code(1, 1)  # code-length symbol 1 (code "1"): length 1 for every symbol
    write("bad_oversubscribed.gz", member(b"", body=w.bytes()))

if __name__ == "__main__":
    main()
