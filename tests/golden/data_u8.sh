# IDX images stay bytes in memory (runtime/u8.h) but read as the floats b / 255 they
# stand for: slicing, indexing, fields, printing, normalize, split, training and the
# metrics give on a load_idx set exactly what they give on its float copy.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
# 6 images of 2×3 (bytes spread over 0…255) and labels 0 1 2 0 1 2, the labels gzip'ed.
printf '\0\0\010\003\0\0\0\006\0\0\0\002\0\0\0\003' > images
printf '\000\377\001\200\376\003\115\310\063\146\231\021\352\040\177\005\260\333\014\100\277\310\011\150\000\000\377\377\042\170\136\213\331\007\044\144' >> images
printf '\0\0\010\001\0\0\0\006\0\1\2\0\1\2' > labels
gzip -n labels
$RUN -e 'let d = load_idx("images", "labels.gz")
let f = {x: tensor(d.x), y: d.y}
# the same type, shape and values as the float copy
fn same(a, b) = type(a) == type(b) and shape(a) == shape(b) and all(a == b)
print(type(d.x), shape(d.x), d.x.shape, d.x.ndim, d.x.size, len(d.x), rank(d.x))
print(d.x[0:2])
print(d.x[1])
print(d.x[-1, 1], d.x[0, 1, 2] * 255, d.x[::2, 0, 1:])
print(same(d.x[0:2], f.x[0:2]), same(d.x[1], f.x[1]), same(d.x[-1, 1], f.x[-1, 1]),
      same(d.x[::-2], f.x[::-2]), same(d.x[:, 1], f.x[:, 1]), same(d.x.T, f.x.T),
      same(d.x * 2 - 1, f.x * 2 - 1), same(d.x, f.x), all(d.x == f.x))
let small = {x: d.x[0:4], y: d.y[0:4]}
print(small)
print(str(d.x) == str(f.x), str(d) == str(f))
print(normalize(d).x[0])
print(same(normalize(d).x, normalize(f).x), same(normalize(d.x, axis = 1), normalize(f.x, axis = 1)))
seed(3)
let p = split(d, 0.5)
seed(3)
let q = split(f, 0.5)
print(p[0].y, p[1].y, same(p[0].x, q[0].x), same(p[1].x, q[1].x), shape(p[0].x))
let rows = 0
for img in d.x { rows = rows + sum(img) }
print(rows * 255, sum(f.x) * 255)
model net() { flatten; dense(6, 4); relu; dense(4, 3); softmax }
seed(0)
let m1 = net()
let h1 = train(m1, d, optimizer = adam(lr = 0.05), epochs = 5, batch = 2, verbose = false)
seed(0)
let m2 = net()
let h2 = train(m2, f, optimizer = adam(lr = 0.05), epochs = 5, batch = 2, verbose = false)
print("loss", h1.loss, all(h1.loss == h2.loss))
print(accuracy(m1, d), accuracy(m1, d) == accuracy(m2, f), evaluate(m1, d) == evaluate(m2, f))
print(same(predict(m1, d.x), predict(m2, f.x)), same(m1(d.x[0:3]), m2(f.x[0:3])))
print(same(confusion(m1, d), confusion(m2, f)), str(report(m1, d)) == str(report(m2, f)))
print(all(gradient_norms(m1, d) == gradient_norms(m2, f)))'
echo "status $?"
# in place, bytes can hold only bytes: a located error, not a silent rounding
$RUN -e 'let d = load_idx("images", "labels.gz")
d.x[0] = 0' 2>&1
echo "status $?"
