# export's mistakes, each a located error in the user's terms: an op with no ONNX form
# (named with the layer that uses it), a model never applied and no input shape given, a
# bad input shape, a file that cannot be written, a reshape across the batch axis,
# something that is not a model, and graphs that differ between two batch sizes (a
# one_hot of the input, a slice of the batch axis).
$RUN -e 'activation pickfirst(x) = pick(x, zeros(shape(x)[0]))
model mlp() { dense(2, 3); pickfirst }
export(mlp(), "m.onnx", input = [2])'; echo "status $?"
$RUN -e 'model mlp() { dense(2, 3); relu }
let net = mlp()
export(net, "m.onnx")'; echo "status $?"
$RUN -e 'model mlp() { dense(2, 3); relu }
export(mlp(), "m.onnx", input = [0, 2])'; echo "status $?"
$RUN -e 'model mlp() { dense(2, 3); relu }
export(mlp(), "no_such_folder/m.onnx", input = [2])'; echo "status $?"
$RUN -e 'activation mix(x) = reshape(x, 2, -1)
model mlp() { dense(4, 6); mix }
export(mlp(), "m.onnx", input = [4])'; echo "status $?"
$RUN -e 'export(relu, "m.onnx")'; echo "status $?"
$RUN -e 'activation hot(x) = one_hot(argmax(x, axis = 1), 3)
model mlp() { dense(2, 3); hot }
export(mlp(), "m.onnx", input = [2])'; echo "status $?"
$RUN -e 'activation rest(x) = x[1:]
model mlp() { dense(2, 3); rest }
export(mlp(), "m.onnx", input = [2])'; echo "status $?"
