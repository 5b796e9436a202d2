# The stdlib optimizers refuse hyper-parameters outside the notes' ranges, where they
# would train silently wrong (lr < 0 climbs the loss, u >= 1 or rho >= 1 never forget and
# blow up Adam's bias correction, delta = 0 divides zero by zero): lr >= 0, u and rho in
# [0, 1), delta > 0, adamw's decay >= 0; given as numbers (located at the argument) or by
# a schedule (located at the call that trains, with the epoch), in English and Chinese.
# The ends of the ranges that are allowed work; a user's own optimizer is not checked.
for code in 'sgd(lr = -1)' 'momentum(u = 1)' 'adam(u = 1.5)' 'adam(rho = -0.5)' \
            'rmsprop(rho = 1)' 'adagrad(delta = 0)' 'adamw(decay = -0.1)' \
            'minimize(fn(x) = x^2, 1, sgd(lr = fn(e) = 0.5 - 0.2 * e), steps = 3)'; do
  $RUN -e "$code" 2>&1
  echo "[exit $?]"
done
$RUN --lang zh -e 'adam(u = 1.5)' 2>&1
$RUN --lang zh -e 'minimize(fn(x) = x^2, 1, sgd(lr = fn(e) = 0.5 - 0.2 * e), steps = 3)' 2>&1
$RUN -e 'sgd(lr = 0)
momentum(u = 0)
adam(u = 0, rho = 0, delta = 1e-30)
optimizer mine(lr = 0.1, u = 2) { w = w - lr * u * g }
mine(lr = -1)' 2>&1
echo "[exit $?]"
