# Issue 9: every keyword of the language has a help entry with a runnable example in both
# languages, and every entry of one help text has its counterpart in the other.
# - The keywords are read from the grammar itself (grammar/lexer.l's reserved words and
#   the declaration words of grammar/parser.y), so a new keyword without help fails here.
# - Each keyword's entry, in English and in Chinese, must show an example: lines
#   "nn> CODE" (and "... CODE" continuations) followed by the output they print. The
#   example is run in a fresh REPL (`nn -i`, in a folder holding the mylib.nn that the
#   import example names) and must print exactly what the entry shows, with no error.
# - docs/help/en.md and zh.md must have the same entries (their first names), and a name
#   or alias may belong to one entry only (else :help NAME would depend on file order).
G=../../grammar
D=../../docs/help
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL= LC_MESSAGES= LANG=C.UTF-8

kws=$( { sed -n 's/^"\([a-z]*\)"  *return tok(yyextra, [A-Z]*);.*/\1/p' $G/lexer.l
         grep 'words\[\] = {' $G/parser.y | grep -o '"[a-z]*"' | tr -d '"'
         grep -o 'is_word([a-z>-]*, "[a-z]*")' $G/parser.y | grep -o '"[a-z]*"' | tr -d '"'
       } | sort -u)
echo "keywords:" $kws

# The entries' first names, and every name of every entry, of one file.
primaries() { sed -n 's/^## \([^,]*\).*/\1/p' "$1" | sort; }
primaries $D/en.md > "$T/en"
primaries $D/zh.md > "$T/zh"
comm -23 "$T/en" "$T/zh" | sed 's/^/only in en.md: /'
comm -13 "$T/en" "$T/zh" | sed 's/^/only in zh.md: /'
# name → its entry's first name, over both files (names compared as help does: ASCII
# case ignored, '-' and ' ' as '_'); a name listed under two different entries is ambiguous.
cat $D/en.md $D/zh.md | awk '
  /^## / { n = split(substr($0, 4), a, ","); own = a[1]; gsub(/^ +| +$/, "", own)
           for (i = 1; i <= n; i++) { k = a[i]; gsub(/^ +| +$/, "", k); k = tolower(k); gsub(/[- ]/, "_", k)
             if ((k in of) && of[k] != own) print "ambiguous name: " k " (" of[k] " and " own ")"
             of[k] = own } }'

# The help texts of every keyword in both languages, in one run: "@@ kw lang" heads each
# (a text that is missing prints "@@ kw lang none").
{
  echo 'for kw in ['
  for k in $kws; do printf '"%s", ' "$k"; done
  echo '] { for l in ["en", "zh"] { let t = help_text(kw, lang = l)
    if t == none { print("@@", kw, l, "none") } else { print("@@", kw, l); print(t) } } }'
} > "$T/texts.nn"
$RUN "$T/texts.nn" > "$T/texts" || echo "reading the texts failed"
grep '^@@ .* none$' "$T/texts" | awk '{ print "no " $3 " help for keyword " $2 }'

printf 'fn double(x) = 2 * x\n' > "$T/mylib.nn"
ran=0
for k in $kws; do
  for l in en zh; do
    # The example of this text: its "nn>"/"..." lines are the input, the indented lines
    # right after them the expected output.
    awk -v head="@@ $k $l" -v code="$T/code" -v want="$T/want" '
      $0 == head { on = 1; next }
      /^@@ / { on = 0 }
      !on { next }
      /^  nn> / { print substr($0, 7) > code; out = 1; next }
      /^  \.\.\. / { print substr($0, 7) > code; next }
      out && /^  / { print substr($0, 3) > want; next }
      { out = 0 }' "$T/texts"
    [ -e "$T/want" ] || : > "$T/want"
    # Keywords of one entry (for, in) share its example: run it once.
    sum=$(cat "$T/code" 2>/dev/null | cksum)
    if [ -s "$T/code" ] && grep -qx "$l $sum" "$T/seen" 2>/dev/null; then
      rm -f "$T/code" "$T/want"
      continue
    fi
    echo "$l $sum" >> "$T/seen"
    if [ ! -s "$T/code" ]; then
      grep -qx "@@ $k $l none" "$T/texts" || echo "no example in the $l help of keyword $k"
    else
      (cd "$T" && $RUN --lang $l -i < code > got 2>&1)
      # An example may leave its output unshown (explain's is long); it must still run.
      if [ -s "$T/want" ] && ! cmp -s "$T/want" "$T/got"; then
        echo "the $l example of keyword $k prints something else:"; diff "$T/want" "$T/got"
      elif grep -q 'error' "$T/got"; then
        echo "the $l example of keyword $k fails:"; cat "$T/got"
      fi
      ran=$((ran + 1))
    fi
    rm -f "$T/code" "$T/want" "$T/got"
  done
done
echo "examples run: $ran"
