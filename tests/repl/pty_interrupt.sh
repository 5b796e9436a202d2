#!/bin/sh
# pty_interrupt.sh — Ctrl-C on a terminal: at the prompt it abandons the line (or the
# unfinished entry); during a computation it prints "interrupted" and the session keeps
# its variables. ptyrun waits for the echo of each line before Ctrl-C, so the key never
# races the line it is meant to interrupt.
. tests/repl/lib.inc

pty_case pty-ctrl-c-line <<'S'
expect nn> 
send let lost = 1
expect let lost = 1
send \x03
expect ^C\r\nnn> 
send lost\n
expect undefined name 'lost'
expect nn> 
send \x04
wait
status 0
S

pty_case pty-ctrl-c-continuation <<'S'
expect nn> 
send fn half(v) {\n
expect \r\n... 
send \x03
expect ^C\r\nnn> 
send 1 + 1\n
expect 1 + 1\r\n2\r\nnn> 
send \x04
wait
status 0
S

# The loop says when it is well under way, and counts: after the interrupt n >= 1000 shows
# it ran and that its state was kept.
pty_case pty-ctrl-c-while <<'S'
expect nn> 
send let kept = 5\n
expect nn> 
send let n = 0\n
expect nn> 
send while true { n = n + 1; if n == 1000 { print("running") } }\n
expect \r\nrunning\r\n
send \x03
expect interrupted\r\nnn> 
send n >= 1000\n
expect n >= 1000\r\ntrue\r\nnn> 
send kept * 2\n
expect kept * 2\r\n10\r\nnn> 
send \x04
wait
status 0
S

pty_case pty-ctrl-c-for <<'S'
expect nn> 
send let w = [1, 2]\n
expect nn> 
send for i in 0..1000000000000 { }\n
expect for i in 0..1000000000000 { }\r\n
send \x03
expect interrupted\r\nnn> 
send w + 1\n
expect w + 1\r\n[2, 3]\r\nnn> 
send \x04
wait
status 0
S
