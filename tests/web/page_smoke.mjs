// page_smoke.mjs — the playground page (build/web/index.html) in headless Chromium, over
// HTTP: console entries (echo, multi-line, history, a located error), a figure, help in
// both languages, a picked CSV read by load_csv, a saved file offered as a download,
// Stop, and every example run from the editor. Screenshots go to build/web/screenshots/.
//
//   node --no-experimental-fetch tests/web/page_smoke.mjs [build/web] [port]
//
// Needs puppeteer-core (tests/web/node_modules: make deps-web) and /usr/bin/chromium. Prints PASS/FAIL
// lines, a table of the examples' runs, and exits 1 on any failure.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const dir = resolve(process.argv[2] || "build/web");
const port = Number(process.argv[3] || 8137);
// puppeteer-core from tests/web/node_modules (make deps-web), or the folder PUPPETEER_FROM names.
const require = createRequire(process.env.PUPPETEER_FROM ? join(process.env.PUPPETEER_FROM, "x.js")
                                                         : new URL("package.json", import.meta.url).pathname);
const puppeteer = require("puppeteer-core");

let failed = 0;
function check(ok, what, detail = "") {
  console.log(`${ok ? "PASS" : "FAIL"} ${what}${detail ? ": " + String(detail).replace(/\n/g, "⏎") : ""}`);
  if (!ok) failed++;
}

mkdirSync(join(dir, "screenshots"), { recursive: true });
const server = spawn("python3", ["-m", "http.server", String(port), "-d", dir, "--bind", "127.0.0.1"],
                     { stdio: "ignore" });
const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setViewport({ width: 1280, height: 800 });
  await page.evaluateOnNewDocument(() => localStorage.setItem("nn-playground.lang", "en"));
  for (let i = 0; ; i++) {
    try { await page.goto(`http://127.0.0.1:${port}/index.html`); break; } catch (e) {
      if (i > 20) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const t0 = Date.now();
  await page.waitForSelector("body[data-nn-state=ready]", { timeout: 30000 });
  check(true, "page ready", `${Date.now() - t0} ms after load`);

  const state = () => page.$eval("body", (b) => b.dataset.nnState);
  const idle = () => page.waitForFunction(
    () => document.body.dataset.nnState === "ready" && !document.querySelector(".entry.running"),
    { timeout: 180000 });
  const count = () => page.$$eval("#console-output .entry", (es) => es.length);
  // Types text into the console and presses Enter; returns the new entry's parts.
  async function enter(text) {
    const before = await count();
    await page.focus("#console-input");
    await page.$eval("#console-input", (el, v) => { el.value += v; el.dispatchEvent(new Event("input")); }, text);
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll("#console-output .entry").length > n ||
                               document.querySelector("#console-input").value.endsWith("\n"),
                               { timeout: 10000 }, before);
    await idle();
    return page.evaluate(() => {
      const e = [...document.querySelectorAll("#console-output .entry")].pop();
      const all = (sel) => [...e.querySelectorAll(sel)].map((p) => p.textContent).join("");
      return e && {
        input: e.querySelector("pre.input").textContent, stdout: all("pre.stdout"), stderr: all("pre.stderr"),
        figures: e.querySelectorAll("div.figure svg").length,
        downloads: [...e.querySelectorAll("a.download")].map((a) => a.download),
        classes: e.className,
      };
    });
  }

  let e = await enter("softmax([1, 2, 3])");
  check(e.stdout === "[0.0900306, 0.244728, 0.665241]\n", "echo of softmax", JSON.stringify(e.stdout));
  check(e.input === "nn> softmax([1, 2, 3])", "entry input with its prompt", JSON.stringify(e.input));

  const n0 = await count();
  await enter("model m() {");
  const v = await page.$eval("#console-input", (el) => el.value);
  const prompt = await page.$eval("#console-prompt", (el) => el.textContent);
  check(v === "model m() {\n" && (await count()) === n0 && prompt.endsWith("..."),
        "incomplete entry waits with '...'", JSON.stringify([v, prompt]));
  await enter("  dense(2, 2)");
  e = await enter("}");
  check(e.input === "nn> model m() {\n...   dense(2, 2)\n... }" && !e.stderr, "multi-line model entry",
        JSON.stringify(e));
  e = await enter("m()");
  check(/dense/.test(e.stdout), "the model defined over three lines is there", e.stdout.slice(0, 60));

  await page.focus("#console-input");
  await page.keyboard.press("ArrowUp");
  check(await page.$eval("#console-input", (el) => el.value) === "m()", "↑ recalls the last entry");
  await page.keyboard.press("ArrowUp");
  check(await page.$eval("#console-input", (el) => el.value) === "model m() {\n  dense(2, 2)\n}",
        "↑ again recalls the multi-line entry");
  // ↓ moves down the recalled entry's lines first, then on to the next entry, the draft.
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  check(await page.$eval("#console-input", (el) => el.value) === "m()", "↓ from the last line: the next entry");
  await page.keyboard.press("ArrowDown");
  check(await page.$eval("#console-input", (el) => el.value) === "", "↓ back to the empty draft");

  e = await enter("let x = [1, 2] + [1, 2, 3]");
  const lines = e.stderr.split("\n");
  check(lines[0].startsWith("<repl>:1:9: error:"), "located error", lines[0]);
  check(lines[1].indexOf("[") === lines[2].indexOf("^") && /\^{15}/.test(lines[2]),
        "carets under the span", JSON.stringify(lines.slice(1, 3)));
  check(await page.$eval("#console-output .entry:last-child pre.stderr", (p) => getComputedStyle(p).whiteSpace) === "pre",
        "errors keep white-space: pre");

  e = await enter("plot(sigmoid, -5, 5)");
  check(e.figures === 1, "plot shows an inline <svg>");

  // Help: the index, without touching what is being typed.
  await page.$eval("#console-input", (el) => { el.value = "1 +"; });
  let n1 = await count();
  await page.click("#help-button");
  await page.waitForFunction((k) => document.querySelectorAll("#console-output .entry").length > k, {}, n1);
  await idle();
  e = await page.$eval("#console-output .entry:last-child", (x) => x.textContent);
  check(/nn> :help/.test(e) && /Activation functions/.test(e) &&
        await page.$eval("#console-input", (el) => el.value) === "1 +", "#help-button shows the index, input kept");
  await page.$eval("#console-input", (el) => { el.value = ""; });

  e = await enter(":help softmax");
  check(/softmax/.test(e.stdout) && !e.stderr, ":help softmax", e.stdout.split("\n")[0]);
  await page.screenshot({ path: join(dir, "screenshots", "page-en-1280.png") });

  await page.select("#lang", "zh");
  await page.waitForFunction(() => document.querySelector("#run").textContent.includes("运行"));
  e = await enter('help("学习率")');
  check(e.stdout.includes("梯度下降的步长"), "help in Chinese", e.stdout.split("\n")[0]);
  e = await enter("[1, 2] + [1, 2, 3]");
  check(e.stderr.startsWith("<repl>:1:1: 错误:"), "errors in Chinese", e.stderr.split("\n")[0]);
  await page.screenshot({ path: join(dir, "screenshots", "page-zh-1280.png") });
  await page.select("#lang", "en");
  e = await enter(":lang zh");
  check(await page.$eval("#lang", (x) => x.value) === "zh" &&
        (await page.$eval("#run", (x) => x.textContent)).includes("运行"), ":lang zh in the console switches the labels");
  await enter(":lang en");
  check(await page.$eval("#lang", (x) => x.value) === "en", ":lang en switches back");

  const csv = "/tmp/nn-page-smoke.csv";
  writeFileSync(csv, "a,b,label\n1,2,0\n3,4,1\n5,6,1\n");
  const file = await page.$("#file-input");
  await file.uploadFile(csv);
  await page.waitForSelector('#files li[data-name="nn-page-smoke.csv"]', { timeout: 5000 });
  e = await enter('let d = load_csv("nn-page-smoke.csv", target = "label")\nprint(d.x[2], len(d.y))');
  check(e.stdout === "[5, 6] 3\n", "a picked CSV read by load_csv", JSON.stringify(e.stdout + e.stderr));

  e = await enter('let net = m()\nsave(net, "w.safetensors")');
  check(e.downloads.includes("w.safetensors"), "save offers a download in the entry", JSON.stringify(e.downloads));
  const size = await page.evaluate(async () => {
    const a = document.querySelector('#files li[data-name="w.safetensors"] a.download');
    return a ? (await (await fetch(a.href)).blob()).size : -1;
  });
  check(size > 16, "the download in #files holds the file", `${size} bytes`);

  // Stop: an endless loop ends with "interrupted" and the page is ready again.
  const before = await count();
  await page.focus("#console-input");
  await page.$eval("#console-input", (el) => { el.value = "let i = 0\nwhile true { i = i + 1 }"; });
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.body.dataset.nnState === "running");
  await new Promise((r) => setTimeout(r, 300));
  check(!(await page.$eval("#stop", (b) => b.disabled)), "Stop enabled while running");
  await page.click("#stop");
  await idle();
  e = await page.$eval("#console-output .entry:last-child", (x) => x.textContent);
  check((await count()) === before + 1 && /interrupted/.test(e), "Stop interrupts a loop", e.slice(-60));

  // Esc stops training after its step and keeps the weights.
  await page.focus("#console-input");
  await page.$eval("#console-input", (el) => {
    el.value = "model k() { dense(2, 4); tanh; dense(4, 2); softmax }\nlet kn = k()\n" +
               "let h = train(kn, xor(), optimizer = sgd(lr = 0.01), epochs = 1000000, verbose = false)";
  });
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.body.dataset.nnState === "running");
  await new Promise((r) => setTimeout(r, 500));
  await page.keyboard.press("Escape");
  await idle();
  e = await page.$eval("#console-output .entry:last-child", (x) => x.textContent);
  check(/training interrupted at epoch \d+/.test(e), "Esc stops training, weights kept", e.slice(-100));

  // Every example from the editor.
  const options = await page.$$eval("#examples option", (os) => os.map((o) => o.value));
  check(options.length >= 14, "#examples lists the scripts", String(options.length));
  const expectOk = (p) => !/fashion_/.test(p);
  for (const path of options) {
    await page.select("#examples", path);
    const text = await page.$eval("#editor", (t) => t.value);
    const t1 = Date.now();
    const n = await count();
    await page.click("#run");
    await page.waitForFunction((k) => document.querySelectorAll("#console-output .entry").length > k, {}, n);
    await idle();
    const r = await page.$eval("#console-output .entry:last-child", (x) => ({
      input: x.querySelector("pre.input").textContent, ok: x.classList.contains("ok"),
      err: [...x.querySelectorAll("pre.stderr")].map((p) => p.textContent).join("").split("\n")[0],
      figures: x.querySelectorAll("div.figure").length,
    }));
    const name = path.split("/").pop();
    check(r.input === `▶ ${name}` && text.length > 0 && r.ok === expectOk(path) && (r.ok || r.err),
          `example ${path}`, `${r.ok ? "ok" : "failed"} in ${Date.now() - t1} ms, ${r.figures} figures${r.err ? ", " + r.err : ""}`);
  }

  await page.screenshot({ path: join(dir, "screenshots", "page-examples-1280.png") });

  // The editor keeps the indentation, two spaces more after '{'; Tab indents.
  await page.$eval("#editor", (t) => { t.value = "model k() {"; t.setSelectionRange(11, 11); });
  await page.focus("#editor");
  await page.keyboard.press("Enter");
  await page.keyboard.type("dense(2, 2)");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  check(await page.$eval("#editor", (t) => t.value) === "model k() {\n  dense(2, 2)\n    ",
        "editor: Enter keeps the indentation, Tab indents");
  // A file dropped on the page is given to the scripts.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["u,v\n7,8\n"], "dropped.csv"));
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('#files li[data-name="dropped.csv"]', { timeout: 5000 });
  e = await enter('let q = load_csv("dropped.csv")\nprint(q.x, q.y)');
  check(e.stdout === "[[7]] [8]\n", "a dropped CSV read by load_csv", JSON.stringify(e.stdout + e.stderr));
  await page.setViewport({ width: 600, height: 900 });
  await page.screenshot({ path: join(dir, "screenshots", "page-en-600.png"), fullPage: true });
  await page.select("#lang", "zh");
  await page.screenshot({ path: join(dir, "screenshots", "page-zh-600.png"), fullPage: true });
  // The editor's text survives a reload.
  await page.$eval("#editor", (t) => { t.value = "print(42)"; t.dispatchEvent(new Event("input")); });
  await new Promise((r) => setTimeout(r, 500));
  await page.reload();
  await page.waitForSelector("body[data-nn-state=ready]", { timeout: 30000 });
  check(await page.$eval("#editor", (t) => t.value) === "print(42)" &&
        !(await page.$eval("#editor-modified", (x) => x.hidden)), "the edited script is kept across a reload");
  // The one-file page (web/bundle.mjs inlines this page) from disk, when it is built.
  const onefile = join(dir, "nn-playground.html");
  if (existsSync(onefile)) {
    const p2 = await browser.newPage();
    p2.on("pageerror", (x) => errors.push("nn-playground.html: " + x.message));
    await p2.goto("file://" + onefile);
    await p2.waitForSelector("body[data-nn-state=ready]", { timeout: 30000 });
    const r = await p2.evaluate(() => window.nnPlayground.nn.run("softmax([1, 2, 3])", { name: "<repl>" }));
    const options = await p2.$$eval("#examples option", (os) => os.length);
    check(r.stdout === "[0.0900306, 0.244728, 0.665241]\n" && options >= 14,
          "nn-playground.html from file:// runs, with the examples", `${options} examples`);
    await p2.close();
  } else {
    console.log("SKIP nn-playground.html is not built");
  }
  check(errors.length === 0, "no page errors", errors.join("; "));
  check(await state() === "ready", "ready at the end");
} finally {
  await browser.close();
  server.kill();
}
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
