#!/bin/sh
# nn --to-torch on examples/xor.nn (a declared layer and activation, Adam from its stdlib
# declaration): python3 and torchrun with 2 processes reach nn's accuracy, and the
# trained weights load back into nn (tests/export/torch_roundtrip.py).
"$PY" tests/export/torch_roundtrip.py xor examples/xor.nn net data "accuracy:" --single
