// serve.mjs — a static server for build/web on 127.0.0.1 (a free port), as a teacher would
// host the page, for the browser tests. route(rel, res) may answer a path itself (return
// true) or rename it (return a string); anything outside the folder, or missing, is a 404.
import { createServer } from "http";
import { existsSync, readFileSync } from "fs";
import path from "path";

export const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
                       ".css": "text/css", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png" };

// Resolves to {server, base} (base: "http://127.0.0.1:PORT/").
export async function serve(web, route = () => false) {
  const server = createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const routed = route(rel, res);
    if (routed === true) return;
    if (typeof routed === "string") rel = routed;
    const file = path.join(web, rel);
    if (!file.startsWith(web) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}
