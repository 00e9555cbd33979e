// The served page as a person uses it: it paints, reacts to levers, refuses bad files
// with a message and keeps the work, recovers from a panic, and makes no request
// beyond its own files.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openPage, colourCounts, cspViolations } from "./helpers.mjs";

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
  // Concentration lines: mining, separation, magnets in the first three series colours.
  const conc = await colourCounts(page, "concentration-chart");
  conc.counts.slice(0, 3).forEach((n, k) => assert.ok(n > 50, `concentration line ${k} painted (${n} px)`));
  assert.match(await page.locator("#concentration-summary").textContent(), /In 2030 the largest region holds \d+% of mining, \d+% of separation, \d+% of metal, \d+% of magnets/);
  // Sourcing areas: own (blue) and others (vermillion, mixed at 85% on white).
  const sourcing = await colourCounts(page, "sourcing-chart", [[0, 114, 178], [219, 118, 38]]);
  sourcing.counts.forEach((n, k) => assert.ok(n > 500, `sourcing layer ${k} painted (${n} px)`));
  assert.match(await page.locator("#sourcing-summary").textContent(), /In 2030 JP gets [\d,]+ t of its [\d,]+ t Dy demand/);
  const foreign = requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith("data:") && !u.startsWith("blob:"));
  assert.deepEqual(foreign, [], "no request leaves the page's own files");
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), [], "no Content-Security-Policy violation");
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
  await page.locator("#input-licence_approval").fill("10");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 10);
  await page.evaluate(() => ree.settled());
  const after = await jpDy2030();
  assert.ok(after < before - 0.05, `JP Dy 2030 ${before} -> ${after}`);
  const table = await page.locator("#availability-table").textContent();
  assert.match(table, /JP/);
  // Groups: NdPr availability is a weighted mean of Nd and Pr.
  await page.locator("#element").selectOption("NdPr");
  await page.waitForFunction(() => ree.state.element === "NdPr");
  await page.evaluate(() => ree.settled());
  assert.match(await page.locator("#availability-summary").textContent(), /Share of NdPr demand met in 2030/);
  const [g, nd, pr] = await page.evaluate(() => ["NdPr", "Nd", "Pr"].map((e) => ree.run.series("availability", "JP", e)[24]));
  assert.ok(g >= Math.min(nd, pr) - 1e-12 && g <= Math.max(nd, pr) + 1e-12, `${g} within [${nd}, ${pr}]`);
  await context.close();
});

test("a broken scenario file is refused with the field and reason; the work stays", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.locator("#input-licence_approval").fill("40");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 40);
  await page.evaluate(() => ree.settled());
  const dir = mkdtempSync(join(tmpdir(), "ree-"));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ alliances: [{ id: "x", name: "X", members: ["US", "ZZ"] }] }));
  await page.locator("#import-json").setInputFiles(bad);
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  const status = await page.locator("#status").textContent();
  assert.match(status, /Alliance 1, member 2 \(alliances\[0\]\.members\[1\]\): unknown region "ZZ"/);
  assert.match(status, /unchanged/);
  assert.equal(await page.evaluate(() => ree.state.inputs.licence_approval), 40, "the current work is kept");

  // A valid file with monthly steps and a shorter horizon loads and is described.
  const good = join(dir, "monthly.json");
  writeFileSync(good, JSON.stringify({ name: "Monthly test", end_year: 2035, steps_per_year: 12,
    export_controls: [{ exporter: "CN", products: ["oxide"], elements: ["Dy"], measure: { type: "ban" }, start: 2026 }] }));
  await page.locator("#import-json").setInputFiles(good);
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Loaded"));
  await page.evaluate(() => ree.settled());
  assert.equal(await page.evaluate(() => ree.run.time().length), 132);
  assert.match(await page.locator("#availability-summary").textContent(), /Share of Dy demand met in 2030: CN \d+%/);
  // The imported scenario survives a reload, and can be left and chosen again.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.evaluate(() => ree.state.preset), "imported");
  assert.equal(await page.evaluate(() => ree.run.time().length), 132);
  assert.match(await page.locator("#preset option[value=imported]").textContent(), /Imported: Monthly test/);
  await page.locator("#preset").selectOption("status-quo");
  await page.waitForFunction(() => ree.run.time().length === 104);
  await page.locator("#preset").selectOption("imported");
  await page.waitForFunction(() => ree.run.time().length === 132);
  await context.close();
});

test("a panic inside wasm shows a message and a way to recover, not a blank page", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => { try { ree.wasm.debugPanic(); } catch { /* the trap is expected */ } });
  await page.waitForSelector("#fatal:not([hidden])");
  assert.match(await page.locator("#fatal-message").textContent(), /deliberate panic/);
  await Promise.all([page.waitForEvent("load"), page.locator("#recover").click()]);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.locator("#fatal").isHidden(), true);
  await context.close();
});

test("hostile saved state and an unknown ?preset fall back with a warning", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => localStorage.setItem("ree.state.v1", JSON.stringify({
    preset: "<img src=x onerror=alert(1)>", inputs: { licence_approval: "NaN", demand_growth: -5, warp: 1 },
    element: "Xx", regions: ["ZZ", 3, null],
  })));
  await page.goto(`${server.origin}/index.html?preset=nope`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  const state = await page.evaluate(() => ree.state);
  assert.equal(state.preset, "status-quo");
  assert.equal(state.element, "Dy");
  assert.deepEqual(state.regions, ["CN", "JP", "US", "EU"]);
  assert.deepEqual(state.inputs, {});
  assert.match(await page.locator("#notices").textContent(), /Unknown preset "nope"/);
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

test("every change is in the URL, and the URL restores it", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.locator("#preset").selectOption("licensing-regime");
  await page.locator("#input-licence_approval").fill("10");
  await page.locator("#input-demand_growth").fill("1.5");
  await page.locator("#element").selectOption("Tb");
  await page.waitForFunction(() => ree.state.element === "Tb");
  await page.evaluate(() => ree.settled());
  const url = page.url();
  assert.match(url, /[?&]v=2/, "links are written in version 2 (v=1 links still read)");
  assert.match(url, /preset=licensing-regime/);
  assert.match(url, /licence_approval=10/);
  assert.match(url, /demand_growth=1.5/);
  assert.match(url, /el=Tb/);
  assert.doesNotMatch(url, /separation_recovery/, "only what differs from the defaults");
  // A fresh browser (no saved state) opening the link sees the same page.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url);
  await other.waitForFunction(() => document.body.dataset.ready === "1");
  const state = await other.evaluate(() => ree.state);
  assert.equal(state.preset, "licensing-regime");
  assert.deepEqual(state.inputs, { licence_approval: 10, demand_growth: 1.5 });
  assert.equal(await other.locator("#input-licence_approval").inputValue(), "10");
  const a = await page.evaluate(() => ree.run.fingerprint());
  const b = await other.evaluate(() => ree.run.fingerprint());
  assert.equal(a, b, "same numbers from the link");
  await fresh.close();
  await context.close();
});

test("a hostile link is refused value by value, with the defaults kept", async () => {
  const { page, context } = await openPage(browser,
    `${server.origin}/index.html?v=1&licence_approval=abc&demand_growth=99&separation_recovery=90&el=%3Cscript%3E&r=ZZ`);
  const state = await page.evaluate(() => ree.state);
  assert.deepEqual(state.inputs, { separation_recovery: 90 }, "only the valid value is taken");
  assert.equal(state.element, "Dy");
  const status = await page.locator("#notices").textContent();
  assert.match(status, /licence_approval in the link must be a decimal number \(got "abc"\)/);
  assert.match(status, /demand_growth in the link must be a number from 0 to 3/);
  assert.match(status, /Unknown element/);
  assert.equal(await page.locator("script").count(), 1, "nothing from the link became markup");
  await context.close();
});

test("hovering the availability chart reads out every line, scenario and status quo", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  const box = await page.locator("#availability-chart").boundingBox();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
  await page.waitForSelector("#availability-readout:not([hidden])");
  const text = await page.locator("#availability-readout").textContent();
  assert.match(text, /^20\d\d Q[1-4]/);
  for (const r of ["CN", "JP", "US", "EU"]) assert.match(text, new RegExp(`${r} \\d+% \\(status quo \\d+%\\)`));
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.waitForSelector("#availability-readout[hidden]", { state: "attached" });
  await context.close();
});

test("Why? ranks the inputs that move the chosen line", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime`);
  await page.locator("#why summary").click();
  await page.waitForFunction(() => document.querySelectorAll("#why-list li").length > 0);
  const items = await page.locator("#why-list li").allTextContents();
  assert.match(await page.locator("#why-target").textContent(), /JP's Dy in 2030/);
  assert.match(items[0], /^Share of licence requests approved: /, items.join(" | "));
  assert.ok(items.length >= 4 && items.every((t) => /→ \d+%/.test(t)));
  await context.close();
});

test("sliders step PhET-style from the keyboard and announce their unit", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime`);
  const delay = page.locator("#input-licence_delay");
  await delay.focus();
  assert.equal(await delay.inputValue(), "120", "the preset's 120 days is on the slider's grid");
  assert.match(await page.locator("#help-licence_delay").textContent(), /At its default, 120 days/);
  await page.keyboard.press("ArrowRight"); // a twentieth of 0-365 days, on the 1-day grid
  await page.waitForFunction(() => ree.state.inputs.licence_delay === 138);
  await page.evaluate(() => ree.settled());
  await page.keyboard.press("Shift+ArrowRight"); // one step
  await page.waitForFunction(() => ree.state.inputs.licence_delay === 139);
  await page.evaluate(() => ree.settled());
  await page.keyboard.press("PageDown"); // a fifth of the range
  await page.waitForFunction(() => ree.state.inputs.licence_delay === 66);
  await page.evaluate(() => ree.settled());
  await page.keyboard.press("End");
  await page.waitForFunction(() => ree.state.inputs.licence_delay === 365);
  await page.evaluate(() => ree.settled());
  assert.equal(await delay.getAttribute("aria-valuetext"), "365 days");
  await context.close();
});

test("?embed=1 drops the page chrome and tells the host page its height", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(`<script>window.heights = [];
    addEventListener("message", (e) => { if (e.data && e.data.type === "rare-earths:height") heights.push(e.data.height); });
    </script><iframe id="f" src="${server.origin}/index.html?embed=1" width="900" height="300"></iframe>`);
  await page.waitForFunction(() => window.heights.length > 0, null, { timeout: 20000 });
  const frame = page.frame({ url: /embed=1/ });
  await frame.waitForFunction(() => document.body.dataset.ready === "1");
  const header = await frame.locator("header.top").boundingBox();
  assert.ok(header.width <= 1 && header.height <= 1, "the page's header is only for screen readers");
  assert.equal(await frame.locator("#files").isHidden(), true);
  const heights = await page.evaluate(() => window.heights);
  assert.ok(heights.at(-1) > 300, `reported height ${heights.at(-1)}`);
  await context.close();
});

test("link values in hex or off the slider's grid are refused with a visible note", async () => {
  const { page, context } = await openPage(browser,
    `${server.origin}/index.html?v=1&licence_approval=0x10&tariff_sensitivity=4.3&separation_recovery=1e2&demand_growth=1.5`);
  assert.deepEqual(await page.evaluate(() => ree.state.inputs), { demand_growth: 1.5 });
  const status = await page.locator("#notices").textContent();
  assert.match(status, /licence_approval in the link must be a decimal number \(got "0x10"\)/);
  assert.match(status, /tariff_sensitivity in the link must be on the slider's steps of 0.5 exponent/);
  assert.match(status, /separation_recovery in the link must be a decimal number/);
  assert.ok(await page.locator("#notice-link-values").isVisible());
  await context.close();
});

test("elements nobody uses read 'no demand', not 100% met", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&el=Pm`);
  const demand = await page.evaluate(() => ["CN", "JP", "US", "EU"].map((r) => Math.max(...ree.run.series("demand", r, "Pm"))));
  assert.deepEqual(demand, [0, 0, 0, 0], "the data has no Pm demand");
  assert.match(await page.locator("#availability-summary").textContent(), /No region shown has any Pm demand in 2030 \(CN no demand; JP no demand/);
  const table = await page.locator("#availability-table").textContent();
  assert.match(table, /no demand/);
  assert.doesNotMatch(table, /100%/);
  const box = await page.locator("#availability-chart").boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForSelector("#availability-readout:not([hidden])");
  assert.match(await page.locator("#availability-readout").textContent(), /CN no demand \(status quo no demand\)/);
  await context.close();
});

test("exports carry what they show: PNG with title and settings, CSV with a metadata header", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime&licence_approval=10`);
  const read = async (button) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
    return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
  };
  const png = await read("#export-png");
  assert.equal(png.name, "availability-Dy.png");
  assert.equal(png.bytes.subarray(1, 4).toString(), "PNG");
  const chart = await page.evaluate(() => { const c = document.getElementById("availability-chart"); return [c.width, c.height]; });
  assert.equal(png.bytes.readUInt32BE(16), chart[0]);
  assert.ok(png.bytes.readUInt32BE(20) > chart[1] + 40, "room for the title, the settings and the date");
  const csv = await read("#export-csv");
  const text = csv.bytes.toString();
  const head = text.slice(0, 2000).split("\n");
  assert.equal(head[0], "# Rare earths and alliances: model results");
  assert.match(head[1], /^# Scenario: Licensing regime.*Share of licence requests approved 10 %/);
  assert.match(text.slice(0, 2000), /# units: availability/);
  assert.match(text.slice(0, 2000), /# exported: \d{4}-\d\d-\d\d/);
  assert.ok(head.includes("series,region,element,time,value"), "then the data");
  const chartCsv = (await read("#export-chart-csv")).bytes.toString().split("\n");
  const header = chartCsv.find((l) => l.startsWith("time,"));
  assert.equal(header, "time,CN,CN status quo,JP,JP status quo,US,US status quo,EU,EU status quo");
  assert.equal(chartCsv.filter((l) => /^\d/.test(l)).length, 104);
  await context.close();
});

test("a shared link that would replace saved settings offers to keep them", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.locator("#input-licence_approval").fill("40");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 40);
  await page.goto(`${server.origin}/index.html?v=1&preset=fragmentation`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.evaluate(() => ree.state.preset), "fragmentation", "the link applies first");
  assert.match(await page.locator("#notice-link").textContent(), /This link replaced the settings saved in this browser/);
  await page.locator("#notice-link button", { hasText: "Keep my saved settings" }).click();
  await page.waitForFunction(() => ree.state.preset === "status-quo");
  assert.equal(await page.evaluate(() => ree.state.inputs.licence_approval), 40);
  // The URL and the saved settings are written when the page settles (not on every
  // move of a slider).
  await page.evaluate(() => ree.settled());
  assert.match(page.url(), /licence_approval=40/);
  assert.equal(await page.locator("#notice-link").count(), 0);
  // Opening the page's own link again changes nothing, so no offer.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.locator("#notice-link").count(), 0);
  await context.close();
});
