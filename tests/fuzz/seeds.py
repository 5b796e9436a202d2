#!/usr/bin/python3
"""seeds.py — writes the generated seed inputs of tests/fuzz/corpus/ (run from the
repository root: /usr/bin/python3 tests/fuzz/seeds.py). Small valid files, and a few
near-valid ones, so the fuzzers start from the formats' structure instead of finding
the magic numbers and the JSON header by chance. The other seeds are copies of
tests/golden/*.nn, examples/*.nn and the data files next to them."""
import gzip
import json
import os
import struct

C = "tests/fuzz/corpus"


def put(harness, name, data):
    os.makedirs(os.path.join(C, harness), exist_ok=True)
    with open(os.path.join(C, harness, name), "wb") as f:
        f.write(data)


def idx(shape, body):
    """IDX: 00 00 08 ndim, big-endian u32 sizes, unsigned bytes."""
    return bytes([0, 0, 8, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape) + bytes(body)


def gz(data):
    return gzip.compress(data, mtime=0)


def safetensors(tensors, meta=None, dtype="F32"):
    """tensors: list of (name, shape, floats); offsets tile the data in order."""
    header, data = {}, b""
    if meta is not None:
        header["__metadata__"] = meta
    for name, shape, vals in tensors:
        b = struct.pack("<%df" % len(vals), *vals)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


put("fuzz_idx", "labels", idx([5], [0, 1, 2, 9, 255]))
put("fuzz_idx", "images", idx([2, 2, 3], range(0, 240, 20)))
put("fuzz_idx", "images.gz", gz(idx([2, 3, 2], range(12))))
put("fuzz_idx", "labels.gz", gz(idx([3], [7, 0, 1])))
put("fuzz_idx", "empty", idx([0, 28, 28], []))
put("fuzz_idx", "truncated", idx([4, 2], [1, 2, 3]))

put("fuzz_safetensors", "two", safetensors([("w", [2, 3], [0.5, -1, 2, 3, 4e-3, 1e30]), ("b", [3], [0, 1, 2])]))
put("fuzz_safetensors", "meta", safetensors([("x", [], [1.5])], meta={"format": "nn", "k": "v"}))
put("fuzz_safetensors", "empty", safetensors([]))
put("fuzz_safetensors", "zero_size", safetensors([("z", [0, 4], [])]))
put("fuzz_safetensors", "f16", safetensors([("h", [1], [1.0])], dtype="F16"))

put("fuzz_csv", "numeric.csv", b"a,b,y\n1,2,3\n4.5,-6e2,7\n")
put("fuzz_csv", "classes.csv", b'x,"y"\n1,cat\n2,"dog"\n3,cat\n')
put("fuzz_csv", "target_first.csv", b"y,f1,f2\n0,1,2\r\n1,3,4\r\n\n")
put("fuzz_csv", "quoted.csv", b'"a ""q""",b,label\n"1",  2 ,"x\ny"\n')


def npy(arr_bytes_header, data):
    """a .npy file: magic, version 1.0, the header dict padded to 64 bytes, the data"""
    h = arr_bytes_header.encode()
    h += b" " * (-(10 + len(h) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data


def stored_zip(members):
    """a .npz as np.savez writes it: stored members, CRC-32, a central directory"""
    import zlib
    body, central = b"", b""
    for name, data in members:
        crc, nm = zlib.crc32(data), name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 33, crc,
                               len(data), len(data), len(nm), 0, 0, 0, 0, 0, len(body)) + nm
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 33, crc, len(data),
                            len(data), len(nm), 0) + nm + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(body), 0)
    return body + central + end


def deflated_zip(members):
    import io
    import zipfile
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return b.getvalue()


f4 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", struct.pack("<6f", 1, 2, 3, 4, 5, 6))
be = npy("{'descr': '>i8', 'fortran_order': False, 'shape': (3,), }", struct.pack(">3q", -1, 0, 2**40))
u1 = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", bytes([0, 1, 254, 255]))
put("fuzz_npy", "f4.npy", f4)
put("fuzz_npy", "i8_be.npy", be)
put("fuzz_npy", "u1.npy", u1)
put("fuzz_npy", "b1_scalar.npy", npy("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", b"\x01"))
put("fuzz_npy", "f8_empty.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }", b""))
put("fuzz_npy", "fortran.npy", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", b"\0" * 4))
put("fuzz_npy", "short.npy", f4[:-3])
put("fuzz_npy", "stored.npz", stored_zip([("x.npy", f4), ("y.npy", be)]))
put("fuzz_npy", "deflated.npz", deflated_zip([("x.npy", f4), ("img.npy", u1)]))


def zip64_zip(members):
    """the zip64 layout: 0xFFFFFFFF sizes and offsets, the real ones in extra fields"""
    import zlib
    body, central = b"", b""
    for name, data in members:
        crc, nm = zlib.crc32(data), name.encode()
        x = struct.pack("<HHQQQ", 1, 24, len(data), len(data), len(body))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 33, crc, 0xFFFFFFFF,
                               0xFFFFFFFF, len(nm), len(x), 0, 0, 0, 0, 0xFFFFFFFF) + nm + x
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 33, crc, len(data),
                            len(data), len(nm), 0) + nm + data
    n = len(members)
    end64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central), len(body))
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(body) + len(central), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + central + end64 + locator + end


put("fuzz_npy", "zip64.npz", zip64_zip([("x.npy", f4), ("b.npy", be)]))
# fuzz_onnx: the committed test models (tests/ref/gen_onnx_import.py made them) and two
# hand-made messages: a model whose graph is one Relu, and 40 nested fields the reader
# skips (an unknown field is never descended into).
for name in ["mlp", "cnn", "swish", "scaled", "nnstyle", "nnops", "ops", "external", "two_inputs", "truncated"]:
    with open(os.path.join("tests/golden/onnx", name + ".onnx"), "rb") as f:
        put("fuzz_onnx", name + ".onnx", f.read())


def pb_len(num, body):
    """a length-delimited protobuf field"""
    n, v = len(body), b""
    while True:
        b = n & 0x7F
        n >>= 7
        v += bytes([b | (0x80 if n else 0)])
        if not n:
            break
    return bytes([num << 3 | 2]) + v + body


relu = pb_len(1, b"x") + pb_len(2, b"y") + pb_len(4, b"Relu")
graph = pb_len(1, relu) + pb_len(11, pb_len(1, b"x")) + pb_len(12, pb_len(1, b"y"))
put("fuzz_onnx", "relu.onnx", bytes([0x08, 0x08]) + pb_len(7, graph) + pb_len(8, bytes([0x10, 13])))
deep = b""
for _ in range(40):
    deep = pb_len(7, deep)
put("fuzz_onnx", "deep.onnx", deep)
