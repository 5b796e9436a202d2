#!/bin/sh
# nn --to-torch with the other loss paths: sigmoid + bce (fused, from the logit) and mse
# on one-hot targets without shuffling (not fused), under python3 and torchrun with 2
# processes; the trained weights load back into nn (tests/export/torch_roundtrip.py).
"$PY" tests/export/torch_roundtrip.py bce tests/export/torch_bce.nn net d "accuracy:" --single
"$PY" tests/export/torch_roundtrip.py mse tests/export/torch_mse.nn net d "accuracy:" --single
