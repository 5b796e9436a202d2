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
check("runaway recursion is an error, not a trap", !r.ok && r.stderr.includes("recursion too deep"), r.stderr.slice(0, 80));
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

console.log(`wasm api: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
