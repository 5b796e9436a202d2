# Ctrl-C during a save: the temporary PATH.tmp.PID is removed and the old file survives
# whole (it used to be left behind when nn died in the middle of writing it). A script
# saves 8 tensors of 16 MiB over and over and is sent SIGINT once the file exists.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
cat > saver.nn <<'NN'
let w = ones(4194304)
let warm = ones(256, 256) @ ones(256, 256)  # starts the BLAS threads, if any
for i in 0..100000 { save_tensors("w.safetensors", {a: w, b: w, c: w, d: w, e: w, f: w, g: w, h: w}) }
NN
# Background jobs of a script ignore SIGINT; env restores its default action (death).
env --default-signal=INT $RUN saver.nn > out.txt 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && [ ! -e w.safetensors ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
kill -INT $pid
wait $pid
echo "status $?"
cat out.txt
ls
$RUN -e 'let t = load_tensors("w.safetensors"); print(shape(t.h), sum(t.a) + sum(t.h))'
