#!/usr/bin/python3
"""verify_ref.py — sanity check of tests/ref/values.nn without nn: every check line is
translated to Python (the nn syntax used there is Python-like: `^` -> `**`, `true` -> True,
`let x = e` -> `x = e`) and evaluated with a separate NumPy implementation of the builtins
(tensors as float32 arrays, numbers as Python floats; no torch). The result is compared with
the line's `want` using nn's allclose rule (exact shape, nan == nan, equal infinities).
This catches mistakes in gen_ref.py (wrong expected value, wrong argument order, malformed
expression); it is not a test of nn.

Run:  /usr/bin/python3 tests/ref/verify_ref.py [tests/ref/values.nn]
Prints the disagreements and "N agree, M disagree"; exit status 1 if any disagree.
"""
import ast
import math
import os
import sys

import numpy as np

np.seterr(all="ignore")
f32 = np.float32


def L(*items):
    """nn bracket literal: a float32 tensor when rectangular, else a list"""
    try:
        return np.array([np.asarray(i, dtype=np.float32) if not isinstance(i, list) else i for i in items],
                        dtype=np.float32)
    except ValueError:
        return list(items)


def isnum(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def tens(x):
    return np.asarray(x, dtype=np.float32)


def unary(fn64):
    def f(x):
        if isnum(x):
            try:
                return float(fn64(float(x)))
            except (ValueError, OverflowError):
                return float(np.float64(fn64(np.float64(x))))
        return fn64(tens(x)).astype(np.float32)
    return f


def ax(x, axis):
    return None if axis is None else axis


def red(fn):
    def f(x, axis=None, keepdim=False):
        x = tens(x)
        r = fn(x, axis=axis, keepdims=keepdim) if axis is not None else fn(x)
        r = np.asarray(r, dtype=np.float32)
        return r
    return f


def _max(a, b=None, axis=None, keepdim=False):
    if b is not None:
        if isnum(a) and isnum(b):
            return float(max(a, b))
        return np.maximum(tens(a), tens(b)).astype(np.float32) if not isnum(b) else np.maximum(tens(a), f32(b))
    return red(np.max)(a, axis, keepdim)


def _min(a, b=None, axis=None, keepdim=False):
    if b is not None:
        if isnum(a) and isnum(b):
            return float(min(a, b))
        return np.minimum(tens(a), tens(b)).astype(np.float32) if not isnum(b) else np.minimum(tens(a), f32(b))
    return red(np.min)(a, axis, keepdim)


def _arg(fn):
    def f(x, axis=None, keepdim=False):
        x = tens(x).astype(np.float64)
        if axis is None:
            return float(fn(x))
        r = fn(x, axis=axis)
        if keepdim:
            r = np.expand_dims(r, axis)
        return r.astype(np.float32)
    return f


def _norm(x, axis=None, keepdim=False):
    x = tens(x).astype(np.float64)
    r = np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdim if axis is not None else False))
    return np.asarray(r).astype(np.float32)


def _softmax(x, axis=-1):
    x = tens(x).astype(np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def _log_softmax(x, axis=-1):
    x = tens(x).astype(np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    return (x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))).astype(np.float32)


def xlogy(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.where(a == 0, 0.0, a * np.log(b))


def _entropy(p):
    p = tens(p)
    return np.asarray(-xlogy(p, p).sum(-1), dtype=np.float32)


def _cross_entropy(p, q):
    q = tens(q).astype(np.float64)
    if isnum(p):
        return float(-np.log(q[int(p)]))
    p = tens(p).astype(np.float64)
    if p.ndim == 1 and q.ndim == 2:
        idx = p.astype(int)
        return np.float32(np.mean(-np.log(q[np.arange(len(idx)), idx])))
    v = -xlogy(p, q).sum(-1)
    return np.float32(v.mean() if p.ndim == 2 else v)


def _kl(p, q):
    p, q = tens(p).astype(np.float64), tens(q).astype(np.float64)
    t = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    v = t.sum(-1)
    return np.float32(v.mean() if p.ndim == 2 else v)


def _mse(p, q):
    return np.float32(np.mean((tens(q).astype(np.float64) - tens(p).astype(np.float64)) ** 2))


def _reshape(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], (list, np.ndarray)):
        shape = [int(s) for s in np.asarray(shape[0]).ravel()]
    return tens(x).reshape([int(s) for s in shape])


def _pieces(xs):
    return [tens(x) for x in (xs if isinstance(xs, list) else list(xs))]


def _step(x):
    if isnum(x):
        return 1.0 if x > 0 else 0.0
    return (tens(x) > 0).astype(np.float32)


def _leaky(x, a=0.1):
    if isnum(x):
        return float(max(a * x, x)) if not math.isnan(x) else x
    x = tens(x).astype(np.float64)
    return np.where(x > 0, x, a * x).astype(np.float32)


def _relu(x):
    if isnum(x):
        return max(x, 0.0)
    x = tens(x)
    return np.where(np.isnan(x), x, np.maximum(x, 0)).astype(np.float32)


def _sigmoid(x):
    if isnum(x):
        return 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    x = tens(x).astype(np.float64)
    return (1 / (1 + np.exp(-x))).astype(np.float32)


def _clip(x, lo, hi):
    if isnum(x):
        return float(min(max(x, lo), hi))
    return np.clip(tens(x), lo, hi).astype(np.float32)


def _pow(a, b):
    if isnum(a) and isnum(b):
        return float(a) ** float(b)
    return np.power(tens(a) if not isnum(a) else f32(a), tens(b) if not isnum(b) else f32(b)).astype(np.float32)


def _full(shape, v):
    return np.full([int(s) for s in np.asarray(shape).ravel()], v, dtype=np.float32)


ENV = {
    "L": L, "inf": math.inf, "nan": math.nan, "true": True, "false": False,
    "exp": unary(np.exp), "log": unary(np.log), "sqrt": unary(np.sqrt), "abs": unary(np.abs),
    "sin": unary(np.sin), "cos": unary(np.cos), "tanh": unary(np.tanh),
    "sigmoid": _sigmoid, "relu": _relu, "step": _step, "leaky_relu": _leaky,
    "identity": lambda x: x, "softmax": _softmax, "log_softmax": _log_softmax,
    "entropy": _entropy, "cross_entropy": _cross_entropy, "kl": _kl, "mse": _mse,
    "pow": _pow, "max": _max, "min": _min, "clip": _clip,
    "sum": red(np.sum), "mean": red(np.mean), "prod": red(np.prod), "norm": _norm,
    "argmax": _arg(np.argmax), "argmin": _arg(np.argmin),
    "zeros": lambda *s: np.zeros(s, dtype=np.float32), "ones": lambda *s: np.ones(s, dtype=np.float32),
    "full": _full, "eye": lambda n: np.eye(n, dtype=np.float32),
    "arange": lambda *a: np.arange(*a, dtype=np.float64).astype(np.float32),
    "linspace": lambda a, b, n: np.linspace(a, b, n).astype(np.float32),
    "reshape": _reshape, "transpose": lambda x: tens(x).T, "flatten": lambda x: tens(x).ravel(),
    "concat": lambda xs, axis: np.concatenate(_pieces(xs), axis=axis),
    "stack": lambda xs, axis: np.stack(_pieces(xs), axis=axis),
}


class Lists(ast.NodeTransformer):
    def visit_List(self, node):
        self.generic_visit(node)
        return ast.Call(func=ast.Name(id="L", ctx=ast.Load()), args=node.elts, keywords=[])


def close(got, want, tol):
    if isinstance(got, (bool, np.bool_)):
        got = float(got)
    g = np.asarray(got, dtype=np.float64)
    w = np.asarray(want, dtype=np.float64)
    if g.shape != w.shape:
        return False
    both_nan = np.isnan(g) & np.isnan(w)
    same_inf = np.isinf(g) & np.isinf(w) & (g == w)
    ok = np.abs(g - w) <= tol + tol * np.abs(w)
    return bool(np.all(both_nan | same_inf | (ok & ~np.isnan(g) & ~np.isnan(w))))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "values.nn")
    good = bad = 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if "check(" not in line or line.startswith(("fn ", "  ", "#")):
            continue
        code = line.replace("^", "**").replace("let ", "")
        code = code.split("  # ")[0]
        tree = ast.parse(code)
        *lets, last = tree.body
        env = dict(ENV)
        for st in lets:
            exec(compile(ast.fix_missing_locations(ast.Module([Lists().visit(st)], [])), "<nn>", "exec"), env)
        call = last.value
        label = call.args[0].value
        tol = 1e-5
        for k in call.keywords:
            if k.arg == "tol":
                tol = ast.literal_eval(k.value)
        got_e, want_e = [ast.fix_missing_locations(ast.Expression(Lists().visit(a))) for a in call.args[1:3]]
        try:
            got = eval(compile(got_e, "<nn>", "eval"), env)
            want = eval(compile(want_e, "<nn>", "eval"), env)
            ok = close(got, want, tol)
        except Exception as e:  # noqa: BLE001
            ok, got, want = False, "error: %r" % e, "?"
        if ok:
            good += 1
        else:
            bad += 1
            print("line %d: %s\n  numpy: %s\n  want:  %s" % (n, label, got, want))
    print("%d agree, %d disagree" % (good, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
