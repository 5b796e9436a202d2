// embed_smoke.mjs — the embed script (build/web/nn-embed.js) on a test course page in
// headless Chromium, opened from file:// as a teacher's page saved to disk would be:
// cells made from <pre class="nn"> with the teacher's text kept exactly, data-autorun,
// one interpreter shared in page order, a located error in red, a figure, Ctrl+Enter,
// Stop (a queued cell taken back, a running one interrupted), "Run all above", a
// Markdown ```nn block, a page in Chinese (labels and nn's messages), a worker that
// cannot start; and the sample course page, every cell in order. No request may leave
// file:/data:/blob:. Prints PASS/FAIL lines and the time from navigation to the first
// cell's result; exits non-zero on a failure.
//   node tests/web/embed_smoke.mjs [build/web]
// puppeteer-core comes from tests/web/node_modules (make deps-web), or from the folder
// PUPPETEER_FROM names (one holding node_modules/puppeteer-core).
import { mkdtempSync, writeFileSync, copyFileSync, existsSync } from "fs";
import { createRequire } from "module";
import { tmpdir } from "os";
import path from "path";
import { fileURLToPath, pathToFileURL } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(process.argv[2] || path.join(here, "../../build/web"));
const from = process.env.PUPPETEER_FROM ? path.join(process.env.PUPPETEER_FROM, "x.js") : path.join(here, "package.json");
const puppeteer = createRequire(from)("puppeteer-core");

let failed = 0;
function check(name, ok, detail = "") {
  if (ok) console.log(`PASS ${name}`);
  else { failed++; console.log(`FAIL ${name}: ${String(detail).slice(0, 400)}`); }
}

const embed = path.join(web, "nn-embed.js");
if (!existsSync(embed)) { console.log(`FAIL ${embed} is missing (make web)`); process.exit(1); }
const dir = mkdtempSync(path.join(tmpdir(), "nn-embed-"));
copyFileSync(embed, path.join(dir, "nn-embed.js"));

// The teacher's text keeps its indentation, blank lines and entities (&lt; is "<").
const loop = "for i in 1..4 {\n  if i &lt; 3 {\n    print(\"i =\", i)\n  }\n\n}";
const page = (lang) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>embed test</title></head><body>
<p>Cell 1 runs at load.</p>
<pre class="nn" id="first" data-autorun>
let shared = 41
softmax([1, 2, 3])
</pre>
<pre class="nn">shared + 1</pre>
<pre class="nn">
${loop}
</pre>
<pre class="nn">
let y = 1 +* 2
</pre>
<pre class="nn">plot(sigmoid, -5, 5)</pre>
<pre class="nn">
let n = 0
while true { n = n + 1 }
</pre>
<pre class="nn">sum([1, 2])</pre>
<pre><code class="language-nn">2 ^ 10
</code></pre>
<pre><code class="language-python">print("not nn")</code></pre>
<script src="nn-embed.js"></script>
</body></html>
`;
writeFileSync(path.join(dir, "en.html"), page("en"));
writeFileSync(path.join(dir, "zh.html"), page("zh-CN"));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: "new",
  args: ["--no-sandbox", "--disable-gpu"],
});

const settled = (p, k, timeout = 60000) => p.waitForFunction((i) => {
  const s = document.querySelectorAll(".nn-cell")[i].dataset.state;
  return s === "done" || s === "error";
}, { timeout }, k);
const cell = (p, k) => p.evaluate((i) => {
  const c = document.querySelectorAll(".nn-cell")[i];
  const t = (s) => { const n = c.querySelector(s); return n ? n.textContent : ""; };
  return { state: c.dataset.state, code: c.querySelector(".nn-code").value, stdout: t("pre.stdout"),
           stderr: t("pre.stderr"), status: t(".nn-status"), run: t("button.nn-run"),
           figures: c.querySelectorAll("div.figure svg").length, id: c.id,
           errColor: c.querySelector("pre.stderr") ? getComputedStyle(c.querySelector("pre.stderr")).color : "" };
}, k);
const click = (p, k, button) =>
  p.evaluate((i, b) => document.querySelectorAll(".nn-cell")[i].querySelector(b).click(), k, button);

// ---- English, from file:// ----
{
  const p = await browser.newPage();
  await p.setViewport({ width: 900, height: 1200 });
  const errors = [], remote = [];
  p.on("pageerror", (e) => errors.push(e.message));
  p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  p.on("request", (r) => { if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url()); });
  await p.goto(pathToFileURL(path.join(dir, "en.html")).href);
  await p.waitForFunction(() => document.querySelector(".nn-cell") &&
    document.querySelector(".nn-cell").dataset.state === "done", { timeout: 60000, polling: "raf" });
  const first = await p.evaluate(() => performance.now());
  console.log(`first cell's result (data-autorun) ${first.toFixed(0)} ms after navigation (file://)`);

  check("every <pre class=\"nn\"> became a cell", (await p.$$("pre.nn")).length === 0 &&
        (await p.$$(".nn-cell")).length === 8);
  check("a Markdown ```nn block is a cell too, other code is left alone",
        (await cell(p, 7)).code === "2 ^ 10" && (await p.$$("code.language-python")).length === 1);
  let c = await cell(p, 0);
  check("data-autorun ran the first cell; its id is kept", c.stdout === "[0.0900306, 0.244728, 0.665241]\n" &&
        c.id === "first" && c.run === "Run", JSON.stringify(c));
  check("other cells wait for Run", (await cell(p, 1)).state === "idle");
  c = await cell(p, 2);
  check("the teacher's text is kept exactly", c.code === loop.replace("&lt;", "<"), JSON.stringify(c.code));

  await click(p, 1, "button.nn-run");
  await settled(p, 1);
  c = await cell(p, 1);
  check("a later cell sees an earlier cell's definitions", c.state === "done" && c.stdout === "42\n", JSON.stringify(c));

  await click(p, 2, "button.nn-run");
  await settled(p, 2);
  c = await cell(p, 2);
  check("indented code runs", c.stdout === "i = 1\ni = 2\n", JSON.stringify(c));

  await click(p, 3, "button.nn-run");
  await settled(p, 3);
  c = await cell(p, 3);
  check("an error is located in its cell, with carets, in red",
        c.state === "error" && /^cell 4:1:\d+: error: /.test(c.stderr) && /\n *\| *\^\n/.test(c.stderr) &&
        c.errColor === "rgb(207, 34, 46)", JSON.stringify(c));

  // Ctrl+Enter in the code runs the cell.
  await p.evaluate(() => document.querySelectorAll(".nn-cell")[4].querySelector(".nn-code").focus());
  await p.keyboard.down("Control"); await p.keyboard.press("Enter"); await p.keyboard.up("Control");
  await settled(p, 4);
  c = await cell(p, 4);
  check("Ctrl+Enter runs a cell; a plot is a figure", c.state === "done" && c.figures === 1, JSON.stringify(c));

  // Stop: cell 7 queued behind the endless loop of cell 6 is taken back; then cell 6 stops.
  await click(p, 5, "button.nn-run");
  await p.waitForFunction(() => document.querySelectorAll(".nn-cell")[5].dataset.state === "running");
  await click(p, 6, "button.nn-run");
  const queued = (await cell(p, 6)).state;
  await click(p, 6, "button.nn-stop");
  await new Promise((r) => setTimeout(r, 300));
  check("a running cell's Stop button is enabled",
        await p.evaluate(() => !document.querySelectorAll(".nn-cell")[5].querySelector(".nn-stop").disabled));
  await click(p, 5, "button.nn-stop");
  await settled(p, 5, 10000);
  c = await cell(p, 5);
  check("Stop interrupts a running cell", c.state === "error" && /interrupted/.test(c.stderr), JSON.stringify(c));
  c = await cell(p, 6);
  check("Stop takes back a queued cell", queued === "queued" && c.state === "idle" && c.stdout === "",
        `${queued} ${JSON.stringify(c)}`);

  // "Run all above" on the last cell runs every cell in order (cell 4's error included).
  await p.evaluate(() => document.querySelectorAll(".nn-cell")[0].querySelector(".nn-code").value = "let shared = 1");
  await p.evaluate(() => document.querySelectorAll(".nn-cell")[5].querySelector(".nn-code").value = "shared * 10");
  await click(p, 6, "button.nn-run-above");
  await settled(p, 6);
  const states = await p.$$eval(".nn-cell", (l) => l.slice(0, 7).map((n) => n.dataset.state).join(" "));
  c = await cell(p, 5);
  check("Run all above runs the cells in order", states === "done done done error done done done" &&
        c.stdout === "10\n" && (await cell(p, 6)).stdout === "3\n", `${states} ${JSON.stringify(c)}`);
  check("window.nnEmbed.nn is the page's interpreter",
        await p.evaluate(async () => (await window.nnEmbed.nn.run("shared + 1")).stdout) === "2\n");
  check("no request leaves file:/data:/blob:", remote.length === 0, remote.join(" "));
  check("no script errors", errors.length === 0, errors.join("\n"));
  await p.screenshot({ path: path.join(dir, "embed-en.png"), fullPage: true });
  await p.close();
}

// ---- Chinese: <html lang="zh-CN"> ----
{
  const p = await browser.newPage();
  await p.setViewport({ width: 900, height: 1200 });
  await p.goto(pathToFileURL(path.join(dir, "zh.html")).href);
  await settled(p, 0);
  await click(p, 3, "button.nn-run");
  await settled(p, 3);
  const c = await cell(p, 3);
  check("lang=\"zh-CN\": Chinese labels and messages",
        c.run === "运行" && /^代码块 4:1:\d+: 错误/.test(c.stderr) &&
        (await cell(p, 0)).status.startsWith("完成"), JSON.stringify(c));
  await p.screenshot({ path: path.join(dir, "embed-zh.png"), fullPage: true });
  await p.close();
}

// ---- the sample course page (build/web/course-sample.html), from file:// ----
{
  const sample = path.join(web, "course-sample.html");
  const p = await browser.newPage();
  await p.setViewport({ width: 1000, height: 900 });
  const errors = [], remote = [];
  p.on("pageerror", (e) => errors.push(e.message));
  p.on("request", (r) => { if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url()); });
  await p.goto(pathToFileURL(sample).href);
  await p.waitForFunction(() => window.nnEmbed && document.querySelectorAll(".nn-cell").length > 0);
  const n = await p.$$eval(".nn-cell", (l) => l.length);
  await click(p, n - 1, "button.nn-run-above"); // every cell, top to bottom
  await settled(p, n - 1, 120000);
  const all = [];
  for (let k = 0; k < n; k++) all.push(await cell(p, k));
  check("every cell of the sample runs, in order", n >= 5 && all.every((c) => c.state === "done"),
        JSON.stringify(all.map((c) => [c.state, c.stderr])));
  check("the sample's values", all[0].stdout.startsWith("[0.0179862, 0.0474259, 0.119203,") &&
        all.some((c) => c.stdout.includes("[0.0900306, 0.244728, 0.665241]")), JSON.stringify(all[0]));
  check("the sample's plots are figures", all.reduce((s, c) => s + c.figures, 0) >= 2);
  const last = all[n - 1], acc = Number(last.stdout.trim().split("\n").pop());
  const live = await p.evaluate((k) => {
    const box = document.querySelectorAll(".nn-cell")[k].querySelector("div.live");
    return box ? box.textContent + (box.querySelector("canvas") ? " [canvas]" : "") : "";
  }, n - 1);
  check("the sample's training run learns the moons, drawn live", acc >= 0.9 && /150/.test(live),
        `${last.stdout} | ${live}`);
  check("the sample asks for nothing but its files", remote.length === 0 && errors.length === 0,
        remote.concat(errors).join(" "));
  await p.screenshot({ path: path.join(dir, "course-sample.png"), fullPage: true });
  await p.close();
}

// ---- a browser where the worker cannot start: each cell says so, nothing throws ----
{
  const broken = page("zh").replace("<script src=", `<script>
window.Worker = class { constructor() { setTimeout(() => this.onerror({ message: "no workers here" }), 0); }
                        postMessage() {} };
</script>
<script src=`);
  writeFileSync(path.join(dir, "broken.html"), broken);
  const p = await browser.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(pathToFileURL(path.join(dir, "broken.html")).href);
  await p.waitForFunction(() => [...document.querySelectorAll(".nn-cell")].every((c) => c.dataset.state === "error"),
                          { timeout: 10000 });
  const c = await cell(p, 1);
  check("a worker that cannot start: every cell says so",
        c.status === "nn 加载失败：nn worker: no workers here" && errors.length === 0,
        `${JSON.stringify(c)} ${errors.join(" ")}`);
  await p.close();
}

await browser.close();
console.log(`screenshots: ${dir}/embed-en.png, embed-zh.png, course-sample.png`);
console.log(failed ? `${failed} FAILED` : "all passed");
process.exit(failed ? 1 : 0);
