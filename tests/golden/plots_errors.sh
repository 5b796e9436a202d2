# Bad inputs to confusion, report and plot(confusion): located errors, non-zero status.
for code in \
  'confusion(fn(x) = x, {x: [[1, 0]]})' \
  'confusion(fn(x) = x, [[1, 0]])' \
  'confusion(3, {x: [[1, 0]], y: [0]})' \
  'report(fn(x) = x, {x: [[1, 0], [0, 1]], y: [0, 2]})' \
  'confusion(fn(x) = x, {x: [[1, 0], [0, 1]], y: [0, 0.5]})' \
  'confusion(fn(x) = x, {x: [[0.2], [0.9]], y: [0, 3]})' \
  'confusion(fn(x) = x, {x: [[1, 0], [0, 1]], y: [0, 1], classes: ["a", "b", "c"]})' \
  'report(fn(x) = x, {x: [[1, 0], [0, 1]], y: [[1, 0, 0], [0, 1, 0]]})' \
  'confusion(fn(x) = [1, 2, 3], {x: [[1, 0], [0, 1]], y: [0, 1]})' \
  'plot(report(fn(x) = x, {x: [[1, 0], [0, 1]], y: [0, 1]}))' \
  'plot({loss: 3})'
do
  $RUN -e "$code" 2>&1; echo "status $?"
  $RUN --lang zh -e "$code" 2>&1 | head -1
done
