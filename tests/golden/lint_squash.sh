# Lint: softmax next to softmax or sigmoid is warned about at the train call; training goes on.
$RUN lint_squash.nn; echo "status $?"
