# The graph's SVG: well-formed XML (tests/svg/xmlcheck.c; xmllint too when installed),
# as many boxes as nodes and arrows as edges, labels in the boxes, and the note when a
# big graph is cut at 60 boxes.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -std=c11 -O1 -o "$T/xmlcheck" ../svg/xmlcheck.c || echo "cannot build the checker"
PLOT_DIR="$T/out" && mkdir "$PLOT_DIR" && export PLOT_DIR
$RUN graph_svg.nn 2> "$T/err"; echo "status $?"
# plot says where it wrote each file (one line on stderr)
sed "s|$T/out/||" "$T/err"
cd "$T/out" && "$T/xmlcheck" *.svg
if command -v xmllint > /dev/null; then
  for f in *.svg; do xmllint --noout "$f" || echo "xmllint rejects $f"; done
fi
count() { echo "$1 $2: $(grep -c "$2" "$1")"; }
count f.svg '<g class="node">'
count f.svg '<line class="edge"'
count f.svg '>\[1\] sigmoid</text>'
count f.svg '>\[4\] x</text>'
count f.svg '>grad 0.209987</text>'
count f.svg '>value 0.880797</text>'
count net.svg '<g class="node">'
count net.svg '<line class="edge"'
count net.svg '>\[10\] net.dense1.W</text>'
count chain.svg '<g class="node">'
count chain.svg 'more nodes not drawn'
grep -o '>... [0-9]* more nodes not drawn[^<]*<' chain.svg
