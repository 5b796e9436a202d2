#!/bin/sh
# run.sh — `make test-jupyter`: the nn kernel for Jupyter (issue 13), on Debian's
# ipykernel, jupyter_client and nbconvert (`make deps-jupyter` installs them). Installs
# the kernelspec into a scratch JUPYTER_DATA_DIR with jupyter/install.py, the path
# `make jupyter` takes, holding a copy of NN; then finds it with `jupyter kernelspec` and
# runs a few entries in `jupyter console`, drives the kernel with jupyter_client
# (test_kernel.py), executes tests/jupyter/edge.ipynb headlessly and checks it
# (check_edge.py), and executes examples/notebooks/course.ipynb and checks it with
# tests/jupyter/check_course.py. Each prints PASS/FAIL lines; a script that exits
# non-zero or prints no PASS line fails. Ends with "N passed, N failed"; exits non-zero
# on any failure.
#   NN=./nn sh tests/jupyter/run.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
NN=${NN:-./nn}
case "$NN" in /*) ;; *) NN="$ROOT/$NN" ;; esac
# Debian's python3 (its ipykernel and jupyter_client), not whatever python3 is on PATH
PY=${PY:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# A Jupyter of our own: kernelspecs, connection files and config (ipykernel's IPython
# profile too) in the scratch folder, nothing read from or written to $HOME.
JUPYTER_DATA_DIR="$TMP/data"
JUPYTER_RUNTIME_DIR="$TMP/runtime"
JUPYTER_CONFIG_DIR="$TMP/config"
IPYTHONDIR="$TMP/ipython"
export NN PY JUPYTER_DATA_DIR JUPYTER_RUNTIME_DIR JUPYTER_CONFIG_DIR IPYTHONDIR NO_COLOR=1
unset LANGUAGE LC_ALL LC_MESSAGES NN_KERNEL_NN
export LANG=C.UTF-8
passed=0
failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# count NAME STATUS OUT: add OUT's PASS/FAIL lines; a bad exit or no PASS line fails.
count() {
  p=$(grep -c '^PASS' "$3")
  f=$(grep -c '^FAIL' "$3")
  passed=$((passed + p))
  failed=$((failed + f))
  cat "$3"
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ] || [ "$p" -eq 0 ]; then
    fail "$1: exited with status $2 after $p passed checks; its last lines:"
    tail -15 "$3" | sed 's/^/    /'
  fi
}

# execute NOTEBOOK OUT.ipynb: run every cell with the notebook's kernel ("nn"), keeping
# going after error cells, as a teacher's "Run all" does.
execute() {
  "$PY" -m nbconvert --to notebook --execute --allow-errors \
    --ExecutePreprocessor.timeout=600 --output-dir "$(dirname "$2")" \
    --output "$(basename "$2")" "$1" > "$TMP/nbconvert.log" 2>&1
}

if "$PY" jupyter/install.py "$NN" > "$TMP/install.log" 2>&1; then
  spec="$JUPYTER_DATA_DIR/kernels/nn"
  missing=""
  for f in kernel.json nn_kernel.py nn logo-32x32.png logo-64x64.png logo-svg.svg; do
    [ -e "$spec/$f" ] || missing="$missing $f"
  done
  if [ -z "$missing" ] && cmp -s "$NN" "$spec/nn"; then
    pass "install: kernelspec nn with the wrapper, the logos and a copy of nn"
  else
    fail "install: the kernelspec lacks:$missing (or its nn is not NN)"
  fi
else
  fail "install: jupyter/install.py failed:"
  sed 's/^/    /' "$TMP/install.log"
  echo "$passed passed, $failed failed"
  exit 1
fi

# Jupyter's own commands find the kernel: kernelspec lists it, and the console runs
# entries in it (--simple-prompt: lines from a pipe, no terminal needed).
if jupyter-kernelspec list 2>/dev/null | grep -q "^  nn  *$spec\$"; then
  pass "jupyter kernelspec list: nn in $JUPYTER_DATA_DIR"
else
  fail "jupyter kernelspec list does not show nn:"
  jupyter-kernelspec list 2>&1 | sed 's/^/    /'
fi
# The lines are typed after the first prompt, as a person would: jupyter-console 6.4
# sends the first cell as soon as kernel_info is answered, and its IOPub socket may
# still be reconnecting then (ZeroMQ retries every 100 ms while the kernel starts), so
# a cell piped in at once can lose its "idle" status and wait forever — with the
# IPython kernel too (seen here in about 1 run of 8).
mkfifo "$TMP/console.in"
timeout 120 jupyter-console --kernel nn --simple-prompt < "$TMP/console.in" > "$TMP/console.out" 2>&1 &
console=$!
exec 3> "$TMP/console.in"
waited=0
while ! grep -qF 'In [1]:' "$TMP/console.out" && [ $waited -lt 600 ]; do
  sleep 0.1; waited=$((waited + 1))
done
sleep 1
printf 'let a = 3\na * 2\nsoftmax([1, 2, 3])\nzz\n' >&3
exec 3>&-
wait $console
for want in 'Out[2]: 6' 'Out[3]: [0.0900306, 0.244728, 0.665241]' \
            "In[4]:1:1: error: undefined name 'zz'"; do
  if grep -qF "$want" "$TMP/console.out"; then
    pass "jupyter console --kernel nn: $want"
  else
    fail "jupyter console --kernel nn: no '$want' in:"
    sed 's/^/    /' "$TMP/console.out"
  fi
done

"$PY" tests/jupyter/test_kernel.py > "$TMP/kernel.out" 2>&1
count test_kernel.py $? "$TMP/kernel.out"

if execute tests/jupyter/edge.ipynb "$TMP/edge.ipynb"; then
  "$PY" tests/jupyter/check_edge.py "$TMP/edge.ipynb" > "$TMP/edge.out" 2>&1
  count check_edge.py $? "$TMP/edge.out"
  # Exported to HTML with jupyter/nn-html.j2, the figure is an image of the same SVG
  # (nbconvert 6.5's own template strips the SVG's elements).
  "$PY" -m nbconvert --to html --template-file "$ROOT/jupyter/nn-html.j2" --output-dir "$TMP" \
    --output edge.html "$TMP/edge.ipynb" > "$TMP/html.log" 2>&1
  if "$PY" - "$TMP/edge.ipynb" "$TMP/edge.html" <<'PYEOF'
import base64, re, sys, nbformat
nb = nbformat.read(sys.argv[1], 4)
svgs = [o["data"]["image/svg+xml"] for c in nb.cells if c.cell_type == "code"
        for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
html = open(sys.argv[2], encoding="utf-8").read()
imgs = [base64.b64decode(m).decode("utf-8")
        for m in re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]
sys.exit(0 if svgs and imgs == svgs and "<polyline" in imgs[0] else 1)
PYEOF
  then
    pass "nbconvert --to html --template-file jupyter/nn-html.j2: the figures as images of their SVG"
  else
    fail "nbconvert --to html --template-file jupyter/nn-html.j2: figures missing or changed"
    tail -5 "$TMP/html.log" | sed 's/^/    /'
  fi
else
  fail "edge.ipynb: nbconvert --execute failed:"
  tail -15 "$TMP/nbconvert.log" | sed 's/^/    /'
fi

# The course notebook and its checks come together (examples/notebooks/make_course.py
# writes the one, tests/jupyter/check_course.py reads it): either missing is a failure.
if [ ! -e examples/notebooks/course.ipynb ] || [ ! -e tests/jupyter/check_course.py ]; then
  fail "course notebook missing: examples/notebooks/course.ipynb and tests/jupyter/check_course.py"
elif execute examples/notebooks/course.ipynb "$TMP/course.ipynb"; then
  "$PY" tests/jupyter/check_course.py "$TMP/course.ipynb" > "$TMP/course.out" 2>&1
  count check_course.py $? "$TMP/course.out"
else
  fail "course.ipynb: nbconvert --execute failed:"
  tail -15 "$TMP/nbconvert.log" | sed 's/^/    /'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
