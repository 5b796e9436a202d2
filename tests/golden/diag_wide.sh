# Carets line up under text a terminal draws two columns wide (Chinese), and after tabs.
$RUN -e 'let s = "学习率"; s + [1, 2] + undefined_x'; echo "status $?"
$RUN -e 'f("学习率", 中)'; echo "status $?"
$RUN --lang zh -e 'let 损失 = 1'; echo "status $?"
printf 'let a = 1\n\tb' | $RUN -; echo "status $?"
