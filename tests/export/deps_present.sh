#!/bin/sh
# deps_present.sh — what the other scripts of this suite need is there (make deps-export):
# Debian's torch, numpy and onnx, and ONNX Runtime for Node. A missing piece fails here
# by name, rather than as a puzzling failure inside a later test.
for m in torch numpy onnx; do
  if "$PY" -c "import $m" 2>"$TMP/err"; then echo "PASS python module $m"
  else echo "FAIL python module $m: $(tail -1 "$TMP/err") (run make deps-export)"; fi
done
if (cd tests/export && node -e "import('onnxruntime-node').then(o => { if (!o.InferenceSession) process.exit(1) })") 2>"$TMP/err"
then echo "PASS onnxruntime-node loads"
else echo "FAIL onnxruntime-node: $(tail -1 "$TMP/err") (run make deps-export)"; fi
