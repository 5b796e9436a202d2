# load_npy's and save_npy's errors in Chinese.
t() { $RUN --lang zh -e "$1" 2>&1; echo "status $?"; }
t 'load_npy("npy/complex.npy")'
t 'load_npy("npy/fortran.npy")'
t 'load_npy("npy/short.npy")'
t 'load_npy("npy/crc.npz")'
t 'load_npy("npy/cut.npz")'
t 'load_npy("npy/syntax.npy")'
t 'save_npy([1, 2], "a.npz")'
t 'save_npy({x: "s"}, "a.npz")'
