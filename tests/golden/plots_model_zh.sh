# The model library in Chinese: summary's headers (padded by display width), the binary
# classifier line, load's mismatch message; the REPL-style echo (-e) of a confusion
# matrix and of a report shows the tables.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
$RUN --lang zh -e 'model b() { dense(2, 4); relu; dense(4, 1); sigmoid }
summary(b())
model c() { dense(3, 1) }
save(c(), "c.safetensors")
load(b(), "c.safetensors")' 2>&1; echo "status $?"
$RUN --lang zh -e 'let d = {x: [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], y: [0, 1, 1], classes: ["是", "否"]}
confusion(fn(x) = x, d)
report(fn(x) = x, d)'
