# nn --kernel: train's progress line becomes progress frames (at most 8 a second: the
# first state at once, the last one always, then "progress 1 0"), the epoch lines out
# text. Which states between the first and the last go out depends on the clock, so only
# those two are shown (the last just before the line ends), with the ETA masked.
. ./kernel.inc
{
  req run 1 'seed(1)
model m() { dense(2, 4); relu; dense(4, 2); softmax }
let net = m()
let h = train(net, xor(), loss = cross_entropy, optimizer = adam(lr = 0.05), epochs = 3, batch = 2)
len(h.loss)'
  req run 2 'train(net, xor(), optimizer = sgd(lr = 0.1), epochs = 2, verbose = false)
print("quiet")'
} | kernel | awk '
  /^\[progress 0 / { head = $0; getline; line = $0; if (!shown) { print head; print line; shown = 1 } next }
  /^\[progress 1 0\]/ { print head; print line; print; shown = 0; next }
  { print }' | sed 's/ETA [0-9]*s/ETA ?s/'
