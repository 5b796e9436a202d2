#!/bin/sh
# commands.sh — the REPL's :commands through a pipe (`nn -i`): :help, :help NAME, :vars,
# :load, :quit and an unknown command.
. tests/repl/lib.inc

pipe_case help-softmax ':help softmax' 'softmax(x, axis = -1)
  y_k = e^(x_k − C) / Σ_i e^(x_i − C), C = max x: probabilities, no overflow'

# A stdlib function: its signature and the comment above its definition.
pipe_case help-stdlib ':help mse' 'mse(p, q)
  Mean squared error: mean((q − p)²) over every element.'

pipe_case help-variable 'let lr = 0.5
:help lr
:help nosuch' 'lr = 0.5 (a number)
no help for '"'nosuch'"' (not a builtin or a defined name)'

pipe_case vars ':vars
let lr = 0.1
fn sq(v) = v * v
let w = [[1, 2], [3, 4]]
:vars' '(no variables yet)
lr = 0.1
sq = <fn sq(v)>
w = [[1, 2], ...'

printf 'let loaded = 40\nprint("loading")\nfn add2(v) = v + 2\n' > "$T/lib.nn"
pipe_case load ":load $T/lib.nn
add2(loaded)
:load $T/missing.nn
:load
loaded" "loading
42
nn: error: cannot read '$T/missing.nn': No such file or directory
usage: :load FILE
40"

pipe_case quit '1 + 1
:quit
print("not reached")' '2'

pipe_case unknown-command ':frobnicate now
3' "unknown command ':frobnicate' (try :help)
3"

# :help lists the functions; each has a signature and at least one line of explanation.
printf ':help\n' | $RUN -i > "$T/help" 2>&1
if grep -q '^Commands: :help NAME, :vars, :load FILE, :quit' "$T/help" &&
   grep -q '^  .*softmax.*' "$T/help"; then echo "PASS help-overview"; else
  echo "FAIL help-overview: unexpected :help output"; head -20 "$T/help"; fi
# All in one session (a process per name is slow under valgrind): every "name(…)" line
# must be followed by an indented explanation.
sed -n '/^Functions:/,$p' "$T/help" | tail -n +2 | tr -s ' ' '\n' | grep . > "$T/names"
sed 's/^/:help /' "$T/names" | $RUN -i > "$T/all" 2>&1
missing=$(awk 'NR == FNR { want[$1] = 1; n++; next }
  prev != "" && /^  [^ ]/ { delete want[prev] }
  { prev = ""; if (match($0, /^[a-z_0-9]+\(.*\)$/)) prev = substr($0, 1, index($0, "(") - 1) }
  END { if (n < 40) print "only " n " functions listed"; for (f in want) printf " %s", f }' \
  "$T/names" "$T/all")
if [ -z "$missing" ]; then echo "PASS help-every-builtin"; else
  echo "FAIL help-every-builtin: no signature or explanation for:$missing"; fi
