# nn --to-torch on declarations of every kind: the part of the program written for this
# script (after the prelude, which totorch_xor.sh shows whole), and the tensors written
# beside it: the data, the global tensor the layer reads, and the initial weights.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
$RUN --to-torch totorch_decls.nn -o "$T/decls.py" | sed "s|$T|\$T|g"
echo "status $?"
sed -n '/^# ---- the script/,$p' "$T/decls.py"
$RUN -e "print(load_tensors(\"$T/decls.data.safetensors\"))" 2>&1
$RUN -e "print(load_tensors(\"$T/decls.init.safetensors\"))" 2>&1
