# Issue 7: entropy and kl take distributions (entries in [0, 1], rows summing to 1 within
# 1e-3); so does cross_entropy's truth when it is a row. Before: entropy([0.5, 0.6]) and
# kl([0.5, 0.6], …) printed numbers.
$RUN -e 'entropy([0.5, 0.6])'; echo "status $?"
$RUN -e 'entropy(0.5)'; echo "status $?"
$RUN -e 'entropy([[0.5, 0.5], [0.2, 0.2]])'; echo "status $?"
$RUN -e 'entropy([[0.5, 0.5], [0.5, 0.6]], axis = 0)'; echo "status $?"
$RUN -e 'entropy([0.5, 0.5], axis = 1)'; echo "status $?"
$RUN -e 'kl([0.5, 0.6], [0.5, 0.5])'; echo "status $?"
$RUN -e 'kl([[0.5, 0.5], [0.9, 0.1]], [[0.5, 0.5], [1.2, -0.2]])'; echo "status $?"
$RUN -e 'cross_entropy([0.5, 0.6, -0.1], [0.2, 0.7, 0.1])'; echo "status $?"
# Rows within 1e-3 of 1 are distributions (the tolerance): these print values.
$RUN -e 'print(entropy([0.5, 0.5009]), kl([0.3334, 0.3333, 0.3333], [0.2, 0.3, 0.5]), entropy([[1, 0.5], [0, 0.5]], axis = 0))'; echo "status $?"
