#!/bin/sh
# pty_history.sh — the history persists across sessions in $NN_HISTORY, a multi-line entry
# as one entry: the second session recalls the definition with two up arrows and runs it.
. tests/repl/lib.inc

pty_case pty-history-first <<'S'
expect nn> 
send fn twice(v) {\n
expect \r\n... 
send   return v * 2\n
expect \r\n... 
send }\n
expect }\r\nnn> 
send twice(21)\n
expect 42\r\nnn> 
send \x04
wait
status 0
S

# Each entry is one timestamp line and then its lines, so readline reads it back whole.
printf '#\nfn twice(v) {\n  return v * 2\n}\n#\ntwice(21)\n' > "$T/want"
sed 's/^#[0-9]*$/#/' "$NN_HISTORY" > "$T/got" 2>/dev/null
if cmp -s "$T/want" "$T/got"; then echo "PASS history-file"; else
  echo "FAIL history-file: $NN_HISTORY differs (- expected, + got)"
  diff -u "$T/want" "$T/got" | tail -n +3 | head -20; fi

# Up arrow once: twice(21); twice: the whole definition, which then runs as one entry.
pty_case pty-history-recall <<'S'
expect nn> 
send \e[A
expect twice(21)
send \e[A
expect return v * 2
send \n
expect nn> 
send twice(50)\n
expect twice(50)\r\n100\r\nnn> 
send \x04
wait
status 0
S

# Same with the terminal that draws the recalled lines on separate rows.
pty_case pty-history-recall-xterm -T xterm <<'S'
expect nn> 
send \e[A\e[A
expect return v * 2
send \n
expect nn> 
send twice(5)\n
expect 10\r\n
expect nn> 
send \x04
wait
status 0
S

# No history file can be written: the session still works (one warning at most).
NN_HISTORY="$T/no/such/dir/history" pty_case pty-history-unwritable <<'S'
expect nn> 
send 1 + 2\n
expect 3\r\n
expect nn> 
send \x04
wait
status 0
S

# No HOME and no NN_HISTORY: no history file, no crash. (Never the real ~/.nn_history.)
(unset HOME NN_HISTORY; pty_case pty-history-no-home) <<'S'
expect nn> 
send 2 + 2\n
expect 4\r\n
expect nn> 
send \x04
wait
status 0
S
(HOME="$T/home2"; unset NN_HISTORY; mkdir "$HOME"; pty_case pty-history-home <<'S'
expect nn> 
send 3 + 3\n
expect 6\r\n
expect nn> 
send \x04
wait
status 0
S
if grep -qx '3 + 3' "$HOME/.nn_history" 2>/dev/null; then echo "PASS history-in-home"; else
  echo "FAIL history-in-home: \$HOME/.nn_history does not hold the entry"; fi)
