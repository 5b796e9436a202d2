#!/bin/sh
# nn --to-torch on the Fashion-MNIST MLP (examples/fashion_mnist.nn, NN_QUICK-sized: 6000
# training images, one epoch): torchrun with 2 processes reaches nn's test accuracy, and
# the trained weights load back into nn.
NN_QUICK=1 "$PY" tests/export/torch_roundtrip.py fashion examples/fashion_mnist.nn net te "test accuracy:"
