#!/usr/bin/python3
"""course_refs.py — the reference values check_course.py compares the executed course
notebook with (examples/notebooks/course.ipynb), computed here independently of nn: the
formulas with NumPy in float64, the gradients with PyTorch's autograd, the optimizers'
paths by running the notes' update rules step by step.

Run: /usr/bin/python3 tests/jupyter/course_refs.py   (writes course_refs.json beside it)

Each entry is keyed by a cell's tag `check:NAME` and says how to judge the cell's result
(its last expression, the kernel's execute_result):
  close     every number of the result within atol + rtol·|expected| of `values`
  range     every number in [lo, hi]
  greater   result[0] > factor · result[1]
  increasing  each number smaller than the next
  contains  the cell's text output (stream and result) contains `text`
"""
import json
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
EXACT = {"rtol": 1e-5, "atol": 1e-6}     # nn prints 6 significant digits of float32
PATH = {"rtol": 1e-3, "atol": 1e-4}      # many float32 steps against float64 ones


def close(values, tol=EXACT):
    return dict({"kind": "close", "values": [float(v) for v in np.ravel(values)]}, **tol)


def autograd(f, x):
    t = torch.tensor(x, requires_grad=True)
    f(t).backward()
    return t.grad.numpy()


def softmax(a):
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def descend(grad, x0, update, steps, clip=None):
    """Runs `update(w, g, state, t)` from x0; clip scales g to a norm of at most clip."""
    w = np.array(x0, dtype=np.float64)
    state = {}
    for t in range(1, steps + 1):
        g = grad(w)
        if clip is not None and np.linalg.norm(g) > clip:
            g = g * clip / np.linalg.norm(g)
        w = update(w, g, state, t)
    return w


# The notes' update rules (section 3.3), with their defaults.
def sgd(lr):
    return lambda w, g, s, t: w - lr * g


def momentum(lr, u=0.9):
    def step(w, g, s, t):
        s["v"] = u * s.get("v", 0) + g
        return w - lr * s["v"]
    return step


def adagrad(lr, delta=1e-5):
    def step(w, g, s, t):
        s["r"] = s.get("r", 0) + g * g
        return w - lr / (np.sqrt(s["r"]) + delta) * g
    return step


def rmsprop(lr, rho=0.999, delta=1e-8):
    def step(w, g, s, t):
        s["r"] = rho * s.get("r", 0) + (1 - rho) * g * g
        return w - lr / (np.sqrt(s["r"]) + delta) * g
    return step


def adam(lr, u=0.9, rho=0.999, delta=1e-8):
    def step(w, g, s, t):
        s["v"] = u * s.get("v", 0) + (1 - u) * g
        s["r"] = rho * s.get("r", 0) + (1 - rho) * g * g
        vh = s["v"] / (1 - u ** t)
        rh = s["r"] / (1 - rho ** t)
        return w - lr / (np.sqrt(rh) + delta) * vh
    return step


def torch_grad(f):
    return lambda w: autograd(f, w.tolist())


x = np.linspace(-3, 3, 7)
p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
entropy = -np.sum(p * np.log(p))
cross = -np.sum(p * np.log(q))
kl_pq = float(torch.nn.functional.kl_div(torch.tensor(np.log(q)), torch.tensor(p), reduction="sum"))
kl_qp = float(torch.nn.functional.kl_div(torch.tensor(np.log(p)), torch.tensor(q), reduction="sum"))

bowl = lambda w: (w ** 2).sum()
neuron = lambda w: torch.sigmoid(w[0] * 2 + w[1])
ravine = lambda w: 0.1 * w[0] ** 2 + 10 * w[1] ** 2
rosenbrock = lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
double_well = lambda w: (w ** 4 - 3 * w ** 2 + w).sum()
cliff_valley = lambda w: (torch.exp(-10 * w) + 1 - torch.exp(-(w - 2) ** 2)).sum()

fly = descend(torch_grad(cliff_valley), [-0.5], sgd(0.1), 1)
walk1 = descend(torch_grad(cliff_valley), [-0.5], sgd(0.1), 1, clip=1)
walk = descend(torch_grad(cliff_valley), [-0.5], sgd(0.1), 100, clip=1)
well_sgd = descend(torch_grad(double_well), [2.0], sgd(0.01), 150)
well_mom = descend(torch_grad(double_well), [2.0], momentum(0.01, u=0.9), 150)
saddle = lambda w: w[0] ** 2 - w[1] ** 2
saddle_ends = [descend(torch_grad(saddle), [1.0, 0.001], way, 100)
               for way in (sgd(0.01), momentum(0.01, u=0.9))]
ravine_ways = [sgd(0.09), momentum(0.09, u=0.8), adagrad(0.5), rmsprop(0.1, rho=0.9), adam(0.1)]
ravine_ends = [descend(torch_grad(ravine), [-3.0, 1.0], way, 50) for way in ravine_ways]
adam_first = descend(torch_grad(rosenbrock), [-1.0, 2.0], adam(0.01), 1) - np.array([-1.0, 2.0])

checks = {
    "perceptron_and": close([float(np.sum(np.array(v) * [0.5, 0.5]) - 0.7 > 0)
                             for v in ([0, 0], [0, 1], [1, 0], [1, 1])]),
    "step": close((x > 0).astype(float)),
    "step_slope": close(np.zeros(7)),
    "sigmoid": close(torch.sigmoid(torch.tensor(x)).numpy()),
    "sigmoid_slope0": close(autograd(torch.sigmoid, 0.0)),
    "sigmoid_slope_formula": close([0.0]),
    "tanh": close(np.tanh(x)),
    "tanh_formula": close(np.tanh(x)),
    "relu": close(torch.relu(torch.tensor(x)).numpy()),
    "leaky_relu": close(torch.nn.functional.leaky_relu(torch.tensor(x), 0.1).numpy()),
    "leaky_relu_formula": close(torch.nn.functional.leaky_relu(torch.tensor(x), 0.1).numpy()),
    "identity": close([1, -2, 3]),
    "softmax": close(torch.softmax(torch.tensor([1.0, 2, 3]), 0).numpy()),
    "softmax_sum": close([1.0]),
    "softmax_formula": close(torch.softmax(torch.tensor([1.0, 2, 3]), 0).numpy()),
    "softmax_big": close(softmax(np.array([1000.0, 1001, 1002]))),
    "softmax_batch": close(softmax(np.array([[1.0, 2, 3], [1, 1, 1]]))),
    "entropy": close([entropy]),
    "cross_entropy": close([cross]),
    "kl": close([kl_pq]),
    "kl_formula": close([kl_pq]),
    "kl_plus_h": close([cross]),
    "kl_qp": close([kl_qp]),
    "ce_onehot": close([-np.log(0.7)]),
    "grad_bowl": close(autograd(bowl, [2.0, -1.0])),
    "grad_neuron": close(autograd(neuron, [1.0, -1.0])),
    "grad_ce": close(autograd(lambda z: torch.nn.functional.cross_entropy(z[None], torch.tensor([1])),
                              [1.0, 2.0, 3.0])),
    "gd_bowl": close(descend(torch_grad(bowl), [2.0, -1.0], sgd(0.1), 20), PATH),
    # The notes' claim (3.1): one sample per step is much noisier than a minibatch.
    "sgd_noise": {"kind": "greater", "factor": 10},
    # 3.2: through ten sigmoid layers the gradient shrinks layer by layer on the way back.
    "gradnorm_sigmoid": {"kind": "increasing"},
    # first layer / last layer: below 1e-3 through sigmoids, above 1e-2 through relus.
    "gradnorm_ratio": {"kind": "range", "lo": [0, 1e-2], "hi": [1e-3, 1e3]},
    "clip": close([fly[0], walk1[0], walk[0]], PATH),
    "saddle": close([saddle(s) for s in saddle_ends], PATH),
    "double_well": close([well_sgd[0], well_mom[0]], PATH),
    "ravine_ends": close(ravine_ends, PATH),
    "adam_first_step": close(adam_first, PATH),
    "train_accuracy": {"kind": "range", "lo": [0.95], "hi": [1.0]},
    # help in Chinese after `:lang zh` (softmax "turns scores into probabilities": 概率) …
    "help_zh": {"kind": "contains", "text": "概率"},
    # … and English again after `:lang en`: explain's words on the naive formula
    "explain_softmax": {"kind": "contains", "text": "without C (the naive formula)"},
    "graph": {"kind": "contains", "text": "grad [%s]" % ", ".join(
        "%.6g" % v for v in autograd(neuron, [1.0, -1.0]))},
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "course_refs.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(checks, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("wrote", out)
