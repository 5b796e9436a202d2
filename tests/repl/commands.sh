#!/bin/sh
# commands.sh — the REPL's :commands through a pipe (`nn -i`): :help, :help NAME, :vars,
# :load, :quit and an unknown command.
. tests/repl/lib.inc

# :help NAME prints the signature and the help text (docs/help/*.md, see help.c); the
# full texts are checked by the help_* golden tests, here the first lines.
printf ':help softmax\n' | $RUN -i 2>&1 | head -3 > "$T/h1"
printf 'softmax(x, axis = -1)\n  Softmax turns a vector of scores into probabilities: every output is in (0, 1)\n  and they sum to 1, with the largest score getting the largest probability.\n' > "$T/h1.want"
if cmp -s "$T/h1" "$T/h1.want"; then echo "PASS help-softmax"; else
  echo "FAIL help-softmax: got"; cat "$T/h1"; fi

# :lang switches the language of the texts and of the messages (the unknown language is
# reported in Chinese after :lang zh); :source prints a stdlib definition.
printf ':lang zh\n:help kl\n:lang\n:lang fr\n:source mse\n' | $RUN -i > "$T/h2" 2>&1
if sed -n 2p "$T/h2" | grep -q 'KL 散度' && grep -qx 'zh' "$T/h2" &&
   grep -q "^未知的语言 'fr'（请用 en 或 zh）" "$T/h2" &&
   grep -q '^loss mse(p, q) {' "$T/h2" && grep -q '^  return mean((q - p) ^ 2)' "$T/h2"; then echo "PASS help-lang-source"; else
  echo "FAIL help-lang-source: got"; cat "$T/h2"; fi

pipe_case help-variable 'let lr = 0.5
:help lr
:help nosuch' 'lr = 0.5 (a number)
no help for '"'nosuch'"'; help() lists the topics and functions'

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
if grep -q '^Commands: :help NAME, :lang en|zh, :source NAME, :vars, :load FILE, :quit' "$T/help" &&
   grep -q '^    .*softmax.*' "$T/help"; then echo "PASS help-overview"; else
  echo "FAIL help-overview: unexpected :help output"; head -20 "$T/help"; fi
# All in one session (a process per name is slow under valgrind): every "name(…)" line
# must be followed by an indented explanation.
$RUN -e 'for n in help_topics("functions") { print(n) }' > "$T/names"
sed 's/^/:help /' "$T/names" | $RUN -i > "$T/all" 2>&1
missing=$(awk 'NR == FNR { want[$1] = 1; n++; next }
  prev != "" && /^  [^ ]/ { delete want[prev] }
  { prev = ""; if (match($0, /^[a-z_0-9]+\(.*\)$/)) prev = substr($0, 1, index($0, "(") - 1) }
  END { if (n < 40) print "only " n " functions listed"; for (f in want) printf " %s", f }' \
  "$T/names" "$T/all")
if [ -z "$missing" ]; then echo "PASS help-every-builtin"; else
  echo "FAIL help-every-builtin: no signature or explanation for:$missing"; fi
