#!/bin/sh
# pipe.sh — REPL sessions without a terminal (`nn -i < input`): echo, errors, continuation
# lines and the :commands, with exact expected output.
. tests/repl/lib.inc

pipe_case echo-values 'let x = 2
x * 3
print("hi")
none
"text"
[1, 2] + 1' '6
hi
"text"
[2, 3]'

pipe_case error-keeps-state 'let x = 2
undefined_thing + 1
x
let y = x +
  1
y' "<repl>:1:1: error: undefined name 'undefined_thing'
    1 | undefined_thing + 1
      | ^^^^^^^^^^^^^^^
2
3"

pipe_case continuation 'fn sq(v) {
  return v * v
}
sq(3)
for i in 0..3 {
  if i > 0 {
    print(i)
  }
}
[1,
 2,
 3]
sum([1, 2,
     3])' '9
1
2
[1, 2, 3]
6'

# Input that ends inside an entry reports what is missing.
pipe_case unfinished-at-eof 'let a = 1
a + (2' "<repl>:1:7: error: expected ')' (to close '(' at line 1), got end of input
    1 | a + (2
      |       ^"
