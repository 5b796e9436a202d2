#!/bin/sh
# deps.sh — install what the build needs from Debian, only what is missing.
# Run as root (or with sudo available); otherwise prints the apt-get line to run by hand.
#   sh tools/deps.sh        what `make` and `make test` need
#   sh tools/deps.sh fuzz   that, and what `make fuzz` needs on top: clang and libFuzzer
#   sh tools/deps.sh bench  that, and what `make bench` compares with: NumPy, PyTorch, GNU time
#   sh tools/deps.sh web    that, and what `make web` and its tests need on top: emscripten,
#                           Node and npm, and Debian's chromium for the browser test (the
#                           npm part, puppeteer-core, is `make deps-web`'s next step)
#   sh tools/deps.sh export that, and what `make test-export` needs on top: Debian's
#                           python3 with torch, numpy and onnx, Node and npm (the npm
#                           part, onnxruntime-node, is `make deps-export`'s next step)
#   sh tools/deps.sh jupyter that, and what `make jupyter` and `make test-jupyter` need on
#                           top: Debian's python3 with ipykernel, jupyter_client,
#                           nbformat, nbclient and nbconvert; jupyter kernelspec and
#                           jupyter console
set -e
need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_hdr() { printf '#include <%s>\n' "$1" | cc -E -x c - >/dev/null 2>&1; }
have_cmd cc    || need="$need build-essential"
have_cmd make  || need="$need make"
have_cmd flex  || need="$need flex"
have_cmd bison || need="$need bison"
have_hdr readline/readline.h || need="$need libreadline-dev"
have_hdr zlib.h || need="$need zlib1g-dev"
# OpenBLAS, whatever other BLAS is installed: nn loads it at run time (no headers needed)
# and checks it; Debian's reference BLAS (libblas3, pulled in by many packages) is far too
# slow to be used, so a cblas.h or a libblas.so.3 on the machine is not enough.
ls /usr/lib/*/libopenblas.so.0 >/dev/null 2>&1 || need="$need libopenblas0"
# valgrind, for `make valgrind` (CI runs the goldens under it).
have_cmd valgrind || need="$need valgrind"
# GNU gettext (xgettext, msgmerge), for the message catalogue check of `make test`.
have_cmd xgettext && have_cmd msgattrib || need="$need gettext"
# Fashion-MNIST, for fashion_mnist() and the examples and tests that use it.
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need="$need dataset-fashion-mnist"
if [ "${1:-}" = fuzz ]; then
  have_cmd clang || need="$need clang"
  # libFuzzer (and clang's ASan/UBSan runtimes): try to link an empty fuzz target.
  bin=$(mktemp)
  if ! have_cmd clang || ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
      clang -fsanitize=fuzzer,address,undefined -x c - -o "$bin" >/dev/null 2>&1; then
    v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
    need="$need libclang-rt-${v:-14}-dev"
  fi
  rm -f "$bin"
fi
if [ "${1:-}" = bench ]; then
  # the references of `make bench`: NumPy and PyTorch, and GNU time for peak memory
  python3 -c 'import numpy' 2>/dev/null || need="$need python3-numpy"
  python3 -c 'import torch' 2>/dev/null || need="$need python3-torch"
  [ -x /usr/bin/time ] || need="$need time"
fi
if [ "${1:-}" = web ]; then
  have_cmd emcc || need="$need emscripten"
  have_cmd node || need="$need nodejs"
  have_cmd npm || need="$need npm"
  have_cmd chromium || need="$need chromium"
fi
if [ "${1:-}" = export ]; then
  # Debian's python3 by path: a python3 earlier on PATH (pyenv, a venv) lacks its modules
  for m in torch:python3-torch numpy:python3-numpy onnx:python3-onnx; do
    /usr/bin/python3 -c "import ${m%%:*}" 2>/dev/null || need="$need ${m#*:}"
  done
  have_cmd node || need="$need nodejs"
  have_cmd npm || need="$need npm"
fi
if [ "${1:-}" = jupyter ]; then
  # Debian's python3 by path, as for export
  for m in ipykernel:python3-ipykernel jupyter_client:python3-jupyter-client \
           nbformat:python3-nbformat nbclient:python3-nbclient nbconvert:jupyter-nbconvert; do
    /usr/bin/python3 -c "import ${m%%:*}" 2>/dev/null || need="$need ${m#*:}"
  done
  # the commands: `jupyter kernelspec list`, and `jupyter console --kernel nn` (a REPL
  # that asks the kernel whether an entry is complete)
  have_cmd jupyter-kernelspec || need="$need jupyter-client"
  have_cmd jupyter-console || need="$need jupyter-console"
fi
if [ -z "$need" ]; then
  echo "deps: everything the build needs is installed"
  exit 0
fi
echo "deps: installing$need"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif have_cmd sudo; then SUDO="sudo"; else
  echo "deps: not root and no sudo; install by hand: apt-get install$need" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
if ! $SUDO apt-get install -y -qq --no-install-recommends $need; then
  echo "deps: apt-get failed; install by hand: apt-get install$need" >&2
  exit 1
fi
