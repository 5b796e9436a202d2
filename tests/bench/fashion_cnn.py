# fashion_cnn.py — the PyTorch twin of fashion_cnn.nn for `make bench`: the CNN of
# examples/fashion_cnn.nn (conv 1→16 3×3 pad 1, batchnorm, ReLU, 2×2 max pool; conv
# 16→32 likewise; dense 1568-128, ReLU, dropout 0.25, dense 128-10), initialised as nn's
# layers (He-normal weights over fan-in, zero biases; batchnorm gamma 1, beta 0), Adam
# lr 0.001, batch 64, shuffled, cross-entropy on the logits (nn fuses softmax +
# cross_entropy the same way), BENCH_EPOCHS (1) epochs over the first 10000 training
# images. Prints the last epoch's time (data loading excluded) and the test accuracy. Threads:
# BENCH_THREADS (tests/bench.sh passes nn's count).
import os, time
import torch

from fashion_data import arrays

def dataset(prefix, n=None):
    x, y = arrays(prefix, n)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
torch.set_flush_denormal(True)
torch.manual_seed(0)
xtr, ytr = dataset("train", 10000)
xte, yte = dataset("t10k")

model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
    torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(),
    torch.nn.MaxPool2d(2),
    torch.nn.Flatten(),
    torch.nn.Linear(1568, 128), torch.nn.ReLU(), torch.nn.Dropout(0.25),
    torch.nn.Linear(128, 10))
for m in model:
    if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
        torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        torch.nn.init.zeros_(m.bias)
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()

model.train()
# BENCH_EPOCHS epochs (1); the time printed is the last one's (make bench takes the second,
# as it does for nn: a steady-state epoch)
for epoch in range(int(os.environ.get("BENCH_EPOCHS", "1"))):
    t0 = time.perf_counter()
    perm = torch.randperm(xtr.shape[0])
    for s in range(0, xtr.shape[0], 64):
        i = perm[s:s + 64]
        opt.zero_grad()
        loss = loss_fn(model(xtr[i]), ytr[i])
        loss.backward()
        opt.step()
    t1 = time.perf_counter()

model.eval()
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
