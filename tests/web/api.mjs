// api.mjs — the page's JS API (web/nn-api.js) on the Node build: one interpreter whose
// definitions persist across runs, echo, figures as SVG, errors located in the run's
// name, the language switch, reset, bytes as sources. Prints PASS/FAIL lines (the
// format of tests/run.sh) and a summary; exits non-zero on a failure.
//   node tests/web/api.mjs build/web/node/nn.js          (part of make test-web-node)
import { existsSync, mkdtempSync, rmSync, statSync } from "fs";
import { createRequire } from "module";
import { tmpdir } from "os";
import path from "path";
import { fileURLToPath } from "url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const moduleFile = path.resolve(process.argv[2] || path.join(root, "build/web/node/nn.js"));
const { createNN } = await import(path.join(root, "web/nn-api.js"));
const nn = createNN(createRequire(import.meta.url)(moduleFile));

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`PASS ${name}`); }
  else { failed++; console.log(`FAIL ${name}: ${detail}`); }
}
const same = (name, got, want) => check(name, got === want, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);

check("ready resolves to the API", (await nn.ready) === nn, "another value");

let r = await nn.run("softmax([1, 2, 3])\nlet a = 3");
same("echo of an expression", r.stdout, "[0.0900306, 0.244728, 0.665241]\n");
check("a good run", r.ok && r.stderr === "" && r.figures.length === 0, JSON.stringify(r));
r = await nn.run("a + 1");
same("definitions persist between runs", r.stdout, "4\n");
r = await nn.run("fn f(x) = sum(sigmoid(x))\ngrad(f, [0, 1])");
same("grad (the contract's value)", r.stdout, "[0.25, 0.196612]\n");
r = await nn.run("1 + 1", { echo: false });
same("echo: false prints only print's output", r.stdout, "");
r = await nn.run('print("张量", [1, 2])');
same("UTF-8 text both ways", r.stdout, "张量 [1, 2]\n");

r = await nn.run("plot(sigmoid, -5, 5)\nprint(\"done\")");
check("a plot is one figure", r.ok && r.figures.length === 1, JSON.stringify(r.figures.length));
check("the figure is an SVG document", /^<\?xml[^]*<svg [^]*<title>sigmoid<\/title>[^]*<\/svg>\n$/.test(r.figures[0] ?? ""),
      (r.figures[0] ?? "").slice(0, 80));
same("and no text drawing on stdout", r.stdout, "done\n");
r = await nn.run("plot([1, 2, 3], title = \"a\"); plot([3, 2, 1], title = \"b\")");
check("two plots, two figures in order", r.figures.length === 2 && r.figures[0].includes("<title>a</title>") &&
      r.figures[1].includes("<title>b</title>"), r.figures.length);
r = await nn.run("1");
check("figures belong to one run", r.figures.length === 0, r.figures.length);
r = await nn.run("plot(sigmoid, -5, 5)", { figures: false });
check("figures: false draws text as a terminal does", r.figures.length === 0 && r.stdout.includes("sigmoid") &&
      r.stdout.split("\n").length > 10, r.stdout.slice(0, 80));

const dir = mkdtempSync(path.join(tmpdir(), "nn-web-"));
r = await nn.run(`plot(relu, -1, 1, file = "${dir}/p.svg")`);
check("plot(file =) writes the file (host files under Node)", r.ok && existsSync(`${dir}/p.svg`) &&
      r.stderr === `wrote ${dir}/p.svg (640×420)\n` && r.figures.length === 0, r.stderr);
check("readable by its owner (emscripten's umask starts at 0777)",
      existsSync(`${dir}/p.svg`) && (statSync(`${dir}/p.svg`).mode & 0o600) === 0o600,
      existsSync(`${dir}/p.svg`) ? (statSync(`${dir}/p.svg`).mode & 0o777).toString(8) : "no file");
// save flushes its file (fsync) before renaming it into place: emscripten's fsync under
// Asyncify threw on a host file and stopped the module.
r = await nn.run(`model lm() { dense(3, 2) }\nseed(4)\nlet sv = lm()\nlet ys = sv(ones([1, 3]))\nsave(sv, "${dir}/m.safetensors")
seed(5)\nlet back = lm()\nlet yb = back(ones([1, 3]))\nload(back, "${dir}/m.safetensors")\nsum(back(ones([1, 3])) == ys) + sum(yb == ys)`);
check("save then load under Node", r.ok && r.stdout === "2\n" && existsSync(`${dir}/m.safetensors`) &&
      statSync(`${dir}/m.safetensors`).size === 200, JSON.stringify(r).slice(0, 200));
rmSync(dir, { recursive: true, force: true });

r = await nn.run("let b = [1, 2] + [1, 2, 3]", { name: "cell 3" });
check("an error fails the run", !r.ok, "ok");
same("located in the run's name, with carets", r.stderr.split("\n").slice(0, 1).join("\n"),
     "cell 3:1:9: error: add: cannot broadcast shapes [2] and [3]");
r = await nn.run("a +");
same("a syntax error", r.stderr, "<input>:1:4: error: expected an expression, got end of input\n    1 | a +\n      |    ^\n");
same("output of a failed run is only its own", r.stdout, "");
r = await nn.run("a");
check("the interpreter goes on after an error", r.ok && r.stdout === "3\n", JSON.stringify(r));
r = await nn.run("fn down(n) = down(n + 1)\ndown(0)");
check("runaway recursion is an error, not a trap", !r.ok && r.stderr.includes("recursion too deep (more than 500 nested calls)"), r.stderr.slice(0, 80));
// A long expression nests evaluation deeply: nn's own error, before the engine's stack
// runs out (which would stop the module for good).
r = await nn.run(Array(5000).fill("1").join(" + "));
check("a 5000-term sum is nn's error, not a trap", !r.ok && r.stderr.includes("recursion too deep (the C stack ran out)"), r.stderr.slice(0, 120));
r = await nn.run(Array(1400).fill("1").join(" + "));
same("a 1400-term sum runs", r.stdout, "1400\n");
for (let k = 0; k < 3; k++) { // the engine's stack holds the page's limit, whatever the depth of the sleep
  r = await nn.run("fn d(n) { if n == 0 { return 0 }; return 1 + d(n - 1) }\nd(490)");
  same("490 nested calls run", r.stdout, "490\n");
}
r = await nn.run("let s = 0\nfor i in 0..10 { s = s + i }\ns");
check("the module still works after it", r.ok && r.stdout === "45\n", JSON.stringify(r));

r = await nn.run(new Uint8Array([0x31, 0x0a, 0x00, 0x0a]), { name: "bytes.nn" });
check("a NUL byte in the source is an error", !r.ok && r.stderr.startsWith("bytes.nn:2:1: error: the file contains a NUL byte"), r.stderr);
r = await nn.run(new Uint8Array([0x78, 0xff]), { name: "bytes.nn" });
check("invalid UTF-8 is an error", !r.ok && r.stderr.includes("invalid UTF-8 byte 0xFF"), r.stderr);
r = await nn.run("print(\"" + "x".repeat(100000) + "\")", { echo: false });
check("long output arrives whole", r.stdout.length === 100001, r.stdout.length);

check("setLang(\"zh\")", nn.setLang("zh") === true, "false");
r = await nn.run("nope");
same("errors in Chinese", r.stderr.split("\n")[0], "<input>:1:1: 错误: 未定义的名称 'nope'");
check("setLang of an unknown language is false", nn.setLang("xx") === false, "true");
r = await nn.run("nope");
check("and keeps the language", r.stderr.includes("错误"), r.stderr);
nn.reset();
r = await nn.run("a");
check("reset forgets definitions", !r.ok && r.stderr.includes("'a'"), r.stderr);
check("and keeps the language", r.stderr.includes("错误"), r.stderr);
nn.setLang("en");
r = await nn.run("nope");
same("setLang(\"en\") switches back", r.stderr.split("\n")[0], "<input>:1:1: error: undefined name 'nope'");

// The contract's training program, in the page (portable matmul kernel, no threads).
r = await nn.run(`model mlp(hidden = 8) { dense(2, hidden); tanh; dense(hidden, 2); softmax }
seed(1)
let net = mlp(hidden = 16)
let h = train(net, xor(), loss = cross_entropy, optimizer = adam(lr = 0.05), epochs = 300, batch = 4, verbose = false)
accuracy(net, xor())`);
same("xor trains to accuracy 1", r.stdout, "1\n");

// The console's entries (repl: true): ':' commands as in the terminal REPL, and an entry
// that ends early runs nothing and asks for more.
r = await nn.run("model mm() {", { repl: true, name: "<repl>" });
check("an open brace asks for more", r.incomplete === true && !r.ok && r.stdout === "" && r.stderr === "", JSON.stringify(r));
r = await nn.run("model mm() {\n  dense(2, 2)\n}\nmm()", { repl: true, name: "<repl>" });
same("the whole entry then runs", r.stdout, "<model mm: dense>\n");
r = await nn.run(":help softmax", { repl: true });
check(":help works in the console", r.ok && r.stdout.startsWith("softmax"), r.stdout.slice(0, 60));
r = await nn.run(":vars", { repl: true });
check(":vars lists the session's names", r.ok && /^a = 3$/m.test(r.stdout) === false && /^i = /m.test(r.stdout) === false && r.stdout.includes("net = "), r.stdout);
r = await nn.run(":nope", { repl: true });
same("an unknown command", r.stderr, "unknown command ':nope' (try :help)\n");
r = await nn.run("1 +", { repl: true, name: "<repl>" });
check("an operator at the end asks for more", r.incomplete, JSON.stringify(r));
r = await nn.run("1 +");
same("outside the console it is an error", r.stderr.split("\n")[0], "<input>:1:4: error: expected an expression, got end of input");
// output(stream, text) sees each piece as it is written, in order.
const pieces = [];
r = await nn.run("print(1)\nnope\n", { output: (s, t) => pieces.push([s, t]) });
const streams = pieces.map((p) => p[0]).join("");
check("output streams pieces as written, stdout's print before the error", /^1+2+$/.test(streams), streams);
check("and they add up to the run's text", pieces.filter((p) => p[0] === 1).map((p) => p[1]).join("") === r.stdout &&
      pieces.filter((p) => p[0] === 2).map((p) => p[1]).join("") === r.stderr, JSON.stringify(pieces));
// A callback that throws stops the run and run() rejects with its error; the interpreter
// goes on (the error used to unwind through the C code and stop the module for good).
let calls = 0;
const rejected = (p) => p.then((v) => `resolved ${JSON.stringify(v).slice(0, 100)}`, (e) => e.message);
same("an output callback that throws rejects the run",
     await rejected(nn.run("let k = 0\nwhile true { print(k)\nk = k + 1 }", { output: () => { calls++; throw new Error("drawing failed"); } })),
     "drawing failed");
same("and is called no more", calls, 1);
r = await nn.run("k");
same("the run stopped at the throw, and the session goes on", r.stdout, "0\n");
same("a live callback that throws rejects the run",
     await rejected(nn.run("model tm() { dense(2, 4); tanh; dense(4, 2); softmax }\n" +
                           "let th = train(tm(), xor(), optimizer = adam(), epochs = 1000000, verbose = false, live = true)",
                           { live: (f) => { if (f.epoch === 3) throw new Error("frame " + f.epoch); } })),
     "frame 3");
r = await nn.run("softmax([0, 0])");
same("and the session goes on", r.stdout, "[0.5, 0.5]\n");

// Stop: interrupt() reaches a running run (Asyncify gives the event loop a turn): a loop
// stops with "interrupted"; train stops after its step, keeping its weights and history.
setTimeout(() => nn.interrupt(), 200);
let t0 = performance.now();
r = await nn.run("let i = 0\nwhile true { i = i + 1 }");
same("interrupt() stops a loop", r.stderr, "interrupted\n");
r = await nn.run("i > 0");
same("the session goes on after it", r.stdout, "true\n");
// Stopped from the 10th frame's callback, not after a time: a loaded machine may train
// only one epoch in a given time.
const frames = [];
r = await nn.run(`seed(2)
let moons400 = moons(n = 400, noise = 0.1)
model m2() { dense(2, 16); tanh; dense(16, 16); tanh; dense(16, 2); softmax }
let net2 = m2()
let h2 = train(net2, moons400, optimizer = adam(lr = 0.01), epochs = 100000, verbose = false, live = true)
len(h2.loss)`, { live: (f) => { if (frames.push(f) === 10) nn.interrupt(); } });
check("interrupt() stops train after a step", r.ok && /training interrupted at epoch \d+, step \d+; the weights reached so far are kept\n\d+\n$/.test(r.stdout), JSON.stringify(r));
check("live frames arrived during the run, the interrupt after the next step", frames.length === 11 &&
      r.stdout.endsWith(`epoch 11, step 1; the weights reached so far are kept\n11\n`), `${frames.length} frames, ${r.stdout}`);
const f = frames[frames.length - 1] || {};
check("the last frame says it was interrupted", f.interrupted === true && f.epoch === frames.length, JSON.stringify(f).slice(0, 100));
check("frames carry the grid and the points", f.grid && f.grid.n === 48 && f.grid.p.length === 48 * 48 * 2 &&
      f.points && f.points.x.length === 800 && f.points.label.length === 400 && f.outputs === 2, JSON.stringify(f).slice(0, 200));
r = await nn.run("accuracy(net2, moons400) > 0.8");
same("the stopped model kept its weights", r.stdout, "true\n");
// Speed (issue 10): moons(n = 400), a 2-16-16-2 MLP, 100 epochs with a frame each.
let n = 0;
t0 = performance.now();
r = await nn.run("let h3 = train(m2(), moons400, optimizer = adam(lr = 0.01), epochs = 100, verbose = false, live = true)\nlen(h3.loss)", { live: () => n++ });
const ms = performance.now() - t0;
check("100 live epochs on moons", r.stdout === "100\n" && n === 100, `${r.stdout} ${n}`);
console.log(`moons n=400, 2-16-16-2, 100 epochs with live frames: ${ms.toFixed(0)} ms (target < 3000 ms)`);

console.log(`wasm api: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
