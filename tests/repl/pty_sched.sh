#!/bin/sh
# pty_sched.sh — Ctrl-C during a train() with patience and a schedule: training stops
# after the current step and keeps the weights it reached (not the best epoch's): the
# model's val_loss now is the one the last (interrupted) epoch recorded. The history has
# h.best_epoch and h.lr, and the session goes on. Ctrl-C goes after the first epoch line
# (printed with CI=true too, where the progress bar is not shown).
. tests/repl/lib.inc

pty_case pty-ctrl-c-patience <<'S'
expect nn> 
send seed(1); let d = blobs(n = 2000, centers = 3); let v = blobs(n = 200, centers = 3); model m() { dense(2, 32); relu; dense(32, 3); softmax }\n
expect nn> 
send let net = m(); let w0 = tensor(params(net)["0.W"])\n
expect nn> 
send let h = train(net, d, optimizer = sgd(lr = step_decay(0.01, every = 2)), epochs = 100000, batch = 8, validate = v, patience = 100000)\n
expect epoch 1/100000: loss
send \x03
expect training interrupted at epoch
expect nn> 
send [len(h.lr) == len(h.loss), h.best_epoch >= 1, allclose(params(net)["0.W"], w0)]\n
expect [1, 1, 0]\r\nnn> 
send allclose(evaluate(net, v).loss, h.val_loss[len(h.val_loss) - 1], rtol = 1e-5)\n
expect true\r\nnn> 
send \x04
wait
status 0
S
