# A nan or inf in the training data stops training with the sample named, not with
# advice to lower the learning rate (which cannot help).
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
t 'model m() { dense(2, 1) }
train(m(), {x: [[1, 2], [3, nan], [5, 6]], y: [[1], [2], [3]]}, loss = mse, optimizer = sgd(lr = 0.1), epochs = 2, batch = 3)'
t 'model m() { dense(2, 1) }
train(m(), {x: [[1, 2], [3, 4]], y: [[1], [-inf]]}, loss = mse, optimizer = sgd(lr = 0.1), epochs = 1, verbose = false)'
t 'model m() { flatten; dense(4, 1) }
let x = zeros(3, 2, 2) + 1
x[2, 1, 0] = nan
train(m(), {x: x, y: [[1], [2], [3]]}, loss = mse, optimizer = sgd(lr = 0.1), epochs = 1, batch = 3, verbose = false)'
# finite data that diverges still gets the learning-rate advice
t 'model m() { dense(2, 1) }
train(m(), {x: [[1, 2], [3, 4]], y: [[1], [2]]}, loss = mse, optimizer = sgd(lr = 1e10), epochs = 20, verbose = false)'
