// The charts a reader chooses (issue 8): tick a chart and see it drawn with its summary,
// data table, CSV and readout; change the comparison run; the choice survives a reload
// and travels in the link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openPage, colourCounts, cspViolations } from "./helpers.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const BLUE = [0, 114, 178];
const VERMILLION = [213, 94, 0];

test("a reader ticks the price chart and sees it drawn, summarised, tabulated and read out", async () => {
  const { page, context, errors, requests } = await openPage(browser, `${server.origin}/index.html?v=1&panels=availability`);
  assert.equal(await page.locator("#prices-figure").isVisible(), false, "not chosen yet");
  await page.locator("#chart-choice label", { hasText: "Prices" }).click();
  await page.evaluate(() => ree.settled());
  await page.locator("#prices-chart").scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((ok) => setTimeout(() => ree.settled().then(ok), 100)));
  assert.ok(await page.locator("#prices-figure").isVisible());
  // Dy under the status quo: a split market, inside (blue) and outside (vermillion) drawn.
  const px = await colourCounts(page, "prices-chart", [BLUE, VERMILLION]);
  assert.ok(px.counts[0] > 100 && px.counts[1] > 100, `inside and outside lines painted: ${px.counts}`);
  const summary = await page.locator("#prices-summary").textContent();
  assert.match(summary, /^Dy oxide price, inside and outside a split market, 2030 \(USD\/kg oxide\): Dy inside \d+, Dy outside [\d,]+; status quo: Dy inside \d+, Dy outside [\d,]+\.$/);
  const outside = Number(/Dy outside ([\d,]+)/.exec(summary)[1].replace(/,/g, ""));
  const inside = Number(/Dy inside ([\d,]+)/.exec(summary)[1].replace(/,/g, ""));
  assert.ok(outside > inside, `the outside price is above the inside one: ${outside} vs ${inside}`);
  // The data table: each line and its comparison, by year.
  await page.locator("#prices-details summary").click();
  // The table is built when the details open (a toggle event, dispatched after the click).
  await page.locator("#prices-table tr").first().waitFor();
  const rows = await page.locator("#prices-table tr").allTextContents();
  assert.ok(rows.some((r) => r.startsWith("Dy inside, status quo")), rows.join("\n"));
  assert.match(rows[0], /2025.*2030.*2040/);
  // The chart's own CSV.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#prices-csv").click()]);
  const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString());
  assert.match(csv, /^# Rare earths and alliances/);
  assert.match(csv, /\ntime,"Dy inside","Dy inside, status quo","Dy outside","Dy outside, status quo"\n2024,/);
  // The keyboard readout reads both runs.
  await page.locator("#prices-chart").focus();
  await page.keyboard.press("ArrowRight");
  const readout = await page.locator("#prices-figure .readout").textContent();
  assert.match(readout, /^2030 Q2\(status quo in brackets\)Dy inside \d+ \(\d+\)Dy outside [\d,]+ \([\d,]+\)$/);
  assert.match(page.url(), /panels=availability%2Cprices|panels=availability,prices/);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
  assert.ok(requests.every((u) => u.startsWith(server.origin)), "no foreign request");
  await context.close();
});

test("the comparison run is any preset, dashed in every chart, and the choice survives reload and link", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html`);
  await page.selectOption("#compare", "fragmentation");
  await page.evaluate(() => ree.settled());
  const summary = await page.locator("#availability-summary").textContent();
  assert.match(summary, /points vs Fragmentation|vs .*[Ff]ragment/, summary);
  assert.match(await page.locator("#prices-summary").textContent(), /; Fragmentation into protectionist blocs: Dy inside \d/);
  // The capacity chart, chosen too, with its own stage.
  await page.locator("#chart-choice label", { hasText: "Capacity" }).click();
  await page.selectOption("#capacity-choice", "magnets");
  await page.evaluate(() => ree.settled());
  const link = page.url();
  assert.match(link, /cmp=fragmentation/);
  assert.match(link, /cap=magnets/);
  assert.match(link, /capacity/);
  // Reload: the same charts and comparison from the browser's storage.
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  await page.evaluate(() => ree.settled());
  assert.equal(await page.locator("#compare").inputValue(), "fragmentation");
  assert.ok(await page.locator("#capacity-figure").isVisible());
  assert.equal(await page.locator("#capacity-choice").inputValue(), "magnets");
  assert.deepEqual(errors, []);
  await context.close();
  // The link in a browser with nothing saved.
  const other = await openPage(browser, link);
  await other.page.evaluate(() => ree.settled());
  assert.equal(await other.page.locator("#compare").inputValue(), "fragmentation");
  await other.page.locator("#capacity-chart").scrollIntoViewIfNeeded();
  await other.page.evaluate(() => new Promise((ok) => setTimeout(() => ree.settled().then(ok), 100)));
  assert.match(await other.page.locator("#capacity-summary").textContent(), /^Capacity of magnets by region, 20\d\d \(t magnets per year\): CN [\d,]+, .*world [\d,]+; Fragmentation into protectionist blocs: CN [\d,]+/);
  const px = await colourCounts(other.page, "capacity-chart");
  assert.ok(px.counts[0] > 50, `regions' lines painted: ${px.counts}`);
  assert.deepEqual(other.errors, []);
  assert.deepEqual(await cspViolations(other.page), []);
  // A bad value in the link is refused by name, the default kept.
  const bad = await openPage(browser, `${server.origin}/index.html?cmp=nowhere&panels=prices`);
  assert.match(await bad.page.locator("#notices").textContent(), /"nowhere" for cmp=/);
  assert.equal(await bad.page.locator("#compare").inputValue(), "status-quo");
  assert.ok(await bad.page.locator(".lead #prices-figure").isVisible(), "the first chosen chart leads");
  await other.context.close();
  await bad.context.close();
});

test("in Spanish the chooser and the new charts speak Spanish", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html?lang=es&panels=stocks,exports`);
  await page.evaluate(() => new Promise((ok) => setTimeout(() => ree.settled().then(ok), 100)));
  assert.match(await page.locator("#chart-choice legend").textContent(), /Gráficos mostrados/);
  assert.match(await page.locator("#stocks-summary").textContent(), /^Existencias mundiales de Dy, 2030 \(t de óxidos\): óxido separado/);
  assert.match(await page.locator("#stocks-summary").textContent(), /días de cobertura \(óxido\) \d/);
  assert.deepEqual(errors, []);
  await context.close();
});
