# fashion_data.py — Fashion-MNIST for the PyTorch twins of `make bench` (fashion_mlp.py,
# fashion_cnn.py): the IDX files of Debian's dataset-fashion-mnist, or $NN_DATA, as nn's
# fashion_mnist() reads them (bytes / 255 as float32, labels as class indices).
import gzip, os, struct, sys
import numpy as np

DIR = os.environ.get("NN_DATA") or "/usr/share/datasets/fashion-mnist"

def idx(name):
    for p in (os.path.join(DIR, name + ".gz"), os.path.join(DIR, name)):
        if os.path.exists(p):
            with (gzip.open if p.endswith(".gz") else open)(p, "rb") as f:
                data = f.read()
            nd = data[3]
            dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
            return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)
    sys.exit(f"{os.path.basename(sys.argv[0])}: {name} not found in {DIR}")

def arrays(prefix, n=None):
    """The first n (all) images [n, 28, 28] in [0, 1] and labels [n] of a split."""
    x = idx(f"{prefix}-images-idx3-ubyte")[:n].astype(np.float32) / 255
    y = idx(f"{prefix}-labels-idx1-ubyte")[:n].astype(np.int64)
    return x, y
