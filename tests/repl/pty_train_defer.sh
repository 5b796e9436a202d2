#!/bin/sh
# pty_train_defer.sh — Ctrl-C that lands outside a training step (here: in a slow
# learning-rate schedule at the start of epoch 2) still stops train cleanly after the next
# step, keeping the weights and returning the history; a second Ctrl-C stops at once.
# The second press waits for the handler's newline after the echoed ^C: two SIGINTs sent
# back to back can merge into one pending signal (signals do not queue), so the test would
# race on a slow (ASan) build.
. tests/repl/lib.inc

pty_case pty-ctrl-c-in-schedule <<'S'
expect nn> 
send fn slow(e) { if e == 2 { print("slow schedule"); let i = 0; while i < 3000000 { i = i + 1 } }; return 0.01 }\n
expect nn> 
send seed(1); let d = blobs(n = 200, centers = 3); model m() { dense(2, 8); relu; dense(8, 3); softmax }; let net = m()\n
expect nn> 
send let h = train(net, d, optimizer = sgd(lr = slow), epochs = 5, batch = 50, verbose = false)\n
expect slow schedule
send \x03
expect training interrupted at epoch 2, step 1
expect nn> 
send [len(h.loss), len(h.lr)]\n
expect [2, 2]\r\nnn> 
send let h2 = train(net, d, optimizer = sgd(lr = slow), epochs = 5, batch = 50, verbose = false)\n
expect slow schedule
send \x03
expect ^C\r\n
send \x03
expect nn> 
send h2\n
expect undefined name 'h2'
expect nn> 
send \x04
wait
status 0
S
