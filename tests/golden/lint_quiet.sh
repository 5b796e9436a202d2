# The lint and the divergence hint stay silent on normal training: the examples and the
# optimizer tutorials print no warning, except tutorial 05, whose unclipped run is meant
# to diverge (spiral and fashion_mnist, slower, were checked by hand: silent too).
T=$(mktemp)
trap 'rm -f "$T"' EXIT
cd ../../examples || exit 1
for f in xor.nn iris.nn tutorial/04_gradient_descent.nn tutorial/05_vanishing_exploding.nn \
         tutorial/06_momentum.nn tutorial/07_adagrad_rmsprop.nn tutorial/08_adam.nn; do
  (cd "$(dirname "$f")" && NN_QUICK=1 $RUN "$(basename "$f")" 2>&1 >/dev/null) > "$T"
  echo "$f: $(grep -c 'warning:' "$T") warning(s)"
  sed -n 's/.*warning: \(.\{0,70\}\).*/  \1/p' "$T"
done
