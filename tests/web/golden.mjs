// golden.mjs — the golden suite (tests/golden/*.nn) through the WebAssembly build under
// Node, driven by the page's JS API (web/nn-api.js) as `nn NAME.nn` runs each case: from
// tests/golden, a fresh interpreter, no echo, plots drawn as text. stdout and stderr must
// equal NAME.out and NAME.err exactly, and the run must fail exactly when NAME.err exists
// (tests/run.sh's rules). Cases a .sh drives (command-line options, stdin, the REPL) are
// left out. tests/web/expected-differences lists the cases that differ on purpose under
// WebAssembly, with the reason; they are counted apart.
//   node tests/web/golden.mjs build/web/node/nn.js [NAME...]      (make test-web-node)
import { readFileSync, readdirSync, existsSync } from "fs";
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const moduleFile = path.resolve(process.argv[2] || path.join(root, "build/web/node/nn.js"));
const only = process.argv.slice(3);
const { createNN } = await import(path.join(root, "web/nn-api.js"));
const nn = createNN(createRequire(import.meta.url)(moduleFile));
await nn.ready;

// "NAME  reason" lines; # starts a comment.
const expected = new Map();
for (const line of readFileSync(path.join(root, "tests/web/expected-differences"), "utf8").split("\n")) {
  const m = line.replace(/#.*/, "").trim().match(/^(\S+)\s+(.*)$/);
  if (m) expected.set(m[1], m[2]);
}

const dir = path.join(root, "tests/golden");
process.chdir(dir); // the module's files are the host's (NODERAWFS): paths as ./nn sees them
const names = readdirSync(dir).filter((f) => f.endsWith(".nn")).map((f) => f.slice(0, -3))
  .filter((n) => !existsSync(`${n}.sh`) && (!only.length || only.includes(n))).sort();
const read = (f) => (existsSync(f) ? readFileSync(f, "utf8") : null);

let passed = 0, failed = 0, differ = 0, fixed = [];
for (const name of names) {
  nn.reset();
  nn.setLang("en");
  const r = await nn.run(readFileSync(`${name}.nn`), { name: `${name}.nn`, echo: false, figures: false });
  const out = read(`${name}.out`), err = read(`${name}.err`);
  const why = [];
  if (r.stdout !== (out ?? "")) why.push("stdout differs");
  if (r.stderr !== (err ?? "")) why.push("stderr differs");
  if (r.ok === (err !== null)) why.push(r.ok ? "succeeded, expected an error" : "failed");
  if (expected.has(name)) {
    if (why.length) differ++;
    else fixed.push(name);
    continue;
  }
  if (!why.length) { passed++; continue; }
  failed++;
  console.log(`FAIL golden ${name}: ${why.join("; ")}`);
  const show = (want, got) => {
    const a = (want ?? "").split("\n"), b = got.split("\n");
    for (let i = 0, shown = 0; i < Math.max(a.length, b.length) && shown < 6; i++)
      if (a[i] !== b[i]) { console.log(`  line ${i + 1}: want ${JSON.stringify(a[i])}`); console.log(`          got  ${JSON.stringify(b[i])}`); shown++; }
  };
  show(out, r.stdout);
  show(err, r.stderr);
}
for (const n of fixed) console.log(`note: ${n} is listed in expected-differences but passes now`);
console.log(`wasm golden: ${passed} passed, ${failed} failed, ${differ} expected differences (tests/web/expected-differences)`);
process.exit(failed ? 1 : 0);
