# explain of an optimizer whose hyper-parameter is a schedule: the header shows the value
# at the epoch the step uses (t, 1 by default), not <fn(e)>, and a note says it is a
# schedule. step_decay(0.1, 2, 0.5) at epoch 3 is 0.1 × 0.5 = 0.05, so w = 1 − 0.05 × 0.5;
# exp_decay(0.1, 0.5) at epoch 2 is 0.05; a momentum schedule is shown the same way.
$RUN -e 'explain sgd(lr = step_decay(0.1, 2, 0.5), t = 3)'
$RUN -e 'explain adam(lr = exp_decay(0.1, 0.5), t = 2, w = [1], g = [2])'
$RUN -e 'explain momentum(lr = 0.1, u = fn(e) = 0.5 + 0.1 * e, w = [1], g = [1])'
$RUN -e 'explain sgd(lr = fn(e) = [1, 2], t = 3)' 2>&1; echo "status $?"
# t is the step (and the schedule's epoch): a whole number from 1; 0 (Adam's 1 − u^0 = 0),
# 2.5, nan and 1e300 (no epoch a long holds) are located errors
for t in 0 2.5 nan 1e300; do $RUN -e "explain adam(lr = fn(e) = 0.1 / e, t = $t)" 2>&1; echo "status $?"; done
