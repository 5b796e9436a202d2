#!/bin/sh
# files_load.sh — :load of a device or a FIFO is refused at once and the session goes on
# (reading /dev/zero grew without end; a FIFO with no writer hung the REPL).
. tests/repl/lib.inc
mkfifo "$T/fifo"
printf ':load /dev/zero\n:load %s/fifo\n1 + 1\n' "$T" | timeout 60 $RUN -i 2>&1 | sed "s|$T/|T/|" > "$T/got"
printf '%s\n' "nn: error: cannot read '/dev/zero': not a regular file (a device, pipe or socket)" \
  "nn: error: cannot read 'T/fifo': not a regular file (a device, pipe or socket)" 2 > "$T/want"
if cmp -s "$T/got" "$T/want"; then echo "PASS load-device-fifo"; else
  echo "FAIL load-device-fifo: got"; cat "$T/got"; fi
