# Issue 9 item 2, English: help finds what a student types — the course notes' terms and
# headings in either language, "X函数" for each function, the keywords, and near misses
# in either script ("did you mean"); :lang in a REPL session. help_terms_zh.sh: the same
# in Chinese.
L=${L:-en}
# Each term → the first line of the text it finds (one run: "@@ term" heads each text).
$RUN --lang $L -e '
for t in ["神经网络", "感知机", "激活函数", "阶跃函数", "恒等函数", "非线性函数", "溢出", "交叉熵损失",
          "熵", "交叉熵", "相对熵", "KL散度", "相对熵（KL散度）", "参数优化", "损失函数", "梯度下降算法",
          "负梯度方向", "学习率", "步长", "随机梯度下降", "小批量随机梯度下降", "梯度消失与梯度爆炸",
          "梯度消失", "链式法则", "反向传播", "梯度爆炸", "断崖", "梯度裁剪",
          "梯度下降算法的问题及改进", "动量法", "动量系数", "局部最小", "局部最小点", "鞍点",
          "自适应梯度算法", "RMSProp", "衰减系数", "ADAM", "修正偏差", "冷启动", "过拟合", "隐藏层",
          "perceptron", "activation function", "step function", "learning rate", "Saddle Point",
          "local minimum", "loss function", "cross entropy", "relative entropy", "KL divergence",
          "gradient descent", "stochastic gradient descent", "mini-batch", "vanishing gradient",
          "exploding gradient", "gradient clipping", "momentum", "overfitting", "chain rule",
          "backpropagation", "neural network", "bias correction",
          "sigmoid函数", "tanh函数", "ReLU函数", "relu函数", "RELU 函数", "Leaky ReLU函数",
          "leaky_relu函数", "softmax函数", "log_softmax函数", "mse函数", "step函数", "identity函数"] {
  print("@@", t)
  print(help_text(t))
}' | awk '/^@@ / { t = substr($0, 4); next } t != "" { print t " → " $0; t = "" }'
echo "status $?"

# The whole page of a keyword and of "X函数" (the function's signature comes first).
$RUN --lang $L -e 'help("for")'
$RUN --lang $L -e 'help("Leaky ReLU函数")' | head -3
$RUN --lang $L -e 'fn sq(x) = x * x
help("sq函数")'

# Near misses, Latin and Chinese (edit distance in letters, not bytes), with "函数" too.
for q in sofmax Sigmiod leaky_rleu krossentropy 学习律 梯度消逝 局部最少 鞍 动量发 sigmiod函数 \
         RELU函 qqqqqqqq 完全无关的词; do
  $RUN --lang $L -e "help(\"$q\")" 2>&1 | head -1
done

# A REPL session: :help KEYWORD, :lang alone shows the language, :lang zh switches the
# texts and the messages, an unknown language and command are reported in it.
printf ':lang\n:help model\n:help 学习律\n:lang zh\n:lang\n:help 学习律\n:lang fr\n:vars\n:frob\n:lang en\n:help 梯度消逝\n:vars\n' |
  $RUN --lang $L -i 2>&1 | grep -v '^    '
echo "status $?"
