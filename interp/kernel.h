/* kernel.h — `nn --kernel`: the interpreter as the child process of a notebook kernel
 * (jupyter/nn_kernel.py), driven by framed requests on its standard input. */
#ifndef NN_KERNEL_H
#define NN_KERNEL_H

/* Serve requests until standard input ends, in the session language lang (NULL: from the
   environment). Frames go to the descriptor that was standard output at the call, which
   then points at standard error so that stray writes cannot corrupt them. The frames
   (each a header "KIND ARG LEN\n" and LEN bytes):
     run COUNT       + cell  -> out/err/svg/progress/result/error frames, then done STATUS
     complete POS    + code  -> matches START + candidates, one per line
     inspect POS     + code  -> inspect FOUND + the help text of the name at POS
     is_complete 0   + code  -> is_complete INDENT + complete|incomplete|invalid
     lang 0          + en|zh -> lang OK
   Positions are byte offsets. Returns the process's exit status: 0 at the end of input,
   2 after a malformed request (reported in an error frame). */
int kernel_run(const char *lang);

#endif
