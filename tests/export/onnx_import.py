#!/usr/bin/python3
"""onnx_import.py — a fresh PyTorch model exported to ONNX for tests/export/onnx_import_torch.sh.
    /usr/bin/python3 tests/export/onnx_import.py MODEL DIR
writes DIR/MODEL.onnx (torch.onnx.export, opset 13, batch axis dynamic, inference form with
batchnorm kept as a node) and DIR/MODEL.data.safetensors holding x (100 inputs) and y
(torch's outputs for them), read by nn's load_tensors. MODEL is one of:
  mlp    Linear(784, 64), ReLU, Linear(64, 10), Softmax(-1)            on [N, 784]
  cnn    Conv2d(1, 6, 3, padding=1), BatchNorm2d, ReLU, MaxPool2d(2), Conv2d(6, 8, 3),
         BatchNorm2d, ReLU, MaxPool2d(2), Flatten, Linear(288, 10), Softmax(-1)   on [N, 1, 28, 28]
  swish  Linear(20, 32), x * sigmoid(x) (a custom activation), Linear(32, 16), Tanh,
         Linear(16, 5)                                                  on [N, 20]
The batchnorm layers get random running statistics and affine weights, so their
inference form is not the identity."""
import json
import struct
import sys

import numpy as np
import torch

name, out = sys.argv[1], sys.argv[2]
torch.manual_seed(7)


class Swish(torch.nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


nn = torch.nn
models = {
    "mlp": (lambda: nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=-1)), [784]),
    "cnn": (lambda: nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(6, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Flatten(), nn.Linear(288, 10), nn.Softmax(dim=-1)), [1, 28, 28]),
    "swish": (lambda: nn.Sequential(nn.Linear(20, 32), Swish(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5)), [20]),
}
make, shape = models[name]
model = make()
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
model.eval()
torch.onnx.export(model, torch.zeros(2, *shape), f"{out}/{name}.onnx", opset_version=13,
                  input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "N"}, "y": {0: "N"}},
                  training=torch.onnx.TrainingMode.PRESERVE)
x = torch.rand(100, *shape)
with torch.no_grad():
    y = model(x)


def safetensors(path, tensors):
    """the safetensors layout (F32, little-endian), written by hand: no extra package"""
    header, data = {}, b""
    for k, t in tensors.items():
        b = np.ascontiguousarray(t.numpy(), dtype="<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


safetensors(f"{out}/{name}.data.safetensors", {"x": x, "y": y})
