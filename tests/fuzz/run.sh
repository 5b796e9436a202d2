#!/bin/sh
# run.sh — `make fuzz`: replay the regression inputs, then fuzz each harness.
#   sh tests/fuzz/run.sh BUILD SECONDS HARNESS...   (BUILD holds bin/HARNESS)
# For each harness: every file in tests/fuzz/regress/HARNESS/ is run once (a crash there
# is a bug that came back); then libFuzzer runs for SECONDS on a copy of
# tests/fuzz/corpus/HARNESS/ in BUILD/corpus/HARNESS (new inputs go there, the committed
# corpus is not touched). Crashes are written to BUILD/crash/HARNESS/; the script fails
# if any harness found one. FUZZ_FLAGS adds libFuzzer options (e.g. -jobs=2).
# tests/fuzz/regress/HARNESS/ holds crashes found before (minimised with
# `BIN -minimize_crash=1 -runs=10000 CRASH`, named after what failed, and also copied into
# the corpus) and harness_* inputs that check the harness itself (its CPU budget).
# tests/fuzz/seeds.py writes the generated seeds; the rest are copies of tests/golden/
# and examples/ files. Look at one input by hand: NN_FUZZ_VERBOSE=1 BIN FILE.
set -u
# Absolute paths: the harnesses work in a scratch folder of their own (fuzz.h).
build=$(cd "$1" && pwd) seconds=$2
shift 2
src=$(pwd)/tests/fuzz
failed=""
for h in "$@"; do
  bin=$build/bin/$h
  mkdir -p "$build/corpus/$h" "$build/crash/$h"
  if [ -d "$src/regress/$h" ] && [ -n "$(ls "$src/regress/$h")" ]; then
    # a CPU budget of 4 s per input, not 0.5: some need it to reach what they test
    if ! NN_FUZZ_BUDGET_MS=4000 "$bin" -rss_limit_mb=2048 -timeout=60 "$src/regress/$h"/* \
        >"$build/crash/$h/regress.log" 2>&1; then
      echo "fuzz: $h: a regression input fails again (see $build/crash/$h/regress.log)"
      grep -E '^Running:|ERROR|SUMMARY|runtime error|^    #[0-9] ' "$build/crash/$h/regress.log" | tail -20
      failed="$failed $h"
      continue
    fi
    echo "fuzz: $h: $(ls "$src/regress/$h" | wc -l) regression inputs pass"
  fi
  cp -n "$src/corpus/$h"/* "$build/corpus/$h/" 2>/dev/null
  dict=""
  [ "$h" = fuzz_interp ] && dict="-dict=$src/nn.dict"
  # -timeout: the harness's own budget stops scripts at 0.5 s of CPU; 20 s means stuck.
  # -rss_limit_mb bounds the total; single allocations over 256 MB fail in ASan (fuzz.h).
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=0 -artifact_prefix="$build/crash/$h/" $dict ${FUZZ_FLAGS:-} \
    "$build/corpus/$h" >"$build/crash/$h/fuzz.log" 2>&1
  st=$?
  grep -E '^#[0-9]+ +DONE|^Done' "$build/crash/$h/fuzz.log" | tail -1 | sed "s/^/fuzz: $h: /"
  if [ $st -ne 0 ]; then
    echo "fuzz: $h: FAILED (exit $st); the input is in $build/crash/$h/, the log in $build/crash/$h/fuzz.log:"
    grep -E 'ERROR|SUMMARY|runtime error|^    #[0-9] ' "$build/crash/$h/fuzz.log" | head -20
    failed="$failed $h"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed"
  exit 1
fi
echo "fuzz: all harnesses pass"
