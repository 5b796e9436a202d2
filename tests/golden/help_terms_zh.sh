# Issue 9 item 2, Chinese: the same checks as help_terms.sh (which says why), with --lang zh
L=zh
. ./help_terms.sh
