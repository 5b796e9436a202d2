# A model read by load_onnx knows the sample shape its file declares, as a model that has
# seen a batch does: summary(net) and export(net, …) need no input shape.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat > "$T/a.nn" <<'NN'
seed(1)
activation swish(x) = x * sigmoid(x)
model clf() { flatten; dense(4, 8); swish; dense(8, 3); softmax }
let net = clf()
export(net, "m.onnx", input = [2, 2])
let back = load_onnx("m.onnx")
summary(back)
export(back, "again.onnx")
let x = randn(5, 2, 2)
print(max(abs(predict(net, x) - predict(load_onnx("again.onnx"), x))))
NN
cd "$T" && $RUN a.nn
echo "status $?"
