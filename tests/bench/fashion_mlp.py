# fashion_mlp.py — the PyTorch twin of fashion_mlp.nn for `make bench`: the same model
# (784-H-128-10, H = BENCH_HIDDEN (256), ReLU, He-normal weights and zero biases as nn's dense), Adam lr 0.001,
# batch BENCH_BATCH (64), shuffled, cross-entropy on the logits (nn fuses softmax + cross_entropy the
# same way), one epoch. Prints the epoch's time (data loading excluded) and the test
# accuracy after it. Threads: BENCH_THREADS (tests/bench.sh passes nn's count).
import os, time
import torch

from fashion_data import arrays

def dataset(prefix):
    x, y = arrays(prefix)
    return torch.from_numpy(x), torch.from_numpy(y)

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
torch.set_flush_denormal(True)
torch.manual_seed(0)
BATCH = int(os.environ.get("BENCH_BATCH", "64"))
HIDDEN = int(os.environ.get("BENCH_HIDDEN", "256"))
xtr, ytr = dataset("train")
xte, yte = dataset("t10k")

model = torch.nn.Sequential(
    torch.nn.Flatten(),
    torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(HIDDEN, 128), torch.nn.ReLU(),
    torch.nn.Linear(128, 10))
for m in model:
    if isinstance(m, torch.nn.Linear):
        torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        torch.nn.init.zeros_(m.bias)
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()

t0 = time.perf_counter()
perm = torch.randperm(xtr.shape[0])
for s in range(0, xtr.shape[0], BATCH):
    i = perm[s:s + BATCH]
    opt.zero_grad()
    loss = loss_fn(model(xtr[i]), ytr[i])
    loss.backward()
    opt.step()
t1 = time.perf_counter()

with torch.no_grad():
    acc = (model(xte).argmax(1) == yte).float().mean().item()
try:  # the OpenBLAS kernel torch's matrix products ran on
    import ctypes
    core = ctypes.CDLL("libopenblas.so.0").openblas_get_corename
    core.restype = ctypes.c_char_p
    print(f"blas kernel {core().decode()}")
except (OSError, AttributeError):
    pass
print(f"epoch {t1 - t0:.3f} s")
print(f"test accuracy {acc:.4f}")
