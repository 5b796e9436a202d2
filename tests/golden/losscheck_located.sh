# Issue 7: the checks blame the user's own call wherever it is: inside the user's
# functions (their frames stay in the trace, the stdlib's do not), through an alias,
# and in explain. A loss of the user's own that runs check_loss on its parameters is
# blamed at its call, in its own name, like the stdlib's.
$RUN -e 'fn score(y, out) = cross_entropy(out, y)
score(1, [0.2, 0.7, 0.1])'; echo "status $?"
$RUN -e 'let ce = cross_entropy
ce(1, [2.0, 1.0, 0.1])'; echo "status $?"
$RUN -e 'explain cross_entropy([0.2, 0.7, 0.1], 1)'; echo "status $?"
$RUN -e 'explain mse([1, 2], [1, 2, 3])'; echo "status $?"
$RUN -e 'loss my_ce(p, q) {
  check_loss(p, q, "classes")
  return -mean(log(pick(q, p)))
}
print(my_ce(1, [0.2, 0.7, 0.1]))
my_ce(1, [2.0, 1.0, 0.1])'; echo "status $?"
$RUN -e 'check_loss([1, 0], [0.5, 0.5], "odd")'; echo "status $?"
# The REPL reports and carries on; the next good call works.
printf 'entropy([0.5, 0.6])\nentropy([0.5, 0.5])\n' | $RUN -i; echo "status $?"
