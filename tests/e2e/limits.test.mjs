// A page that cannot be frozen or lose work: hostile imports and saved state are
// refused quickly with a message, a refused save is said and offers an export, and a
// saved scenario whose last load never finished is set aside, not run again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openPage } from "./helpers.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const dir = mkdtempSync(join(tmpdir(), "ree-limits-"));
function alliancesFile(name, n) {
  const alliances = Array.from({ length: n }, (_, k) => ({ id: `bloc${k}`, name: `Bloc number ${k}`, members: ["US", "JP"] }));
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ name: "hostile", alliances }));
  return file;
}

// Time from an action to a condition in the page, in ms (measured in the page).
async function timeUntil(page, action, condition) {
  await page.evaluate(() => { window.__t0 = performance.now(); });
  await action();
  await page.waitForFunction(condition, null, { timeout: 10000 });
  return page.evaluate(() => performance.now() - window.__t0);
}

test("a 1 MB import of 20,000 alliances is refused at once and the page stays responsive", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html`);
  const file = alliancesFile("huge.json", 20000);
  const ms = await timeUntil(page, () => page.locator("#import-json").setInputFiles(file),
    () => document.getElementById("status").classList.contains("error"));
  const status = await page.locator("#status").textContent();
  assert.match(status, /huge\.json was not loaded; your current scenario is unchanged/);
  assert.match(status, /a scenario may be at most 256 KB/);
  assert.ok(ms < 1000, `refused in ${ms.toFixed(0)} ms`);
  console.log(`# 1 MB import refused in ${ms.toFixed(0)} ms`);
  // The page answers a lever at once.
  const lever = await timeUntil(page, () => page.locator("#input-licence_approval").fill("20"),
    () => ree.state.inputs.licence_approval === 20);
  assert.ok(lever < 500, `lever answered in ${lever.toFixed(0)} ms`);
  assert.equal(await page.evaluate(() => ree.state.preset), "status-quo");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a small file over a count limit is refused by the model, naming the field", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  const ms = await timeUntil(page, () => page.locator("#import-json").setInputFiles(alliancesFile("many.json", 65)),
    () => document.getElementById("status").classList.contains("error"));
  assert.match(await page.locator("#status").textContent(), /Alliances \(alliances\): at most 64 alliances, got 65/);
  assert.ok(ms < 1000, `${ms} ms`);
  await context.close();
});

test("a 1 MB saved state is set aside unread and the page reloads within 3 s", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => {
    const alliances = Array.from({ length: 20000 }, (_, k) => ({ id: `b${k}`, name: "B", members: ["US"] }));
    localStorage.setItem("ree.state.v1", JSON.stringify({ preset: "imported", imported: { alliances } }));
  });
  const t0 = Date.now();
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 3000 });
  const ms = Date.now() - t0;
  console.log(`# reload with a 1 MB saved state: ${ms} ms`);
  assert.ok(ms < 3000, `${ms} ms`);
  assert.match(await page.locator("#notices").textContent(), /too large \(\d+ KB\) and were set aside/);
  assert.equal(await page.evaluate(() => ree.state.preset), "status-quo");
  await context.close();
});

test("a saved import whose last load never finished is set aside, with a way to try again", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.evaluate(() => {
    localStorage.setItem("ree.state.v1", JSON.stringify({ preset: "imported", imported: { name: "Kept", end_year: 2030 } }));
    localStorage.setItem("ree.loading.v1", "1"); // as if the last load froze
  });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.evaluate(() => ree.state.preset), "status-quo", "the set-aside scenario is not run");
  assert.match(await page.locator("#notice-aside").textContent(), /set aside and not run again/);
  await Promise.all([page.waitForEvent("load"), page.locator("#notice-aside button", { hasText: "Try it again" }).click()]);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.evaluate(() => ree.state.preset), "imported");
  assert.equal(await page.evaluate(() => ree.run.time().length), 24);
  assert.equal(await page.evaluate(() => localStorage.getItem("ree.loading.v1")), null, "a finished load clears the mark");
  await context.close();
});

test("a refused save is said, the work stays in the tab and can be exported", async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Storage.prototype.setItem = function () { throw new DOMException("quota", "QuotaExceededError"); };
  });
  const page = await context.newPage();
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  await page.locator("#input-licence_approval").fill("35");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 35);
  await page.evaluate(() => ree.settled()); // saving waits for the page to settle
  const text = await page.locator("#notice-save").textContent();
  assert.match(text, /refused to save your settings/);
  assert.match(page.url(), /licence_approval=35/, "the link still carries the work");
  const [download] = await Promise.all([page.waitForEvent("download"),
    page.locator("#notice-save button", { hasText: "Export scenario" }).click()]);
  assert.equal(download.suggestedFilename(), "scenario.json");
  assert.equal(await page.locator(".notice").count(), 1, "said once, not at every change");
  await context.close();
});
