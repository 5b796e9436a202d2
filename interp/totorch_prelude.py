# totorch_prelude.py — the Python half of nn --to-torch (interp/totorch.c): the program's
# header (@NAME@ is filled in) and nn's builtins, layers, losses and train loop in
# PyTorch. Embedded into nn at build time; nn writes it from its "#!/usr/bin/env" line on.
#!/usr/bin/env python3
# @OUT@ — the first train(...) call of @SCRIPT@ (line @LINE@) in PyTorch, written by
# nn --to-torch. Beside it: @STEM@.data.safetensors (the data nn trains on, as it
# trains on it) and @STEM@.init.safetensors (the model's weights when train began).
# Run:  python3 @OUT@
#       torchrun --nproc_per_node=2 @OUT@   (DistributedDataParallel: gloo on CPU,
#       nccl on GPUs; Debian's torchrun of torch 1.13 on Python 3.11 needs
#       torchrun --redirects 1 --tee 1 --nproc_per_node=2 @OUT@ to start)
# Every step takes nn's batch of @BATCH@ samples in nn's order, split among the
# processes, whose gradients are averaged with weights, so the step is nn's step
# however many processes run. Rank 0 saves the trained weights under nn's
# parameter names to @STEM@.trained.safetensors (or --save PATH):
#   load(net, "@STEM@.trained.safetensors") brings them back into nn.
# Below: nn's builtins, layers and training loop in PyTorch (the same for every
# script), then the script's declarations and its train call.

import argparse
import builtins as _b
import json
import math
import os
import struct
from types import SimpleNamespace as _rec

import numpy as np
import torch
import torch.distributed as _dist
import torch.nn.functional as _F

# ---- nn's builtins on float32 tensors (numbers stay Python numbers, as in nn)

pi = math.pi


def _f(x):
    """x as a float32 tensor (numbers, lists and comparisons' bools included)."""
    if isinstance(x, torch.Tensor):
        return x if x.dtype == torch.float32 else x.float()
    return torch.tensor(x, dtype=torch.float32)


def _shape(shape):
    """zeros(2, 3), zeros([2, 3]) and zeros(shape(x)) all name the shape (2, 3)."""
    if _b.len(shape) == 1 and isinstance(shape[0], (list, tuple, torch.Tensor)):
        shape = shape[0]
    return [int(s) for s in shape]


def _reduce(op, x, axis, keepdim):
    x = _f(x)
    return op(x) if axis is None else op(x, dim=int(axis), keepdim=bool(keepdim))


def _bracket(*xs):
    """[a, b, c]: a tensor when every element is a number or a tensor of one shape."""
    if all(isinstance(x, (int, float, bool, torch.Tensor)) for x in xs):
        return torch.stack([_f(x) for x in xs]) if xs else torch.zeros(0)
    return list(xs)


def exp(x): return torch.exp(_f(x))
def log(x): return torch.log(_f(x))
def sqrt(x): return torch.sqrt(_f(x))
def abs(x): return torch.abs(_f(x))
def sin(x): return torch.sin(_f(x))
def cos(x): return torch.cos(_f(x))
def floor(x): return torch.floor(_f(x))
def tanh(x): return torch.tanh(_f(x))
def sigmoid(x): return torch.sigmoid(_f(x))
def relu(x): return torch.relu(_f(x))
def leaky_relu(x, a=0.1): return torch.maximum(a * _f(x), _f(x))
def identity(x): return x
def step(x): return (_f(x) > 0).float()
def softmax(x, axis=-1): return torch.softmax(_f(x), int(axis))
def log_softmax(x, axis=-1): return torch.log_softmax(_f(x), int(axis))
def sum(x, axis=None, keepdim=False): return _reduce(torch.sum, x, axis, keepdim)
def mean(x, axis=None, keepdim=False): return _reduce(torch.mean, x, axis, keepdim)
def prod(x, axis=None, keepdim=False): return _reduce(torch.prod, x, axis, keepdim)
def norm(x, axis=None, keepdim=False): return torch.sqrt(sum(_f(x) * _f(x), axis, keepdim))
def where(cond, a, b): return torch.where(_f(cond) != 0, _f(a), _f(b))
def clip(x, lo=None, hi=None): return torch.clamp(_f(x), lo, hi)
def xlogy(x, y): return torch.xlogy(_f(x), _f(y))
def pick(q, idx): return _f(q).gather(-1, _f(idx).long().unsqueeze(-1)).squeeze(-1)
def zeros(*shape): return torch.zeros(_shape(shape))
def ones(*shape): return torch.ones(_shape(shape))
def randn(*shape): return torch.randn(_shape(shape))
def rand(*shape): return torch.rand(_shape(shape))
def reshape(x, *shape): return _f(x).reshape(_shape(shape))
def shape(x): return list(_f(x).shape)
def rank(x): return _f(x).dim()
def transpose(x): return _f(x).permute(*reversed(range(_f(x).dim())))
def flatten(x): return _f(x).reshape(_f(x).shape[0], -1)
def len(x): return _b.len(x)
def tensor(x): return _f(x)
def concat(xs, axis=0): return torch.cat([_f(x) for x in xs], int(axis))
def stack(xs, axis=0): return torch.stack([_f(x) for x in xs], int(axis))


def max(x, y=None, axis=None, keepdim=False):
    if y is not None:
        return torch.maximum(_f(x), _f(y))
    x = _f(x)
    return x.max() if axis is None else x.max(dim=int(axis), keepdim=bool(keepdim)).values


def min(x, y=None, axis=None, keepdim=False):
    if y is not None:
        return torch.minimum(_f(x), _f(y))
    x = _f(x)
    return x.min() if axis is None else x.min(dim=int(axis), keepdim=bool(keepdim)).values


def argmax(x, axis=None, keepdim=False):
    x = _f(x)
    return (x.argmax() if axis is None else x.argmax(dim=int(axis), keepdim=bool(keepdim))).float()


# ---- nn's losses (stdlib/core.nn): the truth p first, the prediction q second

def cross_entropy(p, q):
    p, q = _f(p), _f(q)
    if p.dim() == q.dim() - 1:
        return -mean(log(pick(q, p)))
    return -mean(sum(xlogy(p, q), axis=-1))


def kl(p, q):
    p, q = _f(p), _f(q)
    return mean(sum(xlogy(p, p) - xlogy(p, q), axis=-1))


def mse(p, q):
    return mean((_f(q) - _f(p)) ** 2)


def bce(y, p):
    """log p and log(1 - p) clamped at -100, as nn's bce and PyTorch's BCELoss do."""
    y, p = _f(y), _f(p)
    return _F.binary_cross_entropy(p, y.reshape(p.shape))


binary_cross_entropy = bce


def _ce_logits(y, z):
    """nn's fused softmax + cross_entropy: the stable log-softmax of the scores z."""
    y, ls = _f(y), torch.log_softmax(z, -1)
    if y.dim() == z.dim() - 1:
        return -ls.gather(-1, y.long().unsqueeze(-1)).mean()
    return -(y * ls).sum(-1).mean()


def _bce_logits(y, z):
    """nn's fused sigmoid + bce: mean(max(z, 0) - z·y + log(1 + e^-|z|)) on the logit z."""
    return _F.binary_cross_entropy_with_logits(z, _f(y).reshape(z.shape))


# ---- nn's layers: parameters in nn's layout (dense W [in, out]) under nn's names

class Dense(torch.nn.Module):
    """dense(n_in, n_out): y = x @ W + b, W [n_in, n_out], b [n_out]."""
    def __init__(self, n_in, n_out):
        super().__init__()
        self.W = torch.nn.Parameter(torch.randn(n_in, n_out) * math.sqrt(2 / n_in))
        self.b = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.W + self.b


class Flatten(torch.nn.Module):
    """flatten: [B, ...] to [B, n]."""
    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Dropout(torch.nn.Module):
    """dropout(p): zeroes inputs with probability p while training, scaling the rest by 1/(1 - p)."""
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return _F.dropout(x, self.p, self.training)


class Conv2d(torch.nn.Module):
    """conv2d(c_in, c_out, k, stride, padding): W [c_out, c_in, k, k], b [c_out]; [B, H, W] is one channel."""
    def __init__(self, c_in, c_out, k, stride=1, padding=0):
        super().__init__()
        self.W = torch.nn.Parameter(torch.randn(c_out, c_in, k, k) * math.sqrt(2 / (c_in * k * k)))
        self.b = torch.nn.Parameter(torch.zeros(c_out))
        self.stride, self.padding = stride, padding

    def forward(self, x):
        if x.dim() == 3:
            x = x.unsqueeze(1)
        return _F.conv2d(x, self.W, self.b, self.stride, self.padding)


class MaxPool2d(torch.nn.Module):
    """maxpool2d(k, stride): the maximum of each k×k window."""
    def __init__(self, k, stride):
        super().__init__()
        self.k, self.stride = k, stride

    def forward(self, x):
        return _F.max_pool2d(x, self.k, self.stride)


class BatchNorm(torch.nn.Module):
    """batchnorm(n, momentum, eps): gamma, beta trained; running_mean, running_var saved."""
    def __init__(self, n, momentum=0.1, eps=1e-5):
        super().__init__()
        self.gamma = torch.nn.Parameter(torch.ones(n))
        self.beta = torch.nn.Parameter(torch.zeros(n))
        self.register_buffer("running_mean", torch.zeros(n))
        self.register_buffer("running_var", torch.ones(n))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        return _F.batch_norm(x, self.running_mean, self.running_var, self.gamma, self.beta,
                             self.training, self.momentum, self.eps)


class Act(torch.nn.Module):
    """An activation used as a layer, with its settings (leaky_relu(a = 0.01))."""
    def __init__(self, f, **settings):
        super().__init__()
        self.f, self.settings = f, settings

    def forward(self, x):
        return self.f(x, **self.settings)


class NNModel(torch.nn.Module):
    """An nn model: its layers in order, named 0, 1, ... as nn names them ("0.W", "2.0.b")."""
    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)

    def forward(self, x, logits=False):
        """logits: stop before the final activation (inside a nested last model too)."""
        layers = list(self.children())
        for i, layer in enumerate(layers):
            if logits and i == _b.len(layers) - 1:
                return layer(x, logits=True) if isinstance(layer, NNModel) else x
            x = layer(x)
        return x


# ---- safetensors, as nn reads and writes them (F32 only)

def _st_load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    base, out = 8 + n, {}
    for name, info in json.loads(raw[8:base]).items():
        if name != "__metadata__":
            a, z = info["data_offsets"]
            data = np.frombuffer(raw[base + a:base + z], dtype="<f4").reshape(info["shape"])
            out[name] = torch.from_numpy(data.copy())
    return out


def _st_save(path, tensors):
    header, blobs, at = {"__metadata__": {"format": "nn"}}, [], 0
    for name, t in tensors.items():
        blob = t.detach().cpu().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + _b.len(blob)]}
        blobs.append(blob)
        at += _b.len(blob)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-_b.len(head) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", _b.len(head)) + head + b"".join(blobs))
    os.replace(path + ".tmp", path)


# ---- the training loop of nn's train(...)

def _correct(out, y):
    """Correct predictions as nn counts them: argmax of k outputs, or one output > 0.5."""
    n = out.shape[0]
    if n == 0:
        return 0
    o, t = out.reshape(n, -1), y.reshape(n, -1)
    pred = (o[:, 0] > 0.5).long() if o.shape[1] == 1 else o.argmax(1)
    true = torch.round(t[:, 0]).long() if t.shape[1] == 1 else t.argmax(1)
    return int((pred == true).sum())


def _classes(y, k):
    """Are the targets classes of a model with k outputs, so that an accuracy means
    something (nn's class_targets, interp/fit.c)? Whole numbers 0..k-1 (0 or 1 for one
    output), or rows of k values >= 0 summing to 1 (within 1e-3)."""
    t = y.reshape(y.shape[0], -1)
    if t.shape[1] == 1:
        v, top = t[:, 0], 1 if k == 1 else k - 1
        return _b.bool(((v >= 0) & (v <= top) & (v == torch.floor(v))).all())
    return t.shape[1] == k and _b.bool((t >= 0).all() & ((t.sum(1) - 1).abs() <= 1e-3).all())


def _forward(net, x):
    return net(x, logits=True) if FUSED else net(x)


def _probs(out):
    return torch.sigmoid(out) if FUSED == "sigmoid" else out


def _score(model, x, y):
    """Mean loss and accuracy over a data set in batches of 1024, in inference mode."""
    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 1024):
            out = _forward(model, x[i:i + 1024])
            total += float(LOSS(y[i:i + 1024], out)) * out.shape[0]
            correct += _correct(_probs(out), y[i:i + 1024])
    model.train()
    n = _b.max(x.shape[0], 1)
    return total / n, correct / n


def _beside(suffix):
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, os.path.splitext(os.path.basename(__file__))[0] + suffix)


def main():
    ap = argparse.ArgumentParser(description="nn's train(...) call in PyTorch")
    ap.add_argument("--data", default=_beside(".data.safetensors"), help="the data nn trains on")
    ap.add_argument("--init", default=_beside(".init.safetensors"), help="nn's initial weights")
    ap.add_argument("--save", default=_beside(".trained.safetensors"), help="where rank 0 saves the trained weights")
    args = ap.parse_args()
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    cuda = torch.cuda.is_available()
    dev = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(dev)
    if world > 1:
        _dist.init_process_group("nccl" if cuda else "gloo")
    torch.manual_seed(0)
    data = {k: v.to(dev) for k, v in _st_load(args.data).items()}
    x, y = data["x"], data["y"]
    model = make_model()
    model.load_state_dict(_st_load(args.init))
    model.to(dev)
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt = make_optimizer(model.parameters())
    n_all = x.shape[0]
    model.eval()
    with torch.no_grad():
        k = _forward(model, x[:1]).reshape(1, -1).shape[1]
    model.train()
    classes = _classes(y, k)
    val_classes = "val_x" in data and _classes(data["val_y"], k)
    steps = (n_all + BATCH - 1) // BATCH
    every = 1 if EPOCHS <= 20 else (EPOCHS + 9) // 10
    shuffler = torch.Generator().manual_seed(0)
    for e in range(1, EPOCHS + 1):
        for name, values in SCHEDULES.items():
            for group in opt.param_groups:
                group[name] = values[e - 1]
        if "order" in data:
            order = data["order"][e - 1].long()
        elif SHUFFLE:
            order = torch.randperm(n_all, generator=shuffler).to(dev)
        else:
            order = torch.arange(n_all, device=dev)
        sums = torch.zeros(3, dtype=torch.float64, device=dev)  # Σ loss·n, correct, samples
        for s in range(steps):
            batch = order[s * BATCH:(s + 1) * BATCH]
            mine = batch.tensor_split(world)[rank]
            xb, yb = x[mine], y[mine]
            opt.zero_grad(set_to_none=True)
            out = _forward(net, xb)
            if _b.len(mine):
                loss = LOSS(yb, out)
                # the ranks' gradients are averaged: weigh each by its share of nn's batch
                (loss * (_b.len(mine) * world / _b.len(batch))).backward()
                sums += torch.tensor([float(loss) * _b.len(mine), _correct(_probs(out.detach()), yb),
                                      _b.len(mine)], dtype=torch.float64, device=dev)
            else:
                (out.sum() * 0).backward()
            if CLIP is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            if CLIP_VALUE is not None:
                torch.nn.utils.clip_grad_value_(model.parameters(), CLIP_VALUE)
            opt.step()
        if world > 1:
            _dist.all_reduce(sums)
        if VERBOSE and rank == 0 and (e % every == 0 or e == EPOCHS or e == 1):
            line = "epoch %d/%d: loss %.4f" % (e, EPOCHS, sums[0] / sums[2])
            if classes:
                line += ", accuracy %.4f" % (sums[1] / sums[2])
            if "val_x" in data:
                val_loss, val_acc = _score(model, data["val_x"], data["val_y"])
                line += ", val_loss %.4f" % val_loss
                if val_classes:
                    line += ", val_accuracy %.4f" % val_acc
            for name, values in SCHEDULES.items():
                line += ", %s %g" % (name, values[e - 1])
            print(line, flush=True)
    if rank == 0:
        loss, acc = _score(model, x, y)
        print("accuracy: %.4f" % acc if classes else "loss: %.4f" % loss)
        if "val_x" in data:
            val_loss, val_acc = _score(model, data["val_x"], data["val_y"])
            print("val_accuracy: %.4f" % val_acc if val_classes else "val_loss: %.4f" % val_loss)
        _st_save(args.save, model.state_dict())
        print("saved the trained weights to %s" % args.save, flush=True)
    if world > 1:
        _dist.destroy_process_group()
