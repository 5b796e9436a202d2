#!/usr/bin/python3
"""safetensors_check.py — nn's safetensors files against an independent reader and writer
written here with NumPy and the json module (the format's spec, not nn's code).

Not run by `make test`. Run from the repository root after `make`:
    /usr/bin/python3 tests/ref/safetensors_check.py [./nn]
It prints PASS/FAIL lines (kept in tests/ref/safetensors_check.out) and:
  1. has nn write a file, then parses it with json + numpy.frombuffer('<f4') and
     compares every value, shape, offset and the padding with what nn was given;
  2. writes tests/golden/data_numpy.safetensors the way the reference implementation
     does (names sorted, header padded with spaces to a multiple of 8, __metadata__
     first) for the golden test data_st_numpy.nn, has nn load it and save what it
     loaded, and compares that with NumPy's arrays bit for bit.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

NN = sys.argv[1] if len(sys.argv) > 1 else "./nn"
failed = 0


def check(name, ok, detail=""):
    global failed
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    failed += not ok


def read_st(path):
    """The spec, read directly: u64 little-endian N, N bytes of JSON, then the data."""
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        assert info["dtype"] == "F32", info
        arr = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"])
        out[name] = (arr, a, b)
    return n, raw[8:8 + n], meta, out, len(data)


# ---- 1. nn writes, NumPy reads
want = {
    "w": np.array([[1, 2, 3], [4.5, -5.25, 6e-8]], dtype=np.float32),
    "b": np.array([0.1, -0.2], dtype=np.float32),
    "scalar": np.array(3.5, dtype=np.float32),
    "empty": np.zeros((0, 4), dtype=np.float32),
    "cube": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
    "big": np.linspace(-1, 1, 1000, dtype=np.float32),
}
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "nn.safetensors")
code = (
    'let r = {w: [[1, 2, 3], [4.5, -5.25, 6e-8]], b: [0.1, -0.2], scalar: 3.5, '
    'empty: zeros(0, 4), cube: reshape(arange(24), 2, 3, 4) / 7, big: linspace(-1, 1, 1000)}\n'
    'save_tensors("%s", r)\n' % path
)
res = subprocess.run([NN, "-e", code], capture_output=True, text=True)
check("nn writes a file", res.returncode == 0 and os.path.exists(path), res.stderr)
n, header_bytes, meta, got, data_len = read_st(path)
check("header length is a multiple of 8", n % 8 == 0, str(n))
check("header padding is spaces", header_bytes.rstrip(b" ").endswith(b"}"), repr(header_bytes[-16:]))
check("metadata", meta == {"format": "nn"}, repr(meta))
check("tensor names", sorted(got) == sorted(want), repr(sorted(got)))
for name, ref in want.items():
    arr, a, b = got[name]
    ok = arr.shape == ref.shape and np.array_equal(arr, ref)
    check("values of %s %s" % (name, list(ref.shape)), ok,
          "got %r, want %r" % (arr.ravel()[:6], ref.ravel()[:6]))
spans = sorted((a, b) for _, a, b in got.values())
tiled = spans[0][0] == 0 and all(x[1] == y[0] for x, y in zip(spans, spans[1:])) \
    and spans[-1][1] == data_len
check("data offsets tile the data exactly", tiled, repr(spans))
check("no temporary file left", os.listdir(tmp) == ["nn.safetensors"], repr(os.listdir(tmp)))

# ---- 2. NumPy writes (like the reference implementation), nn reads
ref = {
    "layer.0.weight": np.array([[0.25, -1.5], [2, 1e-3], [-0.0, 7]], dtype=np.float32),
    "layer.0.bias": np.array([1, 2, 3], dtype=np.float32),
    "step": np.array(42, dtype=np.float32),
    "π": np.array([3.14159274], dtype=np.float32),
}
header = {"__metadata__": {"format": "pt", "note": "written by NumPy \"by hand\""}}
blobs, off = [], 0
for name in sorted(ref):
    b = ref[name].astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(ref[name].shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
text = json.dumps(header, separators=(",", ":")).encode()  # ASCII, so π is \u03c0
text += b" " * (-len(text) % 8)
golden = os.path.join("tests", "golden", "data_numpy.safetensors")
with open(golden, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
# nn loads it and writes what it loaded to a new file; NumPy compares that with its own.
back = os.path.join(tmp, "back.safetensors")
res = subprocess.run([NN, "-e", 'save_tensors("%s", load_tensors("%s"))' % (back, golden)],
                     capture_output=True, text=True)
check("nn loads NumPy's file", res.returncode == 0, res.stderr.strip())
_, _, meta, got, _ = read_st(back)
check("names survive (incl. dots and \\u escapes)", sorted(got) == sorted(ref), repr(sorted(got)))
for name in ref:
    arr = got[name][0] if name in got else None
    ok = arr is not None and arr.shape == ref[name].shape and np.array_equal(arr, ref[name])
    check("nn reads %s %s exactly" % (name, list(ref[name].shape)), ok, repr(arr))
print("%d failed" % failed)
sys.exit(1 if failed else 0)
