# nn --kernel on a regression (targets that are not classes): the progress line and the
# epoch lines show the loss only, and the live frames hold no "accuracy" (interp/live.c),
# as the history holds none; a classifier's frame keeps it. The frames' keys are shown.
. ./kernel.inc
{
  req run 1 'seed(1)
let x = randn(32, 2)
let d = {x: x, y: x[:, 0] * 2 - x[:, 1]}
model r() { dense(2, 1) }
let h = train(r(), d, loss = mse, optimizer = sgd(lr = 0.1), epochs = 2, batch = 16, live = true)
print(h)'
  req run 2 'model c() { dense(2, 2); softmax }
let h2 = train(c(), {x: x, y: x[:, 0] > 0}, optimizer = sgd(lr = 0.1), epochs = 1, verbose = false, live = true)'
} | kernel | awk '
  /^\[progress 0 / { head = $0; getline; line = $0; if (!shown) { print head; print line; shown = 1 } next }
  /^\[progress 1 0\]/ { print head; print line; print; shown = 0; next }
  /^\[live 0 / { getline; keys = ""; s = $0
    while (match(s, /"[a-z_]+":/)) { keys = keys " " substr(s, RSTART + 1, RLENGTH - 3); s = substr(s, RSTART + RLENGTH) }
    print "live frame keys:" keys; next }
  { print }' | sed 's/ETA [0-9]*s/ETA ?s/'
