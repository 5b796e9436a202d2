// bundle.mjs — the two one-file builds of the page's pieces (plain Node, no packages):
//
//   node web/bundle.mjs page [--wasm NN.wasm] INDEX.html WORKER.js OUT.html
//     build/web/nn-playground.html: index.html with every stylesheet and script it
//     references inlined, the worker (nn-worker.js) as the text window.NN_WORKER_SOURCE,
//     from which the page starts its worker as a Blob URL, and nn.wasm, gzipped, as the
//     base64 text window.NN_WASM_BASE64, which nn-client.js sends it.
//     Opened from disk (file://) it needs no server and asks the network for nothing.
//     References are resolved beside index.html; one to something missing or remote
//     (http:, https:, //) is an error: the one file would not be whole.
//
//   node web/bundle.mjs embed [--wasm NN.wasm] OUT.js WORKER.js [X.css…] X.js…
//     build/web/nn-embed.js, the one script a teacher's page adds (web/embed.js): the
//     scripts given, in order, inside one function, after `const NN_EMBED = {workerSource,
//     wasm, css}` (the worker's text, nn.wasm gzipped in base64, the stylesheets given), so the
//     embed needs no other file.
import { readFileSync, writeFileSync, existsSync, statSync } from "fs";
import path from "path";
import { gzipSync } from "zlib";

const [mode, ...args] = process.argv.slice(2);
// --wasm FILE: the module, inlined gzipped as base64 text (nn-worker.js's page wasm).
let wasm = null;
if (args[0] === "--wasm" && args.length > 1) wasm = args.splice(0, 2)[1];
const wasmText = () => gzipSync(readFileSync(wasm), { level: 9 }).toString("base64");
const problems = [];
function fail(message) {
  console.error(`bundle.mjs: ${message}`);
  process.exit(1);
}

// Attributes of one start tag: name → value (valueless attributes map to "").
function attributes(tag) {
  const attrs = {};
  const body = tag.replace(/^<\w+/, "").replace(/\/?>$/, "");
  for (const m of body.matchAll(/([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g))
    attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? "";
  return attrs;
}

// The text of a local file the page references, or null (with the reason recorded).
function local(dir, ref, what) {
  if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(ref)) {
    problems.push(`${what} "${ref}" is not a local file: the one-file page must not use the network`);
    return null;
  }
  const file = path.join(dir, decodeURIComponent(ref.replace(/[?#].*$/, "")));
  if (!existsSync(file) || !statSync(file).isFile()) {
    problems.push(`${what} "${ref}" is missing (looked for ${file})`);
    return null;
  }
  return readFileSync(file, "utf8");
}

// Inside <script>, the HTML parser ends the element at the first "</script", and after a
// "<!--" followed by "<script" it no longer does (the "double escaped" state). "<\/" and
// "\x3C" mean "</" and "<" to JavaScript in strings, regular expressions (unicode ones
// too) and template literals, and a comment loses nothing by the change.
const scriptSafe = (js) => js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "\\x3C!--");
// Inside <style>, only "</style" can end the element; "\3c" is "<" in CSS.
const styleSafe = (css) => css.replace(/<\/(style)/gi, "\\3c/$1");

function page(input, workerFile, output) {
  const dir = path.dirname(input);
  let html = readFileSync(input, "utf8");

  // Any other reference the browser would fetch by itself (images, iframes, media).
  for (const m of html.matchAll(/<(img|iframe|audio|video|source|embed)\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    if (a.src && !/^data:/i.test(a.src))
      problems.push(`<${m[1]} src="${a.src}">: only data: URLs can be part of one file`);
  }

  // Stylesheets: <link rel="stylesheet" href="x.css"> → <style>…</style>.
  html = html.replace(/<link\b[^>]*>/gi, (tag) => {
    const a = attributes(tag);
    const rels = (a.rel || "").toLowerCase().split(/\s+/);
    if (!("href" in a) || /^data:/i.test(a.href)) return tag;
    if (rels.includes("stylesheet")) {
      const css = local(dir, a.href, "stylesheet");
      if (css === null) return tag;
      const media = a.media ? ` media="${a.media}"` : "";
      return `<style${media}>\n${styleSafe(css)}\n</style>`;
    }
    // Any other link (an icon, a preload) must not reach the network either.
    if (/^(https?:|\/\/)/i.test(a.href)) problems.push(`<link rel="${a.rel}"> "${a.href}" is remote`);
    return tag;
  });

  // Scripts: <script src="x.js"></script> → <script>…</script>, attributes other than
  // src, defer and async kept. An inline classic script runs where it stands, so one that
  // was deferred (run once the document is parsed, in order) moves to the end of <body>.
  const deferred = [];
  html = html.replace(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi, (whole, body) => {
    const tag = whole.match(/^<script\b[^>]*>/i)[0];
    const a = attributes(tag);
    if (/^data:/i.test(a.src || "")) return whole;
    if (!("src" in a)) {
      if (/^module$/i.test(a.type || "") && /(^|[;\s])import\s*[\w{*"'(]/.test(body))
        problems.push("an inline module script imports another file: file:// forbids module imports");
      return whole;
    }
    if (body.trim()) problems.push(`<script src="${a.src}"> has a body, which browsers ignore`);
    const js = local(dir, a.src, "script");
    if (js === null) return whole;
    if (/^module$/i.test(a.type || "") && /(^|[;\s])import\s*[\w{*"'(]/.test(js))
      problems.push(`module script "${a.src}" imports another file: file:// forbids module imports`);
    const kept = Object.entries(a).filter(([k]) => !["src", "defer", "async"].includes(k))
      .map(([k, v]) => (v === "" ? ` ${k}` : ` ${k}="${v}"`)).join("");
    const inline = `<script${kept}>\n${scriptSafe(js)}\n</script>`;
    if ("defer" in a && !/^module$/i.test(a.type || "")) { deferred.push(inline); return ""; }
    return inline;
  });
  if (deferred.length) {
    const end = html.search(/<\/body\s*>/i);
    const at = end < 0 ? html.length : end;
    html = html.slice(0, at) + deferred.join("\n") + "\n" + html.slice(at);
  }

  if (problems.length) fail(`cannot make one file of ${input}:\n  ` + problems.join("\n  "));

  // The worker's text, just before the page's first script (which may start the worker):
  // the page's own markup and style come first, so the browser can show them while it
  // reads the rest.
  // As raw text in non-script <script type="text/plain"> elements, read back with
  // textContent (and the elements dropped): the HTML parser only scans them for their end
  // tag, where a 2.2 MB JS string literal would be parsed as code. Base64 has no "<".
  const worker = readFileSync(workerFile, "utf8");
  const text = (id, body) => `<script type="text/plain" id="${id}">${body}</script>\n`;
  const read = (id) => `document.getElementById("${id}").textContent`;
  const drop = (id) => `document.getElementById("${id}").remove();`;
  const define = text("nn-worker-source", scriptSafe(worker)) +
    (wasm ? text("nn-wasm", wasmText()) : "") +
    `<script>\nwindow.NN_WORKER_SOURCE = ${read("nn-worker-source")};\n` +
    (wasm ? `window.NN_WASM_BASE64 = ${read("nn-wasm")};\n${drop("nn-wasm")}\n` : "") +
    `${drop("nn-worker-source")}\n</script>\n`;
  let at = html.search(/<script\b/i);
  if (at < 0) at = html.search(/<\/body\s*>/i);
  if (at < 0) fail(`${input} has no <script> and no </body> to put the worker before`);
  html = html.slice(0, at) + define + html.slice(at);
  writeFileSync(output, html);
  console.log(`${output}: ${(html.length / 1024 / 1024).toFixed(1)} MB`);
}

function embed(output, workerFile, files) {
  const css = files.filter((f) => f.endsWith(".css")).map((f) => readFileSync(f, "utf8")).join("\n");
  const scripts = files.filter((f) => !f.endsWith(".css"));
  const parts = [
    `// nn-embed.js — built by web/bundle.mjs from ${[workerFile, ...files].join(", ")};`,
    "// see web/README.md (\"Embedding nn in a course page\"). Add it with one tag:",
    "// <script src=\"nn-embed.js\"></script>",
    "(function () {",
    `const NN_EMBED = { workerSource: ${JSON.stringify(readFileSync(workerFile, "utf8"))},`,
    `  wasm: ${JSON.stringify(wasm ? wasmText() : null)},`,
    `  css: ${JSON.stringify(css)} };`,
    ...scripts.map((f) => `// ---- ${path.basename(f)}\n${readFileSync(f, "utf8")}`),
    "})();",
  ];
  writeFileSync(output, parts.join("\n") + "\n");
  console.log(`${output}: ${(parts.join("").length / 1024 / 1024).toFixed(1)} MB`);
}

const inputs = [...(mode === "embed" ? args.slice(1) : args.slice(0, 2)), ...(wasm ? [wasm] : [])];
for (const f of inputs) if (!existsSync(f)) fail(`${f} is missing (make web builds it)`);
if (mode === "page" && args.length === 3) page(...args);
else if (mode === "embed" && args.length >= 3) embed(args[0], args[1], args.slice(2));
else {
  console.error("usage: node web/bundle.mjs page [--wasm NN.wasm] INDEX.html WORKER.js OUT.html\n" +
                "       node web/bundle.mjs embed [--wasm NN.wasm] OUT.js WORKER.js [X.css…] X.js…");
  process.exit(2);
}
