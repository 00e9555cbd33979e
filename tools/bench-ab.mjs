// A/B browser benchmark: two (or more) builds of the one-file page side by side, for a
// machine whose load changes (other builds). Every file is open at once in one headless
// Chromium; each round runs, in every page in turn, 3 `runScenario` calls per preset and
// 4 moves of the licence slider (input event to charts drawn, `ree.settled()`), so a
// change of load falls on all of them. Reports per file the sum over the presets of the
// median run (and of the p10), status-quo's median and p10, and the slider's. Asserts
// nothing.
//
//   node tools/bench-ab.mjs ROUNDS old.html new.html   (copies of dist/rare-earths.html)
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
const [roundsArg, ...files] = process.argv.slice(2);
const rounds = Number(roundsArg);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const res = files.map(() => ({ run: {}, slider: [] }));
const q = (a, f) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) * f)]; };
try {
  const pages = [];
  for (const f of files) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 2200 } });
    await page.goto(pathToFileURL(resolve(f)).href + "?v=1&panels=availability,prices,sourcing,concentration");
    await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await page.evaluate(() => { const api = globalThis.ree.wasm; globalThis.__sc = api.presetList().map((p) => [p.id, api.presetScenario(p.id)]); for (const [, sc] of __sc) for (let k = 0; k < 5; k++) api.runScenario(sc).free(); });
    pages.push(page);
  }
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < files.length; i++) {
      const out = await pages[i].evaluate(async () => {
        const api = globalThis.ree.wasm;
        const run = {};
        for (const [id, sc] of __sc) {
          const t = [];
          for (let k = 0; k < 3; k++) { const t0 = performance.now(); api.runScenario(sc).free(); t.push(performance.now() - t0); }
          run[id] = t;
        }
        const el = document.getElementById("input-licence_approval");
        const slider = [];
        for (let k = 0; k < 4; k++) {
          el.value = k % 2 ? el.max : String((Number(el.min) + Number(el.max)) / 2);
          const t0 = performance.now();
          el.dispatchEvent(new Event("input", { bubbles: true }));
          await globalThis.ree.settled();
          slider.push(performance.now() - t0);
        }
        return { run, slider };
      });
      for (const [id, t] of Object.entries(out.run)) (res[i].run[id] ||= []).push(...t);
      res[i].slider.push(...out.slider);
    }
  }
  for (let i = 0; i < files.length; i++) {
    const ids = Object.keys(res[i].run);
    const sum = (f) => ids.reduce((s, id) => s + q(res[i].run[id], f), 0);
    console.log(`${files[i]}: all presets, sum of medians ${sum(0.5).toFixed(2)} ms (p10s ${sum(0.1).toFixed(2)}); status-quo median ${q(res[i].run["status-quo"], 0.5).toFixed(2)} p10 ${q(res[i].run["status-quo"], 0.1).toFixed(2)}; slider input->drawn median ${q(res[i].slider, 0.5).toFixed(2)} p10 ${q(res[i].slider, 0.1).toFixed(2)}`);
    console.log(`   medians: ${ids.map((id) => `${id} ${q(res[i].run[id], 0.5).toFixed(2)}`).join(", ")}`);
  }
} finally { await browser.close(); }
