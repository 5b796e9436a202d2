#!/bin/sh
# nn --to-torch on a moons classifier with a declared optimizer, a learning-rate schedule,
# leaky_relu(a = 0.01) and clipping (tests/export/torch_moons.nn): torchrun with 2
# processes reaches nn's accuracy, and the trained weights load back into nn.
"$PY" tests/export/torch_roundtrip.py moons tests/export/torch_moons.nn net data "accuracy:"
