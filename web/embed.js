// embed.js — nn on a teacher's own page with one script tag:
//
//   <script src="nn-embed.js"></script>
//
// turns each <pre class="nn"> of the page (or Markdown's ```nn block, <pre><code
// class="language-nn">) into a cell: the code, editable, with Run and
// Stop, and its output below (text, errors with carets, figures, live training frames).
// All cells share one interpreter, in a Web Worker, so a later cell uses what an earlier
// one defined. `make web` builds build/web/nn-embed.js as one file (web/bundle.mjs):
// the worker's text and nn.wasm in base64 (NN_EMBED.workerSource, .wasm), nn-client.js, live.js
// and live.css when they exist (NNLive.render draws train(..., live = true)'s frames),
// then this file, so nothing else is fetched and the page also works from file://.
//
// Per cell (attributes of the <pre>):  data-autorun  runs it once the page has loaded.
// Language: the script tag's data-lang ("en" or "zh"), else the page's <html lang>
// (zh, zh-CN, zh-Hans… → Chinese), else English: the buttons' labels and nn's messages.
//
// The cell (div.nn-cell, data-state = idle | queued | running | done | error):
//   textarea.nn-code  button.nn-run  button.nn-stop  button.nn-run-above  span.nn-status
//   div.nn-output: pre.stdout, pre.stderr, div.figure (an <svg>), div.live, a.download
// window.nnEmbed = { nn, cells, run(i), runAll() } (nn is the NNClient of nn-client.js).
/* global NN_EMBED, NNClient */
"use strict";
(function () {
  const script = document.currentScript;
  const TEXT = {
    en: {
      run: "Run", stop: "Stop", above: "Run all above", runTitle: "Run this cell (Ctrl+Enter)",
      aboveTitle: "Run every cell above this one, in order, then this one",
      loading: "loading nn…", queued: "waiting…", running: "running…", stopping: "stopping…",
      done: (ms) => `done in ${ms} ms`, error: "error", failed: "nn did not load: ",
      frame: (f) => `epoch ${f.epoch}/${f.epochs}  loss ${fmt(last(f.loss))}` +
        (f.accuracy && f.accuracy.length ? `  accuracy ${fmt(last(f.accuracy))}` : ""),
      cell: (i) => `cell ${i}`, code: (i) => `nn code, cell ${i}`, download: "download",
    },
    zh: {
      run: "运行", stop: "停止", above: "运行上方全部", runTitle: "运行这个代码块（Ctrl+Enter）",
      aboveTitle: "按顺序运行上方所有代码块，再运行这一个",
      loading: "正在加载 nn…", queued: "等待中…", running: "运行中…", stopping: "正在停止…",
      done: (ms) => `完成，用时 ${ms} 毫秒`, error: "出错", failed: "nn 加载失败：",
      frame: (f) => `第 ${f.epoch}/${f.epochs} 轮  损失 ${fmt(last(f.loss))}` +
        (f.accuracy && f.accuracy.length ? `  准确率 ${fmt(last(f.accuracy))}` : ""),
      cell: (i) => `代码块 ${i}`, code: (i) => `nn 代码，第 ${i} 个代码块`, download: "下载",
    },
  };
  const last = (a) => (a && a.length ? a[a.length - 1] : NaN);
  const fmt = (x) => (typeof x === "number" && isFinite(x) ? x.toPrecision(4) : "–");

  const asked = (script && script.dataset.lang) || document.documentElement.lang || "en";
  const lang = /^zh/i.test(asked) ? "zh" : "en";
  const t = TEXT[lang];

  const CSS = `
.nn-cell { margin: 1em 0; border: 1px solid #d0d7de; border-radius: 6px; background: #fff;
  color: #1f2328; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; text-align: left; overflow: hidden; }
.nn-cell .nn-code { display: block; box-sizing: border-box; width: 100%; margin: 0;
  padding: 10px 12px; border: 0; border-bottom: 1px solid #d0d7de; background: #f6f8fa;
  color: #1f2328; resize: none; overflow: auto hidden; white-space: pre; tab-size: 4;
  font: 13.5px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC",
  "DejaVu Sans Mono", monospace; }
.nn-cell .nn-code:focus { outline: 2px solid #0969da; outline-offset: -2px; background: #fff; }
.nn-cell .nn-bar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  padding: 6px 10px; background: #fff; }
.nn-cell .nn-bar button { font: inherit; font-size: 13px; padding: 3px 12px; margin: 0;
  border: 1px solid #c4cad1; border-radius: 5px; background: #f6f8fa; color: #1f2328;
  cursor: pointer; line-height: 1.5; }
.nn-cell .nn-bar button:hover:not(:disabled) { background: #eaeef2; }
.nn-cell .nn-bar button.nn-run { background: #1f883d; border-color: #1a7f37; color: #fff; }
.nn-cell .nn-bar button.nn-run:hover:not(:disabled) { background: #1a7f37; }
.nn-cell .nn-bar button:disabled { opacity: 0.45; cursor: default; }
.nn-cell .nn-status { color: #656d76; font-size: 13px; margin-left: auto; }
.nn-cell[data-state=error] .nn-status { color: #cf222e; }
.nn-cell .nn-output:empty { display: none; }
.nn-cell .nn-output { padding: 4px 12px 10px; border-top: 1px solid #eaeef2; }
.nn-cell .nn-output pre { margin: 6px 0 0; padding: 0; background: none; border: 0;
  white-space: pre-wrap; overflow-wrap: anywhere; color: #1f2328;
  font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC",
  "DejaVu Sans Mono", monospace; }
.nn-cell .nn-output pre.stdout, .nn-cell .nn-output pre.stderr { white-space: pre;
  overflow: auto; max-height: 30em; }
.nn-cell .nn-output pre.stderr { color: #cf222e; white-space: pre-wrap; }
.nn-cell .nn-output pre.stderr span.quoted { white-space: pre; }
.nn-cell .nn-output div.figure { margin: 8px 0 0; max-width: 100%; overflow-x: auto; }
.nn-cell .nn-output div.figure svg { display: block; max-width: 100%; height: auto; }
.nn-cell .nn-output div.live { margin: 8px 0 0; }
.nn-cell .nn-output a.download { display: inline-block; margin: 6px 12px 0 0; color: #0969da; }
`;

  function inject(css) {
    const style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A textarea as tall as its text (no inner vertical scroll bar), wrap off as in <pre>.
  function fit(area) {
    area.style.height = "auto";
    if (!area.scrollHeight) return; // not displayed (a closed <details>…): rows is its height
    area.style.height = area.scrollHeight + (area.offsetHeight - area.clientHeight) + "px";
  }

  let nn, loaded = false;
  const cells = [];
  // Runs go one after another, in the order asked, so a queued cell can still be taken
  // back (Stop) before it starts and the running cell is known (Stop interrupts it).
  let queue = Promise.resolve();

  function makeCell(pre, index) {
    // The HTML parser already drops the newline just after <pre>; the last line's newline
    // (</pre> on a line of its own) would show as an empty line, so trailing newlines go.
    const source = pre.textContent.replace(/\n+$/, "");
    const cell = el("div", "nn-cell");
    for (const c of pre.classList) if (c !== "nn") cell.classList.add(c);
    if (pre.id) cell.id = pre.id;
    for (const [k, v] of Object.entries(pre.dataset)) cell.dataset[k] = v;
    cell.dataset.state = "idle";
    const code = el("textarea", "nn-code");
    code.value = source;
    code.spellcheck = false;
    code.setAttribute("wrap", "off");
    code.setAttribute("autocapitalize", "off");
    code.setAttribute("autocomplete", "off");
    code.setAttribute("aria-label", t.code(index + 1));
    code.rows = source.split("\n").length;
    const bar = el("div", "nn-bar");
    const run = el("button", "nn-run", t.run);
    const stop = el("button", "nn-stop", t.stop);
    const above = el("button", "nn-run-above", t.above);
    const status = el("span", "nn-status", loaded ? "" : t.loading);
    status.setAttribute("aria-live", "polite");
    for (const b of [run, stop, above]) b.type = "button";
    run.title = t.runTitle;
    above.title = t.aboveTitle;
    stop.disabled = true;
    above.hidden = index === 0;
    bar.append(run, stop, above, status);
    const output = el("div", "nn-output");
    output.setAttribute("aria-live", "polite");
    cell.append(code, bar, output);
    pre.replaceWith(cell);
    fit(code);

    const c = { index, cell, code, run, stop, status, output, ticket: null };
    code.addEventListener("input", () => fit(code));
    code.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runCell(c); }
      else if (e.key === "Escape" && c.ticket) { e.preventDefault(); stopCell(c); }
    });
    run.addEventListener("click", () => runCell(c));
    stop.addEventListener("click", () => stopCell(c));
    above.addEventListener("click", () => {
      for (const earlier of cells.slice(0, index)) runCell(earlier);
      runCell(c);
    });
    return c;
  }

  function setState(c, state, words) {
    c.cell.dataset.state = state;
    c.status.textContent = words;
    c.stop.disabled = !(state === "queued" || state === "running");
  }

  function runCell(c) {
    if (c.ticket) return c.ticket.done; // already waiting or running: once is enough
    const source = c.code.value;
    fit(c.code); // (a script may have set the text without an input event)
    c.output.textContent = "";
    setState(c, "queued", loaded ? t.queued : t.loading);
    const ticket = { cancelled: false, running: false };
    c.ticket = ticket;
    ticket.done = queue = queue.then(async () => {
      if (ticket.cancelled) return;
      ticket.running = true;
      setState(c, "running", t.running);
      await execute(c, source);
    }).catch((e) => {
      setState(c, "error", t.error);
      c.output.append(el("pre", "stderr", String(e && e.message || e)));
    }).finally(() => { if (c.ticket === ticket) c.ticket = null; });
    return ticket.done;
  }

  function stopCell(c) {
    const ticket = c.ticket;
    if (!ticket) return;
    if (ticket.running) { nn.interrupt(); c.status.textContent = t.stopping; return; }
    ticket.cancelled = true; // not started yet: it never will
    c.ticket = null;
    setState(c, "idle", "");
  }

  async function execute(c, source) {
    await nn.ready;
    const out = { 1: null, 2: null };
    // stdout and stderr as written (a training run prints as it goes), in one <pre> each
    const write = (stream, text) => {
      let pre = out[stream];
      if (!pre) {
        pre = out[stream] = el("pre", stream === 2 ? "stderr" : "stdout");
        c.output.append(pre);
      }
      pre.textContent += text;
    };
    let liveBox = null, pending = null, lastEpoch = 0;
    const live = (frame) => {
      // each train(..., live = true) of the run keeps its own picture: a frame that does
      // not follow the last one's epoch is the next train's first
      if (!liveBox || frame.epoch <= lastEpoch) {
        if (pending) { draw(liveBox, pending); pending = null; }
        liveBox = el("div", "live");
        c.output.append(liveBox);
      }
      lastEpoch = frame.epoch;
      // draw at most once per display frame: epochs can come faster than that
      if (!pending) requestAnimationFrame(() => { if (pending) draw(liveBox, pending); pending = null; });
      pending = frame;
    };
    const r = await nn.run(source, { name: t.cell(c.index + 1), echo: true, figures: true,
                                     output: write, live });
    if (pending) { draw(liveBox, pending); pending = null; }
    // the result is the whole text: the streamed pieces become exactly it
    for (const [stream, text] of [[1, r.stdout], [2, r.stderr]]) {
      if (out[stream]) out[stream].textContent = text;
      else if (text) write(stream, text);
    }
    if (out[2]) quoteLines(out[2]);
    for (const svg of r.figures) {
      const fig = el("div", "figure");
      fig.innerHTML = svg; // nn's own SVG renderer (it escapes titles and labels)
      c.output.append(fig);
    }
    for (const f of r.files || []) c.output.append(downloadLink(f.name));
    setState(c, r.ok ? "done" : "error", r.ok ? t.done(Math.round(r.ms)) : t.error);
  }

  // An error's message wraps, so its end (often the advice) is in sight; the quoted source
  // line and its carets do not, so the carets stay under what they mark.
  function quoteLines(pre) {
    const lines = pre.textContent.split("\n");
    pre.textContent = "";
    lines.forEach((line, i) => {
      if (i) pre.append("\n");
      pre.append(/^\s*\d*\s\|(\s|$)/.test(line) ? el("span", "quoted", line) : line);
    });
  }

  function draw(box, frame) {
    if (window.NNLive && window.NNLive.render) window.NNLive.render(box, frame, { lang });
    else box.textContent = t.frame(frame);
  }

  // A file a run wrote (save, plot(file =)): a link that fetches it from the worker.
  function downloadLink(name) {
    const a = el("a", "download", `${t.download} ${name}`);
    a.href = "#";
    a.setAttribute("download", name);
    a.addEventListener("click", async (e) => {
      if (a.dataset.ready) return; // the Blob URL is set: let the browser download it
      e.preventDefault();
      const bytes = await nn.readFile(name);
      a.href = URL.createObjectURL(new Blob([bytes]));
      a.dataset.ready = "1";
      a.click();
    });
    return a;
  }

  function start() {
    inject(CSS + (NN_EMBED.css || ""));
    // <pre class="nn">, and Markdown's ```nn fences (<pre><code class="language-nn">)
    const blocks = new Set([...document.querySelectorAll("pre.nn, pre > code.language-nn")]
      .map((e) => (e.tagName === "CODE" ? e.parentElement : e)));
    for (const pre of blocks) cells.push(makeCell(pre, cells.length));
    window.nnEmbed = {
      nn, cells,
      run: (i) => runCell(cells[i]),
      runAll: () => Promise.all(cells.map(runCell)),
    };
    nn.ready.then(
      () => {
        loaded = true;
        for (const c of cells) if (c.cell.dataset.state === "idle") c.status.textContent = "";
      },
      (e) => {
        for (const c of cells) {
          c.cell.dataset.state = "error";
          c.status.textContent = t.failed + e.message;
          c.run.disabled = true;
        }
      },
    );
    for (const c of cells) if ("autorun" in c.cell.dataset) runCell(c);
  }

  // The worker starts at once: the wasm compiles while the rest of the page loads.
  nn = NNClient.start({ workerSource: NN_EMBED.workerSource, wasm: NN_EMBED.wasm });
  // A worker that failed to start rejects these, maybe before start's handler of ready
  // is attached: that handler says so in every cell.
  nn.ready.catch(() => {});
  if (lang !== "en") nn.setLang(lang).catch(() => {});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
