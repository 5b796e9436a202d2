# Lint: a loss that explodes or keeps rising gets one hint naming lr and clip, before NaN.
$RUN lint_diverge.nn; echo "status $?"
