#!/usr/bin/python3
"""gen_ref.py — generates tests/ref/values.nn, the reference-value tests of nn's builtins.

Every expected value is computed independently with PyTorch (float32 tensors, the same
dtype nn uses) or, for ops on plain numbers (nn numbers are doubles) and for pure data
movement (indexing with negative steps, which torch lacks), with Python/NumPy float64.
The inputs are deterministic (np.random.default_rng(0), rounded to 2 decimals) and are
written literally into the .nn file, so nn and torch see the same float32 values.

Output: an nn program that defines `check(label, got, want, tol = 1e-5)` and then has one
`check(...)` line per case; running it prints "PASS label" or "FAIL label got … want …".

Run (from the repository root; the script writes the file itself and prints a summary):
    /usr/bin/python3 tests/ref/gen_ref.py            # writes tests/ref/values.nn
    /usr/bin/python3 tests/ref/gen_ref.py -o FILE    # writes FILE instead ("-" = stdout)
It must be Debian's /usr/bin/python3 (python3-torch, python3-numpy), not a pyenv python.
Then cross-check the generated file with an independent NumPy evaluation (no torch, no nn):
    /usr/bin/python3 tests/ref/verify_ref.py            # "N agree, 0 disagree"

Every case is one line and self-contained given the header (concat/stack cases bind their
pieces with `let a = …; let b = …;` on the same line), so a runner may also execute the
header plus one line at a time, letting one runtime error not hide the remaining checks.
Labels ending in "(torch)" pin down a value only torch's convention fixes (nan propagation
in relu/leaky_relu/softmax, argmax treating nan as the maximum).
Generated with torch 1.13.0a0 and numpy 1.24.2 (Debian bookworm packages).
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
inf, nan = math.inf, math.nan
f32 = np.float32

# ---------------------------------------------------------------------------------------
# formatting


def _clean_exp(s):
    # "1e+30" -> "1e30", "2.5e-07" -> "2.5e-7"
    if "e" in s:
        m, e = s.split("e")
        sign = "-" if e.startswith("-") else ""
        e = e.lstrip("+-").lstrip("0") or "0"
        s = m + "e" + sign + e
    return s


def fmt32(v):
    """shortest decimal that rounds back to the same float32 (at most 9 significant digits)"""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    x = f32(v)
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e9:
        s = np.format_float_positional(x, unique=True, trim="-")
    else:
        s = np.format_float_scientific(x, unique=True, trim="-")
    assert f32(float(s)) == x and len(s.lstrip("-").replace(".", "").split("e")[0].strip("0")) <= 9, (v, s)
    return _clean_exp(s)


def fmt64(v):
    """repr-exact double"""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    s = repr(v)
    if s.endswith(".0"):
        s = s[:-2]
    return _clean_exp(s)


def lit(x):
    """nn literal of a tensor (float32) or a number (double)"""
    if isinstance(x, torch.Tensor):
        x = x.detach().to(torch.float64).numpy()
        x = x.astype(np.float32)
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return fmt32(x)
        if x.dtype != np.float32:
            x = x.astype(np.float32)

        def rec(a):
            if a.ndim == 1:
                return "[" + ", ".join(fmt32(v) for v in a) + "]"
            return "[" + ", ".join(rec(b) for b in a) + "]"
        return rec(x)
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, (int, float, np.floating, np.integer)):
        return fmt64(x)
    if isinstance(x, (list, tuple)):
        return lit(np.array(x, dtype=np.float64).astype(np.float32))
    raise TypeError(type(x))


def T(x):
    """float32 torch tensor of a (nested) list / array, rounded exactly as the nn literal is"""
    return torch.tensor(np.asarray(x, dtype=np.float64).astype(np.float32))


def num(x):
    """literal of a number (double) input"""
    return fmt64(x)


# ---------------------------------------------------------------------------------------
# cases

LINES = []
LABELS = set()
COUNT = 0


def section(title):
    LINES.append("")
    LINES.append("# --- " + title + " ---")


def comment(text):
    LINES.append("# " + text)


def C(label, expr, want, tol=None, why=None):
    """one check line; want is a torch tensor / numpy array / python number"""
    global COUNT
    assert label not in LABELS, "duplicate label: " + label
    assert '"' not in label and "\\" not in label, label
    LABELS.add(label)
    if isinstance(want, torch.Tensor) and want.dtype in (torch.int64, torch.int32, torch.bool):
        want = want.to(torch.float32)
    w = lit(want)
    line = 'check("%s", %s, %s' % (label, expr, w)
    if tol is not None:
        line += ", tol = " + _clean_exp("%g" % tol)
    line += ")"
    if why:
        line += "  # " + why
    LINES.append(line)
    COUNT += 1


rng = np.random.default_rng(0)


def R(*shape, scale=1.0, lo=None, hi=None):
    if lo is not None:
        a = rng.uniform(lo, hi, size=shape)
    else:
        a = rng.normal(size=shape) * scale
    return np.round(a, 2).astype(np.float32)


A1 = R(5)                     # [5]
A1x100 = np.round(A1.astype(np.float64) * 100, 2)  # the same, scaled (exact decimals)
A2 = R(3, 4)                  # [3, 4]
B2 = R(3, 4)                  # [3, 4]
A3 = R(2, 3, 4)               # [2, 3, 4]
P2 = R(4, 5, lo=0.1, hi=3.0)  # positive [4, 5]
M45 = R(4, 5)
M53 = R(5, 3)
V5 = R(5)
V4 = R(4)
B345 = R(3, 4, 5)
B352 = R(3, 5, 2)
EXT = [-1000, -1, 0, 1, 1000]
HUGE = [1e30, -1e30, 1e-30, -1e-30]
NONFIN = [inf, -inf, nan]

# ---------------------------------------------------------------------------------------
section("arithmetic: + - * / ^ % with broadcasting")
a, b = [1, 2, 3], [4, 5, 6]
C("add 1-D", f"{lit(a)} + {lit(b)}", T(a) + T(b))
C("sub 1-D", f"{lit(a)} - {lit(b)}", T(a) - T(b))
C("mul 1-D", f"{lit(a)} * {lit(b)}", T(a) * T(b))
C("div 1-D", f"{lit(a)} / {lit(b)}", T(a) / T(b))
C("pow op 1-D", f"{lit(a)} ^ {lit(b)}", T(a) ** T(b))
C("mod op 1-D", f"{lit(b)} % {lit(a)}", torch.remainder(T(b), T(a)))
C("add 2-D random", f"{lit(A2)} + {lit(B2)}", T(A2) + T(B2))
C("sub 2-D random", f"{lit(A2)} - {lit(B2)}", T(A2) - T(B2))
C("mul 2-D random", f"{lit(A2)} * {lit(B2)}", T(A2) * T(B2))
C("div 2-D random", f"{lit(A2)} / {lit(P2[:3, :4])}", T(A2) / T(P2[:3, :4]))
C("broadcast [3,4] + [4]", f"{lit(A2)} + {lit(V4)}", T(A2) + T(V4))
C("broadcast [3,1] * [1,4]", f"{lit(A2[:, :1])} * {lit(V4[None, :])}", T(A2[:, :1]) * T(V4[None, :]))
C("broadcast [3] - [2,1]", "[1, 2, 3] - [[10], [20]]", T([1, 2, 3]) - T([[10], [20]]))
C("broadcast [2,3,4] + [3,1]", f"{lit(A3)} + [[1], [2], [3]]", T(A3) + T([[1], [2], [3]]))
C("broadcast [2,3,4] * [4]", f"{lit(A3)} * {lit(V4)}", T(A3) * T(V4))
C("broadcast [2,1,4] - [3,1]", f"{lit(A3[:, :1, :])} - [[1], [2], [3]]", T(A3[:, :1, :]) - T([[1], [2], [3]]))
C("number + tensor", "2 + [1, 2, 3]", 2 + T([1, 2, 3]))
C("tensor - number", "[1, 2, 3] - 1", T([1, 2, 3]) - 1)
C("number * tensor 2-D", f"0.5 * {lit(A2)}", 0.5 * T(A2))
C("number / tensor", "1 / [1, 2, 4, 8]", 1 / T([1, 2, 4, 8]))
C("number ^ tensor", "2 ^ [0, 1, 2, 3, -1]", torch.pow(2, T([0, 1, 2, 3, -1])))
C("tensor ^ number", f"{lit(P2[0])} ^ 2", T(P2[0]) ** 2)
C("tensor ^ 0.5", "[4, 9, 2] ^ 0.5", T([4, 9, 2]) ** 0.5)
C("number % tensor", "10 % [3, 4, -3]", torch.remainder(torch.full((3,), 10.0), T([3, 4, -3])))
C("mod signs follow divisor", "[-7, 7, -7, 7] % [3, 3, -3, -3]",
  torch.remainder(T([-7, 7, -7, 7]), T([3, 3, -3, -3])))
C("mod fractional", "[5.5, -5.5, 0.75] % [2, 2, 0.5]", torch.remainder(T([5.5, -5.5, 0.75]), T([2, 2, 0.5])))
C("mod by zero tensor is nan", "[1, -1] % [0, 0]", torch.remainder(T([1, -1]), T([0, 0])))
C("div by zero tensor", "[1, -1, 0] / [0, 0, 0]", T([1, -1, 0]) / T([0, 0, 0]))
C("tensor / number zero", "[1, -1, 0] / 0", T([1, -1, 0]) / 0)
C("mul overflow 1e30*1e30", "[1e30, -1e30] * [1e30, 1e30]", T([1e30, -1e30]) * T([1e30, 1e30]))
C("mul underflow 1e-30*1e-30", "[1e-30] * [1e-30]", T([1e-30]) * T([1e-30]))
C("add 1e30 tensors", "[1e30, -1e30] + [1e30, 1e30]", T([1e30, -1e30]) + T([1e30, 1e30]))
C("mul 1000*1000", "[1000, -1000] * [1000, 1000]", T([1000, -1000]) * T([1000, 1000]))
C("inf - inf is nan", "[inf, inf, -inf] - [inf, 1, -inf]", T([inf, inf, -inf]) - T([inf, 1, -inf]))
C("inf + inf", "[inf, -inf] + [inf, -inf]", T([inf, -inf]) + T([inf, -inf]))
C("0 * inf is nan", "[0, 2, -2] * [inf, inf, inf]", T([0, 2, -2]) * T([inf, inf, inf]))
C("nan propagates in +", "[nan, 1] + [1, nan]", T([nan, 1]) + T([1, nan]))
C("div tiny 1e-30", "[1] / [1e-30]", T([1]) / T([1e-30]))
C("pow op zero base", "[0, 0, 0] ^ [0, 1, -1]", torch.pow(T([0, 0, 0]), T([0, 1, -1])))
C("pow op negative base integer exponent", "[-2, -2, -8] ^ [2, 3, 0.5]", torch.pow(T([-2, -2, -8]), T([2, 3, 0.5])))
C("pow op overflow", "[1000, 10] ^ [1000, 40]", torch.pow(T([1000, 10]), T([1000, 40])))
C("pow op 2-D broadcast", f"{lit(P2[:2, :3])} ^ [1, 2, 0.5]", torch.pow(T(P2[:2, :3]), T([1, 2, 0.5])))
C("unary minus tensor", f"-{lit(A1)}", -T(A1))
C("parenthesised 2-D", f"({lit(A2)} + 1) * 2 - {lit(B2)} / 4", (T(A2) + 1) * 2 - T(B2) / 4)

section("arithmetic on numbers (doubles; result is a number)")
C("number add mul precedence", "1 + 2 * 3", 7.0)
C("number div", "(2 + 3) / 4", 1.25)
C("number 0.1 + 0.2 double", "0.1 + 0.2", 0.1 + 0.2)
C("number pow 2^10", "2 ^ 10", 1024.0)
C("number pow 2^0.5", "2 ^ 0.5", 2 ** 0.5)
C("number pow (-2)^3", "(-2) ^ 3", -8.0)
C("number mod (-7) % 3", "(-7) % 3", (-7) % 3)
C("number mod 7 % (-3)", "7 % (-3)", 7 % (-3))
C("number mod 7.5 % 2", "7.5 % 2", 7.5 % 2)
C("number mod (-7.5) % 2", "(-7.5) % 2", (-7.5) % 2)
C("number 1e30 * 1e30 stays finite (double)", "1e30 * 1e30", 1e30 * 1e30)
C("number 1e200 * 1e200 overflows to inf", "1e200 * 1e200", inf)
C("number unary minus", "-(3 - 5)", 2.0)

section("matmul @ (NumPy semantics)")
C("matmul 1-D dot 1-D is scalar", f"{lit(V5)} @ {lit(A1)}", T(V5) @ T(A1))
C("matmul dot small", "[1, 2, 3] @ [4, 5, 6]", T([1, 2, 3]) @ T([4, 5, 6]))
C("matmul [5] @ [5,3]", f"{lit(V5)} @ {lit(M53)}", T(V5) @ T(M53))
C("matmul [4,5] @ [5]", f"{lit(M45)} @ {lit(V5)}", T(M45) @ T(V5))
C("matmul [4,5] @ [5,3]", f"{lit(M45)} @ {lit(M53)}", T(M45) @ T(M53))
C("matmul [2,2] @ [2,2] ints", "[[1, 2], [3, 4]] @ [[5, 6], [7, 8]]", T([[1, 2], [3, 4]]) @ T([[5, 6], [7, 8]]))
C("matmul [1,3] @ [3,1]", "[[1, 2, 3]] @ [[1], [2], [3]]", T([[1, 2, 3]]) @ T([[1], [2], [3]]))
C("matmul [3] @ [3,1] gives [1]", "[1, 2, 3] @ [[1], [2], [3]]", T([1, 2, 3]) @ T([[1], [2], [3]]))
C("matmul [3,1] @ [1,3] outer", "[[1], [2], [3]] @ [[1, 2, 3]]", T([[1], [2], [3]]) @ T([[1, 2, 3]]))
C("matmul batched [3,4,5] @ [5,2]", f"{lit(B345)} @ {lit(B352[0])}", T(B345) @ T(B352[0]))
C("matmul batched [3,4,5] @ [3,5,2]", f"{lit(B345)} @ {lit(B352)}", T(B345) @ T(B352))
C("matmul with identity", f"{lit(M45)} @ eye(5)", T(M45))
C("matmul 1e30 scale", "[[1e30, 0], [0, 1e-30]] @ [1, 1]", T([[1e30, 0], [0, 1e-30]]) @ T([1, 1]))

section("comparisons give 1/0 floats")
x = [1, 2, 3, 4]
for op, fn in [("<", torch.lt), ("<=", torch.le), (">", torch.gt), (">=", torch.ge),
               ("==", torch.eq), ("!=", torch.ne)]:
    C(f"compare {op} tensor number", f"{lit(x)} {op} 2", fn(T(x), 2))
    C(f"compare {op} tensor tensor", f"{lit(x)} {op} [4, 2, 1, 4]", fn(T(x), T([4, 2, 1, 4])))
    C(f"compare {op} broadcast 2-D", f"{lit(A2)} {op} {lit(V4)}", fn(T(A2), T(V4)))
    C(f"compare {op} with nan inf", f"[nan, inf, -inf, 1] {op} [nan, inf, 0, nan]",
      fn(T([nan, inf, -inf, 1]), T([nan, inf, 0, nan])))
C("compare number < tensor", "2 < [1, 2, 3]", 2 < T([1, 2, 3]))
C("compare -0 == 0", "[-0.0] == [0]", T([-0.0]) == T([0]))
C("compare 1e30 < inf", "[1e30, -1e30] < [inf, -inf]", T([1e30, -1e30]) < T([inf, -inf]))
C("comparison result usable in arithmetic", f"sum({lit(A2)} > 0)", (T(A2) > 0).float().sum())

section("creation")
C("zeros(2, 3)", "zeros(2, 3)", torch.zeros(2, 3))
C("zeros(4)", "zeros(4)", torch.zeros(4))
C("ones(3)", "ones(3)", torch.ones(3))
C("ones(2, 3, 2)", "ones(2, 3, 2)", torch.ones(2, 3, 2))
C("full([2, 2], 7)", "full([2, 2], 7)", torch.full((2, 2), 7.0))
C("full([3], -1.5)", "full([3], -1.5)", torch.full((3,), -1.5))
C("full([2, 1, 3], 0.25)", "full([2, 1, 3], 0.25)", torch.full((2, 1, 3), 0.25))
C("arange(5)", "arange(5)", torch.arange(5, dtype=torch.float32))
C("arange(1, 2, 0.25)", "arange(1, 2, 0.25)", torch.arange(1, 2, 0.25, dtype=torch.float32))
C("arange(2, 10, 3)", "arange(2, 10, 3)", torch.arange(2, 10, 3, dtype=torch.float32))
C("arange(-3, 3)", "arange(-3, 3)", torch.arange(-3, 3, dtype=torch.float32))
C("arange(5, 0, -2) negative step", "arange(5, 0, -2)", torch.arange(5, 0, -2, dtype=torch.float32))
C("linspace(0, 1, 5)", "linspace(0, 1, 5)", torch.linspace(0, 1, 5))
C("linspace(-1, 1, 3)", "linspace(-1, 1, 3)", torch.linspace(-1, 1, 3))
C("linspace(0, 10, 11)", "linspace(0, 10, 11)", torch.linspace(0, 10, 11))
C("linspace(2, 1, 5) decreasing", "linspace(2, 1, 5)", torch.linspace(2, 1, 5))
C("eye(3)", "eye(3)", torch.eye(3))
C("eye(1)", "eye(1)", torch.eye(1))
C("eye(4)", "eye(4)", torch.eye(4))

section("shapes: reshape transpose .T flatten concat stack")
S6 = [1, 2, 3, 4, 5, 6]
C("reshape(x, 3, 2)", f"reshape({lit(S6)}, 3, 2)", T(S6).reshape(3, 2))
C("reshape(x, [3, -1])", f"reshape({lit(S6)}, [3, -1])", T(S6).reshape(3, -1))
C("reshape(x, [-1, 3])", f"reshape({lit(S6)}, [-1, 3])", T(S6).reshape(-1, 3))
C("reshape(x, 2, 3)", f"reshape({lit(S6)}, 2, 3)", T(S6).reshape(2, 3))
C("reshape 2-D to 1-D [-1]", "reshape([[1, 2], [3, 4]], [-1])", T([[1, 2], [3, 4]]).reshape(-1))
C("reshape 2-D to 1-D 4", "reshape([[1, 2], [3, 4]], 4)", T([[1, 2], [3, 4]]).reshape(4))
C("reshape to [1, 6]", f"reshape({lit(S6)}, 1, 6)", T(S6).reshape(1, 6))
C("reshape 3-D to 4x6", f"reshape({lit(A3)}, 4, 6)", T(A3).reshape(4, 6))
C("reshape 3-D to [2, -1, 2]", f"reshape({lit(A3)}, [2, -1, 2])", T(A3).reshape(2, -1, 2))
C("reshape arange(24) to 2x3x4", "reshape(arange(24), 2, 3, 4)", torch.arange(24.0).reshape(2, 3, 4))
C("transpose 2-D", f"transpose({lit(A2)})", T(A2).T)
C("transpose 3-D reverses all axes", f"transpose({lit(A3)})", T(A3).permute(2, 1, 0))
C("transpose 1-D unchanged", "transpose([1, 2, 3])", T([1, 2, 3]))
C(".T 2-D", f"{lit(A2)}.T", T(A2).T)
C(".T 3-D reverses all axes", f"{lit(A3)}.T", T(A3).permute(2, 1, 0))
C(".T [1,3] to [3,1]", "[[1, 2, 3]].T", T([[1], [2], [3]]))
C(".T .T roundtrip", f"{lit(A2)}.T.T", T(A2))
C("flatten 2-D", f"flatten({lit(A2)})", T(A2).flatten())
C("flatten 3-D", f"flatten({lit(A3)})", T(A3).flatten())
C("flatten 1-D", "flatten([1, 2, 3])", T([1, 2, 3]))
comment("concat/stack take a list of tensors: the pieces are bound with let first (on the same line),")
comment("as in the contract's concat([a, b], axis = 0), so no ragged bracket literal is needed")
_seq = [0]


def CL(label, fname, pieces, axis, want):
    """concat/stack check: let-bind the pieces on the same line, then call fname([a, b, ...], axis)"""
    _seq[0] += 1
    names = ["%s%d_%s" % (fname[:3], _seq[0], chr(ord("a") + i)) for i in range(len(pieces))]
    lets = "; ".join("let %s = %s" % (n, lit(p)) for n, p in zip(names, pieces))
    C(label, "%s([%s], axis = %d)" % (fname, ", ".join(names), axis), want)
    LINES[-1] = lets + "; " + LINES[-1]


cat_cases = [
    ("concat 1-D axis 0", [[1, 2], [3, 4, 5]], 0),
    ("concat 2-D axis 0", [A2, B2[:2]], 0),
    ("concat 2-D axis 1", [A2, B2[:, :2]], 1),
    ("concat 2-D axis -1", [[[1], [2]], [[3, 4], [5, 6]]], -1),
    ("concat three tensors", [[1], [2, 3], [4, 5, 6]], 0),
    ("concat 3-D axis 1", [A3, A3[:, :1]], 1),
    ("concat 3-D axis -1", [A3, A3[:, :, :2]], -1),
    ("concat same shapes axis 0", [[1, 2, 3], [4, 5, 6]], 0),
]
for label, pieces, ax in cat_cases:
    CL(label, "concat", pieces, ax, torch.cat([T(p) for p in pieces], ax))
stack_cases = [
    ("stack 1-D axis 0", [[1, 2, 3], [4, 5, 6]], 0),
    ("stack 1-D axis 1", [[1, 2, 3], [4, 5, 6]], 1),
    ("stack 1-D axis -1", [[1, 2, 3], [4, 5, 6]], -1),
    ("stack 2-D axis 0", [A2, B2], 0),
    ("stack 2-D axis 1", [A2, B2], 1),
    ("stack 2-D axis 2", [A2, B2], 2),
    ("stack 2-D axis -1", [A2, B2], -1),
    ("stack three 1-D axis 0", [[1, 2], [3, 4], [5, 6]], 0),
]
for label, pieces, ax in stack_cases:
    CL(label, "stack", pieces, ax, torch.stack([T(p) for p in pieces], ax))

section("indexing and slicing (NumPy semantics)")
X1 = np.array([10, 11, 12, 13, 14, 15], dtype=np.float32)
X2 = np.arange(12, dtype=np.float32).reshape(3, 4) + 0.5
X3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
l1, l2, l3 = lit(X1), lit(X2), lit(X3)
C("index 1-D x[1] is scalar", f"{l1}[1]", X1[1])
C("index 1-D x[-1]", f"{l1}[-1]", X1[-1])
C("slice 1-D x[1:3]", f"{l1}[1:3]", X1[1:3])
C("slice 1-D x[::2]", f"{l1}[::2]", X1[::2])
C("slice 1-D x[::-1]", f"{l1}[::-1]", X1[::-1].copy())
C("slice 1-D x[-2:]", f"{l1}[-2:]", X1[-2:])
C("slice 1-D x[:-1]", f"{l1}[:-1]", X1[:-1])
C("slice 1-D x[1:]", f"{l1}[1:]", X1[1:])
C("slice 1-D x[:3]", f"{l1}[:3]", X1[:3])
C("slice 1-D x[1:5:2]", f"{l1}[1:5:2]", X1[1:5:2])
C("slice 1-D x[4:1:-1]", f"{l1}[4:1:-1]", X1[4:1:-1].copy())
C("slice 1-D out of range x[3:100]", f"{l1}[3:100]", X1[3:100])
C("index 2-D x[1] row", f"{l2}[1]", X2[1])
C("index 2-D x[-1] last row", f"{l2}[-1]", X2[-1])
C("slice 2-D x[1:3]", f"{l2}[1:3]", X2[1:3])
C("index 2-D x[:, 0] column", f"{l2}[:, 0]", X2[:, 0])
C("index 2-D x[:, -1] last column", f"{l2}[:, -1]", X2[:, -1])
C("slice 2-D x[::2]", f"{l2}[::2]", X2[::2])
C("slice 2-D x[::-1]", f"{l2}[::-1]", X2[::-1].copy())
C("index 2-D x[0, 1:]", f"{l2}[0, 1:]", X2[0, 1:])
C("index 2-D x[1, 2] scalar", f"{l2}[1, 2]", X2[1, 2])
C("index 2-D x[-1, -1] scalar", f"{l2}[-1, -1]", X2[-1, -1])
C("slice 2-D x[:, 1:3]", f"{l2}[:, 1:3]", X2[:, 1:3])
C("slice 2-D x[:, ::-1]", f"{l2}[:, ::-1]", X2[:, ::-1].copy())
C("slice 2-D x[1:, ::2]", f"{l2}[1:, ::2]", X2[1:, ::2])
C("index 2-D x[::-1, 0]", f"{l2}[::-1, 0]", X2[::-1, 0].copy())
C("index 3-D x[1]", f"{l3}[1]", X3[1])
C("index 3-D x[0, 1]", f"{l3}[0, 1]", X3[0, 1])
C("index 3-D x[:, 1]", f"{l3}[:, 1]", X3[:, 1])
C("index 3-D x[0, :, 2]", f"{l3}[0, :, 2]", X3[0, :, 2])
C("index 3-D x[1, 2, 3] scalar", f"{l3}[1, 2, 3]", X3[1, 2, 3])
C("index 3-D x[-1, -1]", f"{l3}[-1, -1]", X3[-1, -1])
C("slice 3-D x[:, :, ::2]", f"{l3}[:, :, ::2]", X3[:, :, ::2])
C("slice 3-D x[:, 1:, -1]", f"{l3}[:, 1:, -1]", X3[:, 1:, -1])
C("index result of call", "reshape(arange(12), 3, 4)[2]", np.arange(12, dtype=np.float32).reshape(3, 4)[2])

section("elementwise math: exp log sqrt abs sin cos")
UN = {
    "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs,
    "sin": torch.sin, "cos": torch.cos,
}
UN64 = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "abs": abs, "sin": math.sin, "cos": math.cos}
for name, fn in UN.items():
    pos = name in ("log", "sqrt")
    small = [0.5, 1, 2, 3] if pos else [-2, -0.5, 0, 0.5, 2]
    C(f"{name} 1-D", f"{name}({lit(small)})", fn(T(small)))
    src2 = P2 if pos else M45
    C(f"{name} 2-D random", f"{name}({lit(src2)})", fn(T(src2)))
    src3 = np.abs(A3) + 0.01 if pos else A3
    C(f"{name} 3-D random", f"{name}({lit(src3)})", fn(T(src3)))
    C(f"{name} at 0 +-1 +-1000", f"{name}({lit(EXT)})", fn(T(EXT)))
    C(f"{name} at +-1e30 +-1e-30", f"{name}({lit(HUGE)})", fn(T(HUGE)))
    C(f"{name} at inf -inf nan", f"{name}([inf, -inf, nan])", fn(T(NONFIN)))
    xv = {"exp": 1.0, "log": 2.0, "sqrt": 2.0, "abs": -3.5, "sin": 1.0, "cos": 1.0}[name]
    C(f"{name} of number", f"{name}({num(xv)})", UN64[name](xv))
C("log(0) = -inf", "log([0])", torch.log(T([0])))
C("log(-1) = nan", "log([-1])", torch.log(T([-1])))
C("sqrt(-1) = nan", "sqrt([-1])", torch.sqrt(T([-1])))
C("exp(88) near float32 max", "exp([88, 89, -88, -104])", torch.exp(T([88, 89, -88, -104])))
C("exp overflows float32 at 100 in a tensor", "exp([100])", torch.exp(T([100])))
C("exp(100) of a number is a finite double", "exp(100)", math.exp(100))
C("exp(1000) of a number is inf", "exp(1000)", inf)
C("log(0) of a number is -inf", "log(0)", -inf)
C("log(-1) of a number is nan", "log(-1)", nan)
C("sqrt(-1) of a number is nan", "sqrt(-1)", nan)
C("log(1e-300) of a number (double)", "log(1e-300)", math.log(1e-300))
C("log exp roundtrip", f"log(exp({lit(A1)}))", torch.log(torch.exp(T(A1))))

section("pow(a, b), max(a, b), min(a, b), clip")
C("pow tensor number", f"pow({lit(P2[1])}, 3)", torch.pow(T(P2[1]), 3))
C("pow number tensor", "pow(2, [1, 2, 3, 0.5])", torch.pow(2, T([1, 2, 3, 0.5])))
C("pow tensor tensor 2-D", f"pow({lit(P2[:2])}, {lit(M45[:2])})", torch.pow(T(P2[:2]), T(M45[:2])))
C("pow numbers", "pow(2, 10)", 1024.0)
C("pow numbers fractional", "pow(9, 0.5)", 3.0)
C("pow equals ^ 2-D", f"pow({lit(P2)}, 2) - {lit(P2)} ^ 2", torch.zeros(4, 5))
C("pow negative base fractional exponent nan", "pow([-8, -1], [0.5, 1.5])", torch.pow(T([-8, -1]), T([0.5, 1.5])))
C("pow 0^0 = 1 and 0^-1 = inf", "pow([0, 0], [0, -1])", torch.pow(T([0, 0]), T([0, -1])))
C("pow nan^0 = 1 and 1^nan = 1 (torch/C)", "pow([nan, 1], [0, nan])", torch.pow(T([nan, 1]), T([0, nan])))
C("pow inf exponents", "pow([2, 0.5, 2], [inf, inf, -inf])", torch.pow(T([2, 0.5, 2]), T([inf, inf, -inf])))
C("pow 1e30 squared overflows", "pow([1e30, 1e-30], 2)", torch.pow(T([1e30, 1e-30]), 2))
C("max(a, b) elementwise", f"max({lit(A2)}, {lit(B2)})", torch.maximum(T(A2), T(B2)))
C("min(a, b) elementwise", f"min({lit(A2)}, {lit(B2)})", torch.minimum(T(A2), T(B2)))
C("max(a, b) broadcast row", f"max({lit(A2)}, {lit(V4)})", torch.maximum(T(A2), T(V4)))
C("min(a, b) broadcast column", f"min({lit(A2)}, [[0], [0.5], [-0.5]])", torch.minimum(T(A2), T([[0], [0.5], [-0.5]])))
C("max(x, 0) with number is relu", f"max({lit(A1)}, 0)", torch.clamp_min(T(A1), 0))
C("min(x, 0) with number", f"min({lit(A1)}, 0)", torch.clamp_max(T(A1), 0))
C("max(a, b) propagates nan", "max([1, nan, nan, 3], [nan, 2, nan, 1])", torch.maximum(T([1, nan, nan, 3]), T([nan, 2, nan, 1])))
C("min(a, b) propagates nan", "min([1, nan, nan, 3], [nan, 2, nan, 1])", torch.minimum(T([1, nan, nan, 3]), T([nan, 2, nan, 1])))
C("max(a, b) infinities", "max([inf, -inf, -inf], [1, 1e30, -inf])", torch.maximum(T([inf, -inf, -inf]), T([1, 1e30, -inf])))
C("min(a, b) infinities", "min([inf, -inf, inf], [1, 1e30, inf])", torch.minimum(T([inf, -inf, inf]), T([1, 1e30, inf])))
C("max of two numbers", "max(3, 5)", 5.0)
C("min of two numbers", "min(3, -5)", -5.0)
C("max(a, b) 3-D", f"max({lit(A3)}, {lit(A3[:1, :1, :])})", torch.maximum(T(A3), T(A3[:1, :1, :])))
C("clip 1-D", "clip([-2, 0.5, 3], 0, 1)", torch.clamp(T([-2, 0.5, 3]), 0, 1))
C("clip 2-D random", f"clip({lit(M45)}, -0.5, 0.5)", torch.clamp(T(M45), -0.5, 0.5))
C("clip 3-D", f"clip({lit(A3)}, -1, 1)", torch.clamp(T(A3), -1, 1))
C("clip extremes", "clip([1e30, -1e30, inf, -inf, 1000], -5, 5)", torch.clamp(T([1e30, -1e30, inf, -inf, 1000]), -5, 5))
C("clip nan stays nan", "clip([nan, 2], 0, 1)", torch.clamp(T([nan, 2]), 0, 1))
C("clip number", "clip(5, 0, 1)", 1.0)
C("clip number below", "clip(-5, 0, 1)", 0.0)

section("reductions: sum mean max min prod norm argmax argmin")
RED = {
    "sum": lambda x, d=None, k=False: x.sum() if d is None else x.sum(d, keepdim=k),
    "mean": lambda x, d=None, k=False: x.mean() if d is None else x.mean(d, keepdim=k),
    "max": lambda x, d=None, k=False: x.amax() if d is None else x.amax(d, keepdim=k),
    "min": lambda x, d=None, k=False: x.amin() if d is None else x.amin(d, keepdim=k),
    "prod": lambda x, d=None, k=False: x.prod() if d is None else x.prod(d, keepdim=k),
    "norm": lambda x, d=None, k=False: (torch.linalg.vector_norm(x) if d is None
                                        else torch.linalg.vector_norm(x, dim=d, keepdim=k)),
    "argmax": lambda x, d=None, k=False: (x.argmax() if d is None else x.argmax(d, keepdim=k)).float(),
    "argmin": lambda x, d=None, k=False: (x.argmin() if d is None else x.argmin(d, keepdim=k)).float(),
}
R2 = lit(A2)
R3 = lit(A3)
for name, fn in RED.items():
    C(f"{name} 1-D", f"{name}({lit(A1)})", fn(T(A1)))
    C(f"{name} 1-D axis 0", f"{name}({lit(A1)}, axis = 0)", fn(T(A1), 0))
    C(f"{name} 2-D all", f"{name}({R2})", fn(T(A2)))
    C(f"{name} 2-D axis 0", f"{name}({R2}, axis = 0)", fn(T(A2), 0))
    C(f"{name} 2-D axis 1", f"{name}({R2}, axis = 1)", fn(T(A2), 1))
    C(f"{name} 2-D axis -1", f"{name}({R2}, axis = -1)", fn(T(A2), -1))
    C(f"{name} 2-D axis -2", f"{name}({R2}, axis = -2)", fn(T(A2), -2))
    C(f"{name} 2-D axis 1 keepdim", f"{name}({R2}, axis = 1, keepdim = true)", fn(T(A2), 1, True))
    C(f"{name} 2-D axis 0 keepdim", f"{name}({R2}, axis = 0, keepdim = true)", fn(T(A2), 0, True))
    C(f"{name} 3-D all", f"{name}({R3})", fn(T(A3)))
    C(f"{name} 3-D axis 0", f"{name}({R3}, axis = 0)", fn(T(A3), 0))
    C(f"{name} 3-D axis 1", f"{name}({R3}, axis = 1)", fn(T(A3), 1))
    C(f"{name} 3-D axis -1 keepdim", f"{name}({R3}, axis = -1, keepdim = true)", fn(T(A3), -1, True))
# extremes
C("sum with 1e30 values", "sum([1e30, 1e30, -1e30])", T([1e30, 1e30, -1e30]).sum())
C("sum inf and finite", "sum([inf, 1, 2])", T([inf, 1, 2]).sum())
C("sum inf and -inf is nan", "sum([inf, -inf])", T([inf, -inf]).sum())
C("sum nan propagates", "sum([1, nan])", T([1, nan]).sum())
C("sum of 1000s", "sum([1000, 1000, -1000, 1e-30])", T([1000, 1000, -1000, 1e-30]).sum())
C("mean of 1e30 values", "mean([1e30, 1e30])", T([1e30, 1e30]).mean())
C("mean with inf", "mean([inf, 0])", T([inf, 0]).mean())
C("mean 2-D axis 0 ints", "mean([[1, 2], [3, 5]], axis = 0)", T([[1, 2], [3, 5]]).mean(0))
C("max propagates nan", "max([1, nan, 3])", T([1, nan, 3]).amax())
C("min propagates nan", "min([1, nan, 3])", T([1, nan, 3]).amin())
C("max with infinities", "max([-inf, 1e30, -1000])", T([-inf, 1e30, -1000]).amax())
C("max of all -inf", "max([-inf, -inf])", T([-inf, -inf]).amax())
C("min with infinities", "min([inf, -1e30, 1000])", T([inf, -1e30, 1000]).amin())
C("max axis with nan row", "max([[1, nan], [3, 2]], axis = 1)", T([[1, nan], [3, 2]]).amax(1))
C("prod overflow to inf", "prod([1e20, 1e20])", T([1e20, 1e20]).prod())
C("prod underflow to 0", "prod([1e-30, 1e-30])", T([1e-30, 1e-30]).prod())
C("prod 0 * inf is nan", "prod([0, inf])", T([0, inf]).prod())
C("prod with zero", "prod([3, 0, -2])", T([3, 0, -2]).prod())
C("prod negatives", "prod([-1, -2, -3, 0.5])", T([-1, -2, -3, 0.5]).prod())
C("norm 3-4-5", "norm([3, 4])", torch.linalg.vector_norm(T([3, 4])))
C("norm zeros", "norm([0, 0, 0])", torch.linalg.vector_norm(T([0, 0, 0])))
C("norm with inf", "norm([inf, 1])", torch.linalg.vector_norm(T([inf, 1])))
C("norm with -inf", "norm([-inf, 1])", torch.linalg.vector_norm(T([-inf, 1])))
C("norm 1000s", "norm([300, -400, 1200])", torch.linalg.vector_norm(T([300, -400, 1200])))
C("norm 1e15", "norm([1e15, 1e15])", torch.linalg.vector_norm(T([1e15, 1e15])))
C("norm 2-D all is Frobenius", "norm([[1, 2], [3, 4]])", torch.linalg.vector_norm(T([[1, 2], [3, 4]])))
C("argmax ties give first", "argmax([3, 1, 3, 2])", T([3, 1, 3, 2]).argmax())
C("argmin ties give first", "argmin([1, 3, 1, 2])", T([1, 3, 1, 2]).argmin())
C("argmax with infinities", "argmax([-inf, 1e30, inf, 0])", T([-inf, 1e30, inf, 0]).argmax())
C("argmin with infinities", "argmin([inf, -1e30, -inf, 0])", T([inf, -1e30, -inf, 0]).argmin())
C("argmax all -inf gives 0", "argmax([-inf, -inf, -inf])", T([-inf, -inf, -inf]).argmax())
C("argmax treats nan as maximum (torch)", "argmax([1, nan, 3])", T([1, nan, 3]).argmax())
C("argmax 2-D flat index", "argmax([[1, 9, 2], [8, 3, 4]])", T([[1, 9, 2], [8, 3, 4]]).argmax())
C("argmin 2-D flat index", "argmin([[1, 9, 2], [8, 0, 4]])", T([[1, 9, 2], [8, 0, 4]]).argmin())
C("argmax 2-D axis 1 ties", "argmax([[1, 5, 5], [7, 7, 0]], axis = 1)", T([[1, 5, 5], [7, 7, 0]]).argmax(1))

section("the notes' activations: step sigmoid tanh relu leaky_relu identity")
ACT = {
    "step": lambda x: (x > 0).float(),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "identity": lambda x: x.clone(),
}
ACT64 = {
    "step": lambda x: 1.0 if x > 0 else 0.0,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0,
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
    "leaky_relu": lambda x: max(0.1 * x, x),
    "identity": lambda x: x,
}
for name, fn in ACT.items():
    C(f"{name} 1-D", f"{name}([-2, -0.5, 0, 0.5, 2])", fn(T([-2, -0.5, 0, 0.5, 2])))
    C(f"{name} 2-D random", f"{name}({lit(M45)})", fn(T(M45)))
    C(f"{name} 3-D random", f"{name}({R3})", fn(T(A3)))
    C(f"{name} at +-1000 +-1 0", f"{name}({lit(EXT)})", fn(T(EXT)))
    C(f"{name} at +-1e30 +-1e-30", f"{name}({lit(HUGE)})", fn(T(HUGE)))
    C(f"{name} at inf -inf", f"{name}([inf, -inf])", fn(T([inf, -inf])))
    for v in (0.0, 1.0, -2.0):
        C(f"{name} of number {fmt64(v)}", f"{name}({num(v)})", ACT64[name](v))
C("sigmoid of number -1000 is 0", "sigmoid(-1000)", 0.0)
C("sigmoid of number 1000 is 1", "sigmoid(1000)", 1.0)
C("sigmoid nan", "sigmoid([nan])", torch.sigmoid(T([nan])))
C("tanh nan", "tanh([nan])", torch.tanh(T([nan])))
C("relu nan propagates (torch)", "relu([nan, 1])", torch.relu(T([nan, 1])))
C("leaky_relu nan propagates (torch)", "leaky_relu([nan, 1])", F.leaky_relu(T([nan, 1]), 0.1))
C("identity nan", "identity([nan, inf])", T([nan, inf]))
C("step([-1, 0, 2]) notes", "step([-1, 0, 2])", T([0, 0, 1]))
C("leaky_relu([-1, 2]) default slope 0.1", "leaky_relu([-1, 2])", F.leaky_relu(T([-1, 2]), 0.1))
C("leaky_relu a = 0.01", "leaky_relu([-1, 2], a = 0.01)", F.leaky_relu(T([-1, 2]), 0.01))
C("leaky_relu a = 0.01 2-D", f"leaky_relu({lit(M45)}, a = 0.01)", F.leaky_relu(T(M45), 0.01))
C("leaky_relu a = 0.2 extremes", f"leaky_relu({lit(EXT + [-1e30])}, a = 0.2)", F.leaky_relu(T(EXT + [-1e30]), 0.2))
C("leaky_relu a = 0.01 number", "leaky_relu(-3, a = 0.01)", -0.03)
C("sigmoid symmetric large", "sigmoid([20, -20, 50, -50, 90, -90])", torch.sigmoid(T([20, -20, 50, -50, 90, -90])))
C("tanh large", "tanh([10, -10, 20, -20])", torch.tanh(T([10, -10, 20, -20])))
C("tanh small", "tanh([1e-3, -1e-4, 1e-7])", torch.tanh(T([1e-3, -1e-4, 1e-7])))
C("sigmoid small", "sigmoid([1e-3, -1e-4, 1e-7])", torch.sigmoid(T([1e-3, -1e-4, 1e-7])))

section("softmax and log_softmax")
C("softmax basic", "softmax([1, 2, 3])", torch.softmax(T([1, 2, 3]), -1))
C("softmax stable at 1000", "softmax([1000, 1001, 1002])", torch.softmax(T([1000, 1001, 1002]), -1))
C("softmax stable at -1000", "softmax([-1000, -1001, -1002])", torch.softmax(T([-1000, -1001, -1002]), -1))
C("softmax spread +-1000", "softmax([1000, 0, -1000])", torch.softmax(T([1000, 0, -1000]), -1))
C("softmax at 1e30", "softmax([1e30, 0, -1e30])", torch.softmax(T([1e30, 0, -1e30]), -1))
C("softmax tiny differences", "softmax([1e-30, 0, -1e-30])", torch.softmax(T([1e-30, 0, -1e-30]), -1))
C("softmax uniform", "softmax([0, 0, 0, 0])", torch.softmax(T([0, 0, 0, 0]), -1))
C("softmax single element", "softmax([5])", torch.softmax(T([5]), -1))
C("softmax with -inf entry", "softmax([0, -inf, 1])", torch.softmax(T([0, -inf, 1]), -1))
C("softmax all -inf is nan (torch)", "softmax([-inf, -inf])", torch.softmax(T([-inf, -inf]), -1))
C("softmax with nan is nan (torch)", "softmax([nan, 1])", torch.softmax(T([nan, 1]), -1))
C("softmax random 1-D", f"softmax({lit(A1)})", torch.softmax(T(A1), -1))
C("softmax random scaled x100", f"softmax({lit(A1x100)})", torch.softmax(T(A1x100), -1))
C("softmax 2-D default axis -1", f"softmax({lit(M45)})", torch.softmax(T(M45), -1))
C("softmax 2-D axis 0", f"softmax({lit(M45)}, axis = 0)", torch.softmax(T(M45), 0))
C("softmax 2-D axis 1", f"softmax({lit(M45)}, axis = 1)", torch.softmax(T(M45), 1))
C("softmax 2-D axis -2", f"softmax({lit(M45)}, axis = -2)", torch.softmax(T(M45), -2))
C("softmax 2-D rows at 1000", "softmax([[1000, 1001], [-1000, -999]])", torch.softmax(T([[1000, 1001], [-1000, -999]]), -1))
C("softmax 2-D axis 0 at 1000", "softmax([[1000, 1], [1001, 2]], axis = 0)", torch.softmax(T([[1000, 1], [1001, 2]]), 0))
C("softmax 3-D default axis", f"softmax({R3})", torch.softmax(T(A3), -1))
C("softmax 3-D axis 0", f"softmax({R3}, axis = 0)", torch.softmax(T(A3), 0))
C("softmax 3-D axis 1", f"softmax({R3}, axis = 1)", torch.softmax(T(A3), 1))
C("log_softmax basic", "log_softmax([1, 2, 3])", torch.log_softmax(T([1, 2, 3]), -1))
C("log_softmax stable [1000, 0, -1000]", "log_softmax([1000, 0, -1000])", torch.log_softmax(T([1000, 0, -1000]), -1))
C("log_softmax stable at 1000", "log_softmax([1000, 1001, 1002])", torch.log_softmax(T([1000, 1001, 1002]), -1))
C("log_softmax at 1e30", "log_softmax([1e30, 0])", torch.log_softmax(T([1e30, 0]), -1))
C("log_softmax with -inf entry", "log_softmax([0, -inf])", torch.log_softmax(T([0, -inf]), -1))
C("log_softmax uniform", "log_softmax([7, 7, 7, 7])", torch.log_softmax(T([7, 7, 7, 7]), -1))
C("log_softmax 2-D default axis", f"log_softmax({lit(M45)})", torch.log_softmax(T(M45), -1))
C("log_softmax 2-D axis -1", f"log_softmax({lit(M45)}, axis = -1)", torch.log_softmax(T(M45), -1))
C("log_softmax 2-D axis 0", f"log_softmax({lit(M45)}, axis = 0)", torch.log_softmax(T(M45), 0))
C("log_softmax 3-D axis 1", f"log_softmax({R3}, axis = 1)", torch.log_softmax(T(A3), 1))
C("log_softmax random scaled x100", f"log_softmax({lit(A1x100)})", torch.log_softmax(T(A1x100), -1))

section("entropy, cross_entropy, kl, mse")


def H(p):
    return -torch.special.xlogy(p, p).sum(-1)


def Hpq(p, q):
    v = -torch.special.xlogy(p, q).sum(-1)
    return v.mean() if p.ndim == 2 else v


def KL(p, q):
    # independent float64 formula with the 0 log 0 = 0 convention, then float32
    p64, q64 = p.double(), q.double()
    with np.errstate(all="ignore"):
        t = torch.where(p64 > 0, p64 * (torch.log(p64) - torch.log(q64)), torch.zeros_like(p64))
    v = t.sum(-1)
    return (v.mean() if p.ndim == 2 else v).float()


def probs(shape):
    return torch.softmax(T(R(*shape)), -1)


def rowsnorm(a):
    a = np.asarray(a, dtype=np.float64)
    return (a / a.sum(-1, keepdims=True)).astype(np.float32)


# entropy
for p in ([0.5, 0.5], [1, 0], [0, 1, 0], [0.25, 0.25, 0.25, 0.25], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3],
          [0.999, 0.001], [1e-30, 1]):
    C(f"entropy {lit(p)}", f"entropy({lit(p)})", H(T(p)))
    # cross-check against torch.distributions where p sums to 1
    if abs(sum(p) - 1) < 1e-6:
        ref = torch.distributions.Categorical(probs=T(p)).entropy()
        assert torch.allclose(ref, H(T(p)), atol=1e-6), (p, ref)
PE = np.round(rowsnorm(R(4, 5, lo=0.0, hi=1.0)), 3)
PE[1, 2] = 0
PE = rowsnorm(PE)
C("entropy 2-D rows", f"entropy({lit(PE)})", H(T(PE)))
assert torch.allclose(torch.distributions.Categorical(probs=T(PE)).entropy(), H(T(PE)), atol=1e-6)
PE3 = rowsnorm(np.round(R(2, 2, 3, lo=0.05, hi=1.0), 2))
C("entropy 3-D along last axis", f"entropy({lit(PE3)})", H(T(PE3)))
C("entropy one-hot rows are 0", "entropy([[1, 0, 0], [0, 0, 1]])", H(T([[1, 0, 0], [0, 0, 1]])))
C("entropy of softmax", f"entropy(softmax({lit(A1)}))", H(torch.softmax(T(A1), -1)))

# cross entropy
q3 = [0.2, 0.7, 0.1]
C("cross_entropy one-hot p truth first", f"cross_entropy([0, 1, 0], {lit(q3)})", Hpq(T([0, 1, 0]), T(q3)))
C("cross_entropy class index 1", f"cross_entropy(1, {lit(q3)})", -torch.log(T(q3)[1]))
C("cross_entropy class index 0", f"cross_entropy(0, {lit(q3)})", -torch.log(T(q3)[0]))
C("cross_entropy class index 2", f"cross_entropy(2, {lit(q3)})", -torch.log(T(q3)[2]))
C("cross_entropy soft p", "cross_entropy([0.1, 0.6, 0.3], [0.2, 0.5, 0.3])", Hpq(T([0.1, 0.6, 0.3]), T([0.2, 0.5, 0.3])))
C("cross_entropy argument order matters", "cross_entropy([0.2, 0.5, 0.3], [0.1, 0.6, 0.3])", Hpq(T([0.2, 0.5, 0.3]), T([0.1, 0.6, 0.3])))
C("cross_entropy p = q equals entropy", "cross_entropy([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])", Hpq(T([0.2, 0.3, 0.5]), T([0.2, 0.3, 0.5])))
C("cross_entropy log 0 gives inf", "cross_entropy([0, 1], [1, 0])", Hpq(T([0, 1]), T([1, 0])))
C("cross_entropy 0 log 0 = 0 (xlogy)", "cross_entropy([1, 0, 0], [0.5, 0.5, 0])", Hpq(T([1, 0, 0]), T([0.5, 0.5, 0])))
C("cross_entropy class index with q_j = 0 is inf", "cross_entropy(0, [0, 1])", inf)
C("cross_entropy q near 1", "cross_entropy([0, 1], [1e-7, 0.9999999])", Hpq(T([0, 1]), T([1e-7, 0.9999999])))
C("cross_entropy tiny q_j", "cross_entropy([1, 0], [1e-30, 1])", Hpq(T([1, 0]), T([1e-30, 1])))
Q45 = probs((4, 5))
Y4 = [3, 0, 4, 1]
OH = F.one_hot(torch.tensor(Y4), 5).float()
ce_idx = F.nll_loss(torch.log(Q45), torch.tensor(Y4))
assert torch.allclose(ce_idx, Hpq(OH, Q45), atol=1e-6)
C("cross_entropy 2-D one-hot rows mean", f"cross_entropy({lit(OH)}, {lit(Q45)})", Hpq(OH, Q45))
C("cross_entropy class indices [N] with q [N, k]", f"cross_entropy({lit(Y4)}, {lit(Q45)})", ce_idx)
PS = probs((4, 5))
C("cross_entropy 2-D soft rows mean", f"cross_entropy({lit(PS)}, {lit(Q45)})", Hpq(PS, Q45))
C("cross_entropy class indices with q_j = 0 is inf", "cross_entropy([0, 1], [[0.5, 0.5], [1, 0]])",
  F.nll_loss(torch.log(T([[0.5, 0.5], [1, 0]])), torch.tensor([0, 1])))
C("cross_entropy class indices 2 rows", "cross_entropy([2, 0], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])",
  F.nll_loss(torch.log(T([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])), torch.tensor([2, 0])))
C("cross_entropy of softmax of 1000 logits", "cross_entropy(0, softmax([1000, 1001, 1002]))",
  -torch.log_softmax(T([1000, 1001, 1002]), -1)[0], tol=1e-4,
  why="float32 softmax then log: probability 0.0900306 carries ~1e-7 relative error")

# KL
C("kl([0.5, 0.5], [0.9, 0.1])", "kl([0.5, 0.5], [0.9, 0.1])", F.kl_div(torch.log(T([0.9, 0.1])), T([0.5, 0.5]), reduction="sum"))
C("kl zero in p (0 log 0 = 0)", "kl([1, 0], [0.5, 0.5])", F.kl_div(torch.log(T([0.5, 0.5])), T([1, 0]), reduction="sum"))
C("kl p = q is 0", "kl([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])", F.kl_div(torch.log(T([0.2, 0.3, 0.5])), T([0.2, 0.3, 0.5]), reduction="sum"))
C("kl asymmetric", "kl([0.9, 0.1], [0.5, 0.5])", F.kl_div(torch.log(T([0.5, 0.5])), T([0.9, 0.1]), reduction="sum"))
C("kl q zero where p > 0 is inf", "kl([0.5, 0.5, 0], [0.5, 0, 0.5])", F.kl_div(torch.log(T([0.5, 0, 0.5])), T([0.5, 0.5, 0]), reduction="sum"))
C("kl p and q both 0 term is 0 (convention)", "kl([1, 0], [1, 0])", KL(T([1, 0]), T([1, 0])))
C("kl 3 classes", "kl([0.1, 0.6, 0.3], [0.2, 0.5, 0.3])", F.kl_div(torch.log(T([0.2, 0.5, 0.3])), T([0.1, 0.6, 0.3]), reduction="sum"))
PK = T(PE)  # rows with a zero entry
C("kl 2-D batchmean", f"kl({lit(PS)}, {lit(Q45)})", F.kl_div(torch.log(Q45), PS, reduction="batchmean"))
C("kl 2-D batchmean with zero in p", f"kl({lit(PK)}, {lit(Q45)})", F.kl_div(torch.log(Q45), PK, reduction="batchmean"))
for lbl, p, q in (("kl 2-D batchmean", PS, Q45), ("kl 2-D batchmean with zero in p", PK, Q45)):
    assert torch.allclose(KL(p, q), F.kl_div(torch.log(q), p, reduction="batchmean"), atol=1e-6), lbl

# H(p, q) = KL(p || q) + H(p), each term checked separately
comment("the notes' identity H(p,q) = KL(p||q) + H(p): each term, then the difference")
for i, (p, q) in enumerate((([0.1, 0.6, 0.3], [0.2, 0.5, 0.3]), ([0.7, 0.2, 0.1, 0], [0.25, 0.25, 0.25, 0.25]))):
    tp, tq = T(p), T(q)
    hpq, klv, hp = Hpq(tp, tq), KL(tp, tq), H(tp)
    assert abs(float(hpq) - float(klv + hp)) < 1e-6
    C(f"identity {i + 1}: H(p,q)", f"cross_entropy({lit(p)}, {lit(q)})", hpq)
    C(f"identity {i + 1}: KL(p||q)", f"kl({lit(p)}, {lit(q)})", klv)
    C(f"identity {i + 1}: H(p)", f"entropy({lit(p)})", hp)
    C(f"identity {i + 1}: H(p,q) - KL - H(p) = 0", f"cross_entropy({lit(p)}, {lit(q)}) - kl({lit(p)}, {lit(q)}) - entropy({lit(p)})", 0.0)
C("identity batch: H(p,q) - KL - mean H(p) = 0", f"cross_entropy({lit(PS)}, {lit(Q45)}) - kl({lit(PS)}, {lit(Q45)}) - mean(entropy({lit(PS)}))", 0.0)

# mse
C("mse([1, 2], [1.5, 2.5])", "mse([1, 2], [1.5, 2.5])", F.mse_loss(T([1.5, 2.5]), T([1, 2])))
C("mse 2-D random", f"mse({lit(A2)}, {lit(B2)})", F.mse_loss(T(B2), T(A2)))
C("mse 3-D random", f"mse({R3}, {lit(A3[::-1].copy())})", F.mse_loss(T(A3[::-1].copy()), T(A3)))
C("mse equal is 0", "mse([1, 2, 3], [1, 2, 3])", 0.0)
C("mse symmetric order", "mse([1.5, 2.5], [1, 2])", F.mse_loss(T([1, 2]), T([1.5, 2.5])))
C("mse 1000s", "mse([1000, -1000], [-1000, 1000])", F.mse_loss(T([-1000, 1000]), T([1000, -1000])))
C("mse overflow 1e30", "mse([1e30], [-1e30])", F.mse_loss(T([-1e30]), T([1e30])))
C("mse with inf", "mse([0, 0], [inf, 1])", F.mse_loss(T([inf, 1]), T([0, 0])))
C("mse with nan", "mse([0, 0], [nan, 1])", F.mse_loss(T([nan, 1]), T([0, 0])))
C("mse tiny", "mse([1e-30, 0], [0, 0])", F.mse_loss(T([0, 0]), T([1e-30, 0])))

section("composed expressions")
C("sum(sigmoid([0, 1]))", "sum(sigmoid([0, 1]))", torch.sigmoid(T([0, 1])).sum())
C("mean(softmax(.., axis = 0), axis = 1)", "mean(softmax([[1, 2], [3, 5]], axis = 0), axis = 1)",
  torch.softmax(T([[1, 2], [3, 5]]), 0).mean(1))
C("softmax rows sum to 1", f"sum(softmax({lit(M45)}), axis = -1)", torch.softmax(T(M45), -1).sum(-1))
C("exp(log_softmax) = softmax", f"exp(log_softmax({lit(M45)}))", torch.softmax(T(M45), -1))
C("log(softmax) at 1000 is finite", "log(softmax([1000, 1001, 1002]))", torch.log_softmax(T([1000, 1001, 1002]), -1),
  tol=1e-4, why="log of float32 softmax vs fused log_softmax: ~1e-7 relative on probabilities")
C("sigmoid derivative formula", f"sigmoid({lit(A1)}) * (1 - sigmoid({lit(A1)}))", torch.sigmoid(T(A1)) * (1 - torch.sigmoid(T(A1))))
C("tanh = 2 sigmoid(2x) - 1", f"tanh({lit(A1)}) - (2 * sigmoid(2 * {lit(A1)}) - 1)", torch.zeros(5))
C("x @ x.T gram", f"{lit(M45)} @ {lit(M45)}.T", T(M45) @ T(M45).T)
C("transpose(x) @ x", f"transpose({lit(M45)}) @ {lit(M45)}", T(M45).T @ T(M45))
C("norm(x) ^ 2 = sum(x * x)", f"norm({R2}) ^ 2 - sum({R2} * {R2})", 0.0, tol=1e-4,
  why="two float32 accumulations of ~10 squared: difference ~1e-6 of the sum")
C("argmax of softmax rows", f"argmax(softmax({lit(M45)}), axis = 1)", torch.softmax(T(M45), -1).argmax(1))
C("reshape(arange(6)) @ ones(3)", "reshape(arange(6), 2, 3) @ ones(3)", torch.arange(6.0).reshape(2, 3) @ torch.ones(3))
C("eye(3) @ x", f"eye(3) @ {R2}", T(A2))
C("relu(x) - relu(-x) = x", f"relu({lit(M45)}) - relu(-{lit(M45)})", T(M45))
C("max(relu(x))", f"max(relu({R2}))", torch.relu(T(A2)).amax())
C("mean(x, axis = 0) * n = sum(x, axis = 0)", f"mean({R2}, axis = 0) * 3 - sum({R2}, axis = 0)", torch.zeros(4))
C("dense layer forward", f"relu({lit(M45)} @ {lit(M53)} + [0.1, -0.2, 0.3])", torch.relu(T(M45) @ T(M53) + T([0.1, -0.2, 0.3])))
C("cross_entropy of softmax of logits", f"cross_entropy({lit(OH)}, softmax({lit(M45)}))", Hpq(OH, torch.softmax(T(M45), -1)))
C("leaky_relu = max(0.1x, x) notes", f"leaky_relu({lit(M45)}) - max(0.1 * {lit(M45)}, {lit(M45)})", torch.zeros(4, 5))
C("clip then norm", f"norm(clip({lit(M45)}, -1, 1), axis = 1)", torch.linalg.vector_norm(torch.clamp(T(M45), -1, 1), dim=1))
C("softmax of scaled slice", f"softmax({lit(X2)}[1:, ::2] / 10)", torch.softmax(T(X2[1:, ::2]) / 10, -1))
C("stack of reductions", f"stack([sum({R2}, axis = 1), max({R2}, axis = 1)], axis = 0)",  # list of call results
  torch.stack([T(A2).sum(1), T(A2).amax(1)], 0))
C("adam bias correction formula on numbers", "0.1 / (1 - 0.9 ^ 1)", 0.1 / (1 - 0.9 ** 1))
C("adagrad step formula", "[0.5, -2] / (sqrt([0.25, 4]) + 1e-5)", T([0.5, -2]) / (torch.sqrt(T([0.25, 4])) + 1e-5))

# ---------------------------------------------------------------------------------------
HEADER = """# generated by tests/ref/gen_ref.py — do not edit
fn check(label, got, want, tol = 1e-5) {
  if allclose(got, want, rtol = tol, atol = tol) { print("PASS", label) } else { print("FAIL", label, "got", got, "want", want) }
}
# Each line below is self-contained given this definition (it can also run on its own).
# Regenerate: /usr/bin/python3 tests/ref/gen_ref.py ; cross-check: /usr/bin/python3 tests/ref/verify_ref.py"""


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "values.nn")
    if len(sys.argv) == 3 and sys.argv[1] == "-o":
        out = sys.argv[2]
    text = HEADER + "\n" + "\n".join(LINES) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        print("%d checks written to %s (torch %s, numpy %s)" % (COUNT, out, torch.__version__, np.__version__),
              file=sys.stderr)


if __name__ == "__main__":
    main()
