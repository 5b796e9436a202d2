#!/bin/sh
# run.sh — `make test-export`: the tests of models leaving and entering nn (issue 12) that
# need Python (torch, numpy, onnx) and Node (onnxruntime-node); `make deps-export`
# installs them. Runs every tests/export/*.sh but this one, with NN (absolute path of
# nn), PY (Debian's python3), ROOT (the repository) and TMP (a scratch folder of its own,
# removed after) in the environment and the repository as working directory. Each script
# prints `PASS name` / `FAIL name: why` lines; a script that exits non-zero or prints no
# PASS/FAIL line fails. Ends with "N passed, N failed"; exits non-zero on any failure.
#   NN=./nn sh tests/export/run.sh [script.sh...]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
NN=${NN:-./nn}
case "$NN" in /*) ;; *) NN="$ROOT/$NN" ;; esac
# Debian's python3 (its torch, numpy and onnx), not whatever python3 comes first on PATH
PY=${PY:-/usr/bin/python3}
export NN PY ROOT NO_COLOR=1
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
passed=0
failed=0
scripts=${*:-$(ls tests/export/*.sh | grep -v '/run\.sh$')}
for s in $scripts; do
  TMP=$(mktemp -d)
  export TMP
  out="$TMP.out"
  if sh "$s" > "$out" 2>&1; then st=0; else st=$?; fi
  p=$(grep -c '^PASS' "$out")
  f=$(grep -c '^FAIL' "$out")
  passed=$((passed + p))
  failed=$((failed + f))
  grep '^FAIL' "$out" | sed "s|^FAIL|FAIL $(basename "$s"):|"
  if [ "$st" -ne 0 ] || [ "$p" -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL $(basename "$s"): exited with status $st after $p passed checks; its last lines:"
    tail -15 "$out" | sed 's/^/    /'
  fi
  rm -rf "$TMP" "$out"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
