// The shell stays readable (issue 8): no module of www/ over 250 lines (the generated
// www/schema.js and the wasm-bindgen glue in www/pkg aside), and every module has its
// paragraph in ARCHITECTURE.md's code map. No browser needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./helpers.mjs";

const MAX_LINES = 250;
const WWW = join(ROOT, "www");
const modules = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const path = join(dir, e.name);
  if (e.isDirectory()) return path === join(WWW, "pkg") ? [] : modules(path);
  return e.name.endsWith(".js") && path !== join(WWW, "schema.js") ? [relative(ROOT, path)] : [];
});
const files = modules(WWW);

test(`no module of the shell is over ${MAX_LINES} lines`, () => {
  assert.ok(files.length >= 10 && files.includes("www/app.js"), `the shell's modules: ${files.join(", ")}`);
  const long = files.map((f) => [f, readFileSync(join(ROOT, f), "utf8").split("\n").length - 1]).filter(([, n]) => n > MAX_LINES);
  assert.deepEqual(long, [], `over ${MAX_LINES} lines: ${long.map(([f, n]) => `${f} (${n})`).join(", ")}`);
});

test("ARCHITECTURE.md's code map names every module of the shell", () => {
  const map = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  const missing = files.filter((f) => !map.includes(`\`${f}\``));
  assert.deepEqual(missing, [], `not in ARCHITECTURE.md: ${missing.join(", ")}`);
});
