#!/bin/sh
# golden_cli.sh — the golden cases a .sh drives (command-line options, stdin, files,
# environment) through the WebAssembly command line under Node (build/web/node/nn, made
# by make web), with tests/run.sh's rules for .sh cases: stdout equals NAME.out, stderr
# equals NAME.err (or is empty). The .nn cases run through the JS API (golden.mjs).
# Cases listed in tests/web/expected-differences are counted apart.
#   sh tests/web/golden_cli.sh build/web/node/nn [NAME...]      (make test-web-node)
set -u
NN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RUN=$NN
export NN RUN NO_COLOR=1
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
listed() { grep -q "^$1[[:space:]]" tests/web/expected-differences; }
passed=0 failed=0 differ=0
for f in tests/golden/*.sh; do
  name=$(basename "${f%.sh}")
  [ $# -eq 0 ] || case " $* " in *" $name "*) ;; *) continue ;; esac
  base=${f%.sh}
  (cd tests/golden && sh "$name.sh") > "$TMP/out" 2> "$TMP/err" < /dev/null
  why=""
  if [ -e "$base.out" ]; then cmp -s "$TMP/out" "$base.out" || why="$why stdout differs;"
  elif [ -s "$TMP/out" ]; then why="$why unexpected stdout;"; fi
  if [ -e "$base.err" ]; then cmp -s "$TMP/err" "$base.err" || why="$why stderr differs;"
  elif [ -s "$TMP/err" ]; then why="$why unexpected stderr;"; fi
  if listed "$name"; then
    if [ -n "$why" ]; then differ=$((differ + 1)); else echo "note: $name is listed in expected-differences but passes now"; fi
  elif [ -z "$why" ]; then passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL golden $name:$why"
    if [ -e "$base.out" ]; then diff "$base.out" "$TMP/out" | head -10; fi
    if [ -e "$base.err" ]; then diff "$base.err" "$TMP/err" | head -10; else head -10 "$TMP/err"; fi
  fi
done
echo "wasm golden (.sh, command line): $passed passed, $failed failed, $differ expected differences (tests/web/expected-differences)"
[ "$failed" -eq 0 ]
