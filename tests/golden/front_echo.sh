# The REPL and -e echo a value that would not fit a screen (20 lines of 80 columns) in
# NumPy's summary form: 3 items at each end of every long axis, list and record around
# "...", a tensor's shape as a comment ending its line (after the ',' inside a list or
# record); a list or record says how many items it left out. print and str still write
# everything. compare(...)'s chart and table stay on screen: its echo is short.
$RUN -e 'arange(500)
reshape(arange(202), 101, 2)
reshape(arange(3000) / 7, 30, 100)
let words = []
for i in 0..300 { words = words + [str(i)] }
words
let paths = [reshape(arange(202), 101, 2), reshape(arange(202) * -1, 101, 2)]
paths
let d = {x: reshape(arange(400), 100, 4), y: arange(100), name: "iris", classes: ["a", "b"]}
d
let rec = {a: 0}
for i in 0..300 { rec["k" + str(i)] = i * i }
rec
let nested = [[1, [reshape(arange(40), 20, 2), "deep"]], words]
nested
# fits a screen: unchanged

reshape(arange(20), 10, 2)
["a", "b", "c", "d", "e", "f", "g", "h"]
{a: 1, b: [1, 2, 3]}
arange(300)  # exactly 20 lines
[[1, 2], [3]]
arange(301)
let self = [1, "x", 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
self[0] = self
self' 2>&1
echo "--- print and str write everything"
$RUN -e 'let paths = [reshape(arange(40), 20, 2)]
print(paths)
print(len(str(arange(500))))
let words = []
for i in 0..100 { words = words + [str(i)] }
print(len(str(words)))' 2>&1
echo "--- compare: chart, table, then a short echo"
$RUN -e 'compare([sgd(0.001), adam(0.1)], rosenbrock, [-1, 1])' > out.tmp 2>&1; echo "status $?"
grep -c '' out.tmp
grep -n 'optimizer  \|^f\* = \|shape \[101, 2\]' out.tmp
rm -f out.tmp
