# minimize's clip, a 2-D x0 for a function of one number, and 1-D paths in plot and
# compare: each mistake is a located error.
$RUN -e 'minimize(cliff_valley, -0.5, sgd(), steps = 3, clip = 0)'; echo "status $?"
$RUN -e 'minimize(cliff_valley, -0.5, sgd(), steps = 3, clip = -1)'; echo "status $?"
$RUN -e 'minimize(cliff_valley, -0.5, sgd(), steps = 3, clip = "big")'; echo "status $?"
$RUN -e 'minimize(double_well, [1, 2], sgd(), steps = 3)'; echo "status $?"
$RUN -e 'minimize(double_well, [[1], [2]], sgd(), steps = 3)'; echo "status $?"
$RUN -e 'compare(list(sgd()), double_well, [1, 2], steps = 3)'; echo "status $?"
$RUN -e 'compare(list(sgd()), double_well, 1, steps = 3, from = 2, to = 1)'; echo "status $?"
$RUN -e 'plot(fn(x) = [x, x], paths = minimize(double_well, 2, sgd(), steps = 3))'; echo "status $?"
