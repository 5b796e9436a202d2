#!/bin/sh
# graph_session.sh — graph in the REPL: the echo draws the tree; an error inside f leaves
# the session working (the tape's tagger and recording put back), and the next graph and
# grad agree.
. tests/repl/lib.inc

pipe_case graph-after-error 'fn bad(x) = sigmoid(x) + nosuch
graph(bad, 1)
grad(fn(x) = x * x, 3)
graph(fn(x) = x * x, 3)' "<repl>:1:26: error: undefined name 'nosuch'
    1 | fn bad(x) = sigmoid(x) + nosuch
      |                          ^^^^^^
  in 'bad' called at <repl>:1:1
6
computation graph of f at x = 3: 2 nodes, the output first (grad = ∂f/∂node)
[1] *  value 9  grad 1
├─[2] x  value 3  grad 6
└─[2] x  (shown above)"
