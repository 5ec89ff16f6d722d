// Lays out the visitor widget's site files from a wasm-bindgen `--target web` output, as Trunk
// would, without Trunk (whose cold install alone took ~8 minutes of a newcomer's first run):
// minifies the JS glue (terser) and the CSS (csso), names each file by its content hash (served as immutable),
// and writes index.html with subresource-integrity hashes. The server adds a nonce to the
// scripts per request (server/src/widget/mod.rs).
// Usage: node e2e/tools/widget-site.mjs <wasm-bindgen out dir> <css file> <dist dir> <public url>
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify as minifyCss } from "csso";
import { minify } from "terser";

const [input, cssFile, dist, publicUrl = "/widget-app/"] = process.argv.slice(2);
if (!input || !cssFile || !dist) {
  throw new Error("usage: widget-site.mjs <wasm-bindgen out dir> <css file> <dist dir> [public url]");
}
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const tag = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

const glue = readFileSync(join(input, "widget.js"), "utf8");
const { code } = await minify(glue, { module: true, compress: true, mangle: true });
const js = Buffer.from(code);
const wasm = readFileSync(join(input, "widget_bg.wasm"));
const css = Buffer.from(minifyCss(readFileSync(cssFile, "utf8")).css);

// A fresh dist dir: stale hashed files would pile up build after build.
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const jsName = `widget-${tag(js)}.js`;
const wasmName = `widget-${tag(wasm)}_bg.wasm`;
const cssName = `widget-${tag(css)}.css`;
writeFileSync(join(dist, jsName), js);
writeFileSync(join(dist, wasmName), wasm);
writeFileSync(join(dist, cssName), css);

const url = (name) => `${publicUrl}${name}`;
const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Chat</title>
    <link rel="stylesheet" href="${url(cssName)}" integrity="${sri(css)}" />
    <link rel="modulepreload" href="${url(jsName)}" crossorigin="anonymous" integrity="${sri(js)}" />
    <link rel="preload" href="${url(wasmName)}" crossorigin="anonymous" integrity="${sri(wasm)}" as="fetch" type="application/wasm" />
    <script type="module">
import init from "${url(jsName)}";
await init({ module_or_path: "${url(wasmName)}" });
    </script>
  </head>
  <body></body>
</html>
`;
writeFileSync(join(dist, "index.html"), html);
for (const name of readdirSync(dist)) {
  console.log(`${name}: ${readFileSync(join(dist, name)).length} bytes`);
}
console.log(`widget.js glue: ${Buffer.byteLength(glue)} → ${js.length} bytes (terser)`);
