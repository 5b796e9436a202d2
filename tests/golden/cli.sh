# The command line: -e echoes expression values, scripts print only what they print,
# piped stdin and `nn -` run scripts, --version, --help, bad options and files.
$RUN -e '1 + 1; let a = 2; a * 3; print("printed"); none'
echo 'print("from stdin"); 1 + 1' | $RUN
echo 'print("from dash")' | $RUN -
$RUN --version | head -1 | sed 's/[0-9][0-9.]*/VERSION/'
# the second line names the kernels (machine-dependent after its start)
$RUN --version | sed -n 2p | cut -c1-21
$RUN --help | head -1
$RUN --bogus; echo "status $?"
$RUN missing_file.nn; echo "status $?"
$RUN -e; echo "status $?"
$RUN -e 'undefined_thing'; echo "status $?"
# The language: --lang, LANG (zh_* is Chinese even with no zh_CN locale generated),
# LANGUAGE after a non-C locale, LC_ALL=C beating LANGUAGE (as gettext does).
$RUN --lang zh -e 'undefined_thing'; echo "status $?"
$RUN --lang=en -e 'undefined_thing'; echo "status $?"
LANG=zh_CN.UTF-8 $RUN -e 'undefined_thing'; echo "status $?"
LANG=en_US.UTF-8 LANGUAGE=zh_CN:en $RUN -e 'undefined_thing'; echo "status $?"
LC_ALL=C LANGUAGE=zh_CN $RUN -e 'undefined_thing'; echo "status $?"
$RUN --lang fr -e 1; echo "status $?"
