#!/usr/bin/python3
"""gen_onnx_import.py — writes the ONNX files of load_onnx's tests (tests/golden/onnx/*.onnx)
and tests/ref/onnx_import_values.nn, which checks nn's predict on the loaded models against
PyTorch's output for the same inputs.

The models (fixed seeds, small sizes) are exported by torch.onnx.export at opset 13 with a
dynamic batch axis, as a PyTorch user would write them:
  mlp.onnx     Linear(4, 8), ReLU, Linear(8, 3), Softmax(-1)      (Gemm with transB = 1)
  cnn.onnx     Conv2d(1, 4, 3, padding=1), BatchNorm2d(4) with non-trivial running
               statistics, ReLU, MaxPool2d(2), Flatten, Linear(64, 3)   on [N, 1, 8, 8]
  swish.onnx   Linear(3, 5), x * sigmoid(x) (a custom activation), Linear(5, 2), and a
               LeakyReLU(0.2)
  scaled.onnx  Linear(3, 4), then sum(h * alpha + tanh(h), axis 1) with alpha a trained
               parameter: an "onnx" layer with a parameter
  lstm.onnx    an LSTM: an op nn does not support
and one is built with onnx.helper as a plain opset-13 export of an nn model would write
it (nn's own export is another branch's; this is its straightforward form):
  nnstyle.onnx Reshape(x, [-1, 4]), MatMul + Add (dense, W [in, out]), the subgraph
               Mul(h, Sigmoid(h)), MatMul + Add, Softmax(axis = -1)   on [N, 2, 2]
nnops.onnx, more of what an nn export holds (Gemm with W [in, out], BatchNormalization on
[N, C], step as Greater + Cast, LeakyRelu, LogSoftmax), checked against NumPy;
and ops.onnx, a graph of Transpose, Mul by a Constant, ReduceSum with its axes as an input,
Div, Slice and Concat: one "onnx" layer, checked against NumPy.
Bad files for the error goldens: truncated.onnx (mlp.onnx cut short), garbage.onnx (text),
huge_len.onnx (a length field of 2^40), external.onnx (an initializer in an external
file), two_inputs.onnx.

Run from the repository root with Debian's python (python3-torch, python3-onnx):
    /usr/bin/python3 tests/ref/gen_onnx_import.py
Generated with torch 1.13 and onnx 1.12 (Debian bookworm packages).
"""
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

D = "tests/golden/onnx"
torch.manual_seed(12)
rng = np.random.default_rng(12)


def export(model, shape, name):
    # TrainingMode.PRESERVE on a model in eval mode: inference form, with the batchnorm
    # kept as a node (EVAL folds it into the Conv before it)
    model.eval()
    x = torch.zeros(2, *shape)
    torch.onnx.export(model, x, f"{D}/{name}.onnx", opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "N"}, "y": {0: "N"}},
                      training=torch.onnx.TrainingMode.PRESERVE)


class Swish(torch.nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3),
                          torch.nn.Softmax(dim=-1))
cnn = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4),
                          torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                          torch.nn.Linear(64, 3))
with torch.no_grad():
    cnn[1].running_mean.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
    cnn[1].running_var.copy_(torch.tensor([0.5, 1.5, 2.0, 0.8]))
    cnn[1].weight.copy_(torch.tensor([1.2, 0.7, -0.5, 1.0]))
    cnn[1].bias.copy_(torch.tensor([0.1, 0.0, -0.3, 0.2]))
swish = torch.nn.Sequential(torch.nn.Linear(3, 5), Swish(), torch.nn.Linear(5, 2),
                            torch.nn.LeakyReLU(0.2))


class Scaled(torch.nn.Module):
    """a learned per-feature scale inside a custom expression: an "onnx" layer with a
    trained parameter (the initializer 'alpha')"""
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 4)
        self.alpha = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0, 0.25]))

    def forward(self, x):
        h = self.fc(x)
        return (h * self.alpha + torch.tanh(h)).sum(dim=1, keepdim=True)


class Lstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 4, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


export(mlp, [4], "mlp")
export(cnn, [1, 8, 8], "cnn")
export(swish, [3], "swish")
scaled = Scaled()
export(scaled, [3], "scaled")
export(Lstm(), [5, 3], "lstm")

# nnstyle: what an opset-13 export of `model m() { flatten; dense(4, 3); swish; dense(3, 2);
# softmax }` holds (W [in, out] as nn keeps it).
W1 = rng.normal(size=(4, 3)).astype(np.float32)
b1 = rng.normal(size=3).astype(np.float32)
W2 = rng.normal(size=(3, 2)).astype(np.float32)
b2 = rng.normal(size=2).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("Reshape", ["x", "shape"], ["f"], name="flatten"),
     helper.make_node("MatMul", ["f", "1.W"], ["m1"], name="dense1_mm"),
     helper.make_node("Add", ["m1", "1.b"], ["h1"], name="dense1_add"),
     helper.make_node("Sigmoid", ["h1"], ["s"], name="swish_sigmoid"),
     helper.make_node("Mul", ["h1", "s"], ["a"], name="swish_mul"),
     helper.make_node("MatMul", ["a", "3.W"], ["m2"], name="dense3_mm"),
     helper.make_node("Add", ["m2", "3.b"], ["z"], name="dense3_add"),
     helper.make_node("Softmax", ["z"], ["y"], name="softmax", axis=-1)],
    "nn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
    [numpy_helper.from_array(np.array([-1, 4], dtype=np.int64), "shape"),
     numpy_helper.from_array(W1, "1.W"), numpy_helper.from_array(b1, "1.b"),
     numpy_helper.from_array(W2, "3.W"), numpy_helper.from_array(b2, "3.b")])
nnstyle = helper.make_model(g, producer_name="nn", opset_imports=[helper.make_opsetid("", 13)])
nnstyle.ir_version = 8
onnx.checker.check_model(nnstyle, full_check=True)
onnx.save(nnstyle, f"{D}/nnstyle.onnx")


# ops: Transpose, Mul by a Constant, ReduceMean over axis 2 (an axes input, as
# ReduceSum takes it at opset 13: ReduceSum then Div), Unsqueeze, Concat, Slice:
# [N, 2, 3] -> [N, 3, 2] -> mean over the last axis -> [N, 3]; then [N, 3] ++ [N, 1].
ops = helper.make_graph(
    [helper.make_node("Transpose", ["x"], ["t"], name="t", perm=[0, 2, 1]),
     helper.make_node("Constant", [], ["two"], name="two", value_float=2.0),
     helper.make_node("Mul", ["t", "two"], ["t2"], name="double"),
     helper.make_node("ReduceSum", ["t2", "axes"], ["s"], name="sum", keepdims=0),
     helper.make_node("Div", ["s", "two"], ["m"], name="halve"),
     helper.make_node("Slice", ["m", "starts", "ends", "axes1"], ["first"], name="slice"),
     helper.make_node("Concat", ["m", "first"], ["y"], name="concat", axis=1)],
    "ops",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
    [numpy_helper.from_array(np.array([2], dtype=np.int64), "axes"),
     numpy_helper.from_array(np.array([0], dtype=np.int64), "starts"),
     numpy_helper.from_array(np.array([1], dtype=np.int64), "ends"),
     numpy_helper.from_array(np.array([1], dtype=np.int64), "axes1")])
opsm = helper.make_model(ops, producer_name="nn tests", opset_imports=[helper.make_opsetid("", 13)])
opsm.ir_version = 8
onnx.checker.check_model(opsm, full_check=True)
onnx.save(opsm, f"{D}/ops.onnx")


# more of what an nn export holds: Gemm with W [in, out] (transB = 0), BatchNormalization
# on [N, C], step as Greater + Cast, LeakyRelu(0.01), MatMul + Add, LogSoftmax.
W3 = rng.normal(size=(4, 3)).astype(np.float32)
b3 = rng.normal(size=3).astype(np.float32)
bn = [np.array(v, dtype=np.float32) for v in ([1.5, 0.5, -1.0], [0.1, 0.2, 0.3], [0.5, -0.5, 0.0], [2.0, 1.0, 0.5])]
W4 = rng.normal(size=(3, 2)).astype(np.float32)
b4 = rng.normal(size=2).astype(np.float32)
g2 = helper.make_graph(
    [helper.make_node("Gemm", ["x", "0.W", "0.b"], ["h"], name="dense0"),
     helper.make_node("BatchNormalization", ["h", "1.gamma", "1.beta", "1.running_mean", "1.running_var"],
                      ["hb"], name="bn1", epsilon=1e-5),
     helper.make_node("Constant", [], ["zero"], name="zero", value_float=0.0),
     helper.make_node("Greater", ["hb", "zero"], ["pos"], name="step_gt"),
     helper.make_node("Cast", ["pos"], ["st"], name="step_cast", to=TensorProto.FLOAT),
     helper.make_node("Mul", ["hb", "st"], ["r"], name="gate"),
     helper.make_node("LeakyRelu", ["r"], ["lr"], name="leaky", alpha=0.01),
     helper.make_node("MatMul", ["lr", "4.W"], ["m"], name="dense4_mm"),
     helper.make_node("Add", ["m", "4.b"], ["z"], name="dense4_add"),
     helper.make_node("LogSoftmax", ["z"], ["y"], name="log_softmax", axis=-1)],
    "nnops",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
    [numpy_helper.from_array(W3, "0.W"), numpy_helper.from_array(b3, "0.b"),
     numpy_helper.from_array(bn[0], "1.gamma"), numpy_helper.from_array(bn[1], "1.beta"),
     numpy_helper.from_array(bn[2], "1.running_mean"), numpy_helper.from_array(bn[3], "1.running_var"),
     numpy_helper.from_array(W4, "4.W"), numpy_helper.from_array(b4, "4.b")])
nnops = helper.make_model(g2, producer_name="nn tests", opset_imports=[helper.make_opsetid("", 13)])
nnops.ir_version = 8
onnx.checker.check_model(nnops, full_check=True)
onnx.save(nnops, f"{D}/nnops.onnx")


def nnops_ref(x):
    h = x @ W3 + b3
    hb = bn[0] * (h - bn[2]) / np.sqrt(bn[3] + 1e-5) + bn[1]
    r = hb * (hb > 0)
    r = np.where(r > 0, r, 0.01 * r)
    z = r @ W4 + b4
    return z - z.max(-1, keepdims=True) - np.log(np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True))


def ops_ref(x):
    s = np.transpose(x, (0, 2, 1)).sum(2)
    return np.concatenate([s, s[:, :1]], axis=1)


def nnstyle_ref(x):
    h = x.reshape(len(x), 4) @ W1 + b1
    z = (h / (1 + np.exp(-h))) @ W2 + b2
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# bad files
data = open(f"{D}/mlp.onnx", "rb").read()
open(f"{D}/truncated.onnx", "wb").write(data[: len(data) // 2])
open(f"{D}/garbage.onnx", "wb").write(b"this is not an onnx file\n")
# field 7 (graph), length-delimited, with a length of 2^40 bytes
open(f"{D}/huge_len.onnx", "wb").write(bytes([0x08, 0x08, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]) + b"\0" * 8)
ext = onnx.load(f"{D}/nnstyle.onnx")
w = ext.graph.initializer[1]
w.ClearField("raw_data")
w.data_location = TensorProto.EXTERNAL
w.external_data.add(key="location", value="weights.bin")
onnx.save(ext, f"{D}/external.onnx")
two = helper.make_graph(
    [helper.make_node("Add", ["a", "b"], ["y"])], "two",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 2]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])])
onnx.save(helper.make_model(two, opset_imports=[helper.make_opsetid("", 13)]), f"{D}/two_inputs.onnx")


# the values: torch's outputs on fixed inputs, written literally
def fmt(a):
    a = np.asarray(a, dtype=np.float32)
    if a.ndim == 0:
        s = np.format_float_positional(np.float32(a), unique=True, trim="-")
        return s
    return "[" + ", ".join(fmt(v) for v in a) + "]"


out = ["# generated by tests/ref/gen_onnx_import.py — do not edit",
       "# load_onnx: nn's predict on PyTorch-exported models against PyTorch's own output.",
       "# Regenerate: /usr/bin/python3 tests/ref/gen_onnx_import.py",
       "fn check(label, got, want, tol = 1e-5) {",
       "  if allclose(got, want, rtol = tol, atol = tol) { print(\"PASS\", label) } "
       "else { print(\"FAIL\", label, \"got\", got, \"want\", want) }",
       "}"]
for name, model, shape in [("mlp", mlp, [4]), ("cnn", cnn, [1, 8, 8]), ("swish", swish, [3]),
                           ("scaled", scaled, [3]), ("nnstyle", None, [2, 2]), ("ops", None, [2, 3]),
                           ("nnops", None, [4])]:
    x = np.round(rng.normal(size=[5] + shape), 2).astype(np.float32)
    out.append(f"let {name} = load_onnx(\"../golden/onnx/{name}.onnx\")")
    if model is None:
        ref = {"nnstyle": nnstyle_ref, "ops": ops_ref, "nnops": nnops_ref}[name]
        out.append(f"check(\"{name} predict\", predict({name}, {fmt(x)}), {fmt(ref(x))})")
        continue
    xt = torch.from_numpy(x).requires_grad_(True)
    y = model(xt)
    S = torch.from_numpy(np.round(rng.normal(size=y.shape), 2).astype(np.float32))
    (y * S).sum().backward()
    out.append(f"check(\"{name} predict\", predict({name}, {fmt(x)}), {fmt(y.detach().numpy())})")
    # dL/dx for L = sum(model(x) * S): the gradient through nn's layers and "onnx" layers
    out.append(f"check(\"{name} dx\", grad(fn(x) = sum({name}(x) * {fmt(S.numpy())}), {fmt(x)}), "
               f"{fmt(xt.grad.numpy())}, 1e-4)")
    if name == "scaled":
        # one sgd(lr = 1) step on L = sum(y * S) over the whole batch leaves each trained
        # parameter at w - dL/dw: alpha, a parameter of the "onnx" layer, and the dense W
        # (nn's [in, out] is torch's weight transposed)
        out.append(f"train(scaled, {{x: {fmt(x)}, y: {fmt(S.numpy())}}}, loss = fn(p, q) = sum(p * q), "
                   "optimizer = sgd(lr = 1), epochs = 1, batch = 5, shuffle = false, verbose = false)")
        with torch.no_grad():
            out.append(f"check(\"scaled alpha - d alpha\", params(scaled)[\"1.alpha\"], "
                       f"{fmt((model.alpha - model.alpha.grad).numpy())}, 1e-4)")
            out.append(f"check(\"scaled W - dW\", params(scaled)[\"0.W\"], "
                       f"{fmt((model.fc.weight - model.fc.weight.grad).numpy().T)}, 1e-4)")
open("tests/ref/onnx_import_values.nn", "w").write("\n".join(out) + "\n")
