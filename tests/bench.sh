#!/bin/sh
# bench.sh — `make bench`: start-up time, the interpreter's per-call overhead, load_csv,
# and training epochs on Fashion-MNIST (MLPs of two widths at three batch sizes, the CNN
# of examples/fashion_cnn.nn, a machine with the reference BLAS only), each with its peak
# memory, side by side with NumPy and PyTorch when /usr/bin/python3 has them (`make
# deps-bench` installs them). Timings, not tests; BENCH.md records a run.
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

# ---- training epochs on Fashion-MNIST, nn against PyTorch ----
# nn's epoch: the script run with epochs = 1 minus the same with epochs = 0 (data
# loading, start-up and the test evaluation cancel out); the best of BENCH_RUNS runs of
# each. PyTorch times its epoch itself (tests/bench/fashion_*.py). Peak memory is the
# max RSS of the whole process (the epochs = 1 run). Threads: nn uses its own pool
# (NN_THREADS, else every CPU); PyTorch gets the same count (torch.set_num_threads).
# PyTorch runs twice: in the environment as it is, and as an expert tunes it
# (OPENBLAS_CORETYPE=SkylakeX on an AVX-512 CPU, OMP_WAIT_POLICY=PASSIVE); the ratio is
# taken against the faster of the two.
runs=${BENCH_RUNS:-3}
BENCH=tests/bench
FASHION=${NN_DATA:-/usr/share/datasets/fashion-mnist}
if [ ! -e "$FASHION/train-images-idx3-ubyte.gz" ] && [ ! -e "$FASHION/train-images-idx3-ubyte" ]; then
  echo "training benchmarks: Fashion-MNIST not found in $FASHION (make data): skipped"
  exit 0
fi
TMPB=$(mktemp -d)
trap 'rm -rf "$TMPB"' EXIT
threads=${NN_THREADS:-$(nproc 2>/dev/null || echo 1)}
have_torch=0
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null && have_torch=1
avx512=0
grep -q avx512f /proc/cpuinfo 2>/dev/null && avx512=1
ms() { echo $(( ($(now) - $1) / 1000000 )); }
# peak RSS in KiB of "$@" into $TMPB/rss (0 when /usr/bin/time is missing)
rss_run() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "$TMPB/rss" "$@"
  else echo 0 > "$TMPB/rss"; "$@"; fi
}
row() { printf "%-44s %9s %7s %9s %9s\n" "$@"; }
mib() { echo "$(( $1 / 1024 )) MiB"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# nn_epoch SCRIPT [VAR=value...]: best epoch time (nn_ms), peak RSS (nn_rss) and test
# accuracy (nn_acc) of SCRIPT with EPOCHS → FROM + 1 minus EPOCHS → FROM (0: the first
# epoch; 1: the second, for the CNN, whose script's test evaluation varies by seconds
# from run to run — more than its epoch — and is run in both). $WRAP (a command) may
# run nn inside something (the reference-BLAS namespace below).
FROM=0
nn_epoch() {
  script=$1; shift
  sed "s/EPOCHS/$((FROM + 1))/" "$script" > "$TMPB/e1.nn"
  sed "s/EPOCHS/$FROM/" "$script" > "$TMPB/e0.nn"
  best1= best0= nn_rss=0
  i=0
  while [ $i -lt $runs ]; do
    t=$(now); env "$@" $WRAP "$NN" "$TMPB/e0.nn" > /dev/null || return 1; d=$(ms $t)
    [ -z "$best0" ] || [ $d -lt $best0 ] && best0=$d
    t=$(now); rss_run env "$@" $WRAP "$NN" "$TMPB/e1.nn" > "$TMPB/nn.out" || return 1; d=$(ms $t)
    [ -z "$best1" ] || [ $d -lt $best1 ] && best1=$d
    r=$(tail -1 "$TMPB/rss"); [ "$r" -gt "$nn_rss" ] && nn_rss=$r
    i=$((i + 1))
  done
  nn_ms=$((best1 - best0))
  nn_acc=$(sed -n 's/^test accuracy //p' "$TMPB/nn.out")
}

# torch_epoch SCRIPT [VAR=value...]: best epoch (t_ms), peak RSS (t_rss), test accuracy
# (t_acc) and the OpenBLAS kernel torch ran on (t_kernel).
torch_epoch() {
  script=$1; shift
  t_ms= t_rss=0
  i=0
  while [ $i -lt $runs ]; do
    rss_run env BENCH_THREADS=$threads BENCH_EPOCHS=$((FROM + 1)) "$@" "$PY" "$script" > "$TMPB/py.out" || return 1
    d=$(sed -n 's/^epoch \([0-9.]*\) s$/\1/p' "$TMPB/py.out" | awk '{printf "%d", $1 * 1000}')
    [ -z "$t_ms" ] || [ $d -lt $t_ms ] && t_ms=$d
    r=$(tail -1 "$TMPB/rss"); [ "$r" -gt "$t_rss" ] && t_rss=$r
    i=$((i + 1))
  done
  t_acc=$(sed -n 's/^test accuracy //p' "$TMPB/py.out")
  t_kernel=$(sed -n 's/^blas kernel //p' "$TMPB/py.out")
}

# side_by_side TITLE NN_SCRIPT PY_SCRIPT [VAR=value for both...]: nn's row, PyTorch's rows.
side_by_side() {
  title=$1 nn_script=$2 py_script=$3; shift 3
  echo
  echo "$title, $threads threads, best of $runs:"
  row "" "epoch" "ratio" "test acc" "peak RSS"
  nn_epoch "$nn_script" "$@" || { echo "nn failed"; return; }
  if [ $have_torch = 1 ]; then
    torch_epoch "$py_script" "$@" OMP_WAIT_POLICY=PASSIVE || { echo "PyTorch failed"; return; }
    plain_ms=$t_ms plain_rss=$t_rss plain_acc=$t_acc plain_kernel=$t_kernel
    best_ms=$t_ms
    if [ $avx512 = 1 ]; then
      torch_epoch "$py_script" "$@" OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=SkylakeX || return
      [ "$t_ms" -lt "$best_ms" ] && best_ms=$t_ms
    fi
    row "nn" "$nn_ms ms" "$(ratio $nn_ms $best_ms)" "$nn_acc" "$(mib $nn_rss)"
    row "PyTorch (environment as is: ${plain_kernel:-?})" "$plain_ms ms" "$(ratio $plain_ms $best_ms)" \
      "$plain_acc" "$(mib $plain_rss)"
    [ $avx512 = 1 ] && row "PyTorch tuned (SkylakeX, PASSIVE)" "$t_ms ms" "$(ratio $t_ms $best_ms)" \
      "$t_acc" "$(mib $t_rss)"
  else
    row "nn" "$nn_ms ms" "-" "$nn_acc" "$(mib $nn_rss)"
    echo "PyTorch: not installed for $PY (apt-get install python3-torch): no reference"
  fi
}

echo
echo "matrix products: $("$NN" -e 'blas()' | tr -d '"')"
for cfg in "64 256" "16 256" "256 256" "64 1024" "16 1024" "256 1024"; do
  set -- $cfg
  sed "s/BATCH/$1/; s/HIDDEN/$2/g" $BENCH/fashion_mlp.nn > "$TMPB/mlp.nn"
  side_by_side "MLP 784-$2-128-10, Adam, batch $1, 1 epoch (60000 images)" "$TMPB/mlp.nn" \
    $BENCH/fashion_mlp.py BENCH_BATCH=$1 BENCH_HIDDEN=$2
done

# A machine with Debian's reference BLAS only (libblas3, no OpenBLAS), simulated in a
# private mount namespace (needs root): libopenblas.so.0 unreadable, libblas.so.3 the
# reference library. nn must reject it and keep its own kernel's speed.
refblas=$(ls /usr/lib/*/blas/libblas.so.3 2>/dev/null | head -1)
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && [ -n "$refblas" ]; then
  libdir=$(dirname "$(dirname "$refblas")")
  printf '#!/bin/sh\nmount --bind /dev/null %s/libopenblas.so.0 2>/dev/null\nmount --bind %s %s/libblas.so.3 || exit 1\nexec "$@"\n' \
    "$libdir" "$refblas" "$libdir" > "$TMPB/refonly.sh"
  chmod +x "$TMPB/refonly.sh"
  sed "s/BATCH/64/; s/HIDDEN/256/g" $BENCH/fashion_mlp.nn > "$TMPB/mlp.nn"
  echo
  echo "reference BLAS only (libblas3 without OpenBLAS, in a mount namespace), MLP batch 64:"
  echo "  blas(): $(unshare -m "$TMPB/refonly.sh" "$NN" -e 'blas()' | tr -d '"')"
  WRAP="unshare -m $TMPB/refonly.sh"
  nn_epoch "$TMPB/mlp.nn" && ref_ms=$nn_ms ref_rss=$nn_rss
  WRAP=
  nn_epoch "$TMPB/mlp.nn"
  row "" "epoch" "ratio" "" "peak RSS"
  row "nn, reference BLAS only" "$ref_ms ms" "$(ratio "$ref_ms" $nn_ms)" "" "$(mib "$ref_rss")"
  row "nn, OpenBLAS installed" "$nn_ms ms" "1.00" "" "$(mib $nn_rss)"
fi

if [ -e $BENCH/fashion_cnn.nn ] && [ -e $BENCH/fashion_cnn.py ]; then
  FROM=1
  side_by_side "CNN of examples/fashion_cnn.nn, Adam, batch 64, the 2nd epoch (10000 images)" \
    $BENCH/fashion_cnn.nn $BENCH/fashion_cnn.py
  FROM=0
fi
echo
echo "(ratio = epoch / the faster PyTorch epoch: below 1 means faster than PyTorch)"
