// nn-api.js — the JS API of nn in the browser (and under Node): one interpreter per page,
// the C core compiled to WebAssembly (build/web/nn.js + nn.wasm, made by `make web`).
//
//   import { createNN } from "./nn-api.js";   // source: a string, or UTF-8 bytes (Uint8Array)
//   const nn = createNN(createNNModule);   // the factory nn.js defines (Node: require it)
//   await nn.ready;
//   const r = await nn.run("softmax([1, 2, 3])");
//   // r = { ok: true, stdout: "[0.0900306, 0.244728, 0.665241]\n", stderr: "", figures: [] }
//   nn.setLang("zh"); nn.reset();
//
// Definitions persist from one run to the next, as in the REPL, until nn.reset(). Each
// expression statement's value is echoed (as the REPL and `nn -e` do) unless the run
// says { echo: false } (as `nn FILE.nn`). A plot without file = is not drawn as text:
// its SVG document is one of the run's figures (with { figures: false } plots are drawn
// as text on stdout, as in a terminal). Messages name the source "<input>", or
// { name } when given. Runs are synchronous inside (the page waits for a long training
// run); run returns a Promise so a later version can move the module to a worker.

const ECHO = 1, TEXT_PLOTS = 2; // nn_web_run's flags (web/nn_web.h)

export function createNN(factory, moduleOptions = {}) {
  let M = null;
  let broken = null; // set when the module trapped (stack overflow, out of memory)
  const decoder = new TextDecoder("utf-8"), encoder = new TextEncoder();

  const ready = Promise.resolve(factory(moduleOptions)).then((mod) => {
    M = mod;
    M._nn_web_init();
    return api;
  });

  // A JS string as a NUL-terminated UTF-8 copy in the module's memory (free it after).
  function cString(s) {
    const n = M.lengthBytesUTF8(s) + 1;
    const p = M._malloc(n);
    M.stringToUTF8(s, p, n);
    return p;
  }
  function text(stream) {
    const p = M._nn_web_text(stream), n = M._nn_web_text_len(stream);
    return decoder.decode(M.HEAPU8.subarray(p, p + n));
  }
  function withString(s, f) {
    const p = cString(s);
    try { return f(p); } finally { M._free(p); }
  }
  function need() {
    if (!M) throw new Error("nn: not ready yet (await nn.ready first)");
  }

  const api = {
    ready,
    async run(source, { name = "<input>", echo = true, figures = true } = {}) {
      await ready;
      if (broken) return { ok: false, stdout: "", stderr: broken, figures: [] };
      // A string is encoded as UTF-8; bytes (a Uint8Array, e.g. a file's) go as they are,
      // so a NUL byte or invalid UTF-8 is reported as `nn FILE` reports it.
      const bytes = typeof source === "string" ? encoder.encode(source) : source;
      const pn = cString(String(name)), ps = M._malloc(bytes.length + 1);
      M.HEAPU8.set(bytes, ps);
      M.HEAPU8[ps + bytes.length] = 0;
      let status;
      try {
        status = M._nn_web_run(pn, ps, bytes.length, (echo ? ECHO : 0) | (figures ? 0 : TEXT_PLOTS));
      } catch (e) {
        // The C code stopped mid-run (a wasm trap): its state cannot be trusted any more.
        broken = `nn: internal error: the WebAssembly module stopped (${e && e.message || e}); reload the page\n`;
        return { ok: false, stdout: "", stderr: broken, figures: [] };
      } finally {
        M._free(pn);
        M._free(ps);
      }
      const svgs = [];
      for (let i = 0, n = M._nn_web_figures(); i < n; i++) svgs.push(M.UTF8ToString(M._nn_web_figure(i)));
      return { ok: status === 0, stdout: text(1), stderr: text(2), figures: svgs };
    },
    // A fresh interpreter: every earlier definition is forgotten (the language stays).
    reset() {
      need();
      if (!broken) M._nn_web_reset();
    },
    // "en" or "zh": messages and help in that language; false for an unknown language.
    setLang(lang) {
      need();
      return withString(String(lang), (p) => M._nn_web_set_lang(p) === 1);
    },
  };
  return api;
}
