# Damaged .gz IDX files give located errors in zlib's words, the same from ./nn (zlib)
# as from the WebAssembly build (its own gzip reader, web/zlib/gunzip.c): a block of the
# reserved type 3, a copy from before the start, a stored block with bad lengths, data
# cut in half. A file of two gzip members reads as the two joined.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { "$@" 2>&1; echo "status $?"; }
printf '\0\0\010\003\0\0\0\003\0\0\0\001\0\0\0\001\000\063\146' > images
printf '\0\0\010\001\0\0\0\003\001\002\003' > labels
# A gzip header (RFC 1952): magic 1f 8b, method 8 (deflate), no flags, no time, OS 3.
H='\037\213\010\000\000\000\000\000\000\003'
# Deflate data (RFC 1951), then the trailer (CRC-32 and length of what it stands for):
# one final block of type 3 (bits 1, 11) …
printf "$H"'\007\000\000\000\000\000\000\000\000' > block_type.gz
# … a fixed block: the literal 'a', then a copy of 3 bytes from 2 bytes back …
printf "$H"'\113\004\102\000\105\345\230\255\004\000\000\000' > distance.gz
# … a stored block of 3 bytes whose NLEN (00 00) is not LEN's complement (fc ff).
printf "$H"'\001\003\000\000\000abc\302\101\044\065\003\000\000\000' > stored.gz
# 5000 labels, gzip'ed and cut in half.
{ printf '\0\0\010\001\0\0\023\210'; seq 100000 | head -c 5000; } > many
gzip -n -k many
head -c $(($(wc -c < many.gz) / 2)) many.gz > half.gz
# The images as two gzip members.
{ head -c 10 images | gzip -n; tail -c +11 images | gzip -n; } > two.gz
t $RUN -e 'load_idx("images", "block_type.gz")'
t $RUN -e 'load_idx("images", "distance.gz")'
t $RUN -e 'load_idx("images", "stored.gz")'
t $RUN -e 'load_idx("images", "half.gz")'
t $RUN -e 'let d = load_idx("two.gz", "labels"); print(d.x)'
