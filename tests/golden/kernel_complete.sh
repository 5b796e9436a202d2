# nn --kernel's complete, inspect and is_complete requests (positions are byte offsets):
# completion offers keywords, globals (builtins, stdlib, the user's from earlier runs) and
# help topics and aliases (Chinese ones too), ':' commands at a line's start, nothing for
# an empty word; inspect shows the help of the name at or before the cursor, or of the
# call whose parentheses hold it; is_complete says complete/incomplete/invalid with the
# indent of the next line (2 per open bracket), ':' command lines counting as complete.
. ./kernel.inc
{
  req run 1 'let my_rate = 0.1
fn my_loss(a) = a * my_rate'
  req complete 7 'let y = softm'
  req complete 6 'x + my'
  req complete 3 'whi'
  req complete 11 'help(学习'
  req complete 6 'foo
:l'
  req complete 3 '  :'
  req complete 4 'foo '
  req complete 5 'x :qu'
  req inspect 8 'softmax('
  req inspect 12 'train(net, '
  req inspect 2 'relu(x)'
  req inspect 2 'no_such_thing'
  req inspect 0 ''
  req inspect 7 'my_loss'
  req lang 0 'zh'
  req inspect 9 '学习率'
  req lang 0 'en'
  req is_complete 0 'model {'
  req is_complete 0 'model clf() {
  dense(2, 3'
  req is_complete 0 '1 +'
  req is_complete 0 ')'
  req is_complete 0 ':lang zh'
  req is_complete 0 ':lang zh
let s = "open'
  req is_complete 0 'let x = [1, 2]'
} | kernel
