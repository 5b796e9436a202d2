#!/bin/sh
# check_catalog.sh — every message nn shows has its Chinese text (issue 9: "a test fails
# when a message has no Chinese text"). xgettext (GNU gettext, installed by `make deps`)
# extracts the messages from the sources: the strings marked _() / N_() and the format
# strings given to the functions that translate their own format (KEYWORDS below). Each
# one must have a non-empty, non-fuzzy msgstr in po/zh.po; tools/po2c.c checks, at build
# time, that a translation keeps its msgid's printf conversions.
# Prints PASS/FAIL lines (tests/run.sh counts them); exits 1 on any FAIL.
#   sh tools/check_catalog.sh            check
#   sh tools/check_catalog.sh --pot F    also write the extracted template (nn.pot) to F
cd "$(dirname "$0")/.." || exit 1
# name:argument of each function whose (format) argument is a message it translates.
KEYWORDS="_ N_ rt_throw:1 rt_throw_kind:2 ev_error:3 arg_error:3 arg_fail:3 warn:3 diag_report:5
  arg_range:5 fail:3 lex_error:7 bad_arg:3 bad_json:2 expect:3 parse_string:2 parse_uints:4"
SOURCES="runtime/*.c interp/*.c grammar/parser.y grammar/lexer.l"
if ! command -v xgettext >/dev/null 2>&1 || ! command -v msgattrib >/dev/null 2>&1; then
  echo "FAIL catalogue: xgettext/msgattrib (GNU gettext) are missing: run make deps"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=""
for w in $KEYWORDS; do k="$k --keyword=$w"; done
# shellcheck disable=SC2086
if ! xgettext --language=C --from-code=UTF-8 --no-wrap --sort-by-file $k \
      -o "$tmp/nn.pot" $SOURCES 2>"$tmp/xgettext.err"; then
  echo "FAIL catalogue: xgettext failed: $(head -3 "$tmp/xgettext.err")"
  exit 1
fi
[ "${1:-}" = --pot ] && [ -n "${2:-}" ] && cp "$tmp/nn.pot" "$2"
# The extracted messages that po/zh.po translates: merge the template with the
# translations, then list what is still untranslated or fuzzy, with its source location.
msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/merged.po" po/zh.po "$tmp/nn.pot" ||
  { echo "FAIL catalogue: msgmerge could not read po/zh.po"; exit 1; }
msgattrib --untranslated --no-obsolete --no-wrap "$tmp/merged.po" > "$tmp/untr.po"
msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/merged.po" >> "$tmp/untr.po"
total=$(grep -c '^msgid ' "$tmp/nn.pot")
total=$((total - 1)) # the header entry
awk '
  # A format with no words of its own ("%s: %s") has nothing to translate.
  function words(s) { gsub(/%[-+ #0-9.*]*[hlLqjzt]*[a-zA-Z]/, "", s); return s ~ /[A-Za-z]/ }
  function flush() { if (inid && words(id)) { printf "FAIL catalogue: no Chinese text for \"%s\" (%s)\n", id, loc; bad++ } inid = 0 }
  /^#: / { loc = substr($0, 4) }
  /^msgid "/ { id = substr($0, 8, length($0) - 8); inid = 1; next }
  /^"/ && inid { id = id substr($0, 2, length($0) - 2); next }
  /^msgstr/ { flush() }
  END { exit bad > 0 }
' "$tmp/untr.po" && status=0 || status=1
if [ $status = 0 ]; then echo "PASS catalogue: all $total messages have Chinese text"; fi
# A translation whose English text no longer appears in the sources is stale: delete it.
if grep '^#~ msgid' "$tmp/merged.po" | sed 's/^#~ msgid \(.*\)/FAIL catalogue: po\/zh.po translates a message no source has: \1/' | grep .; then
  status=1
else
  echo "PASS catalogue: every entry of po/zh.po is used"
fi

# The other half: a string a user reads that bypasses the catalogue. Every literal of the
# sources (xgettext --extract-all) that is not a message above and reads like English
# prose (two words of two or more letters) must be listed in po/not-messages — markup,
# names of the language, file formats — one msgid per line as xgettext writes it.
xgettext --language=C --from-code=UTF-8 --no-wrap --extract-all -o "$tmp/all.pot" $SOURCES 2>/dev/null
msgcomm --unique --no-wrap -o "$tmp/rest.pot" "$tmp/all.pot" "$tmp/nn.pot" 2>/dev/null
grep -v '^#' po/not-messages | sed '/^$/d' > "$tmp/skip"
awk -v skipfile="$tmp/skip" '
  BEGIN { while ((getline l < skipfile) > 0) skip[l] = 1 }
  function flush() {
    if (inid && id ~ /[A-Za-z][A-Za-z] +[A-Za-z][A-Za-z]/ && !(id in skip)) {
      printf "FAIL catalogue: not through the catalogue: \"%s\" (%s; wrap it in _() or list it in po/not-messages)\n", id, loc; bad++
    }
    inid = 0
  }
  /^#: / { loc = substr($0, 4) }
  /^msgid "/ { id = substr($0, 8, length($0) - 8); inid = 1; next }
  /^"/ && inid { id = id substr($0, 2, length($0) - 2); next }
  /^msgstr/ { flush() }
  END { if (!bad) print "PASS catalogue: no English prose outside the catalogue"; exit bad > 0 }
' "$tmp/rest.pot" || status=1
exit $status
