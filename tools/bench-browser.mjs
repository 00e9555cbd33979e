// Browser benchmark: opens dist/rare-earths.html (file://) in headless Debian Chromium
// and times the page's own wasm `runScenario` on every built preset, the way a slider
// move runs it (scenario object in, Run handle out, freed). Reports the median and the
// spread of what it measured; it asserts nothing.
//
//   node tools/bench-browser.mjs [RUNS]   (after ./dev build)
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const runs = Number(process.argv[2] || 200);
const file = pathToFileURL(resolve(import.meta.dirname, "..", "dist", "rare-earths.html")).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  await page.goto(file);
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
  const rows = await page.evaluate((runs) => {
    const api = globalThis.ree.wasm;
    return api.presetList().map((p) => {
      const sc = api.presetScenario(p.id);
      for (let k = 0; k < 20; k++) api.runScenario(sc).free();
      const times = [];
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const run = api.runScenario(sc);
        times.push(performance.now() - t0);
        run.free();
      }
      times.sort((a, b) => a - b);
      const q = (f) => times[Math.round((times.length - 1) * f)];
      return { id: p.id, median: q(0.5), p10: q(0.1), p90: q(0.9) };
    });
  }, runs);
  for (const r of rows) {
    console.log(`${r.id.padEnd(18)} browser runScenario: median ${r.median.toFixed(2)} ms  p10 ${r.p10.toFixed(2)}  p90 ${r.p90.toFixed(2)}  (${runs} runs)`);
  }
} finally {
  await browser.close();
}
