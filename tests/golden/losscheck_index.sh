# Issue 7: class indices in the truth's place must be whole numbers naming a class of q.
# Before: "pick: index 3 is out of range" at <stdlib:core.nn>, a function never called.
$RUN -e 'cross_entropy(3, [0.2, 0.7, 0.1])'; echo "status $?"
$RUN -e 'cross_entropy(-1, [0.2, 0.7, 0.1])'; echo "status $?"
$RUN -e 'cross_entropy(1.5, [0.2, 0.7, 0.1])'; echo "status $?"
$RUN -e 'cross_entropy([0, 3], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])'; echo "status $?"
$RUN -e 'cross_entropy([0, 1, 2], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])'; echo "status $?"
$RUN -e 'cross_entropy(1, 0.5)'; echo "status $?"
# Batches: [N, k] with [N] labels and with [N, k] one-hot rows give the same loss.
$RUN -e 'print(cross_entropy([1, 0], [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]), cross_entropy(one_hot([1, 0], 3), [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]))'; echo "status $?"
