# onnx_import_torch.sh — load_onnx on models PyTorch exports at test time (onnx_import.py):
# an MLP, a CNN with batchnorm and a model with a custom activation (x * sigmoid(x)).
# For each: nn's predict equals torch's output within 1e-5 on 100 inputs; then summary,
# gradient_norms (finite, > 0 for every layer with weights), explain, and training steps
# on the loaded model (the loss goes down; the weights change and still load back).
set -u
for m in mlp cnn swish; do
  if ! "$PY" tests/export/onnx_import.py "$m" "$TMP" > "$TMP/$m.py.log" 2>&1; then
    echo "FAIL $m: the PyTorch export failed:"; tail -5 "$TMP/$m.py.log"; continue
  fi
  case $m in
    cnn) loss=cross_entropy; sample="[1, 28, 28]"; y="argmax(d.y, 1)" ;;
    mlp) loss=cross_entropy; sample="[784]"; y="argmax(d.y, 1)" ;;
    *) loss=mse; sample="[20]"; y="d.y + 0.5" ;;
  esac
  cat > "$TMP/$m.nn" <<NN
let m = load_onnx("$TMP/$m.onnx")
let d = load_tensors("$TMP/$m.data.safetensors")
let err = max(abs(predict(m, d.x) - d.y))
if err <= 1e-5 { print("PASS $m predict: max |nn - torch| =", err, "on", shape(d.x)[0], "inputs") } else { print("FAIL $m predict: max |nn - torch| =", err) }
print(m)
summary(m, $sample)
let data = {x: d.x, y: $y}
let g = gradient_norms(m, data, $loss)
if all(g > 0) and all(g < 1e6) { print("PASS $m gradient_norms:", g) } else { print("FAIL $m gradient_norms:", g) }
explain m(d.x[0:1])
let before = evaluate(m, data, $loss).loss
train(m, data, loss = $loss, optimizer = adam(lr = 0.001), epochs = 3, batch = 25, verbose = false)
let after = evaluate(m, data, $loss).loss
if after < before { print("PASS $m training: loss", before, "->", after) } else { print("FAIL $m training: loss", before, "->", after) }
save(m, "$TMP/$m.trained.safetensors")
let m2 = load_onnx("$TMP/$m.onnx")
load(m2, "$TMP/$m.trained.safetensors")
if max(abs(predict(m2, d.x) - predict(m, d.x))) == 0 { print("PASS $m save/load after training") } else { print("FAIL $m save/load after training") }
NN
  if "$NN" "$TMP/$m.nn" > "$TMP/$m.out" 2>&1; then
    grep -E '^(PASS|FAIL)' "$TMP/$m.out"
    grep -q '^total parameters' "$TMP/$m.out" && echo "PASS $m summary" || echo "FAIL $m summary: no table"
    grep -q "^  m(d.x\[0:1\]) = " "$TMP/$m.out" && echo "PASS $m explain" || echo "FAIL $m explain: no output line"
  else
    echo "FAIL $m: nn exited with status $?:"; tail -8 "$TMP/$m.out"
  fi
done
