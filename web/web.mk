# web/web.mk — the WebAssembly build (included by the Makefile; see web/README.md).
#   make deps-web        install Debian's emscripten when emcc is missing
#   make web             build/web/: nn.js + nn.wasm (browser), nn-api.js, index.html,
#                        build/web/node/nn.js (the same module for Node, host files) and
#                        build/web/node/nn (the command line on Node)
#   make test-web-node   the JS API's tests (tests/web/api.mjs) and the golden suite on
#                        the Node builds (tests/web/golden.mjs, tests/web/golden_cli.sh)
#   make test-web        test-web-node, then the page in headless Chromium
#                        (tests/web/browser.mjs, page_smoke.mjs, embed_smoke.mjs,
#                        bundle_smoke.mjs, worker_robust.mjs)
# The same C as ./nn, compiled by emcc: runtime/ without platform_posix.c (readline,
# dlopen, signals) but with web/platform_web.c in its place, interp/ without main.c, the
# generated parser, lexer, stdlib, help and catalogue from the native build folder (its
# generator tools run natively), and web/nn_web.c, the API's C side. No BLAS (the
# portable matmul kernel, as make BLAS=0), no threads, SIMD128 for the kernels; zlib is
# web/zlib/zlib.h, a stand-in over our own gzip reader, web/zlib/gunzip.c.

EMCC      ?= emcc
# Debian's emcc runs its JS tools with `node` and expects Debian's Node modules.
EMENV      = NODE_PATH=/usr/share/nodejs
WEB        = build/web
WEB_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 $(WARN) -Iweb/zlib -I. -Iruntime -Iinterp -I$(BUILD) \
             -DNN_NO_BLAS -msimd128
WEB_SRC    = $(filter-out runtime/platform_posix.c,$(RUNTIME_SRC)) web/platform_web.c \
             $(filter-out interp/main.c,$(INTERP_SRC)) web/nn_web.c web/zlib/gunzip.c
WEB_OBJ    = $(patsubst %.c,$(WEB)/obj/%.o,$(WEB_SRC)) \
             $(patsubst $(BUILD)/%.c,$(WEB)/obj/gen/%.o,$(GEN_SRC))
# The module: no main (JS calls the nn_web_* functions), memory that grows with the
# tensors, an 8 MiB C stack (interp_init checks recursion against half of it).
# Asyncify lets a long run give the event loop a turn (web_poll in nn_web.c), so a page's
# Stop reaches it; it costs about a third more code and slows the interpreter's own
# functions (measured: moons, 100 epochs, 132 ms without against 305 ms with).
WEB_LDFLAGS = -O2 --no-entry -sMODULARIZE=1 -sEXPORT_NAME=createNNModule \
              -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=8MB -sASYNCIFY -sASYNCIFY_STACK_SIZE=4194304 \
              -sEXPORTED_FUNCTIONS=_nn_web_init,_nn_web_run,_nn_web_reset,_nn_web_interrupt,_nn_web_set_home,_nn_web_set_lang,_nn_web_text,_nn_web_text_len,_nn_web_figures,_nn_web_figure,_malloc,_free \
              -sEXPORTED_RUNTIME_METHODS=ccall,UTF8ToString,stringToUTF8,lengthBytesUTF8,FS

.PHONY: deps-web web test-web-node test-web
deps-web:
	@sh tools/deps.sh web
	@if [ ! -e tests/web/node_modules/puppeteer-core/package.json ]; then \
	  echo "deps-web: npm ci in tests/web (puppeteer-core, to drive chromium)"; \
	  cd tests/web && npm ci --ignore-scripts --no-audit --no-fund; fi

web: $(WEB)/nn.js $(WEB)/node/nn.js $(WEB)/node/nn $(WEB)/nn-api.js $(WEB)/index.html \
     $(WEB)/nn-worker.js $(WEB)/nn-client.js

$(WEB)/obj/%.o: %.c $(BUILD)/parser.h $(BUILD)/lexer.h
	@mkdir -p $(dir $@)
	$(EMENV) $(EMCC) $(WEB_CFLAGS) -MMD -MP -c -o $@ $<
# Generated C, with the warnings the native rules also turn off for it.
$(WEB)/obj/gen/%.o: $(BUILD)/%.c $(BUILD)/parser.h $(BUILD)/lexer.h
	@mkdir -p $(dir $@)
	$(EMENV) $(EMCC) $(WEB_CFLAGS) -Wno-missing-prototypes -Wno-shadow -Wno-sign-compare \
	  -Wno-unused-function -Wno-overlength-strings -c -o $@ $<

# The page's module: nn.js loads nn.wasm beside it.
$(WEB)/nn.js: $(WEB_OBJ)
	$(EMENV) $(EMCC) $(WEB_LDFLAGS) -sENVIRONMENT=web,worker -o $@ $(WEB_OBJ)
# Node's: one file (the wasm inlined: no fetch of a file path under Node 20), and the
# host's file system (NODERAWFS), so scripts read and write files as ./nn does.
$(WEB)/node/nn.js: $(WEB_OBJ)
	@mkdir -p $(dir $@)
	$(EMENV) $(EMCC) $(WEB_LDFLAGS) -sENVIRONMENT=node -sNODERAWFS=1 -sSINGLE_FILE=1 -o $@ $(WEB_OBJ)
# The command line (interp/main.c) on Node, for the golden cases a .sh drives (options,
# stdin): build/web/node/nn runs it as ./nn would run. Exit status as ./nn's.
$(WEB)/node/nn-cli.js: $(filter-out $(WEB)/obj/web/nn_web.o,$(WEB_OBJ)) $(WEB)/obj/interp/main.o web/node_env.js
	$(EMENV) $(EMCC) -O2 -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=8MB -sEXIT_RUNTIME=1 \
	  -sENVIRONMENT=node -sNODERAWFS=1 -sSINGLE_FILE=1 --pre-js web/node_env.js -o $@ \
	  $(filter %.o,$^)
$(WEB)/node/nn: $(WEB)/node/nn-cli.js
	printf '#!/bin/sh\nexec node --no-experimental-fetch "$$(dirname "$$0")/nn-cli.js" "$$@"\n' > $@
	chmod +x $@
# The worker: the glue, the API (a classic script here: its `export` dropped) and the
# worker's message loop, in one classic script (web/nn-worker.js says why).
$(WEB)/nn-worker.js: $(WEB)/nn.js web/nn-api.js web/nn-worker.js
	{ cat $(WEB)/nn.js; sed 's/^export function createNN/function createNN/' web/nn-api.js; \
	  cat web/nn-worker.js; } > $@
$(WEB)/nn-client.js: web/nn-client.js
	@mkdir -p $(dir $@)
	cp $< $@
$(WEB)/nn-api.js: web/nn-api.js
	@mkdir -p $(dir $@)
	cp $< $@
$(WEB)/index.html: web/index.html
	@mkdir -p $(dir $@)
	cp $< $@

# --- live ---
# The live training view (web/live.js, web/live.css): plain files the page loads.
LIVE_WEB = $(WEB)/live.js $(WEB)/live.css
web: $(LIVE_WEB)
$(WEB)/live.js $(WEB)/live.css: $(WEB)/%: web/%
	@mkdir -p $(dir $@)
	cp $< $@

test-web-node: $(WEB)/node/nn.js $(WEB)/node/nn
	@node tests/web/api.mjs $(WEB)/node/nn.js > $(WEB)/api.log; st=$$?; \
	  grep -v '^PASS' $(WEB)/api.log; exit $$st
	@node tests/web/golden.mjs $(WEB)/node/nn.js < /dev/null
	@sh tests/web/golden_cli.sh $(WEB)/node/nn

# Everything of the web build: the Node tests above, then the page in headless Chromium
# (tests/web/browser.mjs; make deps-web installs chromium and puppeteer-core), which
# saves screenshots in build/web/screenshots/.
test-web: web
	@$(MAKE) --no-print-directory test-web-node
	@node tests/web/browser.mjs $(WEB)
	@for t in page_smoke embed_smoke bundle_smoke worker_robust; do \
	  node --no-experimental-fetch tests/web/$$t.mjs $(WEB) > $(WEB)/$$t.log 2>&1; st=$$?; \
	  grep -v '^PASS' $(WEB)/$$t.log; [ $$st = 0 ] || { echo "FAIL tests/web/$$t.mjs"; exit 1; }; done

-include $(shell find $(WEB)/obj -name '*.d' 2>/dev/null)

# --- page ---
# The playground page (web/index.html, copied above): its style and script, and
# examples.js, every script of examples/ and examples/tutorial/ with the data files they
# read, generated so the page (and the one-file page) needs no fetch.
PAGE = $(WEB)/playground.css $(WEB)/playground.js $(WEB)/examples.js
web: $(PAGE)
$(WEB)/playground.css $(WEB)/playground.js: $(WEB)/%: web/%
	@mkdir -p $(dir $@)
	cp $< $@
$(WEB)/examples.js: web/gen-examples.mjs $(wildcard examples/*.nn examples/tutorial/*.nn examples/data/*)
	@mkdir -p $(dir $@)
	node --no-experimental-fetch web/gen-examples.mjs examples > $@.tmp && mv $@.tmp $@

# --- one-file and embed ---
# nn-playground.html: the page in one file (web/bundle.mjs inlines what index.html
# references, the worker's text and nn.wasm as base64 text, which the page sends the
# worker: see web/nn-worker.js), to open from disk with no server.
# Its prerequisites are the files index.html references, read from it, so a file the
# page gains is rebuilt first; bundle.mjs refuses one that is missing or remote.
ONEFILE_REFS = $(addprefix $(WEB)/,$(filter-out http:% https:% //% data:%,\
  $(shell grep -o '<\(link\|script\)\b[^>]*>' web/index.html | \
          sed -n 's/.*\b\(href\|src\)="\([^"]*\)".*/\2/p')))
# nn-embed.js: the one script a course page adds (web/embed.js, after nn-client.js, the
# worker's text and, once they exist, the live view's renderer and style).
EMBED_IN = web/nn-client.js $(wildcard web/live.css web/live.js) web/embed.js
web: $(WEB)/nn-playground.html $(WEB)/nn-embed.js $(WEB)/course-sample.html
$(WEB)/nn-playground.html: web/bundle.mjs $(WEB)/index.html $(WEB)/nn-worker.js $(ONEFILE_REFS)
	node --no-experimental-fetch web/bundle.mjs page --wasm $(WEB)/nn.wasm $(WEB)/index.html $(WEB)/nn-worker.js $@
$(WEB)/nn-embed.js: web/bundle.mjs $(WEB)/nn-worker.js $(EMBED_IN)
	node --no-experimental-fetch web/bundle.mjs embed --wasm $(WEB)/nn.wasm $@ $(WEB)/nn-worker.js $(EMBED_IN)
$(WEB)/course-sample.html: web/course-sample.html
	@mkdir -p $(dir $@)
	cp $< $@
