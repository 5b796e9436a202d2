# Issue 7: the prediction given first (PyTorch's order) or a truth in the prediction's
# place is an error that shows the user's call the other way round (nn takes the truth
# first), located at q. Before: cross_entropy([0.2, 0.7, 0.1], 1) printed 0 and the
# swapped one-hot call printed inf.
$RUN -e 'cross_entropy([0.2, 0.7, 0.1], 1)'; echo "status $?"
$RUN -e 'cross_entropy([0.2, 0.7, 0.1], [0, 1, 0])'; echo "status $?"
$RUN -e 'cross_entropy([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], [1, 0])'; echo "status $?"
$RUN -e 'cross_entropy([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], [[0, 1, 0], [1, 0, 0]])'; echo "status $?"
$RUN -e 'kl([0.2, 0.7, 0.1], [0, 0, 1])'; echo "status $?"
$RUN -e 'kl([0.2, 0.7, 0.1], 2)'; echo "status $?"
$RUN -e 'kl(2, [0.2, 0.7, 0.1])'; echo "status $?"
$RUN -e 'mse([0.2, 0.7, 0.1], 1)'; echo "status $?"
# Keyword arguments are blamed where they are written.
$RUN -e 'cross_entropy(q = 1, p = [0.2, 0.7, 0.1])'; echo "status $?"
# Both one-hot is a (certain, wrong) prediction, not a swap: inf, as the formula says.
$RUN -e 'cross_entropy([0, 1], [1, 0])'; echo "status $?"
