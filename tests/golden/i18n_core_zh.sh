# Messages of the evaluator, statements, declarations, imports, the run loop and the
# command line in Chinese (issue 9, item 1): the text, its location and carets, and the
# call trace, exactly. `--lang zh` unless a case says otherwise.
ZH="$RUN --lang zh"
# Names: "did you mean" for reading and for assigning, and none for a far miss.
$ZH -e 'let learning = 1
learnin + 1'; echo "status $?"
$ZH -e 'zzz'; echo "status $?"
$ZH -e 'let learning = 1
learnig = 2'; echo "status $?"
# Calls: arity, keywords, what is not a function, fields called as methods.
$ZH -e 'fn f(a) = a
f(1, 2)'; echo "status $?"
$ZH -e 'fn f(a) = a
f()'; echo "status $?"
$ZH -e 'fn f(a) = a
f(b = 1)'; echo "status $?"
$ZH -e 'fn f(a) = a
f(1, a = 2)'; echo "status $?"
$ZH -e 'let x = 1
x(2)'; echo "status $?"
$ZH -e 'fn f(a, a) = a'; echo "status $?"
# Bad arguments to builtins (arg_error / arg_fail) and an optimizer's hyper-parameter.
$ZH -e 'zeros("a")'; echo "status $?"
$ZH -e 'zeros(-1)'; echo "status $?"
$ZH -e 'arange(0, 1, 0)'; echo "status $?"
$ZH -e 'len(1)'; echo "status $?"
$ZH -e 'sgd(lr = "fast")'; echo "status $?"
$ZH -e 'assert(1 == 2, "boom")'; echo "status $?"
# Operators, truth values, indexing, fields, records, tensors from lists.
$ZH -e '"a" - 1'; echo "status $?"
$ZH -e '-"a"'; echo "status $?"
$ZH -e '2 @ 3'; echo "status $?"
$ZH -e 'if [1, 2] { print(1) }'; echo "status $?"
$ZH -e '[1, "a"][5]'; echo "status $?"
$ZH -e '[1, 2, 3][0:2:0]'; echo "status $?"
$ZH -e 'let r = {a: 1}
r.b'; echo "status $?"
$ZH -e '{a: 1}[0]'; echo "status $?"
$ZH -e '[1, 2].sum'; echo "status $?"
$ZH -e '[[1, 2], [3]] + 1'; echo "status $?"
$ZH -e '"a"..3'; echo "status $?"
$ZH -e 'let x = zeros(2)
x[0] = "a"'; echo "status $?"
$ZH -e 'let r = {a: 1}
r.a()'; echo "status $?"
$ZH -e 'let x = [1, 2, 3]
x.size()'; echo "status $?"
# Statements: break and return in the wrong place, loops over what has no items.
$ZH -e 'break'; echo "status $?"
$ZH -e 'return 1'; echo "status $?"
$ZH -e 'for i in 3 { print(i) }'; echo "status $?"
$ZH -e 'for i in tensor(1) { print(i) }'; echo "status $?"
$ZH -e 'for i in 0.5..3 { print(i) }'; echo "status $?"
$ZH -e 'activation a(x) {
  state s = 1
  return x
}
a(1)'; echo "status $?"
# Declarations: a layer without forward, a model listing a number, the layer an error
# came from.
$ZH -e 'layer L() { param W = [1, 2] }
L()'; echo "status $?"
$ZH -e 'model m() { 3 }
m()'; echo "status $?"
# Nested models: only the innermost says which layer (the check of the message's start
# must work on the Chinese text too, decl.c nn_apply_layer).
$ZH - <<'NN'; echo "status $?"
layer bad() { forward(x) = x.foo }
model m() { bad() }
model outer() {
  relu
  m()
}
let net = outer()
net(1)
NN
# A runtime error inside user functions: the call trace, innermost first; recursion depth
# with the repeated call collapsed.
$ZH - <<'NN'; echo "status $?"
fn g(x) = x.foo
fn h(x) = g(x) + 1
h(2)
NN
$ZH - <<'NN'; echo "status $?"
fn r(n) = r(n + 1)
r(0)
NN
# Imports: a folder, a file that is not UTF-8 text.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/sub"
printf 'let a = 1\n\377\n' > "$T/latin1.nn"
(cd "$T" && $ZH -e 'import "sub"'); echo "status $?"
(cd "$T" && $ZH -e 'import "latin1.nn"'); echo "status $?"
(cd "$T" && $ZH -e 'fn f() { import "x.nn" }
f()'); echo "status $?"
# The command line: a folder as the script, bad options, the usage text.
(cd "$T" && $ZH sub); echo "status $?"
$ZH --bogus; echo "status $?"
$ZH -e 1 extra; echo "status $?"
$ZH --help | head -4
# The echo's summary of a long list.
$ZH -e '[zeros(20000), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]'
# The language from LANG alone (no zh_CN locale needs to exist).
LANG=zh_CN.UTF-8 $RUN -e 'fn f(a) = a
f()'; echo "status $?"
