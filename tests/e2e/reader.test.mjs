// Everywhere a reader meets the page: a phone (no sideways scroll, the chart first),
// an article's iframe (one chart, the named levers, a frame that grows and shrinks),
// a classroom's link parameters, the keyboard, and axe-core's accessibility rules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer, launch, cspViolations } from "./helpers.mjs";
import { STRINGS } from "../../www/strings.js";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

async function open(url, { width = 1280, height = 900, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 20000 });
  await page.evaluate(() => ree.settled());
  return { page, context, errors };
}

test("on phones (320-414 px) nothing scrolls sideways and the chart comes before the controls", async () => {
  for (const width of [320, 390, 414]) {
    const { page, context, errors } = await open(`${server.origin}/index.html`, { width, height: 800 });
    // Open every panel: data tables must scroll inside their box, not the page.
    for (const d of await page.locator("details").all()) await d.evaluate((el) => { el.open = true; });
    await page.evaluate(() => ree.settled());
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      chart: document.getElementById("availability-chart").getBoundingClientRect().top + scrollY,
      controls: document.querySelector(".controls").getBoundingClientRect().top + scrollY,
      chartWidth: document.getElementById("availability-chart").getBoundingClientRect().width,
    }));
    if (width === 390) console.log(`# 390 px: page ${m.scrollWidth} px wide, chart at ${Math.round(m.chart)} px, controls at ${Math.round(m.controls)} px`);
    assert.ok(m.scrollWidth <= width, `${width} px: the page is ${m.scrollWidth} px wide`);
    assert.ok(m.chart < 400, `${width} px: the chart starts at ${m.chart} px`);
    assert.ok(m.chart < m.controls, "the chart comes before the controls");
    assert.ok(m.chartWidth > width - 60, `the chart takes the width (${m.chartWidth} px)`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

// An article page (www/embed-example.html) holding the embed at a given width.
async function host(width, src) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.origin}/www/embed-example.html`);
  if (src) await page.evaluate((s) => { document.getElementById("ree-frame").src = s; }, src);
  const frame = await (await page.waitForSelector("#ree-frame")).contentFrame();
  await frame.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 20000 });
  const frameHeight = () => page.evaluate(() => document.getElementById("ree-frame").getBoundingClientRect().height);
  const bodyHeight = () => frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  // The frame has taken the height the page reported.
  await page.waitForFunction(() => Math.abs(document.getElementById("ree-frame").getBoundingClientRect().height
    - document.getElementById("ree-frame").contentDocument.body.getBoundingClientRect().height) < 2);
  return { page, frame, context, frameHeight, bodyHeight };
}

test("embedded in an article at 360 and 720 px: the chart first, the frame grows and shrinks with its content", async () => {
  for (const width of [360, 720]) {
    const { page, frame, context, frameHeight } = await host(width);
    const chartTop = await frame.evaluate(() => document.getElementById("availability-chart").getBoundingClientRect().top);
    assert.ok(chartTop < 500, `${width} px: chart at ${chartTop} px in the frame`);
    assert.equal(await frame.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, "no sideways scroll in the frame");
    // Only the lever the link names; no preset menu, no files, other charts hidden.
    const visibleInputs = await frame.evaluate(() => [...document.querySelectorAll(".input")].filter((d) => d.getClientRects().length).map((d) => d.querySelector("input").id));
    assert.deepEqual(visibleInputs, ["input-licence_approval"]);
    const [lever, options] = await frame.evaluate(() => ["input-licence_approval", "chart-options"]
      .map((id) => document.getElementById(id).getBoundingClientRect().top));
    assert.ok(lever < options, "the lever comes right after the chart, before the chart's options");
    for (const id of ["preset", "files", "sourcing-chart", "mining-chart"]) {
      assert.equal(await frame.locator(`#${id}`).isVisible(), false, `${id} hidden`);
    }
    assert.equal(await frame.locator("h1").textContent(), "Rare earths and alliances", "a title for screen readers");
    const h0 = await frameHeight();
    await frame.locator("#availability-figure details summary").first().click();
    await page.waitForFunction((h) => document.getElementById("ree-frame").getBoundingClientRect().height > h + 50, h0);
    const h1 = await frameHeight();
    await frame.locator("#availability-figure details summary").first().click();
    await page.waitForFunction((h) => document.getElementById("ree-frame").getBoundingClientRect().height < h - 50, h1);
    const h2 = await frameHeight();
    console.log(`# embed at ${width} px: chart at ${Math.round(chartTop)} px; frame ${h0} -> ${h1} (table open) -> ${h2} px (closed)`);
    assert.ok(Math.abs(h2 - h0) < 2, `back to ${h0} px after the panel closes (${h2})`);
    assert.deepEqual(await frame.evaluate(() => window.__csp || []), []);
    await context.close();
  }
});

test("an embedded page neither reads nor writes the reader's saved settings", async () => {
  const { page, context } = await open(`${server.origin}/index.html`);
  await page.locator("#input-licence_approval").fill("40");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 40);
  await page.evaluate(() => ree.settled()); // settings are saved when the page settles
  const saved = await page.evaluate(() => localStorage.getItem("ree.state.v1"));
  await page.goto(`${server.origin}/index.html?embed=1&preset=fragmentation&levers=tariff_rate`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await page.evaluate(() => ree.state.inputs.licence_approval), undefined);
  assert.equal(await page.locator("#input-tariff_rate").isVisible(), true);
  assert.equal(await page.locator("#input-licence_approval").isVisible(), false);
  await page.locator("#input-tariff_rate").fill("100");
  await page.waitForFunction(() => ree.state.inputs.tariff_rate === 100);
  assert.equal(await page.evaluate(() => localStorage.getItem("ree.state.v1")), saved);
  await context.close();
});

test("classroom parameters: panels, lock and projector; bad values fall back with a note", async () => {
  const { page, context } = await open(`${server.origin}/index.html?v=1&panels=sourcing,concentration&lock=1&projector=1`);
  const order = await page.evaluate(() => [...document.querySelectorAll("figure")].filter((f) => f.getClientRects().length).map((f) => f.id));
  assert.deepEqual(order, ["sourcing-figure", "concentration-figure"], "the first named chart leads; the others are hidden");
  assert.equal(await page.locator("body.projector").count(), 1);
  assert.equal(await page.locator("#locked-note").isVisible(), true);
  for (const id of ["preset", "input-licence_approval", "element", "source-region"]) {
    assert.equal(await page.locator(`#${id}`).isDisabled(), true, `${id} locked`);
  }
  assert.match(page.url(), /panels=sourcing%2Cconcentration|panels=sourcing,concentration/, "the view stays in the link");
  await context.close();

  const bad = await open(`${server.origin}/index.html?v=1&panels=pie,sourcing&lock=yes&projector=2&lang=xx`);
  const notes = await bad.page.locator("#notices").textContent();
  assert.match(notes, /Unknown chart "pie" in panels=/);
  assert.match(notes, /lock=yes in the link must be 0 or 1; ignored/);
  assert.match(notes, /projector=2 in the link must be 0 or 1/);
  assert.match(notes, /lang=xx: the languages available are en, es; showing English/);
  assert.equal(await bad.page.locator("#preset").isDisabled(), false, "lock fell back to unlocked");
  assert.equal(await bad.page.locator("#sourcing-figure").isVisible(), true);
  assert.equal(await bad.page.locator("#availability-figure").isVisible(), false);
  await bad.context.close();
});

test("reset=1 and the 'Reset saved settings' button clear what the browser saved", async () => {
  const { page, context } = await open(`${server.origin}/index.html`);
  await page.locator("#input-licence_approval").fill("40");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 40);
  await page.goto(`${server.origin}/index.html?reset=1`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.deepEqual(await page.evaluate(() => ree.state.inputs), {});
  assert.match(await page.locator("#notice-reset").textContent(), /reset the settings saved in this browser/);
  assert.doesNotMatch(page.url(), /reset=1/, "a reload does not reset again");
  await page.locator("#input-licence_approval").fill("45");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 45);
  await page.locator("#reset-saved").click();
  await Promise.all([page.waitForEvent("load"), page.locator("#notice-reset button", { hasText: "Reset saved settings" }).click()]);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.deepEqual(await page.evaluate(() => ree.state.inputs), {});
  await context.close();
});

test("the chart's readout works from the keyboard and is announced", async () => {
  const { page, context } = await open(`${server.origin}/index.html`);
  await page.locator("#availability-chart").focus();
  await page.waitForSelector("#availability-readout:not([hidden])");
  assert.equal(await page.locator("#availability-readout").getAttribute("aria-live"), "polite");
  assert.match(await page.locator("#availability-readout").textContent(), /^2030 Q1CN \d+%/);
  await page.keyboard.press("ArrowRight");
  assert.match(await page.locator("#availability-readout").textContent(), /^2030 Q2/);
  await page.keyboard.press("Shift+ArrowRight");
  assert.match(await page.locator("#availability-readout").textContent(), /^2031 Q2/);
  await page.keyboard.press("End");
  assert.match(await page.locator("#availability-readout").textContent(), /^2049 Q4/);
  await page.keyboard.press("Tab");
  await page.waitForSelector("#availability-readout[hidden]", { state: "attached" });
  await context.close();
});

test("'Copy embed code' gives the code for the chosen size and levers, with a live preview", async () => {
  const { page, context } = await open(`${server.origin}/index.html?v=1&preset=licensing-regime`);
  await page.locator("#embed-open").click();
  await page.locator("#embed-sizes input[value='360']").check();
  const code = await page.locator("#embed-code").inputValue();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html\?v=2&amp;preset=licensing-regime&amp;embed=1&amp;levers=licence_approval%2Clicence_delay%2Cretaliation"/);
  assert.match(code, / title="Rare earths and alliances/);
  assert.match(code, /width="360"/);
  assert.match(code, /e\.origin !== "http:\/\/127\.0\.0\.1:\d+"/, "the host script checks the sender");
  const preview = await (await page.waitForSelector("#embed-preview")).contentFrame();
  await preview.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 20000 });
  await page.waitForFunction(() => parseFloat(document.getElementById("embed-preview").style.height) > 300);
  assert.equal(await page.evaluate(() => document.getElementById("embed-preview").getBoundingClientRect().width), 360);
  // Unticking a lever updates the code and the preview.
  await page.locator("#embed-levers input[value=licence_delay]").uncheck();
  assert.match(await page.locator("#embed-code").inputValue(), /levers=licence_approval%2Cretaliation"/);
  await page.waitForFunction(() => /levers=licence_approval%2Cretaliation$/.test(document.getElementById("embed-preview").src));
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test("axe-core finds no serious or critical problem: default, embed, projector, phone", async () => {
  const views = [
    ["default", "/index.html", 1280],
    ["embed", "/index.html?embed=1&preset=licensing-regime", 720],
    ["projector", "/index.html?projector=1", 1280],
    ["phone", "/index.html", 390],
  ];
  for (const [name, path, width] of views) {
    // bypassCSP lets the test inject axe-core; the page itself is unchanged.
    const { page, context } = await open(`${server.origin}${path}`, { width, bypassCSP: true });
    await page.addScriptTag({ content: AXE });
    const found = await page.evaluate(async () => {
      const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    });
    assert.deepEqual(found, [], `${name}: ${found.join("; ")}`);
    await context.close();
  }
});

test("the Spanish strings cover every key of the page and of the messages", () => {
  const html = readFileSync(join(ROOT, "index.html"), "utf8");
  const keys = [...html.matchAll(/data-i18n(?:-aria)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 40, `${keys.length} marked elements`);
  const missing = [...new Set([...keys, ...Object.keys(STRINGS.en)])].filter((k) => !(k in STRINGS.es));
  assert.deepEqual(missing, [], "keys without a Spanish text");
});

test("lang=es switches the page's text, and long Spanish strings keep the phone layout", async () => {
  const { page, context, errors } = await open(`${server.origin}/index.html?v=1&lang=es&preset=licensing-regime`, { width: 390, height: 800 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "es");
  const untranslated = await page.evaluate((es) => [...document.querySelectorAll("[data-i18n]")]
    .filter((el) => el.textContent !== es[el.dataset.i18n]).map((el) => el.dataset.i18n), STRINGS.es);
  assert.deepEqual(untranslated, []);
  assert.match(await page.locator("#availability-summary").textContent(), /^Parte de la demanda de Dy cubierta en 2030: CN \d+%/);
  assert.match(await page.locator("label[for=input-licence_approval]").textContent(), /^Parte de las solicitudes de licencia aprobadas/);
  assert.match(await page.locator("#preset option:checked").textContent(), /^Régimen de licencias/);
  assert.match(await page.locator("#help-licence_delay").textContent(), /En su valor por defecto, 120 días/);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "no sideways scroll in Spanish");
  assert.match(page.url(), /lang=es/, "the language stays in the link");
  assert.deepEqual(errors, []);
  await context.close();
  const bad = await open(`${server.origin}/index.html?v=1&lang=es&el=Xx&lock=si`);
  const notes = await bad.page.locator("#notices").textContent();
  assert.match(notes, /Elemento desconocido "Xx" en el enlace/);
  assert.match(notes, /lock=si en el enlace debe ser 0 o 1; se ignora/);
  assert.match(notes, /Cerrar/);
  await bad.context.close();
});

test("printing gives the charts and their text, without the controls", async () => {
  const { page, context } = await open(`${server.origin}/index.html`);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".controls").isVisible(), false);
  assert.equal(await page.locator("#notices").isVisible(), false);
  assert.equal(await page.locator("#availability-chart").isVisible(), true);
  assert.equal(await page.locator("#availability-table").isVisible(), true, "data tables print open");
  await context.close();
});
