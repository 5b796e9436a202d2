# help WORD in Chinese.
$RUN --lang zh -e 'help 学习率' 2>&1; echo "status $?"
$RUN --lang zh -e 'help load' 2>&1; echo "status $?"
