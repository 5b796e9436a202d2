#!/bin/sh
# onnx_export_models.sh — export(net, path) on the models of onnx_export_models.nn (the
# Fashion-MNIST MLP and CNN with batchnorm, examples/xor.nn's declared layer and
# activation, every built-in activation, batchnorm over features with dropout, a declared
# layer of many ops): python3-onnx's checker accepts each file, and ONNX Runtime's output
# equals nn's predict within 1e-5 on 100 inputs, at batch 100 and at batch 1.
models="fashion_mlp fashion_cnn xor_swish act_step act_sigmoid act_tanh act_relu act_leaky_relu
act_leaky_relu_default act_identity act_softmax batchnorm_dropout ops"
if ! "$NN" tests/export/onnx_export_models.nn > "$TMP/nn.out" 2>&1; then
  echo "FAIL nn could not export the models: $(tail -3 "$TMP/nn.out")"
  exit 0
fi
for m in $models; do
  [ -s "$TMP/$m.onnx" ] || echo "FAIL $m: export wrote no $m.onnx"
done
"$PY" tests/export/onnx_check.py "$TMP"/*.onnx
# shellcheck disable=SC2086
node tests/export/onnx_run.mjs "$TMP" $models
