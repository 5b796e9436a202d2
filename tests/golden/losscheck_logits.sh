# Issue 7: predictions that are not probabilities (negative, above 1, rows not summing to
# 1 within 1e-3) are errors that say what to do. Before: cross_entropy(1, [2.0, 1.0, 0.1])
# printed 0.
$RUN -e 'cross_entropy(1, [2.0, 1.0, 0.1])'; echo "status $?"
$RUN -e 'cross_entropy([0, 1], [[0.2, 0.7, 0.1], [-1.5, 0.3, 2.2]])'; echo "status $?"
$RUN -e 'cross_entropy([0, 1, 0], [0.5, 0.6, 0.2])'; echo "status $?"
$RUN -e 'cross_entropy([[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.5]])'; echo "status $?"
$RUN -e 'kl([0.5, 0.5], [-1, 2])'; echo "status $?"
$RUN -e 'kl([0.5, 0.5], [0.4, 0.5])'; echo "status $?"
$RUN -e 'cross_entropy(0, [nan, 0.5, 0.5])'; echo "status $?"
# The fix the message gives works: softmax first.
$RUN -e 'cross_entropy(1, softmax([2.0, 1.0, 0.1]))'; echo "status $?"
