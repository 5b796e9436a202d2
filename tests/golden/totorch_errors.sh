# nn --to-torch errors: a script with no train call, constructs the translator cannot
# express (named, at their location), settings it does not translate, bad command lines.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { # t NAME SCRIPT: translate the script, show what nn says and its exit status
  printf '%s\n' "$2" > "$1.nn"
  $RUN --to-torch "$1.nn" 2>&1
  echo "status $?"
}
t none 'print("no training here")'
t builtin 'activation bumpy(x) = x + 0 * sign(x)
model m() { dense(2, 2); bumpy; softmax }
train(m(), xor(), optimizer = sgd(), verbose = false)'
t list 'let sizes = [1, "two"]
layer odd(n) {
  param W = zeros(n, n)
  forward(x) = x @ W + len(sizes)
}
model m() { odd(2); softmax }
train(m(), xor(), optimizer = sgd(), verbose = false)'
t lambda 'activation act(x) {
  let f = fn(z) { return z }
  return f(x)
}
model m() { dense(2, 2); act; softmax }
train(m(), xor(), optimizer = sgd(), verbose = false)'
t layerline 'layer noisy(n) {
  print("making", n)
  param W = zeros(n, n)
  forward(x) = x @ W
}
model m() { noisy(2); softmax }
train(m(), xor(), optimizer = sgd(), verbose = false)'
t patience 'let d = xor()
train(dense(2, 2), d, loss = mse, optimizer = sgd(), validate = d, patience = 2, verbose = false)'
t late 'print("before")
let e = 1 / 0
print("after", e)
train(dense(2, 2), xor(), optimizer = sgd(), verbose = false)
print("never")'
ls
$RUN --to-torch 2>&1; echo "status $?"
$RUN --to-torch x.nn -o 2>&1; echo "status $?"
$RUN --to-torch x.nn -o x.nn 2>&1; echo "status $?"
$RUN --to-torch x.nn extra 2>&1; echo "status $?"
