# export's errors in Chinese: the unsupported op and the missing input shape.
$RUN --lang zh -e 'activation pickfirst(x) = pick(x, zeros(shape(x)[0]))
model mlp() { dense(2, 3); pickfirst }
export(mlp(), "m.onnx", input = [2])' 2>&1; echo "status $?"
$RUN --lang zh -e 'model mlp() { dense(2, 3); relu }
let net = mlp()
export(net, "m.onnx")' 2>&1; echo "status $?"
