# check_loss's "binary" kind, which bce(y, p) runs first (a loss declared here the way
# core.nn declares bce): labels 0/1 or probabilities, predictions in [0, 1], the same
# shape, and the truth first.
$RUN -e 'loss my_bce(y, p) {
  check_loss(y, p, "binary")
  return -mean(xlogy(y, p) + xlogy(1 - y, 1 - p))
}
print(my_bce([1, 0, 1], [0.9, 0.2, 0.6]))
print(my_bce([0.8, 0.1], [0.9, 0.2]))
my_bce([0.9, 0.2, 0.6], [1, 0, 1])'; echo "status $?"
$RUN -e 'loss my_bce(y, p) {
  check_loss(y, p, "binary")
  return -mean(xlogy(y, p) + xlogy(1 - y, 1 - p))
}
my_bce([1, 0, 1], [2.5, -1, 0.3])'; echo "status $?"
$RUN -e 'loss my_bce(y, p) {
  check_loss(y, p, "binary")
  return -mean(xlogy(y, p) + xlogy(1 - y, 1 - p))
}
my_bce([1, 0, 2], [0.9, 0.2, 0.6])'; echo "status $?"
$RUN -e 'loss my_bce(y, p) {
  check_loss(y, p, "binary")
  return -mean(xlogy(y, p) + xlogy(1 - y, 1 - p))
}
my_bce([1, 0, 1], [[0.9], [0.2], [0.6]])'; echo "status $?"
