# SVG of a confusion matrix (a heat map: one cell and one count per pair of classes, the
# class names on both axes, "truth"/"prediction" as axis names) and of a history (one
# panel per recorded quantity, a dashed marker at the best epoch), in English and Chinese;
# well-formed XML (tests/svg/xmlcheck.c). Each file written is named on stderr, as the
# path nn wrote: a script's relative path resolves against the script's folder.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -std=c11 -O1 -o "$T/xmlcheck" ../svg/xmlcheck.c || echo "cannot build the checker"
mkdir -p "$T/proj/sub"
cat > "$T/proj/sub/pics.nn" <<'NN'
let scores = fn(x) = x
let d = {x: [[0.9, 0.1, 0.0], [0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1],
             [0.1, 0.2, 0.7], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1], [0.2, 0.5, 0.3]],
         y: [0, 0, 1, 1, 2, 2, 2, 1], classes: ["cat", "dog", "<bird>"]}
let lang = getenv("PICS", "en")
plot(confusion(scores, d), file = "cm_" + lang + ".svg")
let h = {loss: [1.2, 0.8, 0.6, 0.5, 0.55], val_loss: [1.3, 0.9, 0.7, 0.65, 0.7],
         accuracy: [0.5, 0.6, 0.7, 0.8, 0.8], val_accuracy: [0.5, 0.55, 0.65, 0.7, 0.68],
         lr: [0.1, 0.1, 0.05, 0.05, 0.025], best_epoch: 4}
plot(h, file = "h_" + lang + ".svg", width = 500)
NN
cd "$T/proj"
$RUN sub/pics.nn 2>&1; echo "status $?"
PICS=zh $RUN --lang zh sub/pics.nn 2>&1; echo "status $?"
cd sub && "$T/xmlcheck" cm_en.svg h_en.svg cm_zh.svg h_zh.svg
count() { echo "$1 $2: $(grep -c "$2" "$1")"; }
count cm_en.svg '<rect class="cell"'
count cm_en.svg '<text class="count"'
count cm_en.svg '>2</text>'
count cm_en.svg '>cat</text>'
count cm_en.svg '>&lt;bird&gt;</text>'
count cm_en.svg '>truth</text>'
count cm_en.svg '>prediction</text>'
count cm_en.svg '<title>confusion matrix</title>'
count h_en.svg '<g class="panel"'
count h_en.svg '<clipPath id="area[0-9]*"'
count h_en.svg '<line class="marker"'
count h_en.svg '>best epoch 4: the weights kept (lowest val_loss)</text>'
count h_en.svg '>accuracy per epoch</text>'
count h_en.svg '>learning rate (lr) per epoch</text>'
count h_en.svg '>epoch</text>'
count h_en.svg 'width="500" height="840"'
count cm_zh.svg '>真实</text>'
count cm_zh.svg '>预测</text>'
count cm_zh.svg 'Noto Sans CJK SC'
count h_zh.svg '>每轮的损失</text>'
count h_zh.svg '>轮</text>'
# -e resolves against the current folder, and says so in the same words
cd "$T" && $RUN -e 'plot(sin, file = "x.svg")' 2>&1; ls "$T/x.svg" | sed "s|$T/||"
