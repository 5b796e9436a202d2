// nn-worker.js — the interpreter in a Web Worker, so a page never freezes while nn runs.
// `make web` builds build/web/nn-worker.js as: nn.js (emscripten's glue, defining
// createNNModule) + nn-api.js (createNN, its `export` dropped) + this file. The page
// talks to it through nn-client.js; the protocol, one message each way per request:
//
//   page → worker  {op: "wasm", base64}  first, to a worker made from text (see below)
//                  {id, op, ...}       op: run {source, options}, reset, setLang {lang},
//                                       writeFile {name, bytes}, readFile {name},
//                                       listFiles, removeFile {name}
//                  {op: "interrupt"}   handled at once, even while a run is going (the
//                                       run gives the event loop a turn every 50 ms)
//                  {op: "liveDrawn", id}  the page drew a frame of run id (sent after each
//                                       one): training waits while the page is 2 frames
//                                       behind
//   worker → page  {id, result} or {id, error}
//                  {id, event: "output", stream: 1|2, text}   while a run writes
//                  {id, event: "live", frame}                 train(..., live = true)
//                  {event: "ready", ms} once, {event: "failed", error} if loading failed
//
// Requests other than interrupt are served one at a time, in order. Files live in the
// module's in-memory file system, in its working folder (/home/web_user, set by
// web/nn_web.c): the files a page gives (writeFile; a relative path like data/iris.csv
// keeps its folder) are read there by scripts, and fashion_mnist() looks there; a run's
// result lists the files it created or changed there (files: [{name, size}]) so the
// page can offer them.
/* global createNNModule, createNN */
"use strict";

const HOME = "/home/web_user"; // the working folder (nn_web_set_home in web/nn_web.c)
const started = Date.now();
// nn.wasm sits beside this script (the glue finds it through the script's own URL and
// compiles it as it downloads), except for a worker made from text (a blob: URL: the
// one-file page, the embed script): its page sends nn.wasm, gzipped, as base64 text, in
// the first message {op: "wasm", base64} (nn-client.js, given `wasm`), and the module
// starts then.
let giveWasm = null;
const pageWasm = self.location.protocol === "blob:" ? new Promise((r) => { giveWasm = r; }) : null;
const nn = createNN(pageWasm ? (options) => pageWasm.then((w) => createNNModule({ ...options, ...wasmOptions(w) }))
                             : createNNModule,
                    { print: () => {}, printErr: () => {} });
let FS = null;

nn.ready
  .then(() => {
    const M = nn.module();
    FS = M.FS;
    FS.mkdirTree(HOME);
    const err = M.ccall("nn_web_set_home", "number", ["string"], [HOME]);
    if (err) throw new Error(`nn worker: cannot work in ${HOME} (errno ${err})`);
    postMessage({ event: "ready", ms: Date.now() - started });
  })
  .catch(async (e) => postMessage({ event: "failed", error: await loadFailure(e) }));

// emscripten's instantiateWasm hook for the wasm the page sent: nn.wasm gzipped (a third
// of its size: the page's HTML parser reads it as text, 0.2 to 0.6 s for 2.2 MB of base64
// on a loaded 2-core machine), decoded by the browser's own base64 decoder where there is
// one and compiled as it is inflated. emscripten's -sSINGLE_FILE, used before, decoded in
// a JS loop inside the glue, with the wasm a 2.2 MB string literal the worker had to parse
// first: most of the one-file page's second. Failures are the page's to hear (the glue
// would not, and nn.ready would wait for ever).
function wasmOptions({ base64 }) {
  return {
    instantiateWasm(imports, receive) {
      Promise.resolve().then(() => instantiateText(base64, imports))
        .then((r) => receive(r.instance, r.module))
        .catch((e) => postMessage({ event: "failed", error: `nn worker: nn.wasm did not load (${e && e.message || e})` }));
      return {}; // the exports come later, through receive
    },
  };
}
function instantiateText(base64, imports) {
  const wasm = new Response(new Blob([decodeBase64(base64)]).stream().pipeThrough(new DecompressionStream("gzip")),
                            { headers: { "Content-Type": "application/wasm" } });
  return typeof WebAssembly.instantiateStreaming === "function"
    ? WebAssembly.instantiateStreaming(wasm, imports)
    : wasm.arrayBuffer().then((bytes) => WebAssembly.instantiate(bytes, imports));
}
function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const binary = atob(text), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Why the module did not load, in words the person hosting the page can act on: for a
// missing nn.wasm, emscripten's own message is a CompileError about an empty buffer.
async function loadFailure(e) {
  const why = String(e && e.message || e).replace(/ Build with -s ASSERTIONS=1 for more info\.?$/, "");
  // Only a worker loaded from its own URL fetches nn.wasm (the one-file page's worker
  // comes from a blob: URL with the wasm inside).
  if (!/^https?:$/.test(self.location.protocol)) return why;
  const url = new URL("nn.wasm", self.location.href).href;
  try {
    const r = await fetch(url, { method: "HEAD", credentials: "same-origin" });
    if (r.status === 404 || r.status === 403 || r.status === 410)
      return `${url} could not be loaded (HTTP ${r.status}): nn.wasm must sit beside nn-worker.js`;
  } catch (f) {
    return `${url} could not be loaded (${f && f.message || f})`;
  }
  return why;
}

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
// every 30 ms and always before the run's result. A piece that waits is sent by a timer
// (the run gives the event loop a turn every 50 ms), not only by the next piece: a line
// printed before a long silent computation shows while it runs.
function outputBatcher(id) {
  let pending = [], last = 0, timer = null;
  function flush() {
    clearTimeout(timer);
    timer = null;
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
      else if (!timer) timer = setTimeout(flush, 30);
    },
    flush,
  };
}

// A live frame's long number lists (the grid's outputs, the points) as Float32Arrays whose
// buffers are transferred, not cloned: a frame per epoch stays cheap (cloning 4608-number
// arrays cost milliseconds a frame in Chromium). null (a non-finite number) becomes NaN.
function packFrame(frame) {
  const transfer = [];
  const pack = (list) => {
    const a = new Float32Array(list.length);
    for (let i = 0; i < list.length; i++) a[i] = list[i] === null ? NaN : list[i];
    transfer.push(a.buffer);
    return a;
  };
  if (frame.grid) frame.grid.p = pack(frame.grid.p);
  if (frame.points) {
    frame.points.x = pack(frame.points.x);
    frame.points.label = pack(frame.points.label);
  }
  return transfer;
}

// emscripten's file system errors all say "FS error"; the ones a page meets, in words.
const FS_ERRORS = { 2: "permission denied", 20: "it exists", 31: "it is a folder", 44: "no such file",
                    54: "a part of its path is a file, not a folder", 55: "the folder is not empty",
                    63: "permission denied" };
function fileOp(what, name, f) {
  try {
    return f();
  } catch (e) {
    if (e && typeof e.errno === "number")
      throw new Error(`nn worker: cannot ${what} '${name}': ${FS_ERRORS[e.errno] || `error ${e.errno}`}`);
    throw e;
  }
}

// A relative path inside the working folder ("data/iris.csv" stays so: an example's data
// file keeps its folder); "..", "." and empty parts are dropped, so no name escapes it.
function inside(name) {
  const rel = String(name).split(/[\\/]+/).filter((p) => p && p !== "." && p !== "..").join("/");
  if (!rel) throw new Error(`nn worker: '${name}' is not a file name`);
  return rel;
}

async function handle(msg) {
  await nn.ready;
  const { id, op } = msg;
  switch (op) {
    case "run": {
      const options = { ...(msg.options || {}) };
      const out = outputBatcher(id);
      if (options.stream) options.output = (stream, text) => out.add(stream, text);
      const M = nn.module();
      if (options.live) {
        // Frames sent and drawn: the C side waits while the page is behind (web_poll).
        let sent = 0;
        liveDrawn = 0;
        liveRun = id;
        M.liveBacklog = () => sent - liveDrawn;
        options.live = (frame) => {
          out.flush();
          sent++;
          postMessage({ id, event: "live", frame }, packFrame(frame));
        };
      }
      delete options.stream;
      const before = snapshot(), t0 = performance.now();
      let r;
      try {
        r = await nn.run(msg.source, options);
      } finally {
        M.liveBacklog = null;
      }
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
      const name = inside(msg.name);
      const slash = name.lastIndexOf("/");
      return fileOp("write", name, () => {
        // MEMFS says "permission denied" for a path through a file: say what it is.
        for (let at = name.indexOf("/"); at > 0; at = name.indexOf("/", at + 1)) {
          const part = FS.analyzePath(HOME + "/" + name.slice(0, at));
          if (part.exists && !FS.isDir(part.object.mode)) throw new FS.ErrnoError(54);
        }
        if (slash > 0) FS.mkdirTree(HOME + "/" + name.slice(0, slash));
        FS.writeFile(HOME + "/" + name, new Uint8Array(msg.bytes));
        return name;
      });
    }
    case "readFile": {
      const name = inside(msg.name);
      return fileOp("read", name, () => FS.readFile(HOME + "/" + name));
    }
    case "removeFile": {
      const name = inside(msg.name);
      return fileOp("remove", name, () => { FS.unlink(HOME + "/" + name); return true; });
    }
    case "listFiles": return [...snapshot()].map(([name, f]) => ({ name, size: f.size }));
    default: throw new Error(`nn worker: unknown request '${op}'`);
  }
}

let queue = Promise.resolve();
// Frames of the running live run (liveRun, its id) the page has drawn ({op: "liveDrawn"}):
// a late acknowledgement of an earlier run does not count for this one.
let liveDrawn = 0, liveRun = null;
onmessage = (e) => {
  const msg = e.data || {};
  if (msg.op === "wasm") { if (giveWasm) giveWasm(msg); giveWasm = null; return; }
  if (msg.op === "interrupt") { nn.interrupt(); return; }
  if (msg.op === "liveDrawn") { if (msg.id === liveRun) liveDrawn++; return; }
  queue = queue.then(() => handle(msg)).then(
    (result) => postMessage({ id: msg.id, result },
                            result instanceof Uint8Array ? [result.buffer] : []),
    (err) => postMessage({ id: msg.id, error: String(err && err.message || err) }),
  );
};
