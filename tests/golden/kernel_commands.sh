# nn --kernel: ':' command lines at entry boundaries run in order with the code around them
# (the code keeps the cell's line numbers), :lang switches the messages, a failing command
# is the error frame, :quit is ignored with a note, a ':' inside an open bracket is code;
# the lang request; svg frames for plots without file = (their first line shown), and
# "wrote FILE" as err text.
. ./kernel.inc
{
  req run 1 'let a = 1
:vars
let b = a + 1
:lang zh
c'
  req run 2 'b'
  req lang 0 'en'
  req run 3 ':help relu
  :source relu
:lang fr
print("not reached")'
  req run 4 ':quit'
  req run 5 'let r = {
:x
}'
  req lang 0 'fr'
  req lang 0 'zh'
  req run 6 ':lang
[1, 2] @ [3]'
  req run 7 ':lang en
plot([1, 2, 3])
plot([1, 4, 9], file = "kernel_plot.tmp.svg")
2'
} | kernel | awk '/^\[svg / { print; getline; print; svg = 1; next }
                 svg && /^\[/ { svg = 0 }
                 !svg'
rm -f kernel_plot.tmp.svg
