// nn-worker.js — the interpreter in a Web Worker, so a page never freezes while nn runs.
// `make web` builds build/web/nn-worker.js as: nn.js (emscripten's glue, defining
// createNNModule) + nn-api.js (createNN, its `export` dropped) + this file. The page
// talks to it through nn-client.js; the protocol, one message each way per request:
//
//   page → worker  {id, op, ...}       op: run {source, options}, reset, setLang {lang},
//                                       writeFile {name, bytes}, readFile {name},
//                                       listFiles, removeFile {name}
//                  {op: "interrupt"}   handled at once, even while a run is going (the
//                                       run gives the event loop a turn every 50 ms)
//   worker → page  {id, result} or {id, error}
//                  {id, event: "output", stream: 1|2, text}   while a run writes
//                  {id, event: "live", frame}                 train(..., live = true)
//                  {event: "ready", ms} once, {event: "failed", error} if loading failed
//
// Requests other than interrupt are served one at a time, in order. Files live in the
// module's in-memory file system, in its working folder (/home/web_user): the files a
// page gives (writeFile) are read there by scripts; a run's result lists the files it
// created or changed there (files: [{name, size}]) so the page can offer them.
/* global createNNModule, createNN */
"use strict";

const HOME = "/home/web_user";
const started = Date.now();
// moduleOptions: a single-file build has the wasm inlined; otherwise nn.wasm sits beside
// this script (the glue finds it through the script's own URL).
const nn = createNN(createNNModule, { print: () => {}, printErr: () => {} });
let FS = null;

nn.ready.then(
  () => {
    FS = nn.module().FS;
    try { FS.mkdirTree(HOME); } catch (e) { /* exists */ }
    FS.chdir(HOME);
    postMessage({ event: "ready", ms: Date.now() - started });
  },
  (e) => postMessage({ event: "failed", error: String(e && e.message || e) }),
);

// The regular files of the working folder: name → "size:mtime".
function snapshot() {
  const seen = new Map();
  for (const name of FS.readdir(HOME)) {
    if (name === "." || name === "..") continue;
    const st = FS.stat(HOME + "/" + name);
    if (FS.isFile(st.mode)) seen.set(name, { size: st.size, stamp: `${st.size}:${+st.mtime}` });
  }
  return seen;
}

// Output pieces are sent in batches (a training run writes many small pieces), at most
// every 30 ms and always before the run's result.
function outputBatcher(id) {
  let pending = [], last = 0;
  function flush() {
    if (!pending.length) return;
    // merge neighbouring pieces of the same stream
    const merged = [];
    for (const [stream, text] of pending) {
      const top = merged[merged.length - 1];
      if (top && top.stream === stream) top.text += text;
      else merged.push({ stream, text });
    }
    for (const m of merged) postMessage({ id, event: "output", stream: m.stream, text: m.text });
    pending = [];
    last = performance.now();
  }
  return {
    add(stream, text) {
      pending.push([stream, text]);
      if (performance.now() - last > 30) flush();
    },
    flush,
  };
}

async function handle(msg) {
  await nn.ready;
  const { id, op } = msg;
  switch (op) {
    case "run": {
      const options = { ...(msg.options || {}) };
      const out = outputBatcher(id);
      if (options.stream) options.output = (stream, text) => out.add(stream, text);
      if (options.live) options.live = (frame) => { out.flush(); postMessage({ id, event: "live", frame }); };
      delete options.stream;
      const before = snapshot(), t0 = performance.now();
      const r = await nn.run(msg.source, options);
      out.flush();
      r.ms = performance.now() - t0;
      r.files = [];
      for (const [name, f] of snapshot())
        if (!before.has(name) || before.get(name).stamp !== f.stamp) r.files.push({ name, size: f.size });
      return r;
    }
    case "reset": nn.reset(); return true;
    case "setLang": return nn.setLang(msg.lang);
    case "writeFile": {
      const name = String(msg.name).replace(/^.*[\\/]/, ""); // a plain name in the folder
      FS.writeFile(HOME + "/" + name, new Uint8Array(msg.bytes));
      return name;
    }
    case "readFile": return FS.readFile(HOME + "/" + String(msg.name).replace(/^.*[\\/]/, ""));
    case "removeFile": FS.unlink(HOME + "/" + String(msg.name).replace(/^.*[\\/]/, "")); return true;
    case "listFiles": return [...snapshot()].map(([name, f]) => ({ name, size: f.size }));
    default: throw new Error(`nn worker: unknown request '${op}'`);
  }
}

let queue = Promise.resolve();
onmessage = (e) => {
  const msg = e.data || {};
  if (msg.op === "interrupt") { nn.interrupt(); return; }
  queue = queue.then(() => handle(msg)).then(
    (result) => postMessage({ id: msg.id, result },
                            result instanceof Uint8Array ? [result.buffer] : []),
    (err) => postMessage({ id: msg.id, error: String(err && err.message || err) }),
  );
};
