// Minifies the widget's wasm-bindgen JS glue after `trunk build` (Trunk's own minifier fails on
// it and ships it as is) and rewrites its `integrity` hash in the widget's index.html, so the
// browser's subresource check still passes. Usage: node e2e/tools/minify-widget.mjs <widget dist dir>
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.argv[2];
if (!dir) throw new Error("usage: minify-widget.mjs <widget dist dir>");
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
let html = readFileSync(join(dir, "index.html"), "utf8");
for (const name of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
  const path = join(dir, name);
  const source = readFileSync(path);
  const before = sri(source);
  const { code } = await minify(source.toString("utf8"), { module: true, compress: true, mangle: true });
  if (code === source.toString("utf8")) continue; // already minified
  writeFileSync(path, code);
  html = html.replaceAll(before, sri(Buffer.from(code)));
  console.log(`${name}: ${source.length} → ${Buffer.byteLength(code)} bytes`);
}
writeFileSync(join(dir, "index.html"), html);
