# Training text in Chinese (--lang zh): epoch lines with a scheduled lr, the early-stopping
# line, the restore-at-the-end line, the interrupt-free history, and the errors.
$RUN --lang zh -e 'seed(1)
let tr = moons(n = 20, noise = 0.3)
let va = moons(n = 400, noise = 0.3)
model big() { dense(2, 64); relu; dense(64, 64); relu; dense(64, 2); softmax }
seed(3)
let h = train(big(), tr, optimizer = adam(lr = 0.01), epochs = 200, batch = 20, validate = va, patience = 10)
print(h.best_epoch, h.stopped_epoch)
seed(3)
let h2 = train(big(), tr, optimizer = adam(lr = step_decay(0.01, every = 5)), epochs = 12, batch = 20, validate = va, patience = 9)
print(h2.lr)' 2>&1
echo "status $?"
$RUN --lang zh -e 'train(dense(2, 2), xor(), optimizer = sgd(), patience = 3)' 2>&1
echo "status $?"
$RUN --lang zh -e 'train(dense(2, 2), xor(), optimizer = sgd(), validate = xor(), patience = 0)' 2>&1
echo "status $?"
$RUN --lang zh -e 'minimize(fn(x) = x * x, [1], sgd(lr = fn(e) = [0.1, 0.2]))' 2>&1
echo "status $?"
$RUN --lang zh -e 'minimize(fn(x) = x * x, [1], sgd(lr = fn(e) = 0.1 * nan))' 2>&1
echo "status $?"
$RUN --lang zh -e 'sgd(lr = fn(e, k) = 0.1)' 2>&1
echo "status $?"
$RUN --lang zh -e 'step_decay(0.1, every = 0)' 2>&1
echo "status $?"
# the lint warning and the non-finite report in Chinese
$RUN --lang zh -e 'model m() { dense(2, 2); softmax; softmax }
train(m(), {x: [[1, 2], [3, nan]], y: [0, 1]}, optimizer = sgd(), verbose = false)' 2>&1
echo "status $?"
# the gradient-norm report (monitor = true) and the divergence hint in Chinese
$RUN --lang zh -e 'seed(1)
model deep() { dense(2, 8); sigmoid; dense(8, 8); sigmoid; dense(8, 8); sigmoid; dense(8, 2); softmax }
let h = train(deep(), xor(), optimizer = sgd(lr = 0.1), epochs = 1, batch = 4, monitor = true)
model m() { dense(2, 8); relu; dense(8, 2); softmax }
let h2 = train(m(), xor(), optimizer = sgd(lr = exp_decay(1e4, 2)), epochs = 30, batch = 1, verbose = false)
print("done")' 2>&1 | grep -v '^ *[0-9]* |' 
echo "status $?"
