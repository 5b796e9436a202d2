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
// run); run returns a Promise so a later version can move the module to a worker. The
// run's callbacks ({ output, live }) must not throw: one that does stops the run, and
// run() rejects with its error.

const ECHO = 1, TEXT_PLOTS = 2, REPL = 4; // nn_web_run's flags (web/nn_web.h)

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
    if (running) throw new Error("nn: a run is going (interrupt() it and await it first)");
  }

  let queue = Promise.resolve(), running = false;
  async function runNow(source, { name = "<input>", echo = true, figures = true, live = null,
                                   output = null, repl = false } = {}) {
    await ready;
    running = true;
    try {
      return await runOnce(source, name, echo, figures, live, output, repl);
    } finally {
      running = false;
    }
  }
  async function runOnce(source, name, echo, figures, live, output, repl) {
    if (broken) return { ok: false, stdout: "", stderr: broken, figures: [] };
    // A string is encoded as UTF-8; bytes (a Uint8Array, e.g. a file's) go as they are,
    // so a NUL byte or invalid UTF-8 is reported as `nn FILE` reports it.
    const bytes = typeof source === "string" ? encoder.encode(source) : source;
    const pn = cString(String(name)), ps = M._malloc(bytes.length + 1);
    M.HEAPU8.set(bytes, ps);
    M.HEAPU8[ps + bytes.length] = 0;
    let status, thrown = null;
    // A callback that throws must not unwind through the C code (that would leave the
    // module in a broken state): the run is stopped at once, as a second Stop stops it,
    // later callbacks are skipped, and run() rejects with the callback's error.
    const guard = (f) => (...args) => {
      if (thrown) return;
      try {
        f(...args);
      } catch (e) {
        thrown = { error: e };
        M._nn_web_interrupt();
        M._nn_web_interrupt();
      }
    };
    // live(frame): each epoch of a train(..., live = true), the frame parsed (interp/live.c).
    M.onLive = live ? guard((json) => live(JSON.parse(json))) : null;
    // output(stream, text): each piece of stdout (1) and stderr (2) as it is written.
    M.onOutput = output ? guard(output) : null;
    const flags = (echo ? ECHO : 0) | (figures ? 0 : TEXT_PLOTS) | (repl ? REPL : 0);
    try {
      // Asyncify: the run may give the event loop a turn (so interrupt() can reach
      // it); ccall's async mode returns a Promise of the status then.
      status = await M.ccall("nn_web_run", "number", ["number", "number", "number", "number"],
                             [pn, ps, bytes.length, flags],
                             { async: true });
    } catch (e) {
      // The C code stopped mid-run (a wasm trap): its state cannot be trusted any more.
      broken = `nn: internal error: the WebAssembly module stopped (${e && e.message || e}); reload the page\n`;
      return { ok: false, stdout: "", stderr: broken, figures: [] };
    } finally {
      M.onLive = M.onOutput = null;
      M._free(pn);
      M._free(ps);
    }
    if (thrown) throw thrown.error;
    const svgs = [];
    for (let i = 0, n = M._nn_web_figures(); i < n; i++) svgs.push(M.UTF8ToString(M._nn_web_figure(i)));
    return { ok: status === 0, incomplete: status === 2, stdout: text(1), stderr: text(2), figures: svgs };
  }

  const api = {
    ready,
    // One run at a time: a run that starts while another is suspended waits its turn.
    run(source, options = {}) {
      const turn = queue.then(() => runNow(source, options));
      queue = turn.catch(() => {});
      return turn;
    },
    // Stop the running run as Ctrl-C does in a terminal: train ends after its current step
    // keeping its weights (and returns its history); anything else stops with
    // "interrupted". A second call stops even train at once. Nothing when no run is going.
    interrupt() {
      if (M && running && !broken) M._nn_web_interrupt();
    },
    // The emscripten module itself (its FS, for the worker's files); null before ready.
    module() { return M; },
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
