# SVG files: well-formed XML (tests/svg/xmlcheck.c; xmllint too when installed), one
# polyline per curve and per path, the legend's labels escaped, contour levels, class
# regions and bars; written through a temporary that never stays behind.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -std=c11 -O1 -o "$T/xmlcheck" ../svg/xmlcheck.c || echo "cannot build the checker"
PLOT_DIR="$T/out" && mkdir "$PLOT_DIR" && export PLOT_DIR
$RUN plot_svg.nn > "$T/stdout" 2> "$T/stderr"; echo "status $?"
# each file written is named on stderr, as nn wrote it
sed "s|$T|T|" "$T/stderr"
tail -3 "$T/stdout"
ls "$T/out"
cd "$T/out" && "$T/xmlcheck" *.svg
if command -v xmllint > /dev/null; then
  for f in *.svg; do xmllint --noout "$f" || echo "xmllint rejects $f"; done
fi
count() { echo "$1 $2: $(grep -c "$2" "$1")"; }
count curves.svg '<polyline class="line"'
count single.svg '<polyline class="line"'
count single.svg '>replaced</text>'
count history.svg '<polyline class="line"'
count history.svg '>val_loss</text>'
count contour.svg '<polyline class="path"'
count contour.svg '<path class="level"'
count contour.svg '>adam &lt;fast&gt;</text>'
count contour.svg '>momentum</text>'
count regions.svg 'class="point"'
count regions.svg '>class 1</text>'
count bars.svg '<rect class="bar"'
count compare.svg '<polyline class="path"'
count compare.svg '>adam(lr = 0.1)</text>'
head -2 curves.svg
