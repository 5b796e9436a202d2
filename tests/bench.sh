#!/bin/sh
# bench.sh — `make bench`: start-up time and the interpreter's per-call overhead, side by
# side with NumPy and PyTorch when /usr/bin/python3 has them. Timings, not tests.
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
