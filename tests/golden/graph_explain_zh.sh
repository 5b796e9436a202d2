# explain grad in Chinese (--lang zh): the same program as graph_explain.nn.
$RUN --lang zh graph_explain.nn
echo "status $?"
