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
