// Every chart exports a PNG: the chart at its pixel size with its title (naming the
// comparison run where it has one), the settings and the date written around it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer, launch, openPage } from "./helpers.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const ALL = ["availability", "prices", "sourcing", "concentration", "capacity", "exports", "stocks", "stockpiles", "recycling", "supply_risk", "policy_cost", "mining"];

test("every chart exports a PNG with its title, the settings and the date", async () => {
  const { page, context, errors } = await openPage(browser,
    `${server.origin}/index.html?v=2&preset=licensing-regime&licence_approval=10&cmp=fragmentation&panels=${ALL.join(",")}`);
  // The texts written on the image, recorded as they are drawn.
  await page.evaluate(() => {
    window.written = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
      if (this.canvas.isConnected === false) window.written.push(String(text));
      return fill.call(this, text, ...rest);
    };
  });
  for (const id of ALL) {
    const button = id === "availability" ? "#export-png" : `#${id}-png`;
    await page.locator(`#${id}-chart`).scrollIntoViewIfNeeded();
    await page.evaluate(() => ree.settled());
    await page.evaluate(() => { window.written = []; });
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
    const bytes = readFileSync(await d.path());
    assert.equal(bytes.subarray(1, 4).toString(), "PNG", id);
    const [w, h] = await page.evaluate((c) => [document.getElementById(c).width, document.getElementById(c).height], `${id}-chart`);
    assert.equal(bytes.readUInt32BE(16), w, `${id}: the chart's width`);
    assert.ok(bytes.readUInt32BE(20) > h + 40, `${id}: room for the title, the settings and the date`);
    assert.match(d.suggestedFilename(), new RegExp(`^${id}[-.\\w]*\\.png$`));
    const [title, settings, foot] = await page.evaluate(() => window.written);
    assert.ok(title.length > 10, `${id}: title "${title}"`);
    if (!["sourcing", "mining"].includes(id)) assert.match(title, /dashed: Fragmentation into protectionist blocs\)$/, id);
    assert.match(settings, /^Scenario: Licensing regime.*; Share of licence requests approved 10 %/, id);
    assert.match(foot, /Exported \d{4}-\d\d-\d\d/, id);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
