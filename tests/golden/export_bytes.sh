# export writes the same file for the same model on any machine: the bytes of the
# examples/xor.nn model (seeded, untrained) and of a small CNN with batchnorm, as sizes
# and SHA-256 sums. The meaning of these files is checked against ONNX Runtime and
# onnx's checker in tests/export/onnx_export_models.sh; this pins the encoding.
$RUN -e 'activation swish(x) = x * sigmoid(x)
layer affine(n_in, n_out) {
  param W = randn(n_in, n_out) * sqrt(2 / n_in)
  param b = zeros(n_out)
  forward(x) = x @ W + b
}
model mlp(hidden = 8) { affine(2, hidden); swish; dense(hidden, 2); softmax }
seed(1)
export(mlp(hidden = 16), "export_bytes_xor.onnx", input = [2])
model cnn() { conv2d(1, 2, 3, padding = 1); batchnorm(2); relu; maxpool2d(2); flatten; dense(8, 3); softmax }
export(cnn(), "export_bytes_cnn.onnx", input = [4, 4])'; echo "status $?"
for f in export_bytes_xor.onnx export_bytes_cnn.onnx; do
  echo "$f $(wc -c < "$f") bytes $(sha256sum < "$f" | cut -c1-16)"
done
rm -f export_bytes_xor.onnx export_bytes_cnn.onnx
# Without input =: the sample shape of the last batch the model saw, here train's
# (its fused softmax + cross-entropy path) — [2], written as x [N, 2].
$RUN -e 'model m() { dense(2, 4); relu; dense(4, 2); softmax }
seed(2)
let net = m()
let h = train(net, xor(), optimizer = adam(lr = 0.05), epochs = 2, batch = 4, verbose = false)
export(net, "export_bytes_trained.onnx")'; echo "status $?"
echo "export_bytes_trained.onnx $(wc -c < export_bytes_trained.onnx) bytes"
rm -f export_bytes_trained.onnx
