#!/bin/sh
# pty_editing.sh — the REPL on a terminal (a pseudo-terminal driven by ptyrun): the banner
# and prompt, the continuation prompt, tab completion, and Ctrl-D. Each script ends with
# Ctrl-D and checks exit status 0 (under ASan a leak would make it 23).
. tests/repl/lib.inc

pty_case pty-prompt <<'S'
expect :help for help, Ctrl-D to quit\r\nnn> 
send 6 * 7\n
expect 6 * 7\r\n42\r\nnn> 
send \x04
wait
status 0
S

# An open bracket or block shows "... " until the entry is complete; then it runs whole.
pty_case pty-continuation <<'S'
expect nn> 
send sum([1,\n
expect \r\n... 
send 2, 3])\n
expect 2, 3])\r\n6\r\nnn> 
send fn cube(v) {\n
expect \r\n... 
send   let c = v * v\n
expect \r\n... 
send   return c * v\n
expect \r\n... 
send }\n
expect }\r\nnn> 
send cube(3)\n
expect cube(3)\r\n27\r\nnn> 
send \x04
wait
status 0
S

# A unique function name completes with its '('; a keyword and a command complete too,
# and so does a name the session defined.
pty_case pty-completion <<'S'
expect nn> 
send softm\t
expect softmax(
send [0, 0])\n
expect [0.5, 0.5]\r\nnn> 
send let learning_rate = 0.25\n
expect nn> 
send learning_r\t
expect learning_rate
send \n
expect 0.25\r\nnn> 
send :he\t
expect :help 
send cross_ent\t\n
expect cross_entropy(p, q)
expect nn> 
send \x04
wait
status 0
S

# Ctrl-D on an empty line ends the session with status 0 (also inside an entry, after
# reporting what it was missing).
pty_case pty-ctrl-d <<'S'
expect nn> 
send \x04
wait
status 0
S
pty_case pty-ctrl-d-unfinished <<'S'
expect nn> 
send (1 +\n
expect \r\n... 
send \x04
expect got end of input
wait
status 0
S

# A narrower window while at the prompt: readline learns the new width (SIGWINCH; on a
# dumb terminal it then scrolls the long line sideways, marked by '<') and the line still
# runs whole.
pty_case pty-resize <<'S'
expect nn> 
resize 24x20
send 1000000 + 2000000 + 3000000 + 4
expect <
send \n
expect 6000004\r\nnn> 
send \x04
wait
status 0
S
