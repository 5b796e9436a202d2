# nn --kernel runs cells: values persist from run to run, the last expression statement's
# value is the result frame (earlier ones echo as out text), print is out text, warnings
# are err text, and an error is one error frame In[N]:line:col with its carets and call
# trace, then done 1; a parse error alike. Code after an error does not run.
. ./kernel.inc
{
  req run 1 'let x = 2
print("hi", x)
x + 1
x * 10'
  req run 2 'x = x + 1
x'
  req run 3 'let s = "no value"
print(s)'
  req run 4 'fn f(a) = a + y
let z = 1
f(1)
print("not reached")'
  req run 5 'print("before")
let = 3'
  req run 6 'x'
  req run 7 'none'
  req run 8 '[1, 2] + [1, 2, 3]'
  req run 9 'seed(1)
model twice() { dense(2, 2); softmax; softmax }
let t = train(twice(), blobs(n = 8, centers = 2), optimizer = sgd(), epochs = 1, verbose = false)
len(t.loss)'
} | kernel
