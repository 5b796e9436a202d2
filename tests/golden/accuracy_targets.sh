# accuracy, confusion and report count classes: on targets that are not class indices
# 0..k−1 (0 or 1 for one output) nor rows of k class probabilities, a located error at
# the data naming the first element that is not, in English and Chinese; evaluate gives
# {loss} only. Class targets (indices, one-hot and soft rows) still count.
for code in \
  'accuracy(fn(x) = x, {x: [[0.1], [0.9], [0.4]], y: [0, 1, 2.7]})' \
  'accuracy(fn(x) = x, {x: [[0.1], [0.9]], y: [[0], [-1]]})' \
  'accuracy(fn(x) = x, {x: [[1, 0], [0, 1]], y: [0, 5]})' \
  'accuracy(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[1, 0], [2, 3]]})' \
  'accuracy(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[1, 0], [1.5, -0.5]]})' \
  'accuracy(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[1, 0, 0], [0, 1, 0]]})' \
  'confusion(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[0.5, 0.5], [2, -1]]})' \
  'report(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[0.3, 0.3], [1, 0]]})' \
  'confusion(fn(x) = x, {x: [[0.2], [0.9]], y: [0, 2.7]})'
do
  $RUN -e "$code" 2>&1; echo "status $?"
  $RUN --lang zh -e "$code" 2>&1 | head -1
done
$RUN -e 'print(accuracy(fn(x) = x, {x: [[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]], y: [[0.3, 0.7], [1, 0], [0, 1]]}))'
$RUN -e 'print(accuracy(fn(x) = x, {x: [[0.2], [0.9], [0.6]], y: [0, 1, 1]}))'
$RUN -e 'print(evaluate(fn(x) = x, {x: [[0.2], [0.9]], y: [0.5, 2]}, loss = mse))'
$RUN -e 'print(evaluate(fn(x) = x, {x: [[0.2], [0.9]], y: [0, 1]}, loss = mse))'
