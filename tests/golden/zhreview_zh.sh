# The Chinese review (zhreview): what a Chinese student meets reads as Chinese and lines up.
# explain's "label = value" rows line up when a label is Chinese (j（真实类别） is 13 columns
# wide, 7 code points); a syntax error names the token it got as 记号 ',' instead of
# gluing the quote to 得到; an argument error names the function as （函数 'sgd'）; an
# expected phrase that starts with a name (loss, eps) does not glue to 应为; relu's explain
# line has the full-width brackets of the other explain lines.
$RUN --lang zh -e 'explain cross_entropy(1, [0.2, 0.7, 0.1])' 2>&1
echo "status $?"
$RUN --lang zh -e 'explain relu([-1, 2])' 2>&1
echo "status $?"
$RUN --lang zh -e 'let x = 3 +* 4' 2>&1
echo "status $?"
$RUN --lang zh -e 'let x = (1 + 2))' 2>&1
echo "status $?"
$RUN --lang zh -e 'sgd(lr = "a")' 2>&1
echo "status $?"
$RUN --lang zh -e 'plot({loss: 1})' 2>&1
echo "status $?"
$RUN --lang zh -e 'batchnorm(4, eps = 0)' 2>&1
echo "status $?"
$RUN --lang zh -e 'let y = 12abc' 2>&1
echo "status $?"
# The SVG graph's boxes are as wide as their text in display columns: a Chinese word
# (值, 梯度) takes two Latin letters' width, so this long value row widens its box.
T=$(mktemp -d)
$RUN --lang zh -e "plot(graph(fn(x) = sum(x * x), arange(14) / 7), file = \"$T/g.svg\")" 2>/dev/null
echo "status $?"
grep -o '<rect x="[0-9]*" y="[0-9]*" width="[0-9]*"' "$T/g.svg"
rm -rf "$T"
# A matrix inside a record or list lines up under its first row when a Chinese string
# comes before it on the line (two columns a character).
$RUN --lang zh -e 'print({note: "名字", m: [[1, 2], [3, 4]]})
print(["名字", [[1, 2], [3, 4]]])' 2>&1
echo "status $?"
# 局部极小 (and 局部极小点), as many students write 局部最小, find the local-minimum entry.
$RUN --lang zh -e 'print(help_text("局部极小", lang = "zh") == help_text("局部最小", lang = "zh"))
print(help_text("局部极小点", lang = "zh") == help_text("local_minimum", lang = "zh"))' 2>&1
echo "status $?"
# A long text shown in part (a string token, a CSV field) is cut where a character
# starts, never inside a 3-byte Chinese character (utf8_prefix).
$RUN --lang zh -e 'let x = 1 "一二三四五六七八九十一二三四五"' 2>&1
echo "status $?"
T=$(mktemp -d)
printf 'a,b,y\n1,一二三四五六七八九十一二三四五六七八九十,0\n' > "$T/zh.csv"
(cd "$T" && $RUN --lang zh -e 'load_csv("zh.csv")') 2>&1
echo "status $?"
rm -rf "$T"
