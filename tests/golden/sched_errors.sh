# Bad schedules and bad patience: each a located error in the user's terms.
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
# a schedule returning a tensor, nan, inf; with 2 parameters or none; a string as lr
t 'train(dense(2, 2), xor(), optimizer = sgd(lr = fn(e) = [0.1, 0.2]), verbose = false)'
t 'minimize(fn(x) = x * x, [1], sgd(lr = fn(e) = 0.1 * nan), steps = 2)'
t 'minimize(fn(x) = x * x, [1], momentum(u = fn(e) = 0.5 / (2 - e)), steps = 5)'
t 'sgd(lr = fn(e, k) = 0.1 * k)'
t 'adam(lr = fn() = 0.1)'
t 'sgd(lr = "0.1")'
# an error inside the schedule stands where it happens, called from train
t 'fn sched(e) = 0.1 * rate
train(dense(2, 2), xor(), optimizer = sgd(lr = sched), verbose = false)'
# the stdlib schedules check their epochs at the user's argument
t 'step_decay(0.1, every = 0)'
t 'cosine(0.1, epochs = 2.5)'
t 'warmup("five", 0.1)'
# patience: needs validate, a whole number >= 1
t 'train(dense(2, 2), xor(), optimizer = sgd(), patience = 3)'
t 'train(dense(2, 2), xor(), optimizer = sgd(), validate = xor(), patience = 0)'
t 'train(dense(2, 2), xor(), optimizer = sgd(), validate = xor(), patience = 1.5)'
t 'train(dense(2, 2), xor(), optimizer = sgd(), validate = xor(), patience = "3")'
# a schedule whose value is fine is accepted by explain, which shows step t = 1
t 'explain sgd(lr = step_decay(0.5, every = 1, factor = 0.1), w = [1], g = [1])'
