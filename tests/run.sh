#!/bin/sh
# run.sh — the test runner behind `make test`: unit tests, golden tests, reference values,
# examples and REPL sessions. Prints one line per failure (and a summary per group), and
# ends with "N passed, N failed"; exits non-zero on any failure.
#   NN=./nn BUILD=build sh tests/run.sh [group...]    groups: unit golden ref examples repl
# NN_VALGRIND=1 runs nn under valgrind --leak-check=full (leaks and errors fail a test),
# with the block cache off (NN_ALLOC_CACHE=0, runtime/mem.h): every freed block goes back
# to malloc, so that valgrind sees a use after free rather than a reused block.
set -u
NN=${NN:-./nn}
BUILD=${BUILD:-build}
case "$NN" in /*) ;; *) NN="$(pwd)/$NN" ;; esac
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
groups=${*:-unit golden ref examples repl}

if [ "${NN_VALGRIND:-0}" = 1 ]; then
  export NN_ALLOC_CACHE=0
  RUN="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $NN"
else
  RUN="$NN"
fi
export NN RUN NO_COLOR=1
# Goldens are English unless a test asks for Chinese (--lang zh or LANG=zh_CN.UTF-8): the
# tester's own locale must not change them.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# Count PASS/FAIL lines printed by a test program (unit tests, reference checks).
count_lines() { # file label
  p=$(grep -c '^PASS' "$1")
  f=$(grep -c '^FAIL' "$1")
  passed=$((passed + p))
  failed=$((failed + f))
  grep '^FAIL' "$1" | sed "s|^FAIL|FAIL $2:|"
  [ "$p" -gt 0 ] || bad "$2: no checks ran"
}

run_unit() {
  for t in "$BUILD"/unit/*; do
    [ -x "$t" ] || continue
    if "$t" > "$TMP/unit.out" 2>&1; then :; else bad "$t exited with status $?"; fi
    count_lines "$TMP/unit.out" "$(basename "$t")"
  done
  # The worker pool with a thread count other than the machine's (odd, and serial).
  for n in 3 1; do
    NN_THREADS=$n "$BUILD"/unit/test_parallel > "$TMP/unit.out" 2>&1 || bad "test_parallel (NN_THREADS=$n) exited with status $?"
    count_lines "$TMP/unit.out" "test_parallel (NN_THREADS=$n)"
  done
  # No include cycle among the modules of interp/ and runtime/ (issue 8's floors).
  sh tools/check_floors.sh > "$TMP/floors.out" 2>&1
  count_lines "$TMP/floors.out" check_floors.sh
  # Every message has its Chinese text, and no English prose bypasses the catalogue.
  sh tools/check_catalog.sh > "$TMP/catalog.out" 2>&1
  count_lines "$TMP/catalog.out" check_catalog.sh
}

# A golden case is NAME.nn (run as `nn NAME.nn`) or NAME.sh (run by sh with $RUN set),
# with NAME.out the exact stdout and, when an error is expected, NAME.err the exact
# stderr (and then a non-zero exit status); without NAME.err: exit 0 and empty stderr.
# A .sh case echoes the statuses it cares about; only its output is compared.
run_golden() {
  for f in tests/golden/*.nn tests/golden/*.sh; do
    [ -e "$f" ] || continue
    case "$f" in *.nn) base=${f%.nn} ;; *) base=${f%.sh} ;; esac
    # A .nn file that a .sh case of the same name drives is not run on its own.
    case "$f" in *.nn) [ -e "$base.sh" ] && continue ;; esac
    name=$(basename "$base")
    (cd tests/golden && if [ "${f##*.}" = sh ]; then sh "$name.sh"; else $RUN "$name.nn"; fi) \
      > "$TMP/out" 2> "$TMP/err" < /dev/null
    status=$?
    why=""
    if [ -e "$base.out" ]; then
      cmp -s "$TMP/out" "$base.out" || why="$why stdout differs;"
    elif [ -s "$TMP/out" ]; then
      why="$why unexpected stdout (no $name.out);"
    fi
    if [ "${f##*.}" = sh ]; then
      if [ -e "$base.err" ]; then cmp -s "$TMP/err" "$base.err" || why="$why stderr differs;"
      elif [ -s "$TMP/err" ]; then why="$why unexpected stderr;"; fi
    elif [ -e "$base.err" ]; then
      cmp -s "$TMP/err" "$base.err" || why="$why stderr differs;"
      [ $status -ne 0 ] || why="$why exit status 0, expected an error;"
      [ $status -ne 99 ] || why="$why valgrind found errors;"
    else
      [ -s "$TMP/err" ] && why="$why unexpected stderr;"
      [ $status -eq 0 ] || why="$why exit status $status;"
    fi
    if [ -z "$why" ]; then ok; else
      bad "golden $name:$why"
      if [ -e "$base.out" ]; then diff "$base.out" "$TMP/out" | head -20; else head -20 "$TMP/out"; fi
      if [ -e "$base.err" ]; then diff "$base.err" "$TMP/err" | head -20; else head -20 "$TMP/err"; fi
    fi
  done
}

run_ref() {
  for f in tests/ref/*.nn; do
    [ -e "$f" ] || continue
    if $RUN "$f" > "$TMP/ref.out" 2> "$TMP/ref.err" < /dev/null; then :; else
      bad "$f exited with status $?"; head -20 "$TMP/ref.err"
    fi
    count_lines "$TMP/ref.out" "$(basename "$f")"
  done
}

# Every example and tutorial runs (with NN_QUICK=1: the small settings each example
# documents); NAME.out beside it, where present, is its exact output (every tutorial
# has one). They run from the repository root, as a user types `nn examples/iris.nn`:
# their data paths resolve against the script's folder.
run_examples() {
  for f in examples/*.nn examples/tutorial/*.nn; do
    [ -e "$f" ] || continue
    if NN_QUICK=1 $RUN "$f" > "$TMP/ex.out" 2> "$TMP/ex.err" < /dev/null; then
      if [ -e "${f%.nn}.out" ] && ! cmp -s "$TMP/ex.out" "${f%.nn}.out"; then
        bad "example $f: output differs"; diff "${f%.nn}.out" "$TMP/ex.out" | head -20
      else ok; fi
    else
      bad "example $f exited with status $?"; head -20 "$TMP/ex.err"
    fi
  done
}

# REPL tests are scripts that print PASS/FAIL lines themselves.
run_repl() {
  for f in tests/repl/*.sh; do
    [ -e "$f" ] || continue
    sh "$f" > "$TMP/repl.out" 2>&1 < /dev/null
    count_lines "$TMP/repl.out" "$(basename "$f")"
  done
}

for g in $groups; do
  before_p=$passed before_f=$failed
  case "$g" in
    unit) run_unit ;;
    golden) run_golden ;;
    ref) run_ref ;;
    examples) run_examples ;;
    repl) run_repl ;;
    *) bad "unknown test group $g" ;;
  esac
  echo "$g: $((passed - before_p)) passed, $((failed - before_f)) failed"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
