// nn-client.js — the page's side of nn-worker.js: the JS API of nn-api.js, with the
// interpreter in a Web Worker (a long training run never freezes the page) and Stop.
// A classic script (no imports), so the one-file playground can inline it; it defines
// window.NNClient.
//
//   const nn = NNClient.shared();                  // the page's one client (see below)
//   const nn = NNClient.start();                   // worker from ./nn-worker.js
//   const nn = NNClient.start({ workerSource, wasm }); // or from its text and nn.wasm as
//                                                  // base64 text (one-file page, embed)
//   await nn.ready;                                // {ms}: the module's load time
//   const r = await nn.run("softmax([1, 2, 3])");  // {ok, incomplete, stdout, stderr,
//                                                  //  figures: [svg…], files, ms}
//   nn.run(src, { name, echo, figures, repl,       // as nn-api.js's run, and:
//                 output: (stream, text) => …,     //   stdout (1) / stderr (2) as written
//                 live: (frame) => … });           //   each epoch of train(live = true);
//                                                  //   training waits while the page is
//                                                  //   more than 2 frames behind
//   nn.interrupt();                                // Stop: as Ctrl-C in a terminal
//   await nn.reset(); await nn.setLang("zh");
//   await nn.writeFile("data.csv", bytes);         // a file scripts can read
//   await nn.readFile("model.safetensors");        // Uint8Array (to offer a download)
//   await nn.listFiles();                          // [{name, size}]
//
// r.files lists the files the run created or changed (save, plot(file =), …).
"use strict";
(function (global) {
  function start(options = {}) {
    let worker;
    if (options.workerSource) {
      const url = URL.createObjectURL(new Blob([options.workerSource], { type: "text/javascript" }));
      worker = new Worker(url);
      // A worker made from text has no nn.wasm beside it: its first message is the wasm.
      worker.postMessage({ op: "wasm", base64: options.wasm });
    } else {
      worker = new Worker(options.workerUrl || "nn-worker.js");
    }
    let nextId = 1;
    const pending = new Map(); // id → {resolve, reject, output, live}
    let busy = 0;
    let readyResolve, readyReject;
    const ready = new Promise((res, rej) => { readyResolve = res; readyReject = rej; });

    worker.onmessage = (e) => {
      const m = e.data;
      if (m.event === "ready") { readyResolve({ ms: m.ms }); return; }
      if (m.event === "failed") { readyReject(new Error(m.error)); return; }
      const p = pending.get(m.id);
      if (!p) return;
      if (m.event === "output") { if (p.output) p.output(m.stream, m.text); return; }
      if (m.event === "live") {
        try {
          if (p.live) p.live(m.frame);
        } finally {
          worker.postMessage({ op: "liveDrawn", id: m.id }); // training waits for the page's drawing
        }
        return;
      }
      pending.delete(m.id);
      if (p.run) busy--;
      if ("error" in m) p.reject(new Error(m.error));
      else p.resolve(m.result);
    };
    worker.onerror = (e) => {
      const err = new Error(`nn worker: ${e.message || "failed to start"}`);
      readyReject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };

    function request(op, fields = {}, hooks = {}, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, ...hooks });
        worker.postMessage({ id, op, ...fields }, transfer);
      });
    }

    return {
      ready,
      run(source, opts = {}) {
        const { output, live, ...rest } = opts;
        const options = { ...rest, stream: !!output, live: !!live };
        busy++;
        return request("run", { source, options }, { output, live, run: true });
      },
      interrupt() { worker.postMessage({ op: "interrupt" }); },
      get busy() { return busy > 0; },
      reset() { return request("reset"); },
      setLang(lang) { return request("setLang", { lang }); },
      writeFile(name, bytes) {
        const copy = bytes instanceof Uint8Array ? bytes.slice() : new Uint8Array(bytes);
        return request("writeFile", { name, bytes: copy }, {}, [copy.buffer]);
      },
      readFile(name) { return request("readFile", { name }); },
      removeFile(name) { return request("removeFile", { name }); },
      listFiles() { return request("listFiles"); },
      terminate() { worker.terminate(); },
    };
  }
  // The page's one client, started on first call (from window.NN_WORKER_SOURCE and
  // NN_WASM_BASE64 when the one-file page defines them, else nn-worker.js, which loads
  // nn.wasm beside it): a page calls it as early as it can, in
  // its <head>, so the worker loads nn.wasm and the stdlib while the page itself loads.
  // A worker the browser refuses throws here, at every call.
  let shared = null, sharedError = null;
  function startShared() {
    if (!shared && !sharedError) {
      try {
        shared = start(global.NN_WORKER_SOURCE
          ? { workerSource: global.NN_WORKER_SOURCE, wasm: global.NN_WASM_BASE64 } : {});
        delete global.NN_WASM_BASE64; // the worker has its copy
      } catch (e) {
        sharedError = e;
      }
    }
    if (sharedError) throw sharedError;
    return shared;
  }
  global.NNClient = { start, shared: startShared };
})(typeof window !== "undefined" ? window : globalThis);
