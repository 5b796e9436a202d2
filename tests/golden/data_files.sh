# Files: Fashion-MNIST from a small fake set in $NN_DATA (plain and .gz), load_idx, and a
# save_tensors → load_tensors round trip (atomic: no temporary file is left behind).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# 3 images of 2×2 (bytes 0, 51, …, 255) and 3 labels; train plain, t10k gzip'ed.
printf '\0\0\010\003\0\0\0\003\0\0\0\002\0\0\0\002\000\063\146\231\314\377\000\063\146\231\314\377' > "$T/train-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\003\011\000\004' > "$T/train-labels-idx1-ubyte"
cp "$T/train-images-idx3-ubyte" "$T/t10k-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\003\001\002\003' > "$T/t10k-labels-idx1-ubyte"
gzip -n "$T/t10k-images-idx3-ubyte" "$T/t10k-labels-idx1-ubyte"
NN_DATA="$T" $RUN -e 'let tr = fashion_mnist(); print(tr.x); print(tr.y)
let te = fashion_mnist(split = "test"); print(shape(te.x), te.y, max(te.x))'
$RUN -e "let d = load_idx(\"$T/t10k-images-idx3-ubyte.gz\", \"$T/train-labels-idx1-ubyte\"); print(shape(d.x), d.y)"

$RUN -e "let r = {w: [[1, 2, 3], [4, 5, 6.5]], b: [0.1, -0.2], step: 3, empty: zeros(0, 2)}
save_tensors(\"$T/m.safetensors\", r)
let back = load_tensors(\"$T/m.safetensors\")
print(back)
print(allclose(back.w, r.w), allclose(back.b, r.b), shape(back.empty), type(back.step))
save_tensors(\"$T/m.safetensors\", {only: eye(2)})
print(load_tensors(\"$T/m.safetensors\"))
let d = load_csv(\"../../examples/data/iris.csv\")
save_tensors(\"$T/iris.safetensors\", {x: d.x, y: d.y})
let i2 = load_tensors(\"$T/iris.safetensors\")
print(allclose(i2.x, d.x), allclose(i2.y, d.y), shape(i2.x))
save_tensors(\"$T/none.safetensors\", {})
print(load_tensors(\"$T/none.safetensors\"))"
ls "$T" | grep -c tmp
