# plot(f, a, b, paths = ...) for a function of one number with paths that are not 1-D: the
# error names paths (not from, which only a 2-D contour needs as a point); a 2-D function
# with number bounds still asks for points.
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
t 'plot(double_well, -2, 2, paths = [[1, 2], [3, 4]])'
t 'plot(double_well, -2, 2, paths = list(zeros(3, 1), zeros(3, 2)))'
t 'plot(rosenbrock, -2, 2, paths = [[1, 2], [3, 4]])'
