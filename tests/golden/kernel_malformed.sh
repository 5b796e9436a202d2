# nn --kernel: a malformed request (a bad header, an unknown kind, a payload shorter than
# its length) is answered by an error frame, and the child exits with status 2 (the
# wrapper starts a fresh one); the requests before it were served. The end of input
# ends it with status 0.
. ./kernel.inc
{ req run 1 '1 + 1'; printf 'run one 3\nabc'; } | kernel
printf 'hello\n' | kernel
printf 'run 1 2 3\nabc' | kernel
{ req lang 0 'en'; req frobnicate 0 'x'; } | kernel
printf 'run 1 10\nabc' | kernel
printf 'run 1 3\nab\000' | kernel
printf 'RUN 1 0\n' | kernel
printf 'run -1 0\n' | kernel
printf 'run 1 0' | kernel
kernel < /dev/null
