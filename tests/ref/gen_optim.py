#!/usr/bin/python3
"""gen_optim.py — generates tests/ref/optim_values.nn: nn's stdlib optimizers against
PyTorch's, step by step.

For each optimizer, hyper-parameter set and test function (rosenbrock, ravine, beale,
saddle from stdlib/optim.nn), torch.optim runs ~20 steps from x0 on a float32 tensor and
the whole path [steps + 1, 2] is written into an nn `check` comparing it with
`minimize(f, x0, optimizer, steps = N)`, row by row (tolerance 1e-4, relative and absolute;
float32 on both sides). The hyper-parameters are always passed to torch explicitly, because
torch's defaults differ from the notes'; the nn call spells them out too, except in the
"defaults" cases, which check that nn's defaults are the notes' (AdaGrad δ = 1e-5, RMSProp
ρ = 0.999, Adam u = 0.9, ρ = 0.999).

The formulas, the notes' against torch's (torch 1.13 source, torch/optim/*.py):
  SGD + momentum  notes: v = u·v + g, w = w − ε·v.  torch (dampening 0): buf = g on the first
                  step, then buf = u·buf + g, w −= lr·buf — the same (v starts at 0).
  Nesterov        stdlib: v = u·v + g, w = w − ε·(g + u·v).  torch nesterov=True: the same.
  AdaGrad         notes: r = r + g², w = w − ε/(√r + δ)·g.  torch: state_sum += g²,
                  w −= clr·g/(√state_sum + eps), clr = lr/(1 + (t − 1)·lr_decay): the same
                  with lr_decay = 0, initial_accumulator_value = 0, eps = δ (outside the √,
                  as the notes). Defaults differ: torch eps 1e-10, the notes δ = 1e-5.
  RMSProp         notes: r = ρ·r + (1 − ρ)·g², w = w − ε/(√r + δ)·g.  torch (centered=False,
                  momentum=0): the same with alpha = ρ, eps = δ. Defaults differ: torch
                  alpha 0.99, the notes ρ = 0.999.
  Adam            notes: v = u·v + (1 − u)·g, r = ρ·r + (1 − ρ)·g², ṽ = v/(1 − u^t),
                  r̃ = r/(1 − ρ^t), w = w − ε/(√r̃ + δ)·ṽ.  torch: w −= (lr/(1 − β1^t))·m /
                  (√v/√(1 − β2^t) + eps): algebraically the same, δ added to √r̃ as the notes
                  (amsgrad=False), betas = (u, ρ), eps = δ.
  AdamW           stdlib: w = w − ε·λ·w, then the Adam step.  torch AdamW: w ·= 1 − lr·wd,
                  then Adam: the same with weight_decay = λ (decay).
Run from the repository root with Debian's python (python3-torch):
    /usr/bin/python3 tests/ref/gen_optim.py          # writes tests/ref/optim_values.nn
    /usr/bin/python3 tests/ref/gen_optim.py -o -     # to stdout
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ref import lit  # noqa: E402  (float32 literals: shortest round-trip decimals)

torch.set_default_dtype(torch.float32)

FUNCS = {
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
    "ravine": lambda p: 0.1 * p[0] ** 2 + 10 * p[1] ** 2,
    "beale": lambda p: (1.5 - p[0] + p[0] * p[1]) ** 2 + (2.25 - p[0] + p[0] * p[1] ** 2) ** 2
    + (2.625 - p[0] + p[0] * p[1] ** 3) ** 2,
    "saddle": lambda p: p[0] ** 2 - p[1] ** 2,
}
X0 = {"rosenbrock": [-1.2, 1.0], "ravine": [3.0, 1.0], "beale": [1.0, 1.0], "saddle": [1.0, 0.01]}
STEPS = 20


def fmt_kw(kw):
    return ", ".join(f"{k} = {v!r}" for k, v in kw.items())


# (nn constructor, nn keyword arguments (None: the call with no arguments, i.e. the
#  defaults), torch constructor, its keyword arguments, functions, comment)
CASES = [
    ("sgd", {"lr": 2e-4}, torch.optim.SGD, {"lr": 2e-4}, ["rosenbrock"]),
    ("sgd", {"lr": 0.04}, torch.optim.SGD, {"lr": 0.04}, ["ravine", "saddle"]),
    ("sgd", None, torch.optim.SGD, {"lr": 0.01}, ["ravine", "beale"]),
    ("momentum", {"lr": 2e-4, "u": 0.9}, torch.optim.SGD, {"lr": 2e-4, "momentum": 0.9}, ["rosenbrock"]),
    ("momentum", {"lr": 0.02, "u": 0.5}, torch.optim.SGD, {"lr": 0.02, "momentum": 0.5}, ["ravine", "saddle"]),
    ("momentum", None, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}, ["ravine", "beale"]),
    ("nesterov", {"lr": 2e-4, "u": 0.9}, torch.optim.SGD, {"lr": 2e-4, "momentum": 0.9, "nesterov": True}, ["rosenbrock"]),
    ("nesterov", {"lr": 0.02, "u": 0.8}, torch.optim.SGD, {"lr": 0.02, "momentum": 0.8, "nesterov": True}, ["ravine"]),
    ("nesterov", None, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9, "nesterov": True}, ["ravine", "beale"]),
    ("adagrad", {"lr": 0.1, "delta": 1e-5}, torch.optim.Adagrad, {"lr": 0.1, "eps": 1e-5}, ["rosenbrock", "ravine", "beale"]),
    ("adagrad", {"lr": 0.5, "delta": 0.1}, torch.optim.Adagrad, {"lr": 0.5, "eps": 0.1}, ["ravine", "saddle"]),
    ("adagrad", None, torch.optim.Adagrad, {"lr": 0.01, "eps": 1e-5}, ["rosenbrock", "ravine"]),
    ("rmsprop", {"lr": 0.01, "rho": 0.9, "delta": 1e-8}, torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}, ["rosenbrock", "ravine", "beale"]),
    ("rmsprop", {"lr": 0.05, "rho": 0.99, "delta": 1e-3}, torch.optim.RMSprop, {"lr": 0.05, "alpha": 0.99, "eps": 1e-3}, ["ravine", "saddle"]),
    ("rmsprop", None, torch.optim.RMSprop, {"lr": 0.001, "alpha": 0.999, "eps": 1e-8}, ["rosenbrock", "ravine"]),
    ("adam", {"lr": 0.05, "u": 0.9, "rho": 0.999, "delta": 1e-8}, torch.optim.Adam, {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8}, ["rosenbrock", "ravine", "beale"]),
    ("adam", {"lr": 0.1, "u": 0.5, "rho": 0.9, "delta": 1e-4}, torch.optim.Adam, {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-4}, ["ravine", "saddle"]),
    ("adam", None, torch.optim.Adam, {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8}, ["rosenbrock", "ravine"]),
    ("adamw", {"lr": 0.05, "u": 0.9, "rho": 0.999, "delta": 1e-8, "decay": 0.1}, torch.optim.AdamW, {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}, ["rosenbrock", "ravine", "beale"]),
    ("adamw", {"lr": 0.1, "u": 0.8, "rho": 0.99, "delta": 1e-6, "decay": 0.5}, torch.optim.AdamW, {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.5}, ["ravine", "saddle"]),
    ("adamw", None, torch.optim.AdamW, {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01}, ["rosenbrock", "ravine"]),
]


def torch_path(fname, ctor, kw, steps=STEPS):
    x = torch.tensor(X0[fname], dtype=torch.float32, requires_grad=True)
    opt = ctor([x], **kw)
    rows = [x.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        FUNCS[fname](x).backward()
        opt.step()
        rows.append(x.detach().clone())
    return torch.stack(rows)


def main():
    out = "tests/ref/optim_values.nn"
    if len(sys.argv) == 3 and sys.argv[1] == "-o":
        out = sys.argv[2]
    lines = [
        "# generated by tests/ref/gen_optim.py — do not edit",
        "fn check(label, got, want, tol = 1e-5) {",
        '  if allclose(got, want, rtol = tol, atol = tol) { print("PASS", label) } else { print("FAIL", label, "got", got, "want", want) }',
        "}",
        "# nn's optimizers against torch.optim (torch %s), the whole minimize path row by row;"
        % torch.__version__,
        "# see the generator's docstring for each formula, the notes' against torch's.",
        "# Regenerate: /usr/bin/python3 tests/ref/gen_optim.py",
        "",
    ]
    n = 0
    for name, nkw, ctor, tkw, fnames in CASES:
        call = f"{name}({fmt_kw(nkw)})" if nkw is not None else f"{name}()"
        tdesc = f"torch.optim.{ctor.__name__}({fmt_kw(tkw)})"
        lines.append(f"# {call}  ~  {tdesc}")
        for fname in fnames:
            want = torch_path(fname, ctor, tkw)
            # a path that diverges would compare overflow, not formulas
            assert torch.isfinite(want).all() and want.abs().max() < 100, (call, fname, want)
            label = f"{call} on {fname}, {STEPS} steps"
            lines.append(
                f'check("{label}", minimize({fname}, {lit(X0[fname])}, {call}, steps = {STEPS}), {lit(want)}, 1e-4)'
            )
            n += 1
    lines.append("")
    lines.append("# Each stdlib optimizer's native kernel against its declaration in stdlib/optim.nn")
    lines.append("# (formula(opt) runs the nn text): the same paths, 50 steps, to float32 rounding.")
    for name, nkw, _ctor, _tkw, fnames in CASES:
        call = f"{name}({fmt_kw(nkw)})" if nkw is not None else f"{name}()"
        for fname in fnames:
            if fname not in ("rosenbrock", "ravine"):
                continue
            lines.append(
                f'check("formula({call}) = {call} on {fname}", '
                f"minimize({fname}, {lit(X0[fname])}, formula({call}), steps = 50), "
                f"minimize({fname}, {lit(X0[fname])}, {call}, steps = 50), 1e-5)"
            )
            n += 1
    text = "\n".join(lines) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w") as f:
            f.write(text)
        print(f"{out}: {n} checks")


if __name__ == "__main__":
    main()
