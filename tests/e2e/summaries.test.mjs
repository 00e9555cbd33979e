// The words around the charts say what they show: the intro names the comparison run the
// dashed lines are, and money reads in millions or billions a year, not in whole dollars.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openPage } from "./helpers.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test("the intro names the comparison run, in both languages", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  assert.match(await page.locator(".lede").textContent(), /quarter by quarter to 2050\. Dashed lines are the status quo\.$/);
  await page.locator("#compare").selectOption("fragmentation");
  await page.evaluate(() => ree.settled());
  assert.match(await page.locator(".lede").textContent(), /Dashed lines are the comparison run: Fragmentation into protectionist blocs\.$/);
  await context.close();
  const es = await openPage(browser, `${server.origin}/index.html?lang=es&cmp=fragmentation`);
  const lede = await es.page.locator(".lede").textContent();
  assert.match(lede, /^Las tierras raras se extraen/);
  assert.match(lede, /Las líneas discontinuas muestran la comparación: .*bloques/);
  assert.doesNotMatch(lede, /situación actual/);
  await es.context.close();
});

test("policy costs read in M or bn USD a year, in both languages", async () => {
  const money = /(\d+(?:[.,]\d+)?) (bn|M|k) USD\/yr/g;
  const { page, context } = await openPage(browser, `${server.origin}/index.html?panels=policy_cost,availability&cmp=fragmentation`);
  const summary = await page.locator("#policy_cost-summary").textContent();
  const amounts = [...summary.matchAll(money)];
  assert.ok(amounts.length >= 3, summary);
  assert.doesNotMatch(summary, /\d{1,3},\d{3},\d{3}/, "no whole dollars");
  // Three significant digits at most: "0.41 bn", "9.47 M".
  for (const [, x] of amounts) assert.ok(x.replace(/\D/g, "").replace(/^0+/, "").length <= 3, x);
  await page.locator("#policy_cost-details summary").click();
  // The table is built when the details open (a toggle event, dispatched after the
  // click): read it once it has rows (reading at once failed once in CI, empty).
  await page.locator("#policy_cost-table tr").first().waitFor();
  assert.match(await page.locator("#policy_cost-table").textContent(), /(bn|M) USD\/yr/);
  await context.close();
  const es = await openPage(browser, `${server.origin}/index.html?lang=es&panels=policy_cost&cmp=fragmentation`);
  const resumen = await es.page.locator("#policy_cost-summary").textContent();
  assert.match(resumen, /\d+(,\d+)? (mil M|M) USD\/año/);
  assert.doesNotMatch(resumen, /USD\/yr/);
  await es.context.close();
});

test("the supply-risk chart reads the model's index, a group as the demand-weighted mean", async () => {
  // Issue 7: Japan's supply risk for Dy is higher under licensing than in the status quo
  // (the comparison run, dashed); the page shows it in the chart a reader can choose.
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=2&preset=licensing-regime&el=Dy&panels=supply_risk,availability`);
  const summary = await page.locator("#supply_risk-summary").textContent();
  const [, now, base] = summary.match(/JP (\d\.\d+).*JP (\d\.\d+)/);
  assert.ok(Number(now) > Number(base), summary);
  const fromRun = await page.evaluate(() => {
    const run = ree.run, k = [...run.time()].findIndex((y) => y >= 2030);
    const dy = run.series("supply_risk", "JP", "Dy")[k], tb = run.series("supply_risk", "JP", "Tb")[k];
    const dd = run.series("demand", "JP", "Dy")[k], dt = run.series("demand", "JP", "Tb")[k];
    return { group: run.series("supply_risk", "JP", "DyTb")[k], mean: (dy * dd + tb * dt) / (dd + dt), dy };
  });
  assert.ok(Math.abs(fromRun.group - fromRun.mean) < 1e-12, JSON.stringify(fromRun));
  assert.ok(fromRun.dy > 0 && fromRun.dy <= 1);
  assert.match(summary, new RegExp(`JP ${fromRun.dy.toFixed(2).replace(/0$/, "")}`));
  await context.close();
});
