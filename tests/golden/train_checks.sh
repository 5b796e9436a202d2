# train's argument checks and hints: clip must be positive; cross_entropy on a model that
# does not end in softmax is warned about and its NaN explained; a model with a layer
# sized by its first input cannot be saved before it has seen data; accuracy checks labels.
$RUN -e 'train(dense(2, 2), xor(), optimizer = sgd(), clip = -1)'; echo "status $?"
$RUN -e 'model m() { dense(2, 2) }
train(m(), xor(), optimizer = sgd(), verbose = false)'; echo "status $?"
$RUN -e 'model m() { dense(2, 4); batchnorm; relu; dense(4, 2); softmax }
save(m(), "never_written.safetensors")'; echo "status $?"
$RUN -e 'model m() { dense(2, 2); softmax }
accuracy(m(), {x: xor().x, y: [0, 1, 7, 0]})'; echo "status $?"
$RUN -e 'print(zeros(0, 3), zeros(2, 0), {a: zeros(0, 2)})'; echo "status $?"
