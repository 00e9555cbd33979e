// Monte Carlo bands in the page (issue 8): asked for, they are computed in chunks with
// progress shown, the page answering a slider meanwhile (which restarts them), then drawn
// shaded under the availability lines with a sentence of their ranges; Cancel stops them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openPage, colourCounts } from "./helpers.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

// The band's shade: each series colour at 22% over white (src/charts.rs bands_layer).
const SHADES = [[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167]]
  .map((c) => c.map((v) => Math.round(255 - 0.22 * (255 - v))));
const shaded = async (page, chart = "availability-chart") => (await colourCounts(page, chart, SHADES)).counts.reduce((a, b) => a + b, 0);
const runs = (page) => page.evaluate(() => Number(document.getElementById("bands-progress").value));

test("bands are computed in chunks with progress, the page answering meanwhile, then drawn", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html?v=2&preset=licensing-regime`);
  const before = await shaded(page);
  await page.locator("#prices-chart").scrollIntoViewIfNeeded();
  await page.evaluate(() => ree.settled());
  const pricesBefore = await shaded(page, "prices-chart");
  await page.evaluate(() => window.scrollTo(0, 0));
  // Frames keep coming while the runs are made: record the longest gap between them.
  await page.evaluate(() => {
    window.gaps = [];
    let last = performance.now();
    const tick = (now) => { window.gaps.push(now - last); last = now; if (!window.stopTicks) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.locator("#bands-on").check();
  await page.waitForFunction(() => Number(document.getElementById("bands-progress").value) >= 3);
  assert.equal(await page.locator("#bands-progress").isVisible(), true);
  assert.match(await page.locator("#bands-status").textContent(), /^Computing runs: \d+ of 100…$/);
  assert.ok(await runs(page) < 100, "still computing");
  // A slider moved while computing is handled at once, and the runs start again.
  const slider = page.locator("#input-licence_approval");
  await slider.focus();
  const t0 = Date.now();
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => ree.state.inputs.licence_approval !== undefined);
  await page.evaluate(() => ree.settled());
  const answered = Date.now() - t0;
  assert.ok(answered < 1000, `slider handled and drawn in ${answered} ms while computing`);
  await page.waitForFunction(() => document.getElementById("availability-figure").hasAttribute("data-bands-running"));
  await page.waitForFunction(() => document.getElementById("availability-figure").dataset.bands === "100", null, { timeout: 60000 });
  await page.evaluate(() => { window.stopTicks = true; return ree.settled(); });
  const gaps = await page.evaluate(() => window.gaps.slice(1));
  const longest = Math.max(...gaps);
  assert.ok(gaps.length > 20 && longest < 400, `${gaps.length} frames while computing, the longest gap ${Math.round(longest)} ms`);
  assert.equal(await page.locator("#bands-progress").isVisible(), false);
  assert.equal(await page.locator("#bands-cancel").isVisible(), false);
  const status = await page.locator("#bands-status").textContent();
  assert.match(status, /^100 runs with uncertain .* In 2030: CN \d+%–\d+%, JP \d+%–\d+%, US \d+%–\d+%, EU \d+%–\d+%\.$/);
  const [lo, hi] = /JP (\d+)%–(\d+)%/.exec(status).slice(1).map(Number);
  assert.ok(lo <= hi, status);
  const after = await shaded(page);
  assert.ok(after > before + 2000, `band shaded on the chart: ${before} -> ${after} px`);
  // The data table (and the chart's CSV, from the same rows) gives the bands' numbers.
  await page.locator("details:has(#availability-table) > summary").click();
  // Tables are (re)built when their details open: wait for the band rows.
  await page.waitForFunction(() => [...document.querySelectorAll("#availability-table tr")]
    .some((tr) => / p5$/.test(tr.cells[0]?.textContent ?? "")));
  const bandRows = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#availability-table tr")]
    .map((tr) => [...tr.cells].map((c) => c.textContent)).filter((r) => / p(5|95)$/.test(r[0]))
    .map((r) => [r[0], r.slice(1).map((x) => Number(x.replace(/[^\d.]/g, "")))])));
  assert.deepEqual(Object.keys(bandRows).filter((k) => k.startsWith("JP")), ["JP p5", "JP p95"]);
  bandRows["JP p5"].forEach((v, k) => assert.ok(v <= bandRows["JP p95"][k], JSON.stringify(bandRows)));
  await page.locator("details:has(#availability-table) > summary").click();
  // The readout under the pointer gives each line's range: "JP 67% [61%–72%] (status quo 69%)".
  await page.locator("#availability-chart").scrollIntoViewIfNeeded();
  const chartBox = await page.locator("#availability-chart").boundingBox();
  await page.mouse.move(chartBox.x + chartBox.width * 0.45, chartBox.y + chartBox.height * 0.5);
  await page.waitForSelector("#availability-readout:not([hidden])");
  const readout = await page.locator("#availability-readout").textContent();
  const [, p5, p95] = /JP \d+% \[(\d+)%–(\d+)%\] \(/.exec(readout) || [];
  assert.ok(p5 !== undefined && Number(p5) <= Number(p95), readout);
  await page.mouse.move(chartBox.x + 2, chartBox.y + 2);
  // So does the chart's own CSV: a p5 and a p95 column per region.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-chart-csv").click()]);
  const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString());
  const header = csv.split("\n").find((l) => !l.startsWith("#")).split(",");
  assert.ok(header.includes("JP p5") && header.includes("JP p95"), header.join(","));
  // The price inside the split market has its band too.
  await page.locator("#prices-chart").scrollIntoViewIfNeeded();
  await page.evaluate(() => ree.settled());
  const pricesAfter = await shaded(page, "prices-chart");
  assert.ok(pricesAfter > pricesBefore + 1000, `price band shaded: ${pricesBefore} -> ${pricesAfter} px`);
  // A group has no band: said, and the chart drawn without one.
  await page.locator("#element").selectOption("NdPr");
  await page.evaluate(() => ree.settled());
  assert.match(await page.locator("#bands-status").textContent(), /Availability bands are for single elements/);
  // Unticked, the bands go.
  await page.locator("#element").selectOption("Dy");
  await page.locator("#bands-on").uncheck();
  await page.evaluate(() => ree.settled());
  // Read on screen: a chart far off screen waits to be redrawn until it comes near.
  await page.locator("#availability-chart").scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  await page.evaluate(() => ree.settled());
  const unticked = await shaded(page);
  assert.ok(unticked < before + 500, `no band once unticked: ${before} -> ${unticked} px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Cancel stops the runs and the page says how far they got", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html?lang=es`);
  assert.equal(await page.locator("#bands-label").textContent(), "Mostrar la incertidumbre (Monte Carlo, 100 ejecuciones)");
  await page.locator("#bands-on").check();
  await page.waitForFunction(() => Number(document.getElementById("bands-progress").value) >= 2);
  await page.locator("#bands-cancel").click();
  const stopped = await runs(page);
  assert.match(await page.locator("#bands-status").textContent(), /^Cancelado tras \d+ de 100 ejecuciones\.$/);
  assert.equal(await page.locator("#bands-on").isChecked(), false);
  assert.equal(await page.locator("#bands-progress").isVisible(), false);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => document.getElementById("availability-figure").hasAttribute("data-bands-running")), false);
  assert.equal(await runs(page), stopped, "no run after Cancel");
  assert.equal(await page.evaluate(() => document.getElementById("availability-figure").dataset.bands), undefined, "nothing drawn");
  assert.deepEqual(errors, []);
  await context.close();
});
