# Devices, FIFOs and sockets are refused as scripts and data files, at once: reading
# /dev/zero used to grow without end, and opening a FIFO with no writer used to hang.
# Scripts over 1 GiB are refused before they are read.
# (timeout: on a regression the case fails instead of hanging the suite.)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { timeout 60 "$@" 2>&1; echo "status $?"; }
t $RUN /dev/zero
t $RUN -e 'import "/dev/zero"'
t $RUN -e 'load_csv("/dev/zero")'
t $RUN -e 'load_idx("/dev/zero", "/dev/zero")'
t $RUN -e 'load_tensors("/dev/zero")'
t $RUN -e 'model m() { dense(2, 1) }; load(m(), "/dev/zero")'
t $RUN - < /dev/zero
mkfifo fifo
t $RUN fifo
t $RUN -e 'import "fifo"'
t $RUN -e 'load_csv("fifo")'
t $RUN -e 'load_idx("fifo", "fifo")'
t $RUN -e 'load_tensors("fifo")'
# A regular file too large for a script (sparse: it takes no disk space).
truncate -s 1200M big.nn
t $RUN big.nn
t $RUN -e 'import "big.nn"'
rm -f big.nn
# A script piped to standard input still runs.
echo 'print(1 + 2)' | t $RUN -
echo 'print(3 + 4)' | t $RUN
