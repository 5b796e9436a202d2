# help WORD, as Python's REPL and shells take it: a located error that shows the call
# help("WORD") (and :help WORD), for a name, a string, a keyword and a Chinese term (which
# the lexer meets first); other "x y" errors are unchanged.
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
t 'help load'
t 'help "load"'
t 'help for'
t 'help 学习率'
t 'x = 1
help sgd'
t 'helper load'
t 'help("load")'
printf 'help load\n' | $RUN -i 2>&1; echo "status $?"
