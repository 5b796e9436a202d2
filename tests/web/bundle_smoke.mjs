// bundle_smoke.mjs — web/bundle.mjs on throwaway pages: what it must refuse (a missing
// file, a remote script or stylesheet, a module import), and, in headless Chromium from
// file://, that inlined text which could end its element early ("</script>" in a
// string, "<!--" then "<script" in a comment, "</style>" in CSS) does not, and that the
// worker's text arrives whole in window.NN_WORKER_SOURCE. Exits non-zero on a failure.
//   node tests/web/bundle_smoke.mjs
// puppeteer-core as in embed_smoke.mjs (tests/web/node_modules or PUPPETEER_FROM).
import { mkdtempSync, writeFileSync, readFileSync } from "fs";
import { spawnSync } from "child_process";
import { createRequire } from "module";
import { tmpdir } from "os";
import path from "path";
import { fileURLToPath, pathToFileURL } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.resolve(here, "../../web/bundle.mjs");
const from = process.env.PUPPETEER_FROM ? path.join(process.env.PUPPETEER_FROM, "x.js") : path.join(here, "package.json");

let failed = 0;
function check(name, ok, detail = "") {
  if (ok) console.log(`PASS ${name}`);
  else { failed++; console.log(`FAIL ${name}: ${String(detail).slice(0, 400)}`); }
}

const dir = mkdtempSync(path.join(tmpdir(), "nn-bundle-"));
const put = (name, text) => writeFileSync(path.join(dir, name), text);
// The worker stands in for single/nn-worker.js: text that must survive as it is.
const worker = 'postMessage("</script><!-- <script> \u2028 ok");\n';
put("worker.js", worker);
put("a.css", "body::after { content: \"</style><b>broken</b>\"; } .x { color: rgb(1, 2, 3); }\n");
put("a.js", [
  "window.results = [];",
  "// a comment with <!-- and <script> in it",
  "results.push(\"</script><b>broken</b>\".length);",
  "results.push(/<\\/script>/.test(\"</script>\"));",
  "results.push(`<!-- ${'<script>'} -->`.length);",
].join("\n"));
// deferred, in <head>: it runs once the page is parsed, after a.js at the end of <body>
put("b.js", "results.push(document.querySelector('.x') ? 'deferred script ran last' : 'too early');\n");

function run(html) {
  put("index.html", html);
  const r = spawnSync(process.execPath, [bundle, "page", path.join(dir, "index.html"),
                                          path.join(dir, "worker.js"), path.join(dir, "out.html")],
                      { encoding: "utf8" });
  return { status: r.status, err: r.stderr };
}
const page = (extra) => `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="a.css"><script src="b.js" defer></script>${extra}</head>
<body><p class="x">page</p>
<script src="a.js"></script>
</body></html>`;

let r = run(page('<script src="missing.js"></script>'));
check("a missing file is refused", r.status === 1 && /"missing\.js" is missing/.test(r.err), r.err);
r = run(page('<script src="https://cdn.example/x.js"></script>'));
check("a remote script is refused", r.status === 1 && /not a local file/.test(r.err), r.err);
r = run(page('<link rel="stylesheet" href="//fonts.example/f.css">'));
check("a remote stylesheet is refused", r.status === 1 && /not a local file/.test(r.err), r.err);
r = run(page('<script type="module">import { x } from "./x.js";</script>'));
check("a module import is refused", r.status === 1 && /module imports/.test(r.err), r.err);
r = run(page(""));
check("a page of local files is bundled", r.status === 0, r.err);
const out = readFileSync(path.join(dir, "out.html"), "utf8");
check("no src= or stylesheet link is left", !/<script[^>]*\bsrc=|<link[^>]*stylesheet/.test(out));

const puppeteer = createRequire(from)("puppeteer-core");
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: "new",
  args: ["--no-sandbox", "--disable-gpu"],
});
const p = await browser.newPage();
const errors = [], requests = [];
p.on("pageerror", (e) => errors.push(e.message));
p.on("request", (q) => requests.push(q.url()));
await p.goto(pathToFileURL(path.join(dir, "out.html")).href);
const got = await p.evaluate(() => ({
  results: window.results, worker: window.NN_WORKER_SOURCE,
  bold: document.querySelectorAll("b").length,
  colour: document.querySelector(".x") ? getComputedStyle(document.querySelector(".x")).color : "",
  text: document.body.innerText.trim(),
}));
check("inlined scripts run whole, in order", JSON.stringify(got.results) ===
      JSON.stringify([22, true, 17, "deferred script ran last"]), JSON.stringify(got.results));
check("nothing inlined leaks into the page", got.bold === 0 && got.text === "page" &&
      got.colour === "rgb(1, 2, 3)", JSON.stringify(got));
// The worker's text sits raw in a text/plain <script>, escaped as inlined JS is
// ("</script" → "<\/script", "<!--" → "\x3C!--", the same JS inside its strings): what
// the page hands the worker must run as the original does.
const said = await p.evaluate(() => new Promise((resolve) => {
  const w = new Worker(URL.createObjectURL(new Blob([window.NN_WORKER_SOURCE], { type: "text/javascript" })));
  w.onmessage = (e) => resolve(e.data);
  w.onerror = (e) => resolve(`worker error: ${e.message}`);
}));
check("NN_WORKER_SOURCE runs as the worker's own text", said === "</script><!-- <script> \u2028 ok",
      JSON.stringify(said) + " from " + JSON.stringify(got.worker));
check("the page asks for nothing but itself", requests.filter((u) => !u.startsWith("blob:")).length === 1 && errors.length === 0,
      requests.join(" ") + errors.join(" "));
await browser.close();
console.log(failed ? `${failed} FAILED` : "all passed");
process.exit(failed ? 1 : 0);
