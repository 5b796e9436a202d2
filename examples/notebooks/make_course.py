#!/usr/bin/python3
"""make_course.py — writes course.ipynb, the course notebook of issue 13: one section per
section of the course notes (神经网络(1)), English and Chinese side by side, nn code cells.

Run: /usr/bin/python3 examples/notebooks/make_course.py [--script FILE.nn]
The notebook is written beside this script, without outputs. --script also writes the
code cells, in order, as one file that `./nn -i < FILE.nn` runs as the REPL would (the
kernel's cell semantics are the REPL's: definitions persist, expressions echo).

Cells whose output tests/jupyter/check_course.py checks carry a tag `check:NAME`; their
last expression is the value checked (the kernel's execute_result). Section cells carry
`section:N` and hold the English and the Chinese text in one two-column table.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
cells = []


def md(text, tags=()):
    cells.append({"cell_type": "markdown", "metadata": {"tags": list(tags)} if tags else {},
                  "source": text.strip("\n")})


def code(src, *tags):
    """A code cell; tag "figure" when it draws (the check wants an SVG from it)."""
    cells.append({"cell_type": "code", "execution_count": None,
                  "metadata": {"tags": list(tags)} if tags else {}, "outputs": [],
                  "source": src.strip("\n")})


def section(number, title_en, title_zh, formulas, rows, level=2, tag=None):
    """A section's heading, its formulas (language-neutral, as the notes write them) and a
    table with the English text on the left and the Chinese on the right."""
    heading = "#" * level + " %s %s · %s" % (number, title_en, title_zh)
    parts = [heading]
    if formulas:
        parts.append("\n\n".join("$$%s$$" % f for f in formulas))
    table = ["| English | 中文 |", "|---|---|"]
    for en, zh in rows:
        assert "|" not in en + zh, "a '|' would split the table cell: " + en
        table.append("| %s | %s |" % (en, zh))
    parts.append("\n".join(table))
    md("\n\n".join(parts), tags=["section:%s" % (tag or number)])


def note(en, zh):
    """A short bilingual caption before a demonstration, in the sections' two columns."""
    assert "|" not in en + zh
    md("| English | 中文 |\n|---|---|\n| %s | %s |" % (en, zh))


# ---------------------------------------------------------------- title

md(r"""
# Neural networks (1), in nn · 神经网络(1)：用 nn 学

| English | 中文 |
|---|---|
| This notebook follows the course notes section by section: activation functions, softmax, cross-entropy, and parameter optimisation. Each section gives the formulas as the notes write them, then nn cells that compute them. | 本笔记本按课程笔记逐节展开：激活函数、softmax、交叉熵、参数优化。每节先给出笔记中的公式，再用 nn 代码单元计算它们。 |
| Run the cells from top to bottom (Run All): definitions persist from cell to cell, and the last expression of a cell is its result. | 请从上到下依次运行（全部运行）：定义在单元之间保留，单元中最后一个表达式的值就是它的结果。 |
| `help("name")` explains any builtin; `explain EXPR` walks a formula with the actual numbers; `plot(...)` draws inline. Put `:lang zh` in a cell for Chinese messages and help. | `help("名字")` 解释任何内置函数；`explain 表达式` 用实际数字逐步展示公式；`plot(...)` 直接在页面中作图。在单元中写 `:lang zh` 可切换为中文消息和帮助。 |
""")

code(r"""
help("activation")
""")

# ---------------------------------------------------------------- 1 activations

section("1", "Activation functions", "激活函数",
        [r"y = \begin{cases} 0 & (b + w_1 x_1 + w_2 x_2 \le 0) \\ 1 & (b + w_1 x_1 + w_2 x_2 > 0) \end{cases}",
         r"y = h(b + w_1 x_1 + w_2 x_2)",
         r"h(x) = \begin{cases} 0 & (x \le 0) \\ 1 & (x > 0) \end{cases}"],
        [("An activation function decides how the sum of a neuron's inputs activates it.",
          "激活函数：作用在于决定如何来激活输入信号的总和。"),
         ("A perceptron adds its weighted inputs and the bias; the function h(x) turns that sum into the output signal: h is the activation function.",
          "感知机把加权输入与偏置相加，h(x) 函数会将输入信号的总和转换为输出信号，即为激活函数。"),
         ("Below, a perceptron with w = (0.5, 0.5) and b = −0.7 computes AND.",
          "下面的感知机取 w = (0.5, 0.5)、b = −0.7，实现了“与”门。")])

code(r"""
fn perceptron(x, w, b) = step(sum(x * w) + b)
let w = [0.5, 0.5]
let b = -0.7
[perceptron([0, 0], w, b), perceptron([0, 1], w, b), perceptron([1, 0], w, b), perceptron([1, 1], w, b)]
""", "check:perceptron_and")

section("1.1", "The step function", "阶跃函数",
        [r"h(x) = \begin{cases} 0 & (x \le 0) \\ 1 & (x > 0) \end{cases}"],
        [("With the threshold as the boundary, the output switches as soon as the input passes it: 1 when the input exceeds 0, else 0.",
          "以阈值为界，一旦输入超过阈值，就切换输出：输入超过 0 时输出 1，否则输出 0。"),
         ("Its slope is 0 everywhere (and undefined at 0), so gradient descent gets no signal through it: networks are not trained with step.",
          "它的斜率处处为 0（在 0 处不可导），梯度下降得不到任何信号，所以神经网络训练时不用阶跃函数。")],
        level=3)

code(r"""
let x = linspace(-3, 3, 7)
step(x)
""", "check:step")

code(r"""
deriv(step)(x)
""", "check:step_slope")

code(r"""
plot(step, -5, 5, title = "step")
""", "figure")

section("1.2", "The sigmoid function", "sigmoid函数",
        [r"h(x) = {1 \over 1+e^{-x}}",
         r"h'(x) = h(x)\,(1 - h(x)) \le {1 \over 4}"],
        [("sigmoid is a smooth step into (0, 1); its slope is largest at 0, where it is 1/4.",
          "sigmoid 是平滑的阶跃，值域为 (0, 1)；斜率在 0 处最大，为 1/4。"),
         ("The activation of a network must be nonlinear. With a linear one, a deeper network means nothing: however many layers, there is always an equivalent network without hidden layers.",
          "神经网络的激活函数必须使用非线性函数。使用线性函数时，加深神经网络的层数就没有意义了，因为不管如何加深层数，总是存在与之等效的“无隐藏层的神经网络”。")],
        level=3)

code(r"""
sigmoid(x)
""", "check:sigmoid")

code(r"""
deriv(sigmoid)(0)
""", "check:sigmoid_slope0")

code(r"""
# the slope is h(x)(1 − h(x)): the largest difference from autodiff's slope
max(abs(deriv(sigmoid)(x) - sigmoid(x) * (1 - sigmoid(x))))
""", "check:sigmoid_slope_formula")

code(r"""
plot([sigmoid, deriv(sigmoid)], -6, 6, title = "sigmoid and its derivative")
""", "figure")

code(r"""
explain sigmoid(1)
""")

code(r"""
# Two linear layers are one layer: (v @ W1) @ W2 = v @ (W1 @ W2)
let W1 = [[1, 2], [3, -4]]
let W2 = [[0.5, -1], [1, 0.25]]
let v = [2, -1]
print("two layers:", (v @ W1) @ W2, "  one layer:", v @ (W1 @ W2))
print("relu between them:", relu(v @ W1) @ W2)
""")

section("1.3", "The tanh function", "tanh函数",
        [r"h(x) = {e^{x}-e^{-x} \over e^{x}+e^{-x}}"],
        [("tanh squashes into (−1, 1) and is centred on 0; its slope at 0 is 1, and like sigmoid's it vanishes far from 0.",
          "tanh 把输入压缩到 (−1, 1)，以 0 为中心；在 0 处斜率为 1，与 sigmoid 一样，远离 0 时斜率趋于 0。")],
        level=3)

code(r"""
tanh(x)
""", "check:tanh")

code(r"""
# the notes' formula, written out
(exp(x) - exp(-x)) / (exp(x) + exp(-x))
""", "check:tanh_formula")

code(r"""
explain tanh(0.5)
""")

code(r"""
plot([tanh, deriv(tanh)], -4, 4, title = "tanh and its derivative")
""", "figure")

section("1.4", "ReLU and Leaky ReLU", "ReLU函数与Leaky ReLU函数",
        [r"h(x) = \max(0, x)", r"h(x) = \max(0.1x, x)"],
        [("ReLU passes positive inputs unchanged and outputs 0 otherwise; its slope is 1 for every x > 0, so gradients pass through it undiminished.",
          "ReLU 函数在输入大于 0 时原样输出，否则输出 0；x > 0 时斜率恒为 1，梯度可以不衰减地通过。"),
         ("Leaky ReLU keeps a small slope (0.1) below 0, so a neuron whose input is negative still gets a gradient.",
          "Leaky ReLU 在 0 以下保留一个小斜率（0.1），输入为负的神经元仍能得到梯度。")],
        level=3)

code(r"""
relu(x)
""", "check:relu")

code(r"""
leaky_relu(x)
""", "check:leaky_relu")

code(r"""
# max(0.1x, x), written out
where(x > 0, x, 0.1 * x)
""", "check:leaky_relu_formula")

code(r"""
plot([step, sigmoid, tanh, relu, leaky_relu], -3, 3, title = "activation functions")
""", "figure")

code(r"""
plot([deriv(sigmoid), deriv(tanh), deriv(relu), deriv(leaky_relu)], -3, 3, title = "their derivatives")
""", "figure")

# ---------------------------------------------------------------- 2 softmax

section("2", "The identity function and softmax", "恒等函数和 softmax函数",
        [r"y = x",
         r"y_k = {e^{a_k} \over \sum_{i=1}^{n} e^{a_i}}",
         r"y_k = {e^{a_k - C'} \over \sum_{i=1}^{n} e^{a_i - C'}}, \quad C' = \max_i a_i"],
        [("The identity function outputs its input as it is, unchanged: the output layer of a regression.",
          "恒等函数：将输入按原样输出，对于输入的信息，不加以任何改动地直接输出（用于回归的输出层）。"),
         ("softmax turns the scores of the classes into probabilities: each in (0, 1), summing to 1.",
          "softmax 函数将输出的各类别的得分转换成了概率：每个都在 (0, 1) 之间，总和为 1。"),
         ("Each output is connected to every input: every output neuron is affected by all the input signals.",
          "softmax 函数的输出通过箭头与所有的输入信号相连，输出层的各个神经元都受到所有输入信号的影响。"),
         ("To prevent overflow, subtract a constant C′, usually the largest input: the result does not change, and e^(a − C′) never exceeds 1.",
          "为了防止溢出，可对 softmax 函数进行改进：减去常数 C′，通常使用输入信号中的最大值。结果不变，而 e^(a − C′) 不会超过 1。")])

code(r"""
identity([1, -2, 3])
""", "check:identity")

code(r"""
softmax([1, 2, 3])
""", "check:softmax")

code(r"""
sum(softmax([1, 2, 3]))
""", "check:softmax_sum")

code(r"""
# the formula with C′ = max a, written out
let a = [1, 2, 3]
exp(a - max(a)) / sum(exp(a - max(a)))
""", "check:softmax_formula")

code(r"""
# the naive formula overflows: e^1000 is inf in float32
let big = [1000, 1001, 1002]
exp(big) / sum(exp(big))
""")

code(r"""
softmax(big)
""", "check:softmax_big")

code(r"""
:lang zh
help("softmax")
:lang en
""", "check:help_zh")

code(r"""
explain softmax([1000, 1001, 1002])
""", "check:explain_softmax")

code(r"""
# a batch: one row per sample, softmax along the last axis
softmax([[1, 2, 3], [1, 1, 1]])
""", "check:softmax_batch")

# ---------------------------------------------------------------- 3 cross-entropy

section("3", "Cross-entropy loss", "交叉熵损失",
        [r"H(p) = -\sum p(x)\log(p(x))",
         r"H(p,q) = -\sum p(x)\log(q(x))",
         r"KL(p \Vert q) = -\sum p(x)\log\left({q(x) \over p(x)}\right)",
         r"H(p,q) = KL(p \Vert q) + H(p)",
         r"L = -\log(q_j)"],
        [("Cross-entropy loss compares the distribution the classifier predicts with the true one.",
          "交叉熵损失：用于比较分类器预测分布与真实分布的距离。"),
         ("p(x) is the true distribution, q(x) the classifier's prediction; in nn the truth comes first: kl(p, q).",
          "p(x)：真实分布概率，q(x)：分类器预测分布概率；nn 中真实分布写在前面：kl(p, q)。"),
         ("The relative entropy (KL divergence) measures how unlike two distributions are; it is not symmetric.",
          "相对熵（KL 散度）用于度量两个分布间的不相似性；它不对称。"),
         ("When the truth is one-hot, H(p) = 0, so cross-entropy stands in for KL and reduces to L = −log q_j, j the true class.",
          "真实分布为 one-hot 形式时，H(p) = 0，用 H(p,q) 代替 KL(p‖q)，且交叉熵损失可化简为 L = −log(q_j)，其中 j 为真实的类别。")])

code(r"""
let p = [0.5, 0.5]
let q = [0.9, 0.1]
entropy(p)
""", "check:entropy")

code(r"""
cross_entropy(p, q)
""", "check:cross_entropy")

code(r"""
kl(p, q)
""", "check:kl")

code(r"""
# the notes' formula, written out
-sum(p * log(q / p))
""", "check:kl_formula")

code(r"""
# the relation H(p, q) = KL(p‖q) + H(p)
kl(p, q) + entropy(p)
""", "check:kl_plus_h")

code(r"""
kl(q, p)
""", "check:kl_qp")

code(r"""
# one-hot truth: class j = 1, so L = −log q₁ = −log 0.7
cross_entropy(1, [0.2, 0.7, 0.1])
""", "check:ce_onehot")

code(r"""
explain cross_entropy([0, 1, 0], [0.2, 0.7, 0.1])
""")

code(r"""
plot(fn(t) = -log(t), 0.02, 1, title = "−log q_j against q_j")
""", "figure")

code(r"""
help("kl")
""")

# ---------------------------------------------------------------- 3 optimisation

section("3", "Parameter optimisation", "参数优化",
        [r"{\partial f \over \partial x} = {\partial f \over \partial u}\,{\partial u \over \partial x}"],
        [("Parameter optimisation uses the output of the loss function as a feedback signal to adjust the classifier's parameters.",
          "参数优化：利用损失函数的输出值作为反馈信号来调整分类器的参数。"),
         ("The feedback is the gradient. grad(f, x) computes it by reverse-mode autodiff: the chain rule applied from the output back to the input.",
          "反馈信号就是梯度。grad(f, x) 用反向模式自动微分计算它：从输出到输入逐层应用链式法则。"),
         ("graph(f, x) shows the graph of one computation with each node's value and gradient; explain grad(f, x) walks the backward pass.",
          "graph(f, x) 显示一次计算的计算图及每个节点的值和梯度；explain grad(f, x) 逐步展示反向传播。"),
         ("For softmax followed by cross-entropy the gradient with respect to the scores is q − p: the prediction minus the truth.",
          "softmax 之后接交叉熵时，对得分的梯度就是 q − p：预测减去真实分布。")],
        tag="3-optimisation")

code(r"""
fn bowl(w) = sum(w ^ 2)
grad(bowl, [2, -1])
""", "check:grad_bowl")

code(r"""
fn neuron(w) = sigmoid(w[0] * 2 + w[1])
graph(neuron, [1, -1])
""", "check:graph")

code(r"""
plot(graph(neuron, [1, -1]))
""", "figure")

code(r"""
grad(neuron, [1, -1])
""", "check:grad_neuron")

code(r"""
explain grad(neuron, [1, -1])
""")

code(r"""
grad(fn(z) = cross_entropy(1, softmax(z)), [1, 2, 3])
""", "check:grad_ce")

section("3.1", "Gradient descent", "梯度下降算法",
        [r"w \leftarrow w - \varepsilon \nabla_w L(w)",
         r"w \leftarrow w - \varepsilon\,{1 \over m}\sum_{i=1}^{m} \nabla_w L_i(w)"],
        [("For a minimisation problem, move the parameters one step against the gradient and the objective falls.",
          "原理：对于最小化优化问题，只需要将参数沿着梯度相反的方向前进一个步长，就可以实现目标函数的下降。"),
         ("Direction: the negative gradient. Move: the step size, the learning rate ε.",
          "方向：负梯度方向。移动：步长（学习率 ε）。"),
         ("Stochastic gradient descent picks one sample at random for each step. Its drawback: one sample is noisy, and not every step heads for the optimum of the whole set.",
          "随机梯度下降算法：每次随机选择一个样本，计算损失并更新梯度。缺点：单个样本的训练易受噪声的影响，不是每次迭代都向着整体最优化的方向。"),
         ("Minibatch SGD uses m samples per step (the second formula): the average of m gradients is much less noisy.",
          "小批量随机梯度下降：每次选择 m 个样本，计算损失并更新梯度（第二个公式），m 个梯度的平均噪声小得多。")],
        level=3)

code(r"""
let path = minimize(bowl, [2, -1], sgd(lr = 0.1), steps = 20)
path[-1]
""", "check:gd_bowl")

code(r"""
# 0.01 crawls; 0.9 overshoots, zig-zagging across the minimum; 1.1 diverges
for lr in list(0.01, 0.1, 0.9, 1.1) {
  print("lr", lr, "→ f after 20 steps:", bowl(minimize(bowl, [2, -1], sgd(lr = lr), steps = 20)[-1]))
}
""")

code(r"""
plot(bowl, paths = [path], title = "20 steps of gradient descent, lr = 0.1")
""", "figure")

note("**SGD against minibatch.** The same 128 steps of gradient descent on two clusters, with one sample or with 16 samples per step; the loss over the whole set after each step shows how noisy single samples are.",
     "**随机梯度下降与小批量。** 在两个簇上同样走 128 步梯度下降，每步用 1 个或 16 个样本；每步之后在整个数据集上的损失显示单个样本有多嘈杂。")

code(r"""
# two clusters, one sample per step against 16 samples per step
seed(1)
let cx = concat(list(randn(64, 2) + [-1.5, 1], randn(64, 2) + [1.5, -1]))
let data = split(normalize({x: cx, y: concat(list(zeros(64), ones(64)))}), 1)[0]
model clf() { dense(2, 2); softmax }
""")

code(r"""
# the loss over the whole set after each step of m samples
fn descend(m, steps) {
  seed(5)
  let net = clf()
  let losses = zeros(steps + 1)
  losses[0] = evaluate(net, data).loss
  for k in 1..steps + 1 {
    let from = ((k - 1) * m) % len(data.y)
    let rows = {x: data.x[from:from + m], y: data.y[from:from + m]}
    train(net, rows, optimizer = sgd(lr = 0.5), batch = m, verbose = false)
    losses[k] = evaluate(net, data).loss
  }
  return losses
}
let one = descend(1, 128)
let mini = descend(16, 128)
""")

code(r"""
plot(list(one, mini), labels = list("batch 1 (SGD)", "batch 16 (minibatch)"), title = "whole-set loss after each step")
""", "figure")

code(r"""
# the loss given back by the steps that raised it: batch 1, batch 16
fn rises(l) = sum(relu(l[1:] - l[:-1]))
[rises(one), rises(mini)]
""", "check:sgd_noise")

section("3.2", "Vanishing and exploding gradients", "梯度消失与梯度爆炸",
        [r"{\partial L \over \partial x_1} = {\partial L \over \partial x_n}\prod_{k=1}^{n-1} {\partial x_{k+1} \over \partial x_k}",
         r"g \leftarrow g \cdot \min\left(1, {c \over \Vert g \Vert}\right)"],
        [("Vanishing gradients: the chain rule multiplies one factor per layer, so the gradient tends to 0.",
          "梯度消失：由于链式法则的乘法性质导致梯度趋向于 0。"),
         ("The local gradients of tanh and sigmoid (at most 1/4 for sigmoid) hinder the flow of the gradient backwards: prefer ReLU or Leaky ReLU.",
          "tanh、sigmoid 的局部梯度特性不利于网络梯度流的反向传播，尽量选择 ReLU 或 Leaky ReLU。"),
         ("Exploding gradients: at a cliff the gradient times the learning rate is a huge step, which flies out of the reasonable region, and the algorithm does not converge.",
          "梯度爆炸：断崖处梯度乘以学习率后是一个非常大的值，从而“飞”出了合理区域，最终导致算法不收敛。"),
         ("Limiting the step (gradient clipping, the second formula: scale g down to norm at most c) avoids it: train(..., clip = 1), minimize(..., clip = 1).",
          "通过限制步长的大小（梯度裁剪，第二个公式：把 g 缩放到范数不超过 c）可以避免梯度爆炸：train(..., clip = 1)、minimize(..., clip = 1)。")],
        level=3)

note("**Vanishing.** Ten sigmoid layers against ten relu layers on the same data: gradient_norms gives the norm of each layer's weight gradient, the first layer first.",
     "**梯度消失。** 同样的数据上，十层 sigmoid 对比十层 relu：gradient_norms 给出每一层权重梯度的范数，第一层在前。")

code(r"""
seed(0)
let moons_data = moons(n = 200, noise = 0.1)
model deep_sigmoid() {
  dense(2, 16); sigmoid; dense(16, 16); sigmoid; dense(16, 16); sigmoid; dense(16, 16); sigmoid
  dense(16, 16); sigmoid; dense(16, 16); sigmoid; dense(16, 16); sigmoid; dense(16, 16); sigmoid
  dense(16, 16); sigmoid; dense(16, 2); softmax
}
model deep_relu() {
  dense(2, 16); relu; dense(16, 16); relu; dense(16, 16); relu; dense(16, 16); relu
  dense(16, 16); relu; dense(16, 16); relu; dense(16, 16); relu; dense(16, 16); relu
  dense(16, 16); relu; dense(16, 2); softmax
}
""")

code(r"""
let gs = gradient_norms(deep_sigmoid(), moons_data)
gs
""", "check:gradnorm_sigmoid")

code(r"""
let gr = gradient_norms(deep_relu(), moons_data)
gr
""", "check:gradnorm_relu")

code(r"""
# the first layer's gradient over the last's: sigmoid, relu
[gs[0] / gs[-1], gr[0] / gr[-1]]
""", "check:gradnorm_ratio")

code(r"""
plot(gs, bars = true, log = true, title = "sigmoid: gradient norm by layer (log scale)")
""", "figure")

code(r"""
plot(gr, bars = true, title = "relu: gradient norm by layer")
""", "figure")

note("**Exploding, and clipping.** cliff_valley has a steep wall left of 0 and its minimum at x = 2. From the wall one step of sgd(lr = 0.1) flies to x ≈ 148, onto a plateau it never leaves; with clip = 1 no step is longer than lr · clip = 0.1.",
     "**梯度爆炸与梯度裁剪。** cliff_valley 在 0 的左边是陡峭的断崖，最小值在 x = 2。从断崖出发，sgd(lr = 0.1) 一步就飞到 x ≈ 148 的平台上，再也回不来；取 clip = 1 时每一步都不超过 lr · clip = 0.1。")

code(r"""
help("cliff_valley")
""")

code(r"""
# from the wall at x = −0.5: one unclipped step flies far away, clipped steps walk down
let fly = minimize(cliff_valley, -0.5, sgd(lr = 0.1), steps = 100)
let walk = minimize(cliff_valley, -0.5, sgd(lr = 0.1), steps = 100, clip = 1)
[fly[1, 0], walk[1, 0], walk[-1, 0]]
""", "check:clip")

code(r"""
plot(cliff_valley, -0.6, 3, paths = walk[:40], labels = "clip = 1, the first 40 steps", log = true)
""", "figure")

section("3.3", "Problems of gradient descent, and improvements", "梯度下降算法的问题及改进",
        [r"\text{Momentum:}\quad v = uv + g, \quad w = w - \varepsilon v \qquad (u = 0.9)",
         r"\text{AdaGrad:}\quad r = r + g \odot g, \quad w = w - {\varepsilon \over \sqrt{r} + \delta} \odot g \qquad (\delta = 10^{-5})",
         r"\text{RMSProp:}\quad r = \rho r + (1-\rho)\, g \odot g \qquad (\rho = 0.999)",
         r"\text{Adam:}\quad v = uv + (1-u)\,g, \quad r = \rho r + (1-\rho)\, g \odot g \qquad (u = 0.9,\ \rho = 0.999)",
         r"\tilde{v} = {v \over 1-u^t}, \quad \tilde{r} = {r \over 1-\rho^t}, \quad w = w - {\varepsilon \over \sqrt{\tilde{r}} + \delta}\,\tilde{v}"],
        [("The problem: the loss changes fast in one direction and slowly in another, and a larger step does not speed up convergence.",
          "梯度下降算法的问题：在一个方向上变化迅速而在另一个方向上的变化缓慢，并且通过增大步长不能提高算法的收敛速度。"),
         ("Momentum accumulates past gradients (u: momentum coefficient, u = 0 is gradient descent). At a local minimum or a saddle point the gradient is 0 and gradient descent stops; momentum can pass.",
          "动量法：利用累加历史梯度信息更新梯度（u：动量系数，u = 0 时为梯度下降算法）。梯度下降算法在局部最小点与鞍点处的梯度为 0，无法通过，而动量法由于动量的存在可以通过。"),
         ("AdaGrad shrinks the step in oscillating directions and enlarges it in flat ones (δ, usually 1e−5, prevents division by 0). Its limit: r only grows, so the steps become very small.",
          "自适应梯度算法（AdaGrad）：减小震荡方向的步长，增大平坦方向的步长（δ：小常数，通常取 1e−5，防止除 0 出错）。限制：累计变量不断增大，步长变得非常小。"),
         ("RMSProp forgets old squared gradients (ρ: decay coefficient, usually 0.999).",
          "RMSProp：累计平方梯度时衰减旧值（ρ：衰减系数，通常取 0.999）。"),
         ("Adam uses momentum (u, usually 0.9) and adaptive steps together; the bias correction (t: the step) eases the cold start.",
          "ADAM：同时使用动量与自适应梯度的思想（u 通常取 0.9）；修正偏差（t：迭代次数）极大缓解了算法初期的冷启动问题。"),
         ("Momentum changes the direction, the adaptive gradient the step size, and Adam both.",
          "动量法等同于修改学习的“方向”，自适应梯度等同于修改“步长”，ADAM 等同于修改“步长”和“方向”。")],
        level=3)

code(r"""
explain momentum(lr = 0.1, w = [1, 1], g = [0.5, -0.5])
""")

code(r"""
# the saddle x² − y², starting almost on the ridge: f after 100 steps of sgd, of momentum
let s_sgd = minimize(saddle, [1, 0.001], sgd(lr = 0.01), steps = 100)
let s_mom = minimize(saddle, [1, 0.001], momentum(lr = 0.01, u = 0.9), steps = 100)
[saddle(s_sgd[-1]), saddle(s_mom[-1])]
""", "check:saddle")

code(r"""
# a local minimum near x = 1.13 and the global one near x = −1.30
let well_sgd = minimize(double_well, 2, sgd(lr = 0.01), steps = 150)
let well_mom = minimize(double_well, 2, momentum(lr = 0.01, u = 0.9), steps = 150)
[well_sgd[-1, 0], well_mom[-1, 0]]
""", "check:double_well")

code(r"""
plot(double_well, -2, 2.2, paths = list(well_mom, well_sgd), labels = list("momentum(u = 0.9)", "sgd"))
""", "figure")

note("**The ravine.** The notes' problem in two dimensions: the five optimizers from the same start, 50 steps each. compare draws their paths and tabulates how close each came.",
     "**峡谷。** 笔记中的问题在二维上的样子：五种优化算法从同一点出发，各走 50 步。compare 画出它们的路径，并列表比较各自的结果。")

code(r"""
# the ravine 0.1x² + 10y²: fast across, slow along; 50 steps of each optimizer
let x0 = [-3, 1]
let ways = list(sgd(lr = 0.09), momentum(lr = 0.09, u = 0.8), adagrad(lr = 0.5), rmsprop(lr = 0.1, rho = 0.9), adam(lr = 0.1))
let ends = zeros(5, 2)
for i in 0..5 { ends[i] = minimize(ravine, x0, ways[i], steps = 50)[-1] }
ends
""", "check:ravine_ends")

code(r"""
let raced = compare(ways, ravine, x0, steps = 50)
""", "figure")

code(r"""
explain adagrad(lr = 0.5, w = [1, 2], g = [0.5, -0.5])
""")

code(r"""
# AdaGrad's limit: on a constant gradient its steps keep shrinking; RMSProp's settle
fn line(w) = sum(w)
let pa = minimize(line, [0], adagrad(lr = 1), steps = 50)
let pr = minimize(line, [0], rmsprop(lr = 0.1, rho = 0.9), steps = 50)
plot(list(pa[:-1, 0] - pa[1:, 0], pr[:-1, 0] - pr[1:, 0]), labels = list("adagrad", "rmsprop"), title = "step size per step")
""", "figure")

code(r"""
explain adam(lr = 0.1, w = [1, -2], g = [0.5, -0.1])
""")

code(r"""
# v and r start at 0: early on they are too small, 1 − u^t and 1 − ρ^t scale them up
for t in list(1, 2, 10, 100) {
  print("t =", t, " 1 − 0.9^t =", 1 - 0.9 ^ t, " 1 − 0.999^t =", 1 - 0.999 ^ t)
}
""")

code(r"""
# bias correction: Adam's first step is exactly lr in each coordinate
let pd = minimize(rosenbrock, [-1, 2], adam(lr = 0.01), steps = 5)
pd[1] - pd[0]
""", "check:adam_first_step")

code(r"""
help("adam")
""")

# ---------------------------------------------------------------- training

section("4", "Putting it together: training a network", "综合：训练一个神经网络",
        [r"\text{dense} \to \text{relu} \to \text{dense} \to \text{relu} \to \text{dense} \to \text{softmax}"],
        [("Three interleaved spirals cannot be separated by a line: the hidden layers (relu) must bend the boundaries. softmax gives the class probabilities, cross-entropy the loss, Adam the steps.",
          "三条交错的螺旋线无法用直线分开：隐藏层（relu）必须把边界弯曲。softmax 给出类别概率，交叉熵作损失，Adam 负责更新。"),
         ("train shows its progress as one updating line; Ctrl-C (interrupt) stops after the current step and keeps the weights.",
          "train 的进度显示为一行不断更新的文字；Ctrl-C（中断）会在当前步之后停止并保留权重。"),
         ("The same code trains on Fashion-MNIST (70 000 images, needs the data set installed); it is shown below as text, not run here.",
          "同样的代码可以在 Fashion-MNIST（7 万张图片，需要安装数据集）上训练；下面只以文字形式给出，这里不运行。")])

code(r"""
seed(0)
let spirals = spiral(n = 100, classes = 3, noise = 0.2)
model net() { dense(2, 64); relu; dense(64, 64); relu; dense(64, 3); softmax }
let m = net()
summary(m)
""")

code(r"""
let h = train(m, spirals, loss = cross_entropy, optimizer = adam(lr = 0.01), epochs = 200, batch = 32)
""")

code(r"""
plot(h)
""", "figure")

code(r"""
plot(m, data = spirals)
""", "figure")

code(r"""
accuracy(m, spirals)
""", "check:train_accuracy")

md(r"""
| English | 中文 |
|---|---|
| On Fashion-MNIST (after `make deps`), the same steps — not executed in this notebook: | 在 Fashion-MNIST 上（先运行 `make deps`）步骤相同——本笔记本中不执行： |

```
let train_set = fashion_mnist("train")
let test_set = fashion_mnist("test")
model classifier() { flatten; dense(784, 128); relu; dense(128, 10); softmax }
let f = classifier()
train(f, train_set, optimizer = adam(lr = 0.001), epochs = 5, batch = 64)
accuracy(f, test_set)
```
""")


def write_notebook(path):
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "nn", "display_name": "nn", "language": "nn"},
            "language_info": {"name": "nn", "mimetype": "text/x-nn", "file_extension": ".nn"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i, cell in enumerate(cells):
        cell["id"] = "c%03d" % i
        # a list of lines, as Jupyter saves it: a change to one line is a one-line diff
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_script(path):
    with open(path, "w", encoding="utf-8") as f:
        for cell in cells:
            if cell["cell_type"] == "code":
                f.write("".join(cell["source"]) + "\n")


if __name__ == "__main__":
    write_notebook(os.path.join(HERE, "course.ipynb"))
    if len(sys.argv) == 3 and sys.argv[1] == "--script":
        write_script(sys.argv[2])
    elif len(sys.argv) != 1:
        sys.exit("usage: make_course.py [--script FILE.nn]")
