# load_csv: linear in the rows (a class search per row made 100k rows take 13 s), a
# missing value in a numeric target is an error naming the row (it used to turn the
# column into class indices), a UTF-8 byte-order mark is not part of the first column's
# name, and numbers past the float32 range are errors (1e308 used to become inf).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { "$@" 2>&1; echo "status $?"; }

# 200k rows, every target distinct: seconds even under valgrind; minutes when quadratic.
awk 'BEGIN { print "a,b,y"; for (i = 0; i < 200000; i++) printf "%d,%d,%d\n", i % 7, i % 13, i }' > big.csv
t timeout 60 $RUN -e 'let d = load_csv("big.csv"); print(shape(d.x), d.y[199999], d.x[199999])'
# string labels: classes in order of first appearance, indices per row
awk 'BEGIN { print "a,y"; for (i = 0; i < 200000; i++) printf "%d,c%d\n", i, (i * 7) % 1000 }' > labels.csv
t timeout 60 $RUN -e 'let d = load_csv("labels.csv"); print(len(d.classes), d.classes[0:3], d.y[0:4], d.y[199999])'

printf 'a,y\n1,0.5\n2,NA\n3,1.5\n' > na.csv
t $RUN -e 'load_csv("na.csv")'
printf 'a,y\n1,0.5\n2,1.5\n3,nan\n' > nan.csv
t $RUN -e 'load_csv("nan.csv")'
# a missing feature is an error too ("nan" used to load as a nan feature)
printf 'a,b,y\n1,2,0\n3,nan,1\n' > nan_feature.csv
t $RUN -e 'load_csv("nan_feature.csv")'
# among class names, NA is one more class
printf 'a,y\n1,cat\n2,NA\n3,dog\n' > na_label.csv
t $RUN -e 'let d = load_csv("na_label.csv"); print(d.classes, d.y)'

printf '\357\273\277a,b,y\n1,2,0\n3,4,1\n' > bom.csv
t $RUN -e 'let d = load_csv("bom.csv", target = "y"); print(d.x, d.y)'
t $RUN -e 'load_csv("bom.csv", target = "a")'

printf 'a,b,y\n1,2,0\n3,1e308,1\n' > big_feature.csv
t $RUN -e 'load_csv("big_feature.csv")'
printf 'a,y\n1,0\n2,-1e39\n' > big_target.csv
t $RUN -e 'load_csv("big_target.csv")'
printf 'a,y\n1e999,0\n' > huge.csv
t $RUN -e 'load_csv("huge.csv")'
printf 'a,y\n3.4e38,inf\n1e-50,-inf\n' > edge.csv
t $RUN -e 'let d = load_csv("edge.csv"); print(d.x, d.y)'
