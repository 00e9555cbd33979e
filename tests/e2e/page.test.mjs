// The served page as a person uses it: it paints, reacts to levers, refuses bad files
// with a message and keeps the work, recovers from a panic, and makes no request
// beyond its own files.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openPage, colourCounts } from "./helpers.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test("the served page paints both charts and stays on its own origin", async () => {
  const { page, context, requests, errors } = await openPage(browser, `${server.origin}/index.html`);
  const avail = await colourCounts(page, "availability-chart");
  // Four regions on the chart: each series colour must be painted.
  avail.counts.forEach((n, k) => assert.ok(n > 50, `series colour ${k} painted (${n} px)`));
  const mining = await colourCounts(page, "mining-chart");
  assert.ok(mining.counts[0] > 2000, `mining bars painted (${mining.counts[0]} px)`);
  // Sourcing areas: own (blue) and others (vermillion, mixed at 85% on white).
  const sourcing = await colourCounts(page, "sourcing-chart", [[0, 114, 178], [219, 118, 38]]);
  sourcing.counts.forEach((n, k) => assert.ok(n > 500, `sourcing layer ${k} painted (${n} px)`));
  assert.match(await page.locator("#sourcing-summary").textContent(), /In 2030 JP gets [\d,]+ t of its [\d,]+ t Dy demand/);
  const foreign = requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith("data:") && !u.startsWith("blob:"));
  assert.deepEqual(foreign, [], "no request leaves the page's own files");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the canvas backing store follows devicePixelRatio", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`, { deviceScaleFactor: 2 });
  const c = await colourCounts(page, "availability-chart");
  assert.equal(c.width, Math.round(c.cssWidth * 2));
  await page.setViewportSize({ width: 900, height: 900 });
  await page.waitForFunction((w) => document.getElementById("availability-chart").width !== w, c.width);
  const after = await colourCounts(page, "availability-chart");
  assert.equal(after.width, Math.round(after.cssWidth * 2), "redrawn at the new width");
  assert.ok(after.counts[0] > 50);
  await context.close();
});

test("lowering licence approvals lowers Japan's Dy availability", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  const jpDy2030 = () => page.evaluate(() => ree.run.series("availability", "JP", "Dy")[24]);
  const before = await jpDy2030();
  await page.locator("#approval").fill("10");
  await page.waitForFunction(() => ree.state.approval === 10);
  const after = await jpDy2030();
  assert.ok(after < before - 0.05, `JP Dy 2030 ${before} -> ${after}`);
  const table = await page.locator("#availability-table").textContent();
  assert.match(table, /JP/);
  await context.close();
});

test("a broken scenario file is refused with the field and reason; the work stays", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.locator("#approval").fill("40");
  await page.waitForFunction(() => ree.state.approval === 40);
  const dir = mkdtempSync(join(tmpdir(), "ree-"));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ alliances: [{ id: "x", name: "X", members: ["US", "ZZ"] }] }));
  await page.locator("#import-json").setInputFiles(bad);
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  const status = await page.locator("#status").textContent();
  assert.match(status, /alliances\[0\]\.members\[1\]: unknown region "ZZ"/);
  assert.match(status, /unchanged/);
  assert.equal(await page.evaluate(() => ree.state.approval), 40, "the current work is kept");
  await context.close();
});

test("a panic inside wasm shows a message and a way to recover, not a blank page", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => { try { ree.wasm.debugPanic(); } catch { /* the trap is expected */ } });
  await page.waitForSelector("#fatal:not([hidden])");
  assert.match(await page.locator("#fatal-message").textContent(), /deliberate panic/);
  await page.locator("#approval").evaluate(() => {});
  await Promise.all([page.waitForEvent("load"), page.locator("#recover").click()]);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.locator("#fatal").isHidden(), true);
  await context.close();
});

test("hostile saved state and an unknown ?preset fall back with a warning", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => localStorage.setItem("ree.state.v1", JSON.stringify({
    preset: "<img src=x onerror=alert(1)>", approval: "NaN", delay: -5, element: "Xx", regions: ["ZZ", 3, null],
  })));
  await page.goto(`${server.origin}/index.html?preset=nope`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  const state = await page.evaluate(() => ree.state);
  assert.equal(state.preset, "status-quo");
  assert.equal(state.element, "Dy");
  assert.deepEqual(state.regions, ["CN", "JP", "US", "EU"]);
  assert.match(await page.locator("#status").textContent(), /Unknown preset "nope"/);
  await page.goto(`${server.origin}/index.html?preset=fragmentation`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.locator("#preset").inputValue(), "fragmentation");
  await context.close();
});

test("the sources panel lists every source of the default data", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  const keys = await page.locator("#source-list dt").allTextContents();
  assert.ok(keys.includes("USGS_MCS2025") && keys.includes("ASSUMPTION"), keys.join(" "));
  const usgs = await page.locator("#source-list dd").first().textContent();
  assert.match(usgs, /\[(V|S|U)/);
  await context.close();
});
