// worker_robust.mjs — the Web Worker (web/nn-worker.js, web/nn-client.js) where it can
// fail a page quietly, in headless Chromium: a missing nn.wasm is named, file errors are
// words rather than "FS error", a line printed before a long computation reaches the page
// while it runs, and a late acknowledgement of an earlier run's live frame does not let
// the next run train ahead of the page. Prints PASS/FAIL lines and a summary; exits
// non-zero on a failure.
//   node --no-experimental-fetch tests/web/worker_robust.mjs [build/web]
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";
import { serve, types } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(process.argv[2] || path.join(here, "../../build/web"));
const puppeteer = createRequire(path.join(here, "package.json"))("puppeteer-core");

let passed = 0, failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`PASS ${name}`); }
  else { failed++; console.log(`FAIL ${name}: ${String(detail).slice(0, 400)}`); }
}

// build/web, and the same without nn.wasm (/missing/…), with a blank page for each.
const { server, base } = await serve(web, (rel, res) => {
  const missing = rel.startsWith("missing/");
  if (missing) rel = rel.slice("missing/".length);
  if (rel === "blank.html") {
    res.writeHead(200, { "Content-Type": types[".html"] });
    res.end('<!doctype html><meta charset="utf-8"><title>worker</title><script src="nn-client.js"></script>');
    return true;
  }
  if (missing && rel === "nn.wasm") { res.writeHead(404); res.end(); return true; }
  return rel;
});

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: "new",
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

// ---- nn.wasm missing: ready rejects, naming the file ----
await page.goto(base + "missing/blank.html");
let got = await page.evaluate(() => Promise.race([
  NNClient.start().ready.then(() => "ready", (e) => e.message),
  new Promise((r) => setTimeout(() => r("no answer in 20 s"), 20000)),
]));
check("a missing nn.wasm is named", /\/missing\/nn\.wasm could not be loaded \(HTTP 404\): nn\.wasm must sit beside nn-worker\.js$/.test(got), got);

await page.goto(base + "blank.html");
await page.evaluate(async () => { window.nn = NNClient.start(); await window.nn.ready; });

// ---- file errors in words ----
got = await page.evaluate(async () => {
  const bytes = new TextEncoder().encode("1,2\n");
  const why = (p) => p.then((v) => `resolved ${JSON.stringify(v)}`, (e) => e.message);
  await nn.writeFile("data/a.csv", bytes);
  return [await why(nn.writeFile("data", bytes)), await why(nn.writeFile("data/a.csv/b.csv", bytes)),
          await why(nn.readFile("nope.csv")), await why(nn.removeFile("nope.csv")),
          await why(nn.readFile("../data/a.csv"))];
});
check("writing over a folder", got[0] === "nn worker: cannot write 'data': it is a folder", got[0]);
check("a file used as a folder", got[1] === "nn worker: cannot write 'data/a.csv/b.csv': a part of its path is a file, not a folder", got[1]);
check("reading a missing file", got[2] === "nn worker: cannot read 'nope.csv': no such file", got[2]);
check("removing a missing file", got[3] === "nn worker: cannot remove 'nope.csv': no such file", got[3]);
check("'..' stays inside the working folder", got[4] === 'resolved {"0":49,"1":44,"2":50,"3":10}', got[4]);

// ---- output printed before a long computation arrives while it runs ----
// The run never ends by itself: the page stops it when "second" has arrived, which it
// only does while the run goes on.
got = await page.evaluate(() => {
  let text = "";
  const run = nn.run('print("first")\nprint("second")\nlet z = 0\nwhile true { z = z + 1 }', {
    output: (stream, t) => { text += t; if (text.includes("second")) nn.interrupt(); },
  });
  return Promise.race([run.then((r) => ({ text, stderr: r.stderr })),
                       new Promise((r) => setTimeout(() => r({ text, stderr: "still running after 20 s" }), 20000))]);
});
check("a line printed before a long computation shows while it runs",
      got.text === "first\nsecond\ninterrupted\n" && got.stderr === "interrupted\n", JSON.stringify(got));

// ---- late acknowledgements of an earlier run's frames ----
// A worker driven by hand: run 1 sends frames the page does not acknowledge (training
// waits after 3), is stopped, and its frames are acknowledged only once run 2 has
// started. Run 2, whose frames are not acknowledged either, must still stop at 3.
got = await page.evaluate(async () => {
  const w = new Worker("nn-worker.js");
  const frames = { 1: 0, 2: 0 }, results = {};
  await new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      const m = e.data;
      if (m.event === "ready") resolve();
      else if (m.event === "failed") reject(new Error(m.error));
      else if (m.event === "live") frames[m.id]++;
      else if ("result" in m || "error" in m) results[m.id] = m;
    };
  });
  const wait = (f, ms) => new Promise((r) => {
    const t0 = performance.now();
    const tick = () => (f() || performance.now() - t0 > ms ? r(f()) : setTimeout(tick, 20));
    tick();
  });
  const train = "model lm() { dense(2, 4); tanh; dense(4, 2); softmax }\n" +
                "let h = train(lm(), xor(), optimizer = adam(), epochs = 100000, verbose = false, live = true)\nlen(h.loss)";
  w.postMessage({ id: 1, op: "run", source: train, options: { live: true } });
  await wait(() => frames[1] >= 3, 20000);
  await new Promise((r) => setTimeout(r, 300)); // room for a 4th frame, which must not come
  const waited = frames[1];
  w.postMessage({ op: "interrupt" });
  await wait(() => results[1], 20000);
  w.postMessage({ id: 2, op: "run", source: train, options: { live: true } });
  for (let k = 0; k < frames[1]; k++) w.postMessage({ op: "liveDrawn", id: 1 });
  await wait(() => frames[2] >= 3, 20000);
  await new Promise((r) => setTimeout(r, 500));
  const second = frames[2];
  w.postMessage({ op: "interrupt" });
  await wait(() => results[2], 20000);
  w.terminate();
  return { waited, first: frames[1], second, r1: results[1] && results[1].result.stdout,
           r2: results[2] && results[2].result.stdout };
});
check("training waits while the page is 3 frames behind", got.waited === 3, JSON.stringify(got));
check("Stop while waiting ends the run with its last frame", got.first === 4 && /epoch 4, step 1;[^]*\n4\n$/.test(got.r1 || ""), JSON.stringify(got));
check("late acknowledgements of run 1 give run 2 no head start", got.second === 3 && /\n4\n$/.test(got.r2 || ""), JSON.stringify(got));

check("no uncaught errors in the page", errors.length === 0, errors.join("; "));
await browser.close();
server.close();
console.log(`worker robustness: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
