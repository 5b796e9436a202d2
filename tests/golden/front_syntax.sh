# Small things a student types (issue 7.7): .5 literals (ranges, slices and field access
# unchanged); x.sum()/x.mean()/x.shape on a value without that field suggest the
# function (sum(x), …), and x.shape() / x.size() say the field is not a method; a ragged
# literal used as a tensor names the row lengths, at the literal, not the internal
# 'stack'; a list that contains itself is an error, not a stack overflow.
e() { echo "--- $1"; $RUN -e "$1" 2>&1; echo "status $?"; }
e '.5'
e '.5e3 + .25E-1'
e '-.5 * 4'
e '[.5, 1, .125]'
e '0..3'
e 'let a = [1, 2, 3, 4]
a[.5 * 2:3]'
e '.5x'
e 'let r = {a: 1}
r.5'
e 'sum(.5 .5)'
e 'let x = [1, 2, 3]
x.sum()'
e 'let x = [1, 2, 3]
x.mean()'
e 'let x = [[1, 2], [3, 4]]
x.max()'
e 'let x = [1, 2]
x.reshape(2, 1)'
e 'let x = [1, 2]
(x * 2 + 1).exp()'
e 'let x = [1, 2]
x.numpy()'
e 'let l = [[1, 2], [3]]
l.shape'
e 'let x = [1, 2]
x.shape'
e 'exp([[1, 2], [3]])'
e 'let rows = [[1, 2], [3]]
rows * 2'
e 'softmax([[1, 2, 3], [4, 5]])'
e '[1, [2, 3]] + 1'
e '[[[1, 2]], [[3]]] + 1'
e 'let self = [1, "x"]
self[0] = self
self + [1]'
e '[[[[[[[[1]]]]]]]] + 1'
e '[[[[[[[[[1]]]]]]]]] + 1'
e 'let x = [[1, 2], [3, 4]]
x.shape()'
e 'let x = [1, 2]
x.size()'
e 'let d = {n: 3}
d.n()'
