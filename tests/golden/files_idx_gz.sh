# An IDX .gz whose gzip trailer (CRC-32 and length, its last 8 bytes) is cut off or
# damaged is refused: the trailer is the only check that the data decompressed right.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
t() { "$@" 2>&1; echo "status $?"; }
# 3 labels, then the same file gzip'ed: whole, without its trailer, with a wrong CRC.
printf '\0\0\010\001\0\0\0\003\001\002\003' > labels
printf '\0\0\010\003\0\0\0\003\0\0\0\001\0\0\0\001\000\063\146' > images
gzip -n -k labels
n=$(wc -c < labels.gz)
head -c $((n - 8)) labels.gz > no_trailer.gz
head -c $((n - 8)) labels.gz > bad_crc.gz
printf '\1\2\3\4' >> bad_crc.gz
tail -c 4 labels.gz >> bad_crc.gz
t $RUN -e 'load_idx("images", "labels.gz").y'
t $RUN -e 'load_idx("images", "no_trailer.gz")'
t $RUN -e 'load_idx("images", "bad_crc.gz")'
