# nn --kernel and SIGINT (what the wrapper forwards on a notebook's interrupt), as Ctrl-C
# in a terminal: during train, training stops after the step and keeps its weights (the
# cell goes on: done 0); during a plain loop, the "interrupted" error and done 2; while
# idle, nothing (the next run works). Epoch and step numbers and losses depend on timing,
# so they are masked; each signal waits for the frame that shows the cell got there (the
# first after epoch 1's line: the interrupted epoch is a later one).
. ./kernel.inc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/in"
$RUN --kernel < "$dir/in" > "$dir/frames" &
pid=$!
exec 3> "$dir/in"
# running: is nn still there (not exited, nor a zombie not yet waited for)?
running() { [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ] && kill -0 $pid 2>/dev/null; }
# wait_for TEXT [N]: until N (default 1) lines of the frames so far hold TEXT (at most a
# minute, and no longer than nn runs)
wait_for() {
  n=0
  while [ "$(grep -c "$1" "$dir/frames")" -lt "${2:-1}" ]; do
    if ! running; then echo "nn exited before '$1'"; break; fi
    sleep 0.1
    n=$((n + 1))
    if [ $n -ge 600 ]; then echo "timed out waiting for '$1'"; kill $pid; break; fi
  done
}
req run 1 'seed(1)
let d = spiral(3000)
model m() { dense(2, 64); relu; dense(64, 3); softmax }
let net = m()
let probs = net(zeros(1, 2))
let w0 = params(net)["0.W"] + 0
let h = train(net, d, optimizer = sgd(lr = 0.01), epochs = 100000, batch = 8)
print("after train")
len(h.loss) < 100000' >&3
wait_for 'epoch 1/100000:'
kill -INT $pid
wait_for 'done [0-9] 0$'
req run 2 'sum(abs(params(net)["0.W"] - w0)) > 0' >&3
wait_for 'done [0-9] 0$' 2
req run 3 'print("looping")
let i = 0
while true { i = i + 1 }
print("not reached")' >&3
wait_for 'looping'
kill -INT $pid
wait_for 'done 2 0$'
kill -INT $pid
sleep 0.3
req run 4 'i > 0' >&3
exec 3>&-
wait $pid
status=$?
frames "$dir/frames" | awk '/^\[progress 0 / { getline; next } { print }' |
  sed -e 's/epoch [0-9]*, step [0-9]*/epoch E, step S/' \
      -e 's/^epoch [0-9]*\/100000: loss [0-9.]*, accuracy [0-9.]*$/epoch E\/100000: loss L, accuracy A/' \
      -e 's/^\[out 0 [0-9]*\]$/[out 0 N]/'
echo "[exit $status]"
