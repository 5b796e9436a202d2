#!/bin/sh
# i18n_core_lang.sh — the language of messages survives errors in a REPL session: after
# `:lang zh` every later error is Chinese (the catcher puts back I->lang and the catalogue's
# language, eval.c ev_restore), including one inside a function with its call trace, until
# `:lang en`; and LANG=zh_CN.UTF-8 alone gives Chinese for every error of a session.
. tests/repl/lib.inc

pipe_case lang-zh-survives-errors ':lang zh
undefined_a
fn f(x) = x.foo
f(1)
undefined_b + 1
let l = [1, "a"]
l[5]
:lang en
undefined_c' "<repl>:1:1: 错误: 未定义的名称 'undefined_a'
    1 | undefined_a
      | ^^^^^^^^^^^
<repl>:1:11: 错误: number 没有字段 'foo'
    1 | fn f(x) = x.foo
      |           ^^^^^
  在 'f' 中，调用位置 <repl>:1:1
<repl>:1:1: 错误: 未定义的名称 'undefined_b'
    1 | undefined_b + 1
      | ^^^^^^^^^^^
<repl>:1:3: 错误: 索引 5 超出范围（列表有 2 项）
    1 | l[5]
      |   ^
<repl>:1:1: error: undefined name 'undefined_c'
    1 | undefined_c
      | ^^^^^^^^^^^"

(
  export LANG=zh_CN.UTF-8
  pipe_case lang-from-env-every-error 'let s = [1, 2] + "a"
break
s' "<repl>:1:9: 错误: 运算符 '+' 不能用于 tensor 和 string
    1 | let s = [1, 2] + \"a\"
      |         ^^^^^^^^^^^^
<repl>:1:1: 错误: 'break' 不在循环中
    1 | break
      | ^^^^^
<repl>:1:1: 错误: 未定义的名称 's'
    1 | s
      | ^"
)
