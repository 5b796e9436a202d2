#!/bin/sh
# zhreview_vars.sh — :vars cuts a long value at 70 bytes where a character starts: a
# Chinese character is 3 UTF-8 bytes, and cutting inside one printed invalid UTF-8 (the
# terminal showed a replacement box) before the "...".
. tests/repl/lib.inc

pipe_case vars-cut-at-a-character 'let s = "a一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
:vars' 's = "a一二三四五六七八九十一二三四五六七八九十一二...'
