# Lint: classic mistakes are warned about at the train call, and training goes on.
$RUN lint_warnings.nn; echo "status $?"
