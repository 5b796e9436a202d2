# PyTorch keyword names in Chinese.
$RUN --lang zh -e 'adam(learning_rate = 0.1)' 2>&1; echo "status $?"
$RUN --lang zh -e 'sgd(momentum = 0.9)' 2>&1; echo "status $?"
