#!/bin/sh
# front_echo.sh — the REPL summarises an echo that would not fit a screen (issue 7.6),
# as -e does (tests/golden/front_echo.sh has the details); print still writes everything.
. tests/repl/lib.inc

pipe_case echo-summary 'let paths = [reshape(arange(202), 101, 2), reshape(arange(20), 10, 2)]
paths
let words = []
for i in 0..300 { words = words + [str(i)] }
words
print(len(str(paths)) > 1000)' '[[[  0,   1],
  [  2,   3],
  [  4,   5],
  ...,
  [196, 197],
  [198, 199],
  [200, 201]],  # shape [101, 2]
 [[ 0,  1],
  [ 2,  3],
  [ 4,  5],
  ...,
  [14, 15],
  [16, 17],
  [18, 19]]]  # shape [10, 2]
["0", "1", "2", ... 294 more, "297", "298", "299"]
true'
