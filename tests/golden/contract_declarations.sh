# DESIGN.md's declarations contract, verbatim, through nn -e (which echoes expression
# values), in a temporary folder (it saves xor.safetensors).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
$RUN -e 'activation swish(x) = x * sigmoid(x)
loss half_mse(p, q) = 0.5 * mean((q - p) ^ 2)

optimizer momentum2(lr = 0.01, u = 0.9) {   # runs once per parameter tensor per step
  state v                                   # per-parameter state, starts as zeros like w
  v = u * v + g                             # g: gradient of w; t: step number from 1
  w = w - lr * v
}

layer affine(n_in, n_out) {
  param W = randn(n_in, n_out) * sqrt(2 / n_in)
  param b = zeros(n_out)
  forward(x) = x @ W + b
}

model mlp(hidden = 8) {                     # a constructor: each call makes fresh weights
  affine(2, hidden)
  swish
  dense(hidden, 2)
  softmax
}

seed(1)
let net = mlp(hidden = 16)
let data = xor()                            # record-like dataset: data.x [4, 2], data.y [4]
let h = train(net, data, loss = cross_entropy, optimizer = adam(lr = 0.05),
              epochs = 300, batch = 4)
accuracy(net, data)                         # 1
predict(net, [[0, 1]])
save(net, "xor.safetensors"); load(net, "xor.safetensors")'
echo "status $?"
ls
