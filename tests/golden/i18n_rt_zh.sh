# The messages of the runtime, the parser and lexer, the data builtins and the loss checks
# in Chinese (issue 9, item 1), with their locations and carets.
# Part 1 runs English goldens of those messages again: their English output must still be
# exactly their .err (and .out), and the same file with --lang zh shows the Chinese text.
# Part 2 shows more cases in both languages (the English line first): syntax and lexer
# errors, losses given the wrong arguments, shapes, and data files (the temporary folder
# is shown as $T). Part 3: the language taken from LANG alone.
# Only messages of these files are used, so other parts of nn (argument errors, traces)
# do not show here.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for n in err_syntax_bad_assign err_syntax_bad_escape err_syntax_chained_cmp \
         err_syntax_default_order err_syntax_mismatched err_syntax_missing_expr \
         err_syntax_nonascii err_syntax_positional_after_kw err_syntax_record \
         err_syntax_state_outside err_syntax_two_exprs err_syntax_unclosed_block \
         err_syntax_unclosed_paren err_syntax_unexpected_char err_syntax_unknown_decl \
         err_syntax_unmatched err_syntax_unterminated_string err_deep_nesting err_broadcast \
         err_index_range err_matmul_shapes err_reshape err_too_large; do
  echo "--- $n.nn"
  $RUN "$n.nn" > "$T/out" 2> "$T/err"
  same=yes
  cmp -s "$T/err" "$n.err" || same=no
  if [ -e "$n.out" ]; then cmp -s "$T/out" "$n.out" || same=no; fi
  echo "English as $n.err: $same"
  $RUN --lang zh "$n.nn" 2>&1 > /dev/null
  echo "status $?"
done

# Part 2: each case in English, then in Chinese.
e() {
  echo "--- $1"
  $RUN -e "$1" > "$T/en" 2>&1
  sed "s|$T|\$T|g;q" "$T/en"
  $RUN --lang zh -e "$1" > "$T/zh" 2>&1
  status=$?
  sed "s|$T|\$T|g" "$T/zh"
  echo "status $status"
}
e 'x = 3abc'
e 'let s = "abc'
e 'a && b'
e 'a ! b'
e 'x = "\u1"'
e 'x y'
e 'model m x'
e 'for x in 1..3 print(x)'
e 'fn(a) 3'
e 'softmax(1,'
e '1 = 2'
e '[1, 2] = 3'
e 'layer foo(x) { param w }'
e 'one_hot([5], 3)'
e 'pick([[1, 2]], [1.5])'
e 'cross_entropy([0.1, 0.9], 1)'
e 'bce([0.2, 0.8], [0, 1])'
e 'cross_entropy(1, [2, 3])'
e 'cross_entropy([[0, 1], [1, 0]], [[-1.0, 2.0], [0.5, 0.5]])'
e 'cross_entropy(1, [0.2, 0.3])'
e 'kl([0.5, 0.6], [0.5, 0.5])'
e 'entropy(0.3)'
e 'cross_entropy([0, 1], [[0.5, 0.5]])'
e 'bce([0, 1], [0.2])'
e 'mse([1, 2], [[1, 2]])'
e 'cross_entropy(3, [0.2, 0.8])'
e 'cross_entropy(1.5, [0.2, 0.8])'
e 'cross_entropy([1, 0], [[0.5], [0.5]])'

cd "$T" || exit 1
printf 'a,b,y\n1,2,x\n3,4\n' > short.csv
printf 'a,b,y\n1,2,x\n3,abc,x\n' > text.csv
printf 'a,b,y\n1,NA,x\n' > na.csv
printf 'a,b,a\n1,2,3\n' > dup.csv
printf 'a,b,y\n1,"2,x\n' > quote.csv
printf 'y\n1\n' > one.csv
: > empty.csv
printf 'not an idx file' > text.idx
printf '\0\0\010\001\0\0\0\005\001\002' > short.idx
printf '\0\0\010\001\0\0\0\002\001\002\003\004' > long.idx
printf '\003\0\0\0' > tiny.safetensors
printf '\010\0\0\0\0\0\0\0{"a":1}\001' > bad.safetensors
printf '\070\0\0\0\0\0\0\0{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}\0\0\0\0' > half.safetensors
mkdir folder
e 'load_csv("missing.csv")'
e 'load_csv("folder")'
e 'load_csv("empty.csv")'
e 'load_csv("one.csv")'
e 'load_csv("dup.csv")'
e 'load_csv("quote.csv")'
e 'load_csv("short.csv")'
e 'load_csv("text.csv")'
e 'load_csv("na.csv")'
e 'load_csv("short.csv", target = "z")'
e 'load_idx("text.idx", "short.idx")'
e 'load_idx("short.idx", "short.idx")'
e 'load_idx("long.idx", "long.idx")'
e 'load_tensors("tiny.safetensors")'
e 'load_tensors("bad.safetensors")'
e 'load_tensors("half.safetensors")'
e 'load_tensors("folder")'
NN_DATA="$T/nowhere" e 'fashion_mnist()'

echo "--- LANG=zh_CN.UTF-8"
LANG=zh_CN.UTF-8 $RUN -e 'softmax(1,' 2>&1
echo "status $?"
