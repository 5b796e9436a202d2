#!/bin/sh
# bench.sh — `make bench`: start-up time, the interpreter's per-call overhead, and one
# training epoch of a Fashion-MNIST MLP (tests/bench/fashion_mlp.nn), side by side with
# NumPy and PyTorch when /usr/bin/python3 has them. Timings, not tests.
NN=${NN:-./nn}
PY=/usr/bin/python3
now() { date +%s%N; }

runs=200
t0=$(now)
i=0
while [ $i -lt $runs ]; do "$NN" -e '1' > /dev/null; i=$((i + 1)); done
t1=$(now)
echo "start-up: nn -e '1'            $(( (t1 - t0) / runs / 1000 )) us per run (target < 5000 us)"

n=1000000
code="let x = [0.1, 0.5, -0.3, 2, 1.5, -1, 0.7, 0.2, -0.8, 1.1]
for i in 0..$n { softmax(x) }"
t0=$(now)
"$NN" -e "$code" > /dev/null
t1=$(now)
t2=$(now)
"$NN" -e "for i in 0..$n { }" > /dev/null
t3=$(now)
echo "softmax loop: nn               $(( (t1 - t0) / n )) ns per iteration (empty loop $(( (t3 - t2) / n )) ns; target < 1000 ns)"

if [ -x "$PY" ] && "$PY" -c 'import numpy' 2>/dev/null; then
  "$PY" - <<'PYEOF'
import timeit
import numpy as np
x = np.array([0.1, 0.5, -0.3, 2, 1.5, -1, 0.7, 0.2, -0.8, 1.1], dtype=np.float32)
def sm(x):
    e = np.exp(x - x.max())
    return e / e.sum()
n = 200000
t = timeit.timeit(lambda: sm(x), number=n) / n
print(f"softmax loop: NumPy            {t * 1e9:.0f} ns per iteration")
try:
    import torch
    torch.set_num_threads(1)
    xt = torch.tensor(x)
    t = timeit.timeit(lambda: torch.softmax(xt, -1), number=n) / n
    print(f"softmax loop: PyTorch builtin  {t * 1e9:.0f} ns per iteration")
except ImportError:
    print("softmax loop: PyTorch not installed (apt-get install python3-torch)")
PYEOF
else
  echo "(NumPy/PyTorch not installed for /usr/bin/python3: no reference timings)"
fi

# ---- load_csv of 1M rows × 10 columns (9 features and a numeric target) ----
csv=$(mktemp)
awk 'BEGIN { print "a,b,c,d,e,f,g,h,i,y"
             for (r = 0; r < 1000000; r++) {
               for (k = 0; k < 9; k++) printf "%.4f,", ((r * 7 + k * 13) % 1000) / 100
               printf "%d\n", r } }' > "$csv"
t0=$(now)
"$NN" -e "let d = load_csv(\"$csv\")" > /dev/null
t1=$(now)
rm -f "$csv"
echo "load_csv: 1M rows × 10 columns  $(( (t1 - t0) / 1000000 )) ms (target: seconds)"

# ---- one epoch of the Fashion-MNIST MLP, nn against PyTorch ----
# nn's epoch: the script run with epochs = 1 minus the same with epochs = 0 (data
# loading, start-up and the test evaluation cancel out); the best of BENCH_RUNS runs of
# each. PyTorch times its epoch itself (tests/bench/fashion_mlp.py). Peak memory is the
# max RSS of the whole process. Both use OpenBLAS as the environment configures it
# (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS are passed through untouched) and the same
# number of threads: OpenBLAS's, and torch.set_num_threads with OMP_WAIT_POLICY=PASSIVE.
runs=${BENCH_RUNS:-3}
BENCH=tests/bench
FASHION=${NN_DATA:-/usr/share/datasets/fashion-mnist}
if [ ! -e "$FASHION/train-images-idx3-ubyte.gz" ] && [ ! -e "$FASHION/train-images-idx3-ubyte" ]; then
  echo "fashion MLP: Fashion-MNIST not found in $FASHION (make data): skipped"
  exit 0
fi
TMPB=$(mktemp -d)
trap 'rm -rf "$TMPB"' EXIT
threads=${OPENBLAS_NUM_THREADS:-${OMP_NUM_THREADS:-$(nproc 2>/dev/null || echo 1)}}
sed 's/EPOCHS/1/' $BENCH/fashion_mlp.nn > "$TMPB/e1.nn"
sed 's/EPOCHS/0/' $BENCH/fashion_mlp.nn > "$TMPB/e0.nn"
ms() { echo $(( ($(now) - $1) / 1000000 )); }
# peak RSS in KiB of "$@" into $TMPB/rss (0 when /usr/bin/time is missing)
rss_run() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "$TMPB/rss" "$@"
  else echo 0 > "$TMPB/rss"; "$@"; fi
}
best1= best0= nn_rss=0
i=0
while [ $i -lt $runs ]; do
  t=$(now); "$NN" "$TMPB/e0.nn" > /dev/null || exit 1; d=$(ms $t)
  [ -z "$best0" ] || [ $d -lt $best0 ] && best0=$d
  t=$(now); rss_run "$NN" "$TMPB/e1.nn" > "$TMPB/nn.out" || exit 1; d=$(ms $t)
  [ -z "$best1" ] || [ $d -lt $best1 ] && best1=$d
  r=$(tail -1 "$TMPB/rss"); [ "$r" -gt "$nn_rss" ] && nn_rss=$r
  i=$((i + 1))
done
nn_ms=$((best1 - best0))
nn_acc=$(sed -n 's/^test accuracy //p' "$TMPB/nn.out")

# The PyTorch twin: best epoch time of $runs runs; $1 labels the OpenBLAS setting.
torch_run() {
  tbest= t_rss=0
  i=0
  while [ $i -lt $runs ]; do
    rss_run env OMP_WAIT_POLICY=PASSIVE BENCH_THREADS=$threads "$@" "$PY" $BENCH/fashion_mlp.py \
      > "$TMPB/py.out" || return 1
    d=$(sed -n 's/^epoch \([0-9.]*\) s$/\1/p' "$TMPB/py.out" | awk '{printf "%d", $1 * 1000}')
    [ -z "$tbest" ] || [ $d -lt $tbest ] && tbest=$d
    r=$(tail -1 "$TMPB/rss"); [ "$r" -gt "$t_rss" ] && t_rss=$r
    i=$((i + 1))
  done
  t_acc=$(sed -n 's/^test accuracy //p' "$TMPB/py.out")
  t_kernel=$(sed -n 's/^blas kernel //p' "$TMPB/py.out")
}
row() { printf "%-34s %8s %8s %10s %10s\n" "$@"; }
mib() { echo "$(( $1 / 1024 )) MiB"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "fashion MLP, 1 epoch (784-256-128-10, Adam lr 0.001, batch 64), $threads BLAS threads, best of $runs:"
row "" "epoch" "ratio" "test acc" "peak RSS"
row "nn (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-nn picks})" "$nn_ms ms" "1.00" "$nn_acc" "$(mib $nn_rss)"
if [ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null; then
  if torch_run; then
    row "PyTorch (same environment, $t_kernel)" "$tbest ms" "$(ratio $nn_ms $tbest)" "$t_acc" "$(mib $t_rss)"
  fi
  # The expert's reference: OpenBLAS's AVX-512 kernel, which nn leaves to the user.
  if [ "${OPENBLAS_CORETYPE:-}" != SkylakeX ] && torch_run OPENBLAS_CORETYPE=SkylakeX; then
    row "PyTorch (OPENBLAS_CORETYPE=SkylakeX)" "$tbest ms" "$(ratio $nn_ms $tbest)" "$t_acc" "$(mib $t_rss)"
  fi
  echo "(ratio = nn epoch / PyTorch epoch: below 1 means nn is faster)"
else
  echo "PyTorch: not installed for $PY (apt-get install python3-torch): no reference"
fi
