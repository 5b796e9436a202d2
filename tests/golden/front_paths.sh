# Data paths in a script resolve against the script's folder (as import does), so a
# script runs the same from any folder; -e, the REPL and standard input resolve against
# the current folder; absolute paths are unchanged. A function defined in an imported
# file resolves paths against the file where the call is written (the imported one).
# Covers every builtin that takes a path: load_csv, load_idx, save_tensors/load_tensors,
# save/load of a model, and plot's SVG file.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/proj/sub/lib" "$T/elsewhere"
printf 'a,b,label\n1,2,x\n3,4,y\n' > "$T/proj/sub/d.csv"
printf 'a,label\n9,z\n' > "$T/proj/sub/lib/d.csv"
# 1 image of 1×1 (byte 255) and 1 label (7).
printf '\0\0\010\003\0\0\0\001\0\0\0\001\0\0\0\001\377' > "$T/proj/sub/img"
printf '\0\0\010\001\0\0\0\001\007' > "$T/proj/sub/lab"
cat > "$T/proj/sub/lib/helper.nn" <<'NN'
fn helper_csv() = load_csv("d.csv", target = "label")
NN
cat > "$T/proj/sub/main.nn" <<'NN'
import "lib/helper.nn"
let d = load_csv("d.csv", target = "label")
print(d.x, d.classes)
print(helper_csv().x)
let i = load_idx("img", "lab")
print(i.x, i.y)
save_tensors("out.safetensors", {w: d.x})
print(load_tensors("out.safetensors").w)
model tiny() { dense(2, 1) }
let m = tiny()
save(m, "m.safetensors")
load(m, "m.safetensors")
plot(sin, from = 0, to = 1, file = "p.svg")
print("done")
NN
run() { $RUN "$@" > "$T/log" 2>&1; s=$?; sed "s|$T|\$T|g" "$T/log"; echo "status $s"; }
echo "--- from the parent folder"
(cd "$T/proj" && run sub/main.nn)
ls "$T/proj/sub" | grep -c 'out.safetensors\|m.safetensors\|p.svg'
rm -f "$T/proj/sub/out.safetensors" "$T/proj/sub/m.safetensors" "$T/proj/sub/p.svg"
echo "--- from elsewhere, by an absolute path"
(cd "$T/elsewhere" && run "$T/proj/sub/main.nn" | tail -2)
ls "$T/proj/sub" | grep -c 'out.safetensors\|m.safetensors\|p.svg'
ls "$T/elsewhere" | wc -l
echo "--- from its own folder"
(cd "$T/proj/sub" && run main.nn | tail -2)
echo "--- -e and standard input: the current folder"
(cd "$T/proj/sub" && run -e 'load_csv("d.csv").x')
(cd "$T/proj" && run -e 'load_csv("d.csv")')
printf 'print(load_csv("sub/d.csv").x)\n' > "$T/proj/sub/stdin.nn"
(cd "$T/proj" && run - < sub/stdin.nn)
echo "--- absolute paths are unchanged"
(cd "$T/elsewhere" && run -e "load_csv(\"$T/proj/sub/d.csv\").x")
printf 'print(load_csv("%s/proj/sub/lib/d.csv").x)\n' "$T" > "$T/proj/abs.nn"
(cd / && run "$T/proj/abs.nn")
