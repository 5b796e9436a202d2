# save/load: a trained model's predictions survive a round trip into a fresh model (other
# weights); load errors name the file and the problem (missing file, missing tensor, extra
# tensor, wrong shape, corrupt or truncated file; a folder or a missing folder for save).
# Runs in a temporary folder; each error case prints its stderr and exit status.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
MODELS='
model mlp(hidden = 8) {
  dense(2, hidden)
  tanh
  dense(hidden, 2)
  softmax
}
model small() { dense(2, 2); softmax }
model wide() { dense(2, 8) }
'
e() { echo "--- $1"; $RUN -e "$MODELS$1" 2>&1; echo "status $?"; }

$RUN - <<NN
$MODELS
seed(1)
let net = mlp()
let d = xor()
train(net, d, optimizer = adam(lr = 0.05), epochs = 100, batch = 4, verbose = false)
let out = predict(net, d.x)
save(net, "net.safetensors")
seed(2)
let fresh = mlp()
print("a fresh model predicts differently:", not allclose(predict(fresh, d.x), out))
load(fresh, "net.safetensors")
print("after load, the same predictions:", allclose(predict(fresh, d.x), out, rtol = 0, atol = 0))
print("and the same accuracy:", accuracy(fresh, d), accuracy(net, d))
# a failed load leaves the weights alone
let before = predict(fresh, d.x)
save(fresh, "again.safetensors")
load(fresh, "again.safetensors")
print("save and load again, unchanged:", allclose(predict(fresh, d.x), before, rtol = 0, atol = 0))
NN
echo "status $?"

e 'load(mlp(), "missing.safetensors")'
e 'save(mlp(), "net.safetensors"); load(mlp(hidden = 4), "net.safetensors")'
e 'save(small(), "small.safetensors"); load(mlp(), "small.safetensors")'
e 'save(mlp(), "net.safetensors"); load(small(), "net.safetensors")'
e 'save(wide(), "wide.safetensors"); load(mlp(), "wide.safetensors")'
e 'save(mlp(), "net.safetensors"); load(wide(), "net.safetensors")'
printf 'not a model' > garbage.safetensors
e 'load(mlp(), "garbage.safetensors")'
head -c 50 net.safetensors > truncated.safetensors
e 'load(mlp(), "truncated.safetensors")'
: > empty.safetensors
e 'load(mlp(), "empty.safetensors")'
# a header that is not JSON
printf '\010\0\0\0\0\0\0\0{"a":[1,' > badjson.safetensors
e 'load(mlp(), "badjson.safetensors")'
# weights cut short: the header promises more bytes than the file has
size=$(wc -c < net.safetensors)
head -c $((size - 8)) net.safetensors > short.safetensors
e 'load(mlp(), "short.safetensors")'
mkdir dir
e 'save(mlp(), "dir")'
e 'save(mlp(), "nowhere/net.safetensors")'
