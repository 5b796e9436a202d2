# onnx_import_roundtrip.sh — nn → ONNX → nn: models written in nn (an MLP with flatten,
# a declared activation x * sigmoid(x) and leaky_relu(a = 0.01), a CNN with batchnorm
# after training, a declared layer with a parameter and step) go out through export()
# (branch onnxout) and come back through load_onnx; the loaded model's predict equals the
# original's within 1e-6, and its layers are nn's own where the nodes have their form.
set -u
cat > "$TMP/rt.nn" <<NN
seed(3)
model mlp() { flatten; dense(4, 8); relu; dense(8, 3); softmax }
activation swish(x) = x * sigmoid(x)
model act() { dense(3, 5); swish; dense(5, 2); leaky_relu(a = 0.01); tanh }
model cnn() { conv2d(1, 2, 3, padding = 1); batchnorm(2); relu; maxpool2d(2); flatten; dense(8, 3); softmax }
layer scale(n) {
  param w = ones(n) * 0.5
  forward(x) = x * w + sum(x, 1, keepdim = true)
}
model decl() { dense(3, 4); scale(4); step; dense(4, 2); sigmoid }
let xs = {mlp: randn(100, 2, 2), act: randn(100, 3), cnn: randn(100, 1, 4, 4), decl: randn(100, 3)}
let nets = {mlp: mlp(), act: act(), cnn: cnn(), decl: decl()}
train(nets.cnn, {x: xs.cnn, y: argmax(randn(100, 3), 1)}, optimizer = adam(), epochs = 2, batch = 20, verbose = false)
let want = {mlp: "<model mlp: flatten dense relu dense softmax>", act: "<model act: dense onnx dense leaky_relu(a = 0.01) tanh>",
            cnn: "<model cnn: conv2d batchnorm relu maxpool2d flatten dense softmax>", decl: "<model decl: dense onnx dense sigmoid>"}
for name in ["mlp", "act", "cnn", "decl"] {
  let x = xs[name]
  export(nets[name], "$TMP/" + name + ".onnx", input = shape(x)[1:])
  let back = load_onnx("$TMP/" + name + ".onnx")
  let err = max(abs(predict(back, x) - predict(nets[name], x)))
  if err <= 1e-6 { print("PASS roundtrip", name, "predict: max |diff| =", err) } else { print("FAIL roundtrip", name, "predict: max |diff| =", err) }
  if str(back) == want[name] { print("PASS roundtrip", name, "layers:", back) } else { print("FAIL roundtrip", name, "layers:", back, "want", want[name]) }
}
NN
"$NN" "$TMP/rt.nn" 2>&1 | sed 's/^\(.*error:.*\)$/FAIL roundtrip: \1/'
