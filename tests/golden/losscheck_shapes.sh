# Issue 7: shape mismatches name both shapes in argument order, at the user's call, in the
# loss's terms. Before: "xlogy: cannot broadcast" at <stdlib:core.nn>:50, and mse named
# the shapes in reverse order ([3] and [2]).
$RUN -e 'cross_entropy([0, 1, 0], [0.5, 0.5])'; echo "status $?"
$RUN -e 'mse([1, 2], [1, 2, 3])'; echo "status $?"
$RUN -e 'mse([1, 2, 3], [1, 2])'; echo "status $?"
$RUN -e 'mse([[1], [2]], [1, 2])'; echo "status $?"
$RUN -e 'mse([0, 1], [[0.2, 0.8], [0.3, 0.7]])'; echo "status $?"
$RUN -e 'kl([[0.5, 0.5]], [0.5, 0.5, 0])'; echo "status $?"
$RUN -e 'cross_entropy([[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])'; echo "status $?"
$RUN -e 'cross_entropy([0.5, 0.5], "a")'; echo "status $?"
# Lists that make no tensor, and empty tensors (whose mean would be nan), are named too;
# before, the list error came from 'stack' at <stdlib:core.nn>.
$RUN -e 'cross_entropy([[0, 1], [1]], [[0.5, 0.5], [0.5, 0.5]])'; echo "status $?"
$RUN -e 'kl([0.5, "a"], [0.5, 0.5])'; echo "status $?"
$RUN -e 'cross_entropy([], [])'; echo "status $?"
$RUN -e 'entropy(zeros(2, 0))'; echo "status $?"
$RUN -e 'mse(zeros(0), zeros(0))'; echo "status $?"
