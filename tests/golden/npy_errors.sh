# load_npy on damaged and unsupported files (made by tests/ref/gen_npy.py): each error
# names the file, the member of a .npz, and the culprit.
t() { $RUN -e "load_npy(\"npy/$1\")" 2>&1; echo "status $?"; }
for f in fortran.npy object.npy str.npy complex.npy structured.npy half.npy magic.npy \
         version.npy header_long.npy short.npy long.npy huge.npy dims.npy syntax.npy \
         nokey.npy empty.npy truncated.npz cut.npz crc.npz not_zip.npz bzip2.npz \
         member_fortran.npz deflate.npz; do
  t "$f"
done
t missing.npy
