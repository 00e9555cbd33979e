// Writes dist/rare-earths.html: one self-contained page (wasm gzipped, as base64, the
// wasm-bindgen glue, the shell and the styles inlined) that works from file:// with
// the network off. Then prints the size report (raw and gzipped).
//
// Usage: node tools/bundle.mjs <pkg dir> <out dir>
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gzipAsync } from "@gfx/zopfli";
import { transform } from "esbuild";

const [pkg = "www/pkg", out = "dist"] = process.argv.slice(2);
// Comments and indentation are for readers of the sources, not for a classroom's
// download: whole-line `//` comments, the glue's `/** … */` doc blocks and leading
// spaces are left out of the single file (about 6 KB gzipped; the one multi-line
// template string of the shell is HTML, where they do not matter). Code is otherwise
// untouched, and the one-file page is tested like the served one.
const uncomment = (js) => js.replace(/^[ \t]*\/\*\*[\s\S]*?\*\/[ \t]*\n/gm, "").replace(/^[ \t]*\/\/(?: .*)?\n/gm, "")
  .replace(/^[ \t]+/gm, "");
const glue = uncomment(readFileSync(join(pkg, "rare_earth_alliances.js"), "utf8"));
const wasmBytes = readFileSync(join(pkg, "rare_earth_alliances_bg.wasm"));
const app = readFileSync("www/app.js", "utf8");
// The shell's other modules are inlined before it, in import order: their imports of
// each other go, their exports become plain declarations.
const inlineModule = (file) => {
  const text = uncomment(readFileSync(file, "utf8"))
    .replace(/^import [^;]* from "\.\/[\w.]+";\n/gm, "")
    .replace(/^export (const|function|class) /gm, "$1 ");
  if (/^(export|import) /m.test(text)) throw new Error(`bundle: ${file} has an import or export this script does not handle`);
  return text;
};
const strings = ["www/schema.js", "www/strings.js", "www/editor.js"].map(inlineModule).join("\n");
// The styles lose their comments and the spaces around punctuation.
const css = readFileSync("www/style.css", "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s+/gm, "")
  .replace(/\s*([{};,])\s*/g, "$1").replace(/: /g, ":");
let html = readFileSync("index.html", "utf8");

// Turn the glue's exports into plain declarations and collect their names.
const names = [];
let inlineGlue = glue.replace(/^export (function|class|const|let) (\w+)/gm, (_, kind, name) => {
  names.push(name);
  return `${kind} ${name}`;
});
inlineGlue = inlineGlue.replace(/^export \{([^}]*)\};?\s*$/gm, (_, list) => {
  for (const part of list.split(",")) {
    const [local, exported] = part.trim().split(/\s+as\s+/);
    if (!local) continue;
    if (exported === "default") inlineGlue += "";
    else names.push(exported || local);
  }
  return "";
});
if (/^export /m.test(inlineGlue)) throw new Error("bundle: the glue has an export form this script does not handle");
if (!/async function __wbg_init/.test(inlineGlue)) throw new Error("bundle: glue has no __wbg_init");

// Each module app.js imports as `import * as name from "./file.js"` is inlined in its own
// function scope; its exports become the properties of `name`.
const modules = [...app.slice(0, app.indexOf("// ---- BUNDLE-CUT ----")).matchAll(/^import \* as (\w+) from "\.\/([\w-]+\.js)";$/gm)].map(([, name, file]) => {
  const exported = [];
  let body = readFileSync(join("www", file), "utf8").replace(/^export (const|let|function|class) (\w+)/gm, (_, kind, n) => {
    exported.push(n);
    return `${kind} ${n}`;
  }).replace(/^export \{([^}]*)\};?$/gm, (_, list) => {
    for (const part of list.split(",")) {
      const [local, as] = part.trim().split(/\s+as\s+/);
      exported.push(as ? `${as}: ${local}` : local);
    }
    return "";
  });
  if (/^(export|import) /m.test(body)) throw new Error(`bundle: www/${file} has an import or export form this script does not handle`);
  return `const ${name} = (() => {\n${body}\nreturn { ${exported.join(", ")} };\n})();`;
});
const cut = app.indexOf("// ---- BUNDLE-CUT ----");
if (cut < 0) throw new Error("bundle: www/app.js lacks the BUNDLE-CUT marker");
const appBody = uncomment(app.slice(cut));

// The glue lives in its own function scope so its names cannot clash with the shell's.
const script = [
  "const { api, init } = (() => {",
  inlineGlue,
  `return { api: { ${[...new Set(names)].join(", ")} }, init: __wbg_init };`,
  "})();",
  // Gzipped before base64 (the page inflates it with the browser's DecompressionStream):
  // 842 KiB of wasm become about 400 KiB of text instead of 1.1 MiB. Zopfli (a dev
  // dependency) writes ordinary gzip 6% smaller than zlib's -9, in about 5 s.
  `const EMBEDDED_WASM = "${Buffer.from(await gzipAsync(wasmBytes, { numiterations: 5 })).toString("base64")}";`,
  strings,
  ...modules,
  appBody,
].join("\n");

const replaceOnce = (text, pattern, replacement) => {
  if (!pattern.test(text)) throw new Error(`bundle: index.html lacks ${pattern}`);
  return text.replace(pattern, () => replacement);
};
// esbuild (a dev dependency) minifies the inlined module and styles: names shortened
// within the module's scope, whitespace dropped (about 14 KB of the file gzipped).
const minScript = (await transform(script, { minify: true, format: "esm", target: "es2022", legalComments: "none" })).code;
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
  row("rare_earth_alliances.js (glue)", Buffer.from(glue)),
  row("www/app.js + modules + style.css", Buffer.from(app + strings + modules.join("\n") + css)),
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
