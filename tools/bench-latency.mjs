// Browser latency benchmark: how long a slider's key press takes to reach the screen.
// Opens dist/rare-earths.html (file://) in headless Debian Chromium with a window tall
// enough for four charts to be on screen, focuses a lever, presses its arrow key 60
// times (20 left, 20 right, 20 left: every press changes the value) and reads each
// key press's time from the keydown to the next paint from the Event Timing API
// (PerformanceEventTiming.duration, which the browser rounds to 8 ms): the moved thumb
// and its number. The page runs the model after that paint, so the bench also reports
// each key press's time to the frame that paints the charts' new lines. Reports p50
// and p95 of both; it asserts nothing (the target lives in the README).
//
//   node tools/bench-latency.mjs [PANELS] [--why]   (after ./dev build)
//   PANELS: the charts shown, default availability,prices,sourcing,concentration
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const why = args.includes("--why");
const panels = args.find((a) => !a.startsWith("--")) || "availability,prices,sourcing,concentration";
const file = pathToFileURL(resolve(import.meta.dirname, "..", "dist", "rare-earths.html")).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 2200 } });
  await page.goto(`${file}?v=1&panels=${panels}`);
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
  if (why) await page.evaluate(() => { document.getElementById("why").open = true; });
  const visible = await page.evaluate(() => [...document.querySelectorAll("canvas.chart")]
    .filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && r.bottom > 0 && r.top < innerHeight; })
    .map((c) => c.id));
  await page.evaluate(() => {
    // Key press to the charts showing its result: from the keydown's time stamp to the
    // start of the frame after the page's drawing ends (the frame that paints it).
    window.__charts = [];
    let pressed = 0;
    addEventListener("keydown", (e) => { pressed = e.timeStamp; }, true);
    addEventListener("ree-drawn", () => {
      const at = pressed;
      if (at) requestAnimationFrame((frame) => window.__charts.push(frame - at));
      pressed = 0;
    });
    window.__events = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "keydown") window.__events.push({ start: e.startTime, duration: e.duration, processing: e.processingEnd - e.processingStart });
    }).observe({ type: "event", durationThreshold: 16, buffered: false });
  });
  await page.focus("#input-licence_approval");
  const keys = [...Array(20).fill("ArrowLeft"), ...Array(20).fill("ArrowRight"), ...Array(20).fill("ArrowLeft")];
  const t0 = Date.now();
  for (const key of keys) {
    await page.keyboard.press(key);
    // About a key repeat's interval; then let the frame finish.
    // (ree.drawn, not ree.settled: a person's key presses do not save the link between them.)
    await page.evaluate(() => new Promise((ok) => setTimeout(() => ree.drawn().then(() => requestAnimationFrame(() => ok())), 30)));
  }
  await page.waitForTimeout(300);
  const ms = Date.now() - t0;
  const events = await page.evaluate(() => window.__events);
  // Event Timing reports only events of 16 ms or more: a missing press took less.
  const durations = events.map((e) => e.duration);
  while (durations.length < keys.length) durations.push(16);
  durations.sort((a, b) => a - b);
  const q = (f) => durations[Math.min(durations.length - 1, Math.ceil(durations.length * f) - 1)];
  const proc = events.map((e) => e.processing).sort((a, b) => a - b);
  const pq = (f) => (proc.length ? proc[Math.min(proc.length - 1, Math.ceil(proc.length * f) - 1)] : 0);
  console.log(`charts on screen: ${visible.join(", ")}${why ? "; Why? panel open" : ""}`);
  console.log(`${keys.length} key presses in ${ms} ms; ${events.length} reported by Event Timing (the rest took under 16 ms)`);
  console.log(`key press to next paint: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${durations[durations.length - 1]} ms`);
  const charts = (await page.evaluate(() => window.__charts)).sort((a, b) => a - b);
  const cq = (f) => charts[Math.min(charts.length - 1, Math.ceil(charts.length * f) - 1)].toFixed(0);
  console.log(`key press to the frame painting the charts (${charts.length} drawings): p50 ${cq(0.5)} ms, p95 ${cq(0.95)} ms, max ${cq(1)} ms`);
  console.log(`keydown handler (reported events): p50 ${pq(0.5).toFixed(1)} ms, p95 ${pq(0.95).toFixed(1)} ms`);
} finally {
  await browser.close();
}
