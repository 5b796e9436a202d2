# help() in both languages: the topics by the notes' sections, then the functions.
export LC_ALL= LC_MESSAGES= LANG=C
$RUN -e 'help()'
echo "status $?"
$RUN -e 'help(lang = "zh")'
echo "status $?"
