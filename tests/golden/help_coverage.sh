# Every builtin and stdlib function, and every topic of the notes, has help text in both
# languages; aliases (Chinese, hyphens, case) find their entries; LANG picks the language.
export LC_ALL= LC_MESSAGES= LANG=C
$RUN -e '
let missing = 0
fn check(n) {
  let m = 0
  for l in ["en", "zh"] {
    if help_text(n, lang = l) == none { print("no", l, "text for", n); m += 1 }
  }
  return m
}
for n in help_topics("all") { missing += check(n) }
for n in ["activation", "nonlinear", "step", "sigmoid", "tanh", "relu", "leaky_relu",
          "identity", "softmax", "overflow", "entropy", "cross_entropy", "kl", "one_hot",
          "gradient_descent", "sgd", "minibatch", "vanishing", "exploding", "clipping",
          "momentum", "adagrad", "rmsprop", "adam", "bias_correction"] {
  missing += check(n)
}
print(len(help_topics("functions")) > 100, "functions;", missing, "missing")
for a in ["cross-entropy", "Cross_Entropy", "交叉熵", "动量", "梯度消失", "KL散度", "相对熵",
          "溢出", "偏差修正", "激活函数", "非线性", "梯度裁剪", "小批量"] {
  print(a, help_text(a, lang = "en") != none and help_text(a, lang = "zh") != none)
}
print(help_text("nosuch") == none)
'
echo "status $?"
LANG=zh_CN.UTF-8 $RUN -e 'help("relu")' | head -2
LC_ALL=en_US.UTF-8 LANG=zh_CN.UTF-8 $RUN -e 'help("relu")' | head -2
LANG=zh_CN.UTF-8 $RUN -e 'help("relu", lang = "en")' | head -2
$RUN -e 'help("relu", lang = "fr")' 2>&1
echo "status $?"
$RUN -e 'help(relu)' | head -1
$RUN -e 'fn sq(x) = x * x
help("sq")
help("pi")'
