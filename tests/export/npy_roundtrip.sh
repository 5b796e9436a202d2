# npy_roundtrip.sh — NumPy files both ways: NumPy writes every dtype nn reads (and .npz
# archives stored, deflated and zip64), nn loads each and saves it back, NumPy checks
# the values are the arrays as float32, exactly; nn's own tensors saved as .npy/.npz
# read back in NumPy as NumPy computes them. Run by tests/export/run.sh (NN, PY, TMP).
set -u
H="$ROOT/tests/export/npy_roundtrip.py"
"$PY" "$H" write "$TMP" || { echo "FAIL npy_roundtrip: NumPy could not write its files"; exit 1; }
cd "$TMP" || exit 1
if ! "$NN" load.nn > nn.log 2>&1; then
  echo "FAIL npy_roundtrip: nn could not load and save NumPy's files:"; head -5 nn.log; exit 1
fi
cat > made.nn <<'NN'
let x = reshape(arange(24), [2, 3, 4]) / 7
save_npy(x, "made.npy")
save_npy({x: x, y: [0, 1, 1, 0], s: 0.5}, "made.npz")
NN
"$NN" made.nn || echo "FAIL npy_roundtrip: made.nn failed"
"$PY" "$H" check "$TMP"
