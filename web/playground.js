// playground.js — the playground page (index.html): an editor with the examples, a REPL
// console as the terminal's (history, multi-line entries, echo, located errors), figures,
// files in and out, help, English/Chinese, and the live training tab (live.js).
// A classic script with no imports (the one-file page inlines it); it uses NNClient
// (nn-client.js), NN_EXAMPLES (examples.js) and, when present, NNLive (live.js).
// The DOM it keeps is the contract the browser test drives (WEB-CONTRACT.md).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const store = {
    get(key) { try { return localStorage.getItem("nn-playground." + key); } catch (e) { return null; } },
    set(key, value) { try { localStorage.setItem("nn-playground." + key, value); } catch (e) { /* private mode */ } },
  };

  // ---- labels, in both languages ----
  const LABELS = {
    en: {
      brand: "playground", tabCode: "Code", tabLive: "Live training",
      run: "Run", stop: "Stop", help: "Help", open: "Open files…",
      runTip: "Run the script in the editor (Ctrl+Enter)", stopTip: "Stop the run (Esc)",
      helpTip: "The help index (:help)", openTip: "Give files (CSV, IDX, safetensors) to your scripts",
      examplesTip: "Open an example", modified: "modified", editorHint: "Ctrl+Enter runs it",
      revert: "Revert", revertTip: "Back to the example as it was shipped",
      revertAsk: (name) => `Undo your changes to ${name} and open it as it was shipped?`,
      console: "Console", consoleHint: "Enter runs · Shift+Enter new line · ↑↓ history · Esc stops",
      clear: "Clear", files: "Files",
      filesEmpty: "Files you open and files your scripts write appear here.",
      groupExamples: "Examples", groupTutorial: "Tutorial (course notes)",
      loading: "Loading nn…", ready: "Ready", running: "Running…", failed: "nn failed to load",
      failedHint: "Browsers do not start this page's worker from a file on disk: open nn-playground.html instead, or serve this folder over HTTP (python3 -m http.server).",
      startedIn: (t) => `started in ${t}`, stopping: "Stopping…",
      welcome: "nn — type an expression and press Enter, or open an example above and press Run. :help lists the topics, :help NAME explains one (:help softmax); help(\"学习率\") works too.",
      download: "Download", remove: "Remove", written: "written by a run", picked: "opened from disk",
      waiting: "waiting for the run before it…", noLive: (f) => `epoch ${f.epoch}/${f.epochs}, loss ${fmt(f.loss[f.loss.length - 1])}`,
      consoleLabel: "Console input", editorLabel: "Editor",
      quit: "A fresh interpreter: every definition is gone, as after quitting nn and starting it again. (The opened files stay.)",
    },
    zh: {
      brand: "演练场", tabCode: "代码", tabLive: "实时训练",
      run: "运行", stop: "停止", help: "帮助", open: "打开文件…",
      runTip: "运行编辑器中的脚本（Ctrl+Enter）", stopTip: "停止运行（Esc）",
      helpTip: "帮助目录（:help）", openTip: "把文件（CSV、IDX、safetensors）交给脚本读取",
      examplesTip: "打开一个示例", modified: "已修改", editorHint: "Ctrl+Enter 运行",
      revert: "还原", revertTip: "恢复为示例的原始内容",
      revertAsk: (name) => `放弃对 ${name} 的修改，恢复为原始内容？`,
      console: "控制台", consoleHint: "Enter 运行 · Shift+Enter 换行 · ↑↓ 历史 · Esc 停止",
      clear: "清屏", files: "文件",
      filesEmpty: "打开的文件和脚本写出的文件会列在这里。",
      groupExamples: "示例", groupTutorial: "教程（课程笔记）",
      loading: "正在加载 nn…", ready: "就绪", running: "运行中…", failed: "nn 加载失败",
      failedHint: "浏览器不会从磁盘上的文件启动本页的 worker：请改为打开 nn-playground.html，或通过 HTTP 提供这个文件夹（python3 -m http.server）。",
      startedIn: (t) => `启动用时 ${t}`, stopping: "正在停止…",
      welcome: "nn —— 输入表达式后按 Enter 运行，或在上方打开一个示例再点“运行”。:help 列出帮助主题，:help 名称 解释其中一个（:help softmax）；也可以写 help(\"学习率\")。",
      download: "下载", remove: "移除", written: "由运行写出", picked: "从磁盘打开",
      waiting: "等待前一次运行结束…", noLive: (f) => `第 ${f.epoch}/${f.epochs} 轮，损失 ${fmt(f.loss[f.loss.length - 1])}`,
      consoleLabel: "控制台输入", editorLabel: "编辑器",
      quit: "已换成一个新的解释器：之前的定义全部清除，如同退出 nn 后重新启动。（打开的文件仍在。）",
    },
  };
  const fmt = (x) => (typeof x === "number" ? x.toPrecision(4) : String(x));
  const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const bytes = (n) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);

  let lang = store.get("lang") || ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
  const L = (key) => LABELS[lang][key];

  // ---- the interpreter ----
  // Runs are counted here, whoever starts them (console, editor, live view, tests), so
  // the page's state and Stop always reflect the one interpreter.
  const raw = startClient();
  let active = 0, startMs = null, loaded = false;
  const nn = Object.create(raw);
  nn.run = function (source, options) {
    active++;
    showState();
    const done = () => { active--; showState(); };
    const p = raw.run(source, options);
    p.then(done, done);
    return p;
  };
  window.nnPlayground = { nn };

  function showState() {
    const state = !loaded ? document.body.dataset.nnState : active ? "running" : "ready";
    document.body.dataset.nnState = state;
    $("stop").disabled = !active;
    $("run").disabled = !loaded || editorRunning;
    const status = $("status");
    status.className = state;
    if (state === "loading") status.textContent = L("loading");
    else if (state === "running") status.textContent = L("running");
    else if (state === "ready") {
      status.textContent = L("ready");
      if (startMs != null) {
        const t = document.createElement("span");
        t.className = "time";
        t.textContent = " · " + LABELS[lang].startedIn(seconds(startMs));
        status.append(t);
      }
    }
  }

  // A worker the browser refuses (this page opened from disk: file:// may not start
  // nn-worker.js) throws at once; the page then shows it failed, as for a module that
  // does not load.
  function startClient() {
    try {
      return NNClient.shared(); // started in index.html's <head>
    } catch (e) {
      const failed = () => Promise.reject(e);
      failed().catch(() => {});
      return { ready: failed(), run: failed, interrupt() {}, busy: false, reset: failed, setLang: failed,
               writeFile: failed, readFile: failed, removeFile: failed, listFiles: failed, terminate() {} };
    }
  }

  // ---- labels ----
  function applyLabels() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = lang === "zh" ? "nn 演练场" : "nn playground";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = L(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = L(el.dataset.i18nTitle);
    $("console-input").setAttribute("aria-label", L("consoleLabel"));
    $("console-output").setAttribute("aria-label", L("console"));
    $("editor").setAttribute("aria-label", L("editorLabel"));
    for (const g of $("examples").querySelectorAll("optgroup")) g.label = L(g.dataset.group);
    for (const li of $("files").children) {
      li.title = L(li.dataset.origin);
      const rm = li.querySelector("button.remove");
      if (rm) rm.title = L("remove");
    }
    if (welcome) welcome.textContent = L("welcome");
    if (liveView && liveView.setLang) liveView.setLang(lang);
    showState();
  }

  function switchLang(to, tellNN) {
    lang = to === "zh" ? "zh" : "en";
    $("lang").value = lang;
    store.set("lang", lang);
    applyLabels();
    if (tellNN) raw.setLang(lang).catch(() => {});
  }
  $("lang").value = lang;
  $("lang").addEventListener("change", () => switchLang($("lang").value, true));

  // ---- tabs ----
  let liveView = null;
  function selectTab(which) {
    for (const [tab, panel] of [["tab-code", "code"], ["tab-live", "live"]]) {
      const on = panel === which;
      $(tab).setAttribute("aria-selected", String(on));
      $(panel).hidden = !on;
    }
  }
  $("tab-code").addEventListener("click", () => selectTab("code"));
  $("tab-live").addEventListener("click", () => selectTab("live"));

  // ---- the console transcript ----
  const out = $("console-output");
  let welcome = null;
  // Follow the output while the reader is at the bottom; leave it alone when they have
  // scrolled up to read something.
  // A resize (the window, the layout turning narrow) moves the scroll position too: that
  // is not the reader, and the transcript stays at its bottom if it was there.
  let follow = true, height = out.clientHeight;
  out.addEventListener("scroll", () => {
    if (out.clientHeight === height) follow = out.scrollHeight - out.scrollTop - out.clientHeight < 40;
  });
  new ResizeObserver(() => {
    height = out.clientHeight;
    if (follow) out.scrollTop = out.scrollHeight;
  }).observe(out);
  function scrollDown(force) {
    if (force) follow = true;
    if (follow) out.scrollTop = out.scrollHeight;
  }

  // One entry: pre.input, then the run's output in the order it was written (a new pre
  // each time the stream changes, as a terminal interleaves them), figures, live view,
  // downloads.
  function newEntry(inputNode) {
    const entry = document.createElement("div");
    entry.className = "entry running";
    entry.append(inputNode);
    out.append(entry);
    scrollDown(true);
    return entry;
  }

  function replInput(text) {
    const pre = document.createElement("pre");
    pre.className = "input";
    text.split("\n").forEach((line, i) => {
      if (i) pre.append("\n");
      const p = document.createElement("span");
      p.className = "prompt";
      p.textContent = i ? "... " : "nn> ";
      pre.append(p, line);
    });
    return pre;
  }

  function scriptInput(name) {
    const pre = document.createElement("pre");
    pre.className = "input script";
    const p = document.createElement("span");
    p.className = "prompt";
    p.textContent = "▶ ";
    pre.append(p, name);
    return pre;
  }

  // stderr is drawn line by line, so an error reads as in a colour terminal: the location
  // bold, the message red, the quoted source line plain, the carets bold. All text nodes.
  const HEADER = /^(.*?:\d+:\d+: |nn: )?(error|warning|note|错误|警告|注意)(:|：)(.*)$/;
  function drawStderr(pre) {
    pre.textContent = "";
    let kind = "error";
    const lines = pre.raw.split("\n");
    lines.forEach((line, i) => {
      if (i) pre.append("\n");
      if (!line) return;
      const span = document.createElement("span");
      const m = HEADER.exec(line);
      if (m) {
        kind = /warning|警告/.test(m[2]) ? "warning" : /note|注意/.test(m[2]) ? "note" : "error";
        span.className = "diag " + kind;
        if (m[1]) {
          const loc = document.createElement("span");
          loc.className = "loc";
          loc.textContent = m[1];
          jumpFrom(loc, m[1]);
          span.append(loc);
        }
        const sev = document.createElement("span");
        sev.className = "severity";
        sev.textContent = m[2] + m[3];
        span.append(sev, m[4]);
      } else if (/^\s*\d*\s\|\s/.test(line) || /^\s*\d+ \|$/.test(line)) {
        span.className = /^\s*\|\s[\s~^]*[\^~]/.test(line) ? "carets " + kind : "source";
        span.textContent = line;
      } else {
        span.className = "message";
        span.textContent = line;
      }
      pre.append(span);
    });
  }

  // A location in the editor's script ("xor.nn:12:3: ") selects that line when clicked.
  function jumpFrom(loc, text) {
    const m = /^(.+):(\d+):(\d+): $/.exec(text);
    if (!m || m[1] !== editorName()) return;
    loc.classList.add("jump");
    loc.addEventListener("click", () => {
      const lines = editor.value.split("\n"), line = Math.min(+m[2], lines.length);
      const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      editor.focus();
      editor.setSelectionRange(start, start + lines[line - 1].length);
      const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
      editor.scrollTop = Math.max(0, (line - 4) * lineHeight);
    });
  }

  function writer(entry) {
    let last = null;
    return {
      write(stream, text) {
        if (!text) return;
        const cls = stream === 2 ? "stderr" : "stdout";
        if (!last || !last.classList.contains(cls)) {
          last = document.createElement("pre");
          last.className = cls;
          last.raw = "";
          entry.insertBefore(last, entry.querySelector(":scope > .tail"));
        }
        last.raw += text;
        if (cls === "stderr") drawStderr(last);
        else last.append(text);
        scrollDown();
      },
    };
  }

  // nn's SVG text becomes an <svg> element: parsed as XML (image/svg+xml), never as
  // HTML, and imported, so no markup in it is read as HTML; nn's renderer escapes titles
  // and writes no scripts, and the import drops any script, on* handler or javascript:
  // link all the same.
  // (An <img> with a Blob URL would be as safe, but the figure would not be part of the
  // page: its text could not be selected or found with Ctrl+F.) Ids are renamed per
  // figure: two inline figures share the document, and nn names every plot area's
  // clip path "area".
  let figureCount = 0;
  function figureNode(svgText) {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const svg = doc.documentElement;
    if (!svg || svg.nodeName !== "svg" || doc.querySelector("parsererror")) return null;
    for (const s of svg.querySelectorAll("script, foreignObject")) s.remove();
    const prefix = `fig${++figureCount}-`;
    const ids = new Set();
    for (const el of [svg, ...svg.querySelectorAll("*")]) {
      for (const a of [...el.attributes]) {
        if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) el.removeAttribute(a.name);
      }
      if (el.id) { ids.add(el.id); el.id = prefix + el.id; }
    }
    if (ids.size) {
      for (const el of svg.querySelectorAll("*")) {
        for (const a of [...el.attributes]) {
          const v = a.value.replace(/url\(#([^)]+)\)/g, (m, id) => (ids.has(id) ? `url(#${prefix}${id})` : m))
            .replace(/^#(.+)$/, (m, id) => (ids.has(id) && /href$/.test(a.name) ? `#${prefix}${id}` : m));
          if (v !== a.value) el.setAttribute(a.name, v);
        }
      }
    }
    const node = document.importNode(svg, true);
    node.removeAttribute("height"); // CSS scales it to the pane, its viewBox keeps the shape
    return node;
  }

  // ---- files ----
  // name → object URL of the file's latest version, which #files links to. Each run's
  // entry links to the version that run wrote; those URLs are released with Clear.
  const urls = new Map();
  function fileItem(name, size, origin) {
    let li = [...$("files").children].find((x) => x.dataset.name === name);
    if (!li) {
      li = document.createElement("li");
      li.dataset.name = name;
      $("files").append(li);
    }
    li.dataset.origin = origin;
    li.title = L(origin);
    li.textContent = "";
    const label = document.createElement("span");
    label.className = "name";
    label.textContent = name;
    const sz = document.createElement("span");
    sz.className = "size";
    sz.textContent = bytes(size);
    li.append(label, " ", sz);
    $("files-empty").hidden = true;
    return li;
  }
  function removeButton(li, name) {
    const b = document.createElement("button");
    b.className = "remove small";
    b.textContent = "×";
    b.title = L("remove");
    b.addEventListener("click", async () => {
      await raw.removeFile(name).catch(() => {});
      urls.delete(name); // (its URL stays valid for the entries that link to it)
      li.remove();
      $("files-empty").hidden = $("files").children.length > 0;
    });
    li.append(" ", b);
  }
  function downloadLink(name, url, size) {
    const a = document.createElement("a");
    a.className = "download";
    a.href = url;
    a.download = name;
    a.textContent = `⬇ ${name}`;
    a.title = `${L("download")} ${name} (${bytes(size)})`;
    return a;
  }
  // A run's written files: a download link in its entry and in #files.
  async function offerFiles(entry, files) {
    for (const f of files) {
      let data;
      try { data = await raw.readFile(f.name); } catch (e) { continue; }
      const url = URL.createObjectURL(new Blob([data], { type: "application/octet-stream" }));
      urls.set(f.name, url);
      entry.insertBefore(downloadLink(f.name, url, f.size), entry.querySelector(":scope > .tail"));
      const li = fileItem(f.name, f.size, "written");
      li.append(" ", downloadLink(f.name, url, f.size));
      removeButton(li, f.name);
    }
    scrollDown();
  }

  async function giveFiles(files) {
    for (const file of files) {
      const data = new Uint8Array(await file.arrayBuffer());
      const name = await raw.writeFile(file.name, data);
      removeButton(fileItem(name, data.length, "picked"), name);
    }
  }
  $("file-input").addEventListener("change", async (e) => {
    await giveFiles([...e.target.files]);
    e.target.value = ""; // the same file picked again is read again
  });
  // Files dropped anywhere on the page are given to the scripts as picked ones are.
  document.addEventListener("dragover", (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) e.preventDefault();
  });
  document.addEventListener("drop", (e) => {
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    giveFiles([...e.dataTransfer.files]);
  });

  // ---- running ----
  function runInto(entry, source, options) {
    const w = writer(entry);
    const tail = document.createElement("div");
    tail.className = "tail";
    entry.append(tail);
    let liveDiv = null, liveEpoch = 0;
    const started = performance.now();
    const queued = raw.busy;
    if (queued) tail.textContent = L("waiting");
    return nn.run(source, {
      ...options,
      output: (stream, text) => { tail.textContent = ""; w.write(stream, text); },
      live: (frame) => {
        // Each train(..., live = true) of the run keeps its own picture, where it ran
        // among the output: a frame that does not follow the last one's epoch is the
        // next train's first.
        if (!liveDiv || frame.epoch <= liveEpoch) {
          liveDiv = document.createElement("div");
          liveDiv.className = "live";
          entry.insertBefore(liveDiv, tail);
        }
        liveEpoch = frame.epoch;
        if (window.NNLive) NNLive.render(liveDiv, frame, { lang });
        else liveDiv.textContent = LABELS[lang].noLive(frame);
        scrollDown();
      },
    }).then(async (r) => {
      tail.textContent = "";
      if (r.incomplete) return r;
      for (const svg of r.figures || []) {
        const node = figureNode(svg);
        if (!node) continue;
        const div = document.createElement("div");
        div.className = "figure";
        div.append(node);
        entry.insertBefore(div, tail);
      }
      if (r.files && r.files.length) await offerFiles(entry, r.files);
      // The run's time, beside its input (not in it: pre.input is the entry as typed).
      const t = document.createElement("span");
      t.className = "time";
      t.textContent = seconds(r.ms != null ? r.ms : performance.now() - started);
      entry.insertBefore(t, entry.firstChild);
      entry.classList.remove("running");
      entry.classList.add(r.ok ? "ok" : "failed");
      tail.remove();
      scrollDown();
      return r;
    }, (err) => {
      w.write(2, `nn: error: ${err.message}\n`);
      entry.classList.remove("running");
      entry.classList.add("failed");
      tail.remove();
      throw err;
    });
  }

  // ---- the console input ----
  const input = $("console-input");
  const HISTORY_MAX = 200;
  let history = [];
  try { history = JSON.parse(store.get("history") || "[]").filter((h) => typeof h === "string"); } catch (e) { history = []; }
  let hpos = history.length, draft = "";

  function fitInput() {
    const n = input.value.split("\n").length;
    input.rows = n; // the line around it scrolls when an entry grows long
    // One prompt per line: "nn>" then "..." as the terminal's continuation prompt.
    $("console-prompt").textContent = ["nn>"].concat(Array(n - 1).fill("...")).join("\n");
  }
  input.addEventListener("input", fitInput);

  function remember(text) {
    if (history[history.length - 1] !== text) history.push(text);
    if (history.length > HISTORY_MAX) history = history.slice(-HISTORY_MAX);
    store.set("history", JSON.stringify(history));
    hpos = history.length;
    draft = "";
  }

  // An entry typed in the console (taken from the input) or given by a button (the
  // input, and what the user was typing there, left alone).
  function submitConsole(text, typed = true) {
    if (typed) {
      input.value = "";
      fitInput();
    }
    if (!text.trim()) return;
    const entry = newEntry(replInput(text));
    // ":help", ":vars"…: what they print is text to read, not a value.
    if (text.trimStart().startsWith(":")) entry.classList.add("command");
    runInto(entry, text, { name: "<repl>", echo: true, repl: true }).then((r) => {
      if (!r.incomplete) {
        remember(text);
        // ":lang zh" in the console switched nn's language: the page's labels follow.
        const m = /^\s*:lang\s+(en|zh)\s*$/.exec(text);
        if (m && r.ok) switchLang(m[1], false);
        // ":quit" ends the terminal's session; a page has no session to leave, so it
        // starts a fresh one, which is what quitting and starting nn again gives.
        if (/^\s*:q(uit)?\s*$/.test(text) && r.ok) restart(entry);
        return;
      }
      // The entry is not finished (an open '{', a trailing operator): nothing ran; give
      // it back with a new line, as the terminal asks for more with "...".
      entry.remove();
      input.value = text + "\n" + input.value;
      fitInput();
      input.focus();
      input.setSelectionRange(text.length + 1, text.length + 1);
    }, () => {});
  }

  async function restart(entry) {
    await raw.reset();
    if (liveView && liveView.forget) liveView.forget();
    const note = document.createElement("pre");
    note.className = "stdout note";
    note.textContent = L("quit");
    entry.append(note);
    scrollDown();
  }

  function recall(step) {
    if (hpos === history.length) draft = input.value;
    hpos = Math.max(0, Math.min(history.length, hpos + step));
    input.value = hpos === history.length ? draft : history[hpos];
    fitInput();
    // Going back, the caret ends the first line, so ↑ again goes further back.
    const nl = input.value.indexOf("\n");
    const caret = step < 0 && nl >= 0 ? nl : input.value.length;
    input.setSelectionRange(caret, caret);
  }

  function stop() {
    if (!active) return;
    raw.interrupt();
    $("status").textContent = L("stopping");
  }

  // Tab indents (two spaces) in the console and the editor; Esc then Tab leaves, so the
  // keyboard is never trapped in either.
  let afterEscape = false;
  // (Noted as the key event bubbles up, after the text areas' own handlers read it.)
  document.addEventListener("keydown", (e) => { afterEscape = e.key === "Escape"; });
  function indent(area) {
    area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
    area.dispatchEvent(new Event("input"));
  }

  input.addEventListener("keydown", (e) => {
    if (e.isComposing || e.keyCode === 229) return; // an input method is composing (拼音)
    const v = input.value, a = input.selectionStart, b = input.selectionEnd;
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      submitConsole(v);
    } else if (e.key === "ArrowUp" && a === b && !v.slice(0, a).includes("\n") && !e.shiftKey) {
      if (hpos > 0) { e.preventDefault(); recall(-1); }
    } else if (e.key === "ArrowDown" && a === b && !v.slice(b).includes("\n") && !e.shiftKey) {
      if (hpos < history.length) { e.preventDefault(); recall(+1); }
    } else if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !afterEscape) {
      e.preventDefault();
      indent(input);
    } else if ((e.key === "c" || e.key === "C") && e.ctrlKey && !e.shiftKey && a === b &&
               !String(window.getSelection())) {
      // Ctrl+C as in the terminal: stops a run; at the prompt, drops the unfinished entry.
      e.preventDefault();
      if (active) stop();
      else { input.value = ""; fitInput(); hpos = history.length; }
    }
  });

  // Esc stops a run from anywhere in the page.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && active) { e.preventDefault(); stop(); }
  });
  $("stop").addEventListener("click", stop);
  $("clear").addEventListener("click", () => {
    for (const a of out.querySelectorAll("a.download")) if (![...urls.values()].includes(a.href)) URL.revokeObjectURL(a.href);
    out.textContent = "";
    welcome = null;
    input.focus();
  });
  $("help-button").addEventListener("click", () => {
    selectTab("code");
    submitConsole(":help", false);
  });

  // ---- the editor ----
  const editor = $("editor");
  const examples = window.NN_EXAMPLES || [];
  const byPath = new Map(examples.map((x) => [x.path, x]));
  let editorRunning = false;

  function fillExamples() {
    const sel = $("examples");
    const groups = [["groupExamples", (x) => !x.path.includes("/tutorial/")],
                    ["groupTutorial", (x) => x.path.includes("/tutorial/")]];
    for (const [key, test] of groups) {
      const list = examples.filter(test);
      if (!list.length) continue;
      const g = document.createElement("optgroup");
      g.dataset.group = key;
      g.label = L(key);
      for (const x of list) {
        const o = document.createElement("option");
        o.value = x.path;
        o.textContent = x.name;
        o.title = x.title;
        g.append(o);
      }
      sel.append(g);
    }
  }

  function currentExample() { return byPath.get($("examples").value) || null; }
  function editorName() { const x = currentExample(); return x ? x.name : "editor.nn"; }

  function showEditorHead() {
    const x = currentExample();
    $("editor-name").textContent = editorName();
    $("editor-title").textContent = x ? x.title : "";
    $("editor-title").title = x ? x.title : "";
    $("editor-modified").hidden = $("editor-revert").hidden = !x || editor.value === x.text;
  }

  function drawGutter() {
    const n = editor.value.split("\n").length;
    const g = $("editor-gutter");
    if (g.lines !== n) {
      g.lines = n;
      g.textContent = Array.from({ length: n }, (_, i) => i + 1).join("\n") + "\n";
    }
    g.scrollTop = editor.scrollTop;
  }

  // Each example keeps its edits while others are open (and across visits): opening
  // another one does not throw away what the student typed; Revert gives the original.
  let drafts = {};
  try { drafts = JSON.parse(store.get("drafts") || "{}") || {}; } catch (e) { drafts = {}; }
  let openPath = null;
  function keepDraft() {
    const x = byPath.get(openPath);
    if (!x) return;
    if (editor.value !== x.text) drafts[openPath] = editor.value;
    else delete drafts[openPath];
    store.set("drafts", JSON.stringify(drafts));
  }

  function openExample(path, original = false) {
    const x = byPath.get(path);
    if (!x) return;
    keepDraft();
    if (original) delete drafts[path];
    openPath = path;
    $("examples").value = path;
    const draft = typeof drafts[path] === "string" ? drafts[path] : null;
    editor.value = draft !== null ? draft : x.text;
    editor.scrollTop = 0;
    editor.setSelectionRange(0, 0);
    store.set("example", path);
    store.set("draft", draft !== null ? draft : "");
    if (original) store.set("drafts", JSON.stringify(drafts));
    showEditorHead();
    drawGutter();
  }

  $("examples").addEventListener("change", () => openExample($("examples").value));
  $("editor-revert").addEventListener("click", () => {
    const x = currentExample();
    if (x && confirm(LABELS[lang].revertAsk(x.name))) openExample(x.path, true);
  });
  let saveTimer = 0;
  editor.addEventListener("input", () => {
    drawGutter();
    showEditorHead();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => store.set("draft", editor.value), 300);
  });
  editor.addEventListener("scroll", () => { $("editor-gutter").scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (e) => {
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runEditor();
    } else if (e.key === "Enter" && !e.shiftKey && !e.altKey) {
      // A new line keeps the indentation, two spaces more after an opening '{'.
      e.preventDefault();
      const before = editor.value.slice(0, editor.selectionStart);
      const line = before.slice(before.lastIndexOf("\n") + 1);
      const lead = /^[ \t]*/.exec(line)[0] + (/\{\s*$/.test(line) ? "  " : "");
      editor.setRangeText("\n" + lead, editor.selectionStart, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input"));
    } else if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !afterEscape) {
      e.preventDefault();
      indent(editor);
    }
  });

  // The examples' data files (data/iris.csv), in the worker's folder as the scripts
  // expect them beside themselves.
  let dataWritten = null;
  function writeExampleData() {
    if (!dataWritten) {
      const enc = new TextEncoder();
      dataWritten = Promise.all((window.NN_EXAMPLE_FILES || []).map(
        (f) => raw.writeFile(f.name, enc.encode(f.text)).catch(() => {})));
    }
    return dataWritten;
  }

  async function runEditor() {
    if (editorRunning || !loaded) return;
    editorRunning = true;
    showState();
    selectTab("code");
    const name = editorName();
    const entry = newEntry(scriptInput(name));
    try {
      await writeExampleData();
      await runInto(entry, editor.value, { name, echo: false });
    } catch (e) { /* shown in the entry */ }
    editorRunning = false;
    showState();
  }
  $("run").addEventListener("click", runEditor);

  // ---- start ----
  fillExamples();
  // The example and the edits of the last visit; a first visit opens the first tutorial.
  const savedExample = store.get("example"), savedDraft = store.get("draft");
  const firstTutorial = examples.find((x) => x.path.includes("/tutorial/")) || examples[0];
  const first = byPath.has(savedExample) ? savedExample : firstTutorial && firstTutorial.path;
  if (first) openExample(first);
  if (savedDraft) {
    editor.value = savedDraft;
    store.set("draft", savedDraft);
    showEditorHead();
    drawGutter();
  }

  // The live view is built once, at the start, so its controls exist whichever tab shows;
  // its runs go through the same counted client (state, Stop and Esc cover them).
  if (window.NNLive) liveView = NNLive.mount($("live"), nn, { lang });

  welcome = document.createElement("p");
  welcome.className = "welcome";
  out.append(welcome);
  applyLabels();
  fitInput();
  if (lang !== "en") raw.setLang(lang).catch(() => {});

  raw.ready.then((r) => {
    loaded = true;
    startMs = r.ms;
    showState();
    writeExampleData();
    input.focus();
  }, (err) => {
    document.body.dataset.nnState = "failed";
    $("status").className = "failed";
    $("status").textContent = L("failed");
    $("status").title = err.message;
    $("run").disabled = true;
    const p = document.createElement("pre");
    p.className = "stderr";
    p.textContent = `${L("failed")}: ${err.message}` + (location.protocol === "file:" ? "\n" + L("failedHint") : "");
    out.append(p);
  });
})();
