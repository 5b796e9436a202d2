#!/bin/sh
# pty_train.sh — Ctrl-C during train() in the REPL stops after the current step, keeps
# the weights reached so far, returns the history, and the session goes on.
. tests/repl/lib.inc

pty_case pty-ctrl-c-train <<'S'
expect nn> 
send seed(1); let d = blobs(n = 2000, centers = 3); model m() { dense(2, 32); relu; dense(32, 3); softmax }\n
expect nn> 
send let net = m(); let w0 = tensor(params(net)["0.W"])\n
expect nn> 
send let h = train(net, d, optimizer = sgd(lr = 0.01), epochs = 100000, batch = 8)\n
expect epoch 1/100000
send \x03
expect training interrupted at epoch
expect nn> 
send len(h.loss) >= 1\n
expect true\r\nnn> 
send allclose(params(net)["0.W"], w0)\n
expect false\r\nnn> 
send \x04
wait
status 0
S
