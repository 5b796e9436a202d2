# Makefile — builds ./nn; see README.md. Generated files go to build/ and are not committed.
#   make            build ./nn (-O2, warnings are errors)
#   make deps       install missing build dependencies from Debian (apt-get)
#   make test       the whole suite; ends with "N passed, N failed"
#   make asan       the suite under AddressSanitizer + UBSan (separate build in build/asan)
#   make valgrind   golden tests under valgrind --leak-check=full (block cache off)
#   make bench      start-up, small-op loop and training epochs (MLP, CNN) against
#                   NumPy/PyTorch, with peak memory (make deps-bench installs them)
#   make fuzz       libFuzzer harnesses (tests/fuzz/) for FUZZ_SECONDS (60) each, clang with
#                   ASan+UBSan in build/fuzz; replays tests/fuzz/regress/ first
#                   (make fuzz-deps installs clang and libFuzzer)
#   make test-export the tests of ONNX export/import, --to-torch and NumPy files against
#                   PyTorch, NumPy and ONNX Runtime (make deps-export installs them)
#   make install PREFIX=/usr/local ; make clean
#   make BLAS=0     build without CBLAS (portable matmul kernel only)
#   make CC=clang   build ./nn with clang (objects in build/clang; both are warning-free)
#   make jupyter    install the Jupyter kernel "nn" for the user (jupyter/; a copy of ./nn)
#   make test-jupyter the kernel through jupyter_client, and notebooks executed headlessly
#                   (make deps-jupyter installs Debian's ipykernel, jupyter_client, nbconvert)
#   make web        the WebAssembly build in build/web (make deps-web installs emscripten;
#                   make test-web-node runs the goldens through it): web/web.mk

CC      ?= cc
PREFIX  ?= /usr/local
BLAS    ?= 1
ifeq ($(BLAS),0)
BUILD   ?= build/noblas
endif
# Each compiler builds into its own folder (`make CC=clang` does not reuse gcc objects).
ifneq ($(filter clang%,$(notdir $(CC))),)
BUILD   ?= build/clang
endif
BUILD   ?= build
OPT     ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -I. -Iruntime -Iinterp -I$(BUILD) -pthread
LDLIBS   = -lreadline -lz -lm -ldl -pthread
ifeq ($(BLAS),0)
CFLAGS  += -DNN_NO_BLAS
endif
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

RUNTIME_SRC = $(wildcard runtime/*.c)
INTERP_SRC  = $(wildcard interp/*.c)
STDLIB_NN   = $(sort $(wildcard stdlib/*.nn))
HELP_MD     = $(sort $(wildcard docs/help/*.md))
PO          = $(sort $(wildcard po/*.po))
GEN_SRC     = $(BUILD)/parser.c $(BUILD)/lexer.c $(BUILD)/stdlib_embed.c $(BUILD)/help_embed.c \
              $(BUILD)/catalog_zh.c $(BUILD)/torch_embed.c
# The runtime includes the message catalogue (runtime/i18n.c and its generated table).
RUNTIME_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(RUNTIME_SRC)) $(BUILD)/catalog_zh.o
OBJ = $(RUNTIME_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(INTERP_SRC)) \
      $(BUILD)/parser.o $(BUILD)/lexer.o $(BUILD)/stdlib_embed.o $(BUILD)/help_embed.o \
      $(BUILD)/torch_embed.o
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))

.PHONY: all deps deps-bench test asan valgrind bench install clean units
all: nn

# ./nn is relinked whenever the last one came from another build folder (another CC).
ifneq ($(shell cat build/.nn-from 2>/dev/null),$(BUILD))
.PHONY: nn
endif
nn: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)
	@mkdir -p build && echo '$(BUILD)' > build/.nn-from

$(BUILD)/%.o: %.c | $(BUILD)/dirs
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/dirs:
	@mkdir -p $(BUILD)/runtime $(BUILD)/interp $(BUILD)/unit $(BUILD)/tools
	@touch $@

# bison writes the parser and its header; the lexer includes the header.
$(BUILD)/parser.c $(BUILD)/parser.h &: grammar/parser.y | $(BUILD)/dirs
	bison -Wall -Werror --defines=$(BUILD)/parser.h -o $(BUILD)/parser.c $<
$(BUILD)/lexer.c $(BUILD)/lexer.h &: grammar/lexer.l $(BUILD)/parser.h | $(BUILD)/dirs
	flex --header-file=$(BUILD)/lexer.h -o $(BUILD)/lexer.c $<
# Generated C is compiled without the warnings flex/bison code trips over.
$(BUILD)/parser.o: $(BUILD)/parser.c $(BUILD)/lexer.h
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-shadow -c -o $@ $<
$(BUILD)/lexer.o: $(BUILD)/lexer.c $(BUILD)/parser.h
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-shadow -Wno-sign-compare -Wno-unused-function -c -o $@ $<
$(patsubst %.c,$(BUILD)/%.o,$(INTERP_SRC)): $(BUILD)/parser.h $(BUILD)/lexer.h

# stdlib/*.nn is embedded as C strings (like jq's builtin.jq → builtin.inc).
$(BUILD)/tools/embed: tools/embed.c | $(BUILD)/dirs
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<
$(BUILD)/stdlib_embed.c: $(BUILD)/tools/embed $(STDLIB_NN)
	$(BUILD)/tools/embed $(STDLIB_NN) > $@.tmp && mv $@.tmp $@
$(BUILD)/stdlib_embed.o: $(BUILD)/stdlib_embed.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-overlength-strings -c -o $@ $<
# docs/help/*.md (the help texts, one file per language) the same way: nn_help_files.
$(BUILD)/help_embed.c: $(BUILD)/tools/embed $(HELP_MD)
	$(BUILD)/tools/embed -a nn_help_files $(HELP_MD) > $@.tmp && mv $@.tmp $@
$(BUILD)/help_embed.o: $(BUILD)/help_embed.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-overlength-strings -c -o $@ $<
# interp/totorch_prelude.py (the Python half of nn --to-torch) the same way: nn_torch_files.
$(BUILD)/torch_embed.c: $(BUILD)/tools/embed interp/totorch_prelude.py
	$(BUILD)/tools/embed -a nn_torch_files interp/totorch_prelude.py > $@.tmp && mv $@.tmp $@
$(BUILD)/torch_embed.o: $(BUILD)/torch_embed.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-overlength-strings -c -o $@ $<

# po/zh.po (the Chinese messages) becomes a sorted C table (tools/po2c.c says why not libintl).
$(BUILD)/tools/po2c: tools/po2c.c | $(BUILD)/dirs
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<
$(BUILD)/catalog_zh.c: $(BUILD)/tools/po2c po/zh.po
	$(BUILD)/tools/po2c nn_catalog_zh po/zh.po > $@.tmp && mv $@.tmp $@
$(BUILD)/catalog_zh.o: $(BUILD)/catalog_zh.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# C unit tests link the runtime only (runtime never includes interp headers).
$(BUILD)/unit/%: tests/unit/%.c tests/unit/check.h $(RUNTIME_OBJ) | $(BUILD)/dirs
	$(CC) $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(LDLIBS)
# The WebAssembly build's gzip reader (web/zlib/gunzip.c, used in place of zlib there) is
# plain C, tested natively against files made by Python's zlib.
$(BUILD)/unit/test_gunzip: tests/unit/test_gunzip.c tests/unit/check.h web/zlib/gunzip.c \
                           web/zlib/gunzip.h $(RUNTIME_OBJ) | $(BUILD)/dirs
	$(CC) $(CFLAGS) -o $@ tests/unit/test_gunzip.c web/zlib/gunzip.c $(RUNTIME_OBJ) $(LDLIBS)
# Embedding tests drive the whole interpreter as a front end does (interp_init, interp_run,
# the platform seam): every object but main.o. Their binaries run with the unit tests.
EMBED_SRC = $(wildcard tests/embed/*.c)
EMBED_BIN = $(patsubst tests/embed/%.c,$(BUILD)/unit/%,$(EMBED_SRC))
LIB_OBJ   = $(filter-out $(BUILD)/interp/main.o,$(OBJ))
$(EMBED_BIN): $(BUILD)/unit/%: tests/embed/%.c tests/unit/check.h $(LIB_OBJ) | $(BUILD)/dirs
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(LDLIBS)
units: $(UNIT_BIN) $(EMBED_BIN) $(BUILD)/tools/ptyrun
# The figure model and its renderers link with the runtime and StrBuf alone: they know
# nothing of the interpreter (linking the renderers here checks that they stay so).
FIGURE_OBJ = $(patsubst %,$(BUILD)/interp/%.o,figure plot_text plot_svg strbuf)
$(BUILD)/unit/test_figure: tests/unit/test_figure.c tests/unit/check.h $(RUNTIME_OBJ) $(FIGURE_OBJ) | $(BUILD)/dirs
	$(CC) $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(FIGURE_OBJ) $(LDLIBS)

# The pseudo-terminal driver of the REPL tests: plain C and -lutil, no expect or python.
$(BUILD)/tools/ptyrun: tests/tools/ptyrun.c | $(BUILD)/dirs
	$(CC) -std=c11 -O1 -g -Wall -Wextra -Werror -o $@ $< -lutil

deps:
	@sh tools/deps.sh

# make data: Fashion-MNIST for fashion_mnist(), from Debian's dataset-fashion-mnist.
.PHONY: data
data:
	@if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then \
	  echo "data: Fashion-MNIST is in /usr/share/datasets/fashion-mnist"; \
	else SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dataset-fashion-mnist; fi

test: nn units
	@NN=./nn BUILD=$(BUILD) sh tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g $(SAN)" nn-asan
nn-asan: $(OBJ) $(UNIT_BIN) $(EMBED_BIN) $(BUILD)/tools/ptyrun
	$(CC) $(CFLAGS) -o $(BUILD)/nn $(OBJ) $(LDLIBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  NN=$(BUILD)/nn BUILD=$(BUILD) NN_SANITIZED=1 sh tests/run.sh

valgrind: nn
	@NN=./nn BUILD=$(BUILD) NN_VALGRIND=1 sh tests/run.sh golden

# make test-export: the tests of issue 12 that need Python (torch, numpy, onnx) and Node
# (onnxruntime-node): ONNX export and import, --to-torch, NumPy files (tests/export/).
# make deps-export installs them (Debian packages, then npm ci in tests/export).
.PHONY: test-export deps-export
test-export: nn
	@NN=./nn sh tests/export/run.sh
deps-export:
	@sh tools/deps.sh export
	@if [ ! -e tests/export/node_modules/onnxruntime-node/package.json ]; then \
	  echo "deps-export: npm ci in tests/export (onnxruntime-node, its CPU build)"; \
	  cd tests/export && npm ci --ignore-scripts --no-audit --no-fund; fi

# make jupyter: the kernelspec "nn" for the user (JUPYTER_DATA_DIR if set), holding the
# wrapper kernel jupyter/nn_kernel.py, the logos and a copy of ./nn (README, "In Jupyter").
.PHONY: jupyter deps-jupyter test-jupyter
jupyter: nn
	@/usr/bin/python3 jupyter/install.py ./nn
deps-jupyter:
	@sh tools/deps.sh jupyter
test-jupyter: nn
	@NN=./nn sh tests/jupyter/run.sh

bench: nn
	@sh tests/bench.sh
deps-bench:
	sh tools/deps.sh bench

# make fuzz: the harnesses tests/fuzz/fuzz_*.c linked with the project's objects rebuilt
# by clang with -fsanitize=fuzzer-no-link,address,undefined (main.c left out), then
# tests/fuzz/run.sh. Warnings are errors here too, as in every build.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_NAMES    = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJ      = $(filter-out $(BUILD)/interp/main.o,$(OBJ))
.PHONY: fuzz fuzz-build fuzz-bins fuzz-deps
fuzz: fuzz-build
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(FUZZ_CC) \
	  OPT="-O1 -g $(SAN) -fsanitize=fuzzer-no-link" fuzz-bins
fuzz-bins: $(patsubst %,$(BUILD)/bin/%,$(FUZZ_NAMES))
$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(BUILD)/bin
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)
fuzz-deps:
	@sh tools/deps.sh fuzz

install: nn
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 nn $(DESTDIR)$(PREFIX)/bin/nn

clean:
	rm -rf build nn

include web/web.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# make gemm-bench: nn's own gemm against OpenBLAS (SkylakeX kernels unless
# OPENBLAS_CORETYPE says otherwise) and the naive kernel, in GFLOP/s, on the MLP's and
# CNN's products, with 1 and then 2 threads (tests/bench/gemm_bench.c; GEMM_BENCH_ARGS=-4
# for all four transposes of every shape).
.PHONY: gemm-bench
$(BUILD)/bench/gemm_bench: tests/bench/gemm_bench.c $(RUNTIME_OBJ) | $(BUILD)/dirs
	@mkdir -p $(BUILD)/bench
	$(CC) $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(LDLIBS)
gemm-bench: $(BUILD)/bench/gemm_bench
	@for t in 1 2; do OPENBLAS_CORETYPE=$${OPENBLAS_CORETYPE:-SkylakeX} NN_THREADS=$$t \
	  OPENBLAS_NUM_THREADS=$$t $(BUILD)/bench/gemm_bench $(GEMM_BENCH_ARGS) || exit 1; done
