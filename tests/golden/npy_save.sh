# save_npy writes what np.save writes, byte for byte (tests/ref/npy/want_f4.npy is
# np.save's file, made by tests/ref/gen_npy.py); .npz records come back by name; a scalar,
# a zero-size tensor and bytes (u1) round-trip; wrong arguments are located errors.
REF=$(cd ../ref/npy && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
t 'save_npy([[1.5, -2, 0.25], [1e-3, 3e8, 7]], "a.npy")'
cmp a.npy "$REF/want_f4.npy" && echo "a.npy is np.save's file"
t 'print(load_npy("a.npy"))'
t 'save_npy({x: [[1, 2], [3, 4]], y: [0, 1], s: 2.5, e: zeros(0, 3)}, "d.NPZ")
let d = load_npy("d.NPZ")
print(d)
print(shape(d.s), shape(d.e))'
cp "$REF/u1.npy" .
t 'save_npy(load_npy("u1.npy") / 2, "half.npy")
print(load_npy("half.npy"))'
mkdir folder.npy
t 'save_npy([1, 2], "folder.npy")'
t 'save_npy([1, 2], "a.txt")'
t 'save_npy([1, 2], "a.npz")'
t 'save_npy({x: [1, 2]}, "a.npy")'
t 'save_npy({x: [1, 2], name: "shirt"}, "b.npz")'
t 'save_npy({x: [1, [2, 3]]}, "b.npz")'
t 'save_npy([1, 2], "no/such/folder/a.npy")'
t 'load_npy("a.csv")'
t 'load_npy(3)'
ls
