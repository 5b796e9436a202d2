# The NaN report's advice when clip is already set: clip harder than that, not clip = 1
# (which would loosen a clip of 0.5). Without clip it still says clip = 1.
t() { out=$($RUN -e "$1" 2>&1); st=$?; printf '%s\n' "$out" | grep 'error:'; echo "status $st"; }
t 'model m() { dense(2, 1) }
train(m(), {x: [[1, 2], [3, 4]], y: [[1], [2]]}, loss = mse, optimizer = sgd(lr = 1e30), clip = 1e30, epochs = 20, verbose = false)'
t 'model m() { dense(2, 1) }
train(m(), {x: [[1, 2], [3, 4]], y: [[1], [2]]}, loss = mse, optimizer = sgd(lr = 1e30), epochs = 20, verbose = false)'
