// Writes dist/rare-earths.html: one self-contained page (wasm gzipped, as base64, the
// wasm-bindgen glue, the shell and the styles inlined) that works from file:// with
// the network off. Then prints the size report (raw and gzipped).
//
// Usage: node tools/bundle.mjs <pkg dir> <out dir>
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { join, resolve, dirname } from "node:path";
import { gzipAsync } from "@gfx/zopfli";
import { build, transform } from "esbuild";

const [pkg = "www/pkg", out = "dist"] = process.argv.slice(2);
const wasmBytes = readFileSync(join(pkg, "rare_earth_alliances_bg.wasm"));
// Gzipped before base64 (the page inflates it with the browser's DecompressionStream):
// 842 KiB of wasm become about 400 KiB of text instead of 1.1 MiB. Zopfli (a dev
// dependency) writes ordinary gzip 6% smaller than zlib's -9, in about 5 s.
const embedded = Buffer.from(await gzipAsync(wasmBytes, { numiterations: 5 })).toString("base64");
// The shell's modules, from www/app.js, and the wasm-bindgen glue (from `pkg`) bundled by
// esbuild (a dev dependency) into one ES module, minified (names shortened, whitespace
// and comments dropped). www/wasm.js's EMBEDDED_WASM (null in the hosted page) becomes
// the wasm's text.
const EMPTY = "export const EMBEDDED_WASM = null;";
const wasmModule = {
  name: "embedded-wasm",
  setup(b) {
    b.onResolve({ filter: /\/pkg\/rare_earth_alliances\.js$/ }, () => ({ path: resolve(pkg, "rare_earth_alliances.js") }));
    b.onLoad({ filter: /[\\/]www[\\/]wasm\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes(EMPTY)) throw new Error(`bundle: www/wasm.js lacks "${EMPTY}"`);
      return { contents: text.replace(EMPTY, `export const EMBEDDED_WASM = "${embedded}";`), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};
const built = await build({
  entryPoints: ["www/app.js"], bundle: true, write: false, minify: true, format: "esm", target: "es2022",
  legalComments: "none", plugins: [wasmModule], logLevel: "warning",
});
const minScript = built.outputFiles[0].text;
// The styles lose their comments and the spaces around punctuation.
const css = readFileSync("www/style.css", "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s+/gm, "")
  .replace(/\s*([{};,])\s*/g, "$1").replace(/: /g, ":");
let html = readFileSync("index.html", "utf8");

const replaceOnce = (text, pattern, replacement) => {
  if (!pattern.test(text)) throw new Error(`bundle: index.html lacks ${pattern}`);
  return text.replace(pattern, () => replacement);
};
const minCss = (await transform(css, { loader: "css", minify: true })).code;
const styleText = `\n${minCss}`;
const scriptText = `\n${minScript.replace(/<\/script/gi, "<\\/script")}\n`;
html = replaceOnce(html, /<link rel="stylesheet" href="www\/style.css">/, `<style>${styleText}</style>`);
html = replaceOnce(html, /<script type="module" src="www\/app.js"><\/script>/, `<script type="module">${scriptText}</script>`);
// The Content-Security-Policy allows exactly the inline script and style, by hash
// (the hosted page allows its own files, 'self'; a file:// page has no 'self').
const sha = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
html = replaceOnce(html, /script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/,
  `script-src ${sha(scriptText)} 'wasm-unsafe-eval'; style-src ${sha(styleText)};`);
html = replaceOnce(html, /connect-src 'self'; frame-src 'self'; /, "");

mkdirSync(out, { recursive: true });
const file = join(out, "rare-earths.html");
writeFileSync(file, html);

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const row = (label, buf) => `${label.padEnd(34)} ${kb(buf.length).padStart(11)} ${kb(gzipSync(buf, { level: 9 }).length).padStart(11)}`;
const report = [
  `${"file".padEnd(34)} ${"raw".padStart(11)} ${"gzip -9".padStart(11)}`,
  row("rare_earth_alliances_bg.wasm (opt)", wasmBytes),
  row("shell + glue (esbuild, minified)", Buffer.from(minScript.replace(embedded, ""))),
  row("style.css (minified)", Buffer.from(minCss)),
  row("dist/rare-earths.html (one file)", Buffer.from(html)),
].join("\n");
writeFileSync(join(out, "size-report.txt"), report + "\n");
console.log(report);
// The budget: a classroom downloads one file of at most 1 MiB (issue 9).
const limit = 1024 * 1024;
if (Buffer.byteLength(html) >= limit) {
  console.error(`bundle: the single file is ${kb(Buffer.byteLength(html))}, over the 1 MiB budget`);
  process.exit(1);
}
