# The graph's labels in Chinese (--lang zh): the same program as graph_tree.nn.
$RUN --lang zh graph_tree.nn | head -30
echo "status $?"
$RUN --lang zh -e 'fn f(x) = sigmoid(x * x + 1); graph(f, 1)'
