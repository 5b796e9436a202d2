# The paths error of plot on a 1-D curve in Chinese.
$RUN --lang zh -e 'plot(double_well, -2, 2, paths = [[1, 2], [3, 4]])' 2>&1; echo "status $?"
