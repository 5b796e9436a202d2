# An activation with settings in a model: each mistake is a located error at the argument.
$RUN -e 'model m() { dense(2, 2); leaky_relu(b = 1) }
m()'; echo "status $?"
$RUN -e 'model m() { dense(2, 2); leaky_relu(x = 1) }
m()'; echo "status $?"
$RUN -e 'model m() { dense(2, 2); relu(1) }
m()'; echo "status $?"
$RUN -e 'model m() { dense(2, 2); leaky_relu(0.1, 2) }
m()'; echo "status $?"
$RUN -e 'model m() { dense(2, 2); leaky_relu(0.2, a = 0.3) }
m()'; echo "status $?"
$RUN -e 'activation scaled(x, k) = k * x
model m() { dense(2, 2); scaled(k = 2); scaled() }
m()'; echo "status $?"
