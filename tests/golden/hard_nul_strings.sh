# Strings may hold NUL bytes: they compare and print by length, and a builtin that reads a
# string as a path or name refuses a NUL instead of cutting the name there.
$RUN -e 'print("a\0b" == "a", "a\0b" != "a", "a" < "a\0", "a\0b" < "a\0c", "a\0" == "a\0")
print(len("x" + "\0" + "y"), str("x\0y") == "x\0y")
"a\0b"'; echo "status $?"
$RUN -e 'print("a\0b")' | od -An -c
d="${TMPDIR:-/tmp}/nn_hard_nul_$$"
mkdir -p "$d"
(cd "$d" && $RUN -e 'save_tensors("w.safetensors\0.txt", {w: zeros(2)})'); echo "status $?"
(cd "$d" && $RUN -e 'load_csv("data.csv\0")'); echo "status $?"
(cd "$d" && $RUN -e 'plot(sigmoid, file = "p.svg\0x")'); echo "status $?"
printf 'print("imported")\n' > "$d/a.nn"
printf 'import "a.nn\\0x"\n' > "$d/main.nn"
(cd "$d" && $RUN main.nn); echo "status $?"
ls "$d"
rm -rf "$d"
