# help("NAME") for a function (signature from the value, then the text), a topic, and
# Chinese by lang = "zh"; the language from the environment is neutralised first.
export LC_ALL= LC_MESSAGES= LANG=C
$RUN -e 'help("softmax")
help("adam")
help("vanishing")
help("kl", lang = "zh")'
echo "status $?"
