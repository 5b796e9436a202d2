#!/usr/bin/python3
"""gen_conv.py — generates tests/ref/conv_values.nn: nn's conv2d, maxpool2d and batchnorm
layers against PyTorch (torch.nn.functional.conv2d / max_pool2d, torch.nn.BatchNorm1d/2d).

For each case the inputs, the layer's weights and a seed tensor S are fixed
(np.random.default_rng(1), rounded to 2 decimals) and written literally into the .nn
file, so nn and torch see the same float32 values. The nn program builds the layer,
copies the weights in with `params(c).W[:] = ...`, and checks against torch:
  - the forward output;
  - dL/dx for L = sum(layer(x) * S), by `grad(fn(x) = sum(c(x) * S), x)` (inference
    behaviour, which for conv2d and maxpool2d is the only one);
  - dL/dW, dL/db (conv2d) and dL/dgamma, dL/dbeta (batchnorm) in training mode: one
    `train` step with sgd(lr = 1), loss(p, q) = sum(p * q) and the truth p = S, on the
    whole batch unshuffled, leaves each parameter at w − dL/dw;
  - batchnorm's training-mode dL/dx: a layer `shift` adding a zero parameter of x's
    shape in front of the batchnorm, whose one-step update is −dL/dx; and the running
    statistics after that step, then the eval-mode output and dL/dx with them.

Run from the repository root with Debian's python (python3-torch):
    /usr/bin/python3 tests/ref/gen_conv.py          # writes tests/ref/conv_values.nn
Generated with torch 1.13.0a0 and numpy 1.24.2 (Debian bookworm packages).
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(1)
f32 = np.float32


def fmt(v):
    """shortest decimal that rounds back to the same float32"""
    x = f32(v)
    if x == 0:
        return "0"
    s = np.format_float_positional(x, unique=True, trim="-")
    assert f32(float(s)) == x
    return s


def lit(t):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t, dtype=f32)
    if a.ndim == 0:
        return fmt(a)
    return "[" + ", ".join(lit(r) for r in a) + "]"


def data(*shape):
    return torch.tensor(np.round(rng.normal(size=shape), 2), dtype=torch.float32)


out = []
emit = out.append


def check(label, nn_expr, want, tol="1e-4"):
    emit(f'check("{label}", {nn_expr}, {lit(want)}, {tol})')


def conv_case(name, B, C, H, W, Fo, k, stride, pad, three_d=False):
    x = data(B, H, W) if three_d else data(B, C, H, W)
    w, b = data(Fo, C, k, k), data(Fo)
    xt = x.clone().requires_grad_(True)
    wt, bt = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    y = F.conv2d(xt.unsqueeze(1) if three_d else xt, wt, bt, stride=stride, padding=pad)
    s = data(*y.shape)
    (y * s).sum().backward()
    emit(f"\n# --- {name}: conv2d({C}, {Fo}, {k}, stride = {stride}, padding = {pad}) on {list(x.shape)} ---")
    emit(f"let c = conv2d({C}, {Fo}, {k}, stride = {stride}, padding = {pad})")
    emit(f"params(c).W[:] = {lit(w)}")
    emit(f"params(c).b[:] = {lit(b)}")
    emit(f"let x = {lit(x)}")
    emit(f"let S = {lit(s)}")
    check(f"{name} forward", "c(x)", y)
    check(f"{name} dx", "grad(fn(x) = sum(c(x) * S), x)", xt.grad)
    emit("train(c, {x: x, y: S}, loss = fn(p, q) = sum(p * q), optimizer = sgd(lr = 1), "
         f"epochs = 1, batch = {B}, shuffle = false, verbose = false)")
    check(f"{name} W - dW", "params(c).W", w - wt.grad)
    check(f"{name} b - db", "params(c).b", b - bt.grad)


def pool_case(name, shape, k, stride=None):
    n = int(np.prod(shape))
    x = torch.tensor(rng.permutation(n) * 0.25 - n / 8, dtype=torch.float32).reshape(shape)
    xt = x.clone().requires_grad_(True)
    y = F.max_pool2d(xt, k, stride)
    s = data(*y.shape)
    (y * s).sum().backward()
    st = "" if stride is None else f", stride = {stride}"
    emit(f"\n# --- {name}: maxpool2d({k}{st}) on {list(shape)} (distinct values) ---")
    emit(f"let p = maxpool2d({k}{st})")
    emit(f"let x = {lit(x)}")
    emit(f"let S = {lit(s)}")
    check(f"{name} forward", "p(x)", y, "1e-6")
    check(f"{name} dx", "grad(fn(x) = sum(p(x) * S), x)", xt.grad, "1e-6")


def bn_case(name, shape):
    C = shape[1]
    x, x2 = data(*shape), data(*shape)
    g, b = data(C) + 1, data(C)
    bn = (torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d)(C)
    with torch.no_grad():
        bn.weight.copy_(g)
        bn.bias.copy_(b)
    bn.train()
    shift = torch.zeros(shape, requires_grad=True)
    y = bn(x + shift)
    s = data(*shape)
    (y * s).sum().backward()
    dims = ", ".join(str(d) for d in shape)
    emit(f"\n# --- {name}: batchnorm({C}) on {list(shape)}: one training step, then eval ---")
    emit(f"layer shift_{name}() {{ param s = zeros({dims}); forward(x) = x + s }}")
    emit(f"let bn = batchnorm({C})")
    emit(f"let sh = shift_{name}()")
    emit(f"model m_{name}() {{ sh; bn }}")
    emit(f"let m = m_{name}()")
    emit(f"params(bn).gamma[:] = {lit(g)}")
    emit(f"params(bn).beta[:] = {lit(b)}")
    emit(f"let x = {lit(x)}")
    emit(f"let S = {lit(s)}")
    emit("train(m, {x: x, y: S}, loss = fn(p, q) = sum(p * q), optimizer = sgd(lr = 1), "
         f"epochs = 1, batch = {shape[0]}, shuffle = false, verbose = false)")
    check(f"{name} training dx", "-params(sh).s", shift.grad)
    with torch.no_grad():
        bn.weight -= bn.weight.grad
        bn.bias -= bn.bias.grad
    check(f"{name} gamma - dgamma", "params(bn).gamma", bn.weight)
    check(f"{name} beta - dbeta", "params(bn).beta", bn.bias)
    check(f"{name} running_mean", "params(bn).running_mean", bn.running_mean, "1e-5")
    check(f"{name} running_var (unbiased)", "params(bn).running_var", bn.running_var, "1e-5")
    bn.eval()
    xt = x2.clone().requires_grad_(True)
    ye = bn(xt)
    s2 = data(*shape)
    (ye * s2).sum().backward()
    emit(f"let x2 = {lit(x2)}")
    emit(f"let S2 = {lit(s2)}")
    check(f"{name} eval forward", "bn(x2)", ye)
    check(f"{name} eval dx", "grad(fn(x) = sum(bn(x) * S2), x2)", xt.grad)


conv_case("conv A", 2, 2, 5, 5, 3, 3, 2, 1)
conv_case("conv B", 2, 1, 6, 6, 2, 3, 1, 0, three_d=True)
conv_case("conv C", 1, 4, 4, 5, 2, 2, 1, 0)
conv_case("conv D", 2, 3, 7, 6, 4, 3, 2, 2)
pool_case("pool A", (2, 2, 4, 4), 2)
pool_case("pool B", (1, 2, 7, 7), 3, 2)
pool_case("pool C", (2, 5, 5), 2)
bn_case("bn1d", (6, 3))
bn_case("bn2d", (3, 2, 3, 3))

header = '''# generated by tests/ref/gen_conv.py — do not edit
# conv2d, maxpool2d and batchnorm against PyTorch: forward values and gradients.
# Regenerate: /usr/bin/python3 tests/ref/gen_conv.py
fn check(label, got, want, tol = 1e-5) {
  if allclose(got, want, rtol = tol, atol = tol) { print("PASS", label) } else { print("FAIL", label, "got", got, "want", want) }
}
'''
path = sys.argv[1] if len(sys.argv) > 1 else "tests/ref/conv_values.nn"
with open(path, "w") as f:
    f.write(header + "\n".join(out) + "\n")
print(f"wrote {path}: {sum(1 for l in out if l.startswith('check('))} checks")
