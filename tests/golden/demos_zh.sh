# The demos' messages in Chinese (--lang zh): an activation's settings in a model, minimize's
# clip and 1-D x0, compare's table on a function of one number, plot's 1-D paths.
$RUN --lang zh -e 'model m() { dense(2, 2); leaky_relu(b = 1) }
m()'; echo "status $?"
$RUN --lang zh -e 'model m() { dense(2, 2); leaky_relu(x = 1) }
m()'; echo "status $?"
$RUN --lang zh -e 'model m() { dense(2, 2); relu(1) }
m()'; echo "status $?"
$RUN --lang zh -e 'model m() { dense(2, 2); leaky_relu(0.1, 2) }
m()'; echo "status $?"
$RUN --lang zh -e 'model m() { dense(2, 2); leaky_relu(0.2, a = 0.3) }
m()'; echo "status $?"
$RUN --lang zh -e 'activation scaled(x, k) = k * x
model m() { dense(2, 2); scaled() }
m()'; echo "status $?"
$RUN --lang zh -e 'minimize(cliff_valley, -0.5, sgd(), steps = 3, clip = 0)'; echo "status $?"
$RUN --lang zh -e 'minimize(double_well, [1, 2], sgd(), steps = 3)'; echo "status $?"
$RUN --lang zh -e 'compare(list(sgd()), double_well, 1, steps = 3, from = 2, to = 1)'; echo "status $?"
$RUN --lang zh -e 'plot(fn(x) = [x, x], paths = minimize(double_well, 2, sgd(), steps = 3))'; echo "status $?"
$RUN --lang zh -e 'model m() { dense(2, 3); leaky_relu(a = 0.01); dense(3, 2) }
let net = m()
net([[1, 2, 3]])'; echo "status $?"
$RUN --lang zh -e 'compare(list(sgd(lr = 0.01), momentum(lr = 0.01, u = 0.9)), double_well, 2, steps = 100, width = 40, height = 8)'; echo "status $?"
$RUN --lang zh -e 'plot(double_well, -2, 2, paths = minimize(double_well, 2, sgd(lr = 0.01), steps = 20), width = 40, height = 8)'; echo "status $?"
