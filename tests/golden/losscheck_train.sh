# Issue 7 in train: q is the model's output. A model ending in softmax gives probabilities,
# so kl trains without the checks of q; mse on raw outputs (regression) is never checked
# for probabilities; kl on a model without softmax is told to end it in softmax.
$RUN -e 'seed(1)
model m() { dense(2, 8); relu; dense(8, 2); softmax }
let d = xor()
let h = train(m(), {x: d.x, y: one_hot(d.y, 2)}, loss = kl, optimizer = adam(lr = 0.05), epochs = 3, batch = 4, verbose = false)
print(h.loss.shape)'; echo "status $?"
$RUN -e 'seed(1)
model r() { dense(1, 4); tanh; dense(4, 1) }
let x = reshape(linspace(-1, 1, 8), 8, 1)
let h = train(r(), {x: x, y: -3 * x}, loss = mse, optimizer = sgd(lr = 0.1), epochs = 2, batch = 8, verbose = false)
print(h.loss.shape)'; echo "status $?"
$RUN -e 'seed(1)
model m() { dense(2, 2) }
let d = xor()
train(m(), {x: d.x, y: one_hot(d.y, 2)}, loss = kl, optimizer = sgd(), epochs = 1, verbose = false)'; echo "status $?"
