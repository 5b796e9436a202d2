# nn --kernel: train(..., live = true) sends live frames (interp/live.c's JSON) for the
# wrapper to draw, at most 4 a second: the first epoch's at once, the last epoch's
# always, then "live 1 0" ends the view. Which epochs between go out depends on the
# clock, so only the first and the last frame of a view are shown, as their epoch, the
# size of their loss history, and whether they hold the decision grid. A run stopped
# early (patience) ends its view when the cell's code ends; data that are not points in
# the plane give frames without a grid.
. ./kernel.inc
summary() {
  awk '
    /^\[live 0 / { getline; n = split($0, parts, "\"loss\":\\[")
      e = $0; sub(/^\{"epoch":/, "", e); sub(/,.*/, "", e)
      E = $0; sub(/^.*"epochs":/, "", E); sub(/,.*/, "", E)
      l = parts[2]; sub(/\].*/, "", l); nl = split(l, xs, ",")
      g = index($0, "\"grid\":") ? "with grid" : "no grid"
      line = "live frame: epoch " e "/" E ", " nl " losses, " g
      if (!shown) { print line; shown = 1 } last = line; next }
    /^\[live 1 0\]/ { print last; print; shown = 0; next }
    { print }'
}
{
  req run 1 'seed(1)
let d = moons(40)
model m() { dense(2, 8); relu; dense(8, 2); softmax }
let net = m()
let h = train(net, d, loss = cross_entropy, optimizer = adam(lr = 0.05), epochs = 12, live = true, verbose = false)
len(h.loss)'
  req run 2 'seed(2)
let parts = split(moons(40), 0.5)
let h2 = train(m(), parts[0], loss = cross_entropy, optimizer = sgd(lr = 0), epochs = 50, validate = parts[1], patience = 2, live = true, verbose = false)
print(len(h2.loss))'
  req run 3 'model w() { dense(3, 2); softmax }
let h3 = train(w(), {x: randn(6, 3), y: [0, 1, 0, 1, 0, 1]}, loss = cross_entropy, optimizer = sgd(), epochs = 2, live = true, verbose = false)'
} | kernel | summary
