# plot's errors: each names the culprit and points at the call; an error inside the
# user's function is reported where it happened; a file that cannot be written is named.
$RUN -e 'plot("sigmoid")' 2>&1; echo "status $?"
$RUN -e 'plot(sigmoid, file = "x.png")' 2>&1; echo "status $?"
$RUN -e 'plot(sigmoid, width = 3)' 2>&1; echo "status $?"
$RUN -e 'plot(sigmoid, 2, 1)' 2>&1; echo "status $?"
$RUN -e 'plot(fn(x) = [x, x], width = 40, height = 8)' 2>&1; echo "status $?"
$RUN -e 'fn f(x) {
  return x + undefined_name
}
plot(f, width = 40, height = 8)' 2>&1; echo "status $?"
$RUN -e 'plot(zeros(2, 3, 4))' 2>&1; echo "status $?"
$RUN -e 'plot([1, 2], bars = true, labels = 5)' 2>&1; echo "status $?"
$RUN -e 'plot(rosenbrock, paths = [zeros(3, 3)])' 2>&1; echo "status $?"
$RUN -e 'plot(rosenbrock, from = [1, 1], to = [0, 0])' 2>&1; echo "status $?"
$RUN -e 'plot(sigmoid, file = "no/such/dir/x.svg")' 2>&1; echo "status $?"
$RUN -e 'compare(adam(), rosenbrock, [0, 0])' 2>&1; echo "status $?"
$RUN -e 'model m { dense(2, 2) }
plot(m())' 2>&1; echo "status $?"
