/* kernel.h — `nn --kernel`: the interpreter as the child process of a notebook kernel
 * (jupyter/nn_kernel.py), driven by framed requests on its standard input. */
#ifndef NN_KERNEL_H
#define NN_KERNEL_H

/* Serve requests until standard input ends, in the session language lang (NULL: from the
   environment). Frames go to the descriptor that was standard output at the call, which
   then points at standard error so that stray writes cannot corrupt them.

   The pipe protocol (jupyter/nn_kernel.py speaks the other side). Both ways, a frame is
   a header line "KIND ARG LEN\n" and exactly LEN bytes of UTF-8 payload; one request at
   a time. Positions are byte offsets.
     run COUNT       + cell  -> frames as they happen, then done STATUS (0 ok, 1 error,
                                2 stopped by an interrupt); the cell is named In[COUNT]:
       out 0 / err 0   text written to stdout / stderr (not error reports)
       svg 0           a figure plot() draws (an SVG document)
       progress 0      the training progress line's latest text (at most 8 a second);
       progress 1      (empty) the line is over
       live 0          a train(..., live = true) frame (interp/live.c's JSON, at most 4
       live 1          a second, the last epoch's always); live 1 (empty): the view is over
       result 0        the value of the cell's last statement, when it is an expression
                       with a value, as the REPL echoes it (earlier ones are out text)
       error 0         one error report, whole, as the terminal prints it
     ':' lines at an entry boundary are REPL commands (:lang zh, :help NAME, ...).
     complete POS    + code  -> matches START + candidates, one per line, sorted
     inspect POS     + code  -> inspect FOUND + the help text of the name at POS
     is_complete 0   + code  -> is_complete INDENT + complete|incomplete|invalid
     lang 0          + en|zh -> lang OK
   A Ctrl-C (SIGINT) acts as in a terminal: training stops after its step and keeps its
   weights; anything else stops with an "interrupted" error. Returns the process's exit
   status: 0 at the end of input, 2 after a malformed request (reported in an error
   frame). */
int kernel_run(const char *lang);

#endif
