# A file that imports itself through "./" (or any other spelling of its path) runs once,
# and a chain of distinct imports deeper than 100 files is a located error.
d="${TMPDIR:-/tmp}/nn_hard_import_$$"
mkdir -p "$d/sub"
printf 'import "./self.nn"\nprint("self ran once")\n' > "$d/self.nn"
(cd "$d" && $RUN self.nn); echo "status $?"
$RUN "$d/self.nn"; echo "status $?"
printf 'import "./sub/../two.nn"\nprint("two ran once")\n' > "$d/two.nn"
(cd "$d" && $RUN ./two.nn); echo "status $?"
i=1
while [ $i -le 110 ]; do printf 'import "./c%d.nn"\n' $((i + 1)) > "$d/c$i.nn"; i=$((i + 1)); done
printf 'print("end")\n' > "$d/c111.nn"
(cd "$d" && $RUN c1.nn); echo "status $?"
rm -rf "$d"
