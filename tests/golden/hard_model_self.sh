# A model that names itself (directly, by `=`, or through another model) is a located
# error, not a stack overflow; a legitimately recursive model stays fine, and wrapping a
# model in models more than 100 deep is refused at the constructor call.
$RUN -e 'model m() { m }
m()'; echo "status $?"
$RUN -e 'model m() = m
m()'; echo "status $?"
$RUN -e 'model a() { b }
model b() { a }
a()'; echo "status $?"
$RUN -e 'fn level(n) {
  if n > 0 { return tower(n - 1) }
  return dense(2, 1)
}
model tower(n) = level(n)
print(tower(3))
print(len(params(tower(3))))'; echo "status $?"
$RUN -e 'model wrap(inner) = inner
let m = dense(2, 2)
for i in arange(100) { m = wrap(m) }
let d = {x: [[0, 1], [1, 0]], y: [[0, 1], [1, 0]]}
print(shape(predict(m, [[1, 2]])), len(params(m)), shape(gradient_norms(m, d, loss = mse)))
m = wrap(m)'; echo "status $?"
