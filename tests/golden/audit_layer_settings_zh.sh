# The no-settings activation error in Chinese.
$RUN --lang zh -e 'model m() { dense(2, 2); sigmoid(k = 1) }; m()' 2>&1; echo "status $?"
