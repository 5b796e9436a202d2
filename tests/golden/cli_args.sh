# The command line rejects arguments after the program, and a failed write is an error.
$RUN -e '1' extra; echo "status $?"
$RUN -e 'print(1)' > /dev/full; echo "status $?"
printf '\357\273\277print("a byte order mark is fine")\n' > "${TMPDIR:-/tmp}/nn_bom_$$.nn"
$RUN "${TMPDIR:-/tmp}/nn_bom_$$.nn"; echo "status $?"
rm -f "${TMPDIR:-/tmp}/nn_bom_$$.nn"
