#!/bin/sh
# floors_pcall.sh — an error restores every piece of interpreter state it unwinds past
# (issue 8, "one protected call": ev_pcall in eval.c). A REPL session goes on after an
# error, so a flag left behind would change what later entries do. The probe: an
# in-place write into a tensor that gradients flow through is refused while autograd
# records, and silently accepted when recording was left off.
. tests/repl/lib.inc

refused="<repl>:1:1: error: cannot assign into this tensor in place: gradients flow through it (build a new tensor instead, e.g. with where, concat or stack)
    1 | y[0] = 5
      | ^^^^"

# summary() runs the layers with recording off; a layer that rejects the input size
# used to leave it off for the rest of the session.
pipe_case summary-error-keeps-recording 'let l = dense(2, 2)
let y = l([[1.0, 2.0]])
summary(l, [3])
y[0] = 5' "#    layer          output shape         params
<repl>:1:1: error: dense(2, 2) expects 2 features per sample, got input of shape [1, 3]
    1 | summary(l, [3])
      | ^^^^^^^^^^^^^^^
$refused"

# explain of one step of an optimizer whose body uses an undefined name.
pipe_case explain-error-keeps-recording 'let l = dense(2, 2)
let y = l([[1.0, 2.0]])
optimizer bad(lr = 0.1) {
  w = w - lr * undefined_thing
}
explain bad()
y[0] = 5' "one step of bad(lr = 0.1), t = 1 (w and g are examples: give w = ..., g = ... to use your own)
<repl>:2:16: error: undefined name 'undefined_thing'
    2 |   w = w - lr * undefined_thing
      |                ^^^^^^^^^^^^^^^
$refused"

