# load_onnx's errors, located at the call and naming the culprit: an op nn does not
# support (by node and op), damaged files (truncated, not protobuf, a hostile length),
# what nn does not read (external data, two inputs), a missing file and a folder; and
# an "onnx" layer given an input its nodes cannot take (the layer, the node, the op).
$RUN -e 'load_onnx("onnx/lstm.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/truncated.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/garbage.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/huge_len.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/external.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/two_inputs.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx/missing.onnx")'; echo "status $?"
$RUN -e 'load_onnx("onnx")'; echo "status $?"
$RUN -e 'load_onnx(3)'; echo "status $?"
$RUN -e 'let m = load_onnx("onnx/scaled.onnx")
predict(m, [[1, 2, 3, 4]])'; echo "status $?"
$RUN -e 'let m = load_onnx("onnx/ops.onnx")
predict(m, [[1, 2, 3]])'; echo "status $?"
