"""npy_roundtrip.py — NumPy's side of tests/export/npy_roundtrip.sh.

  write DIR   NumPy writes arrays of every dtype nn reads (both byte orders, versions 1.0 to
              3.0, scalars, zero-size and 3-D arrays, random values over each type's whole
              range), .npz archives stored, deflated and in the zip64 layout, and
              DIR/load.nn, which has nn load each one and save it back (.npy → DIR/back/
              NAME.npy, .npz → DIR/back/NAME.npz).
  check DIR   the files nn saved hold each array as arr.astype(float32), exactly, as '<f4'
              C order (np.load with mmap_mode, which needs a well-formed header); the
              archives pass zipfile's CRC check; and DIR/made.npy / made.npz, which nn
              computed itself, equal NumPy's own computation of the same values.
Prints PASS/FAIL lines.
"""
import os
import struct
import sys
import zipfile

import numpy as np

f32 = np.float32
rng = np.random.default_rng(2024)
CODES = ["f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]


def arrays():
    """name → array: random values across each dtype's range, in several shapes"""
    out = {}
    for code in CODES:
        orders = ["|"] if code[1] == "1" else ["<", ">"]
        for o in orders:
            dt = np.dtype("?" if code == "b1" else o + code)
            shape = (7, 5)
            if code == "b1":
                a = rng.integers(0, 2, size=shape).astype(dt)
            elif code[0] == "f":
                a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-30, 30, size=shape)).astype(dt)
            else:
                info = np.iinfo(dt)
                a = rng.integers(info.min, info.max, size=shape, dtype=dt.newbyteorder("="), endpoint=True).astype(dt)
            out[code + {"|": "", "<": "_le", ">": "_be"}[o]] = a
    out["scalar_f8"] = np.array(rng.standard_normal())
    out["zero_i4"] = np.zeros((0, 4), dtype="<i4")
    out["cube_u2"] = rng.integers(0, 65535, size=(3, 4, 5)).astype(">u2")
    out["long_f4"] = rng.standard_normal(50000).astype("<f4")  # 200 KB: many read chunks
    return out


def zip64(path, members):
    """an archive in the zip64 layout: sizes and offsets 0xFFFFFFFF in the central
    directory, the real ones in zip64 extra fields, a zip64 end record and its locator"""
    body, central = b"", b""
    for name, data in members.items():
        crc = zipfile.crc32(data) & 0xFFFFFFFF
        nm = name.encode()
        x64 = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 33, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(nm), len(x64)) + nm + x64
        off = len(body)
        body += local + data
        cx64 = struct.pack("<HHQQQ", 1, 24, len(data), len(data), off)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 33, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(nm), len(cx64), 0, 0, 0, 0,
                               0xFFFFFFFF) + nm + cx64
    cd_off, n = len(body), len(members)
    end64_off = cd_off + len(central)
    end64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central), cd_off)
    locator = struct.pack("<IIQI", 0x07064B50, 0, end64_off, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(path, "wb") as f:
        f.write(body + central + end64 + locator + end)


def npy_bytes(a, version=None):
    import io
    b = io.BytesIO()
    np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


def write(d):
    os.makedirs(f"{d}/in", exist_ok=True)
    os.makedirs(f"{d}/back", exist_ok=True)
    arrs = arrays()
    lines = []
    for i, (name, a) in enumerate(arrs.items()):
        version = [(1, 0), (2, 0), (3, 0)][i % 3]
        with open(f"{d}/in/{name}.npy", "wb") as f:
            f.write(npy_bytes(a, version))
        lines.append(f'save_npy(load_npy("in/{name}.npy"), "back/{name}.npy")')
    small = {k: v for k, v in arrs.items() if k != "long_f4"}
    np.savez(f"{d}/in/stored.npz", **small)
    np.savez_compressed(f"{d}/in/deflated.npz", **arrs)
    zip64(f"{d}/in/zip64.npz", {k + ".npy": npy_bytes(v) for k, v in small.items()})
    with zipfile.ZipFile(f"{d}/in/zip64.npz") as z:  # our hand-made layout is valid zip64
        assert z.testzip() is None and len(z.namelist()) == len(small)
    for name in ["stored", "deflated", "zip64"]:
        lines.append(f'save_npy(load_npy("in/{name}.npz"), "back/{name}.npz")')
    with open(f"{d}/load.nn", "w") as f:
        f.write("\n".join(lines) + "\n")


def same(label, got, want):
    want = np.asarray(want).astype(f32)
    ok = got.dtype == np.dtype("<f4") and got.shape == want.shape and np.array_equal(got, want, equal_nan=True)
    if ok:
        print("PASS", label)
    else:
        print("FAIL", label + ":", "got", got.dtype, got.shape, got.ravel()[:5], "want", want.shape, want.ravel()[:5])


def check(d):
    arrs = arrays()
    for name, a in arrs.items():
        got = np.load(f"{d}/back/{name}.npy", mmap_mode="r")
        same(f"{name}.npy through nn", np.array(got), a)
    for archive in ["stored", "deflated", "zip64"]:
        path = f"{d}/back/{archive}.npz"
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            print("PASS" if bad is None else "FAIL", f"{archive}.npz written by nn: CRC-32 of every member" + ("" if bad is None else f": {bad}"))
        with np.load(path, allow_pickle=False) as z:
            want = arrs if archive == "deflated" else {k: v for k, v in arrs.items() if k != "long_f4"}
            print("PASS" if list(z.keys()) == list(want) else "FAIL", f"{archive}.npz member names in order")
            for k, v in want.items():
                same(f"{archive}.npz {k} through nn", z[k], v)
    # values nn computed itself: made.nn in npy_roundtrip.sh
    x = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7).astype(f32)
    got = np.load(f"{d}/made.npy")
    ok = got.dtype == np.dtype("<f4") and got.shape == x.shape and np.allclose(got, x, rtol=1e-7, atol=0)
    print("PASS" if ok else "FAIL", "made.npy: arange(24) / 7 as nn computed it")
    with np.load(f"{d}/made.npz") as z:
        ok = list(z.keys()) == ["x", "y", "s"] and np.allclose(z["x"], x, rtol=1e-7, atol=0) \
            and np.array_equal(z["y"], np.array([0, 1, 1, 0], f32)) and z["s"].shape == () and z["s"] == f32(0.5)
        print("PASS" if ok else "FAIL", "made.npz: x, y and a scalar s")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
