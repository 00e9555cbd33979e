// lang=es says everything in Spanish: the model's refusals (a bad scenario file, a bad
// link value), the exported files (CSV header lines and columns, the PNG's texts); every
// English string and every model error code has a Spanish text. And a slider move
// validates the scenario once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openPage, cspViolations } from "./helpers.mjs";
import { STRINGS } from "../../www/strings.js";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const dir = mkdtempSync(join(tmpdir(), "ree-lang-"));
function file(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// (Every model error code has a Spanish text with only its parameters: src/error.rs tests.)
test("every English string has a Spanish text with the same placeholders", () => {
  const missing = Object.keys(STRINGS.en).filter((k) => !(k in STRINGS.es));
  assert.deepEqual(missing, [], "English keys without a Spanish text");
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const differ = Object.keys(STRINGS.en).filter((k) => holes(STRINGS.en[k]).join() !== holes(STRINGS.es[k]).join());
  assert.deepEqual(differ, [], "Spanish texts whose placeholders differ from the English");
});

test("lang=es: a refused file, a bad link value and the exports are in Spanish", async () => {
  const { page, context, errors } = await openPage(browser,
    `${server.origin}/index.html?v=1&lang=es&preset=licensing-regime&licence_approval=abc&demand_growth=99`);
  const notes = await page.locator("#notices").textContent();
  assert.match(notes, /licence_approval en el enlace debe ser un número decimal \(se recibió "abc"\)/);
  assert.match(notes, /demand_growth en el enlace debe ser un número de 0 a 3 ×/);

  // A file the model refuses: each problem's field in words, its path and the reason.
  const bad = file("malo.json", JSON.stringify({
    alliances: [{ id: "x", name: "X", members: ["US", "ZZ"] }],
    export_controls: [{ exporter: "CN", products: ["oxide"], measure: { type: "licensing", approval_share: 1.5, delay_days: 30 }, start: 2026, end: 2025 }],
  }));
  await page.locator("#import-json").setInputFiles(bad);
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  const status = await page.locator("#status").textContent();
  assert.match(status, /malo\.json no se cargó; su escenario actual no cambia/);
  assert.match(status, /Alianza 1, miembro 2 \(alliances\[0\]\.members\[1\]\): región desconocida "ZZ"/);
  assert.match(status, /Control de exportación 1, medida, parte aprobada \(export_controls\[0\]\.measure\.approval_share\): debe estar entre 0 y 1, se recibió 1\.5/);
  assert.match(status, /Control de exportación 1, fin \(export_controls\[0\]\.end\): debe ser posterior al inicio, 2026; se recibió 2025/);
  assert.doesNotMatch(status, /unknown region|must be/, "no English reason left");
  // Type and syntax errors, and the limits, too.
  await page.locator("#import-json").setInputFiles(file("tipo.json", JSON.stringify({ end_year: "2030" })));
  await page.waitForFunction(() => /tipo\.json/.test(document.getElementById("status").textContent));
  assert.match(await page.locator("#status").textContent(), /Año final \(end_year\): tipo de valor no válido/);
  await page.locator("#import-json").setInputFiles(file("roto.json", "{\"alliances\": ["));
  await page.waitForFunction(() => /roto\.json/.test(document.getElementById("status").textContent));
  assert.match(await page.locator("#status").textContent(), /no es JSON válido \(línea 1, columna \d+\)/);
  const many = Array.from({ length: 65 }, (_, k) => ({ id: `b${k}`, name: "B", members: ["US"] }));
  await page.locator("#import-json").setInputFiles(file("muchas.json", JSON.stringify({ alliances: many })));
  await page.waitForFunction(() => /muchas\.json/.test(document.getElementById("status").textContent));
  assert.match(await page.locator("#status").textContent(), /Alianzas \(alliances\): como máximo 64, se recibieron 65/);
  assert.equal(await page.evaluate(() => ree.state.preset), "licensing-regime", "the current scenario is kept");

  // Exports: the CSV's header lines and columns, the chart's CSV, the PNG's texts.
  const read = async (button) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
    return readFileSync(await d.path(), "utf8");
  };
  const csv = await read("#export-csv");
  const head = csv.slice(0, 3000).split("\n");
  assert.equal(head[0], "# Tierras raras y alianzas: resultados del modelo");
  assert.match(head[1], /^# Escenario: Régimen de licencias contra los no socios; valores del escenario predefinido$/);
  assert.match(head[4], /^# unidades: disponibilidad/);
  assert.match(head[5], /^# exportado: \d{4}-\d\d-\d\d$/);
  assert.match(head[6], /^# enlace: http/);
  assert.equal(head[7], "serie,región,elemento,tiempo,valor");
  assert.match(head[8], /^\w+,\w+,\w+,2024,/, "then the numbers");
  const chart = (await read("#export-chart-csv")).split("\n");
  assert.match(chart.find((l) => l.startsWith("# Disponibilidad")), /^# Disponibilidad de Dy: parte de la demanda cubierta; vacío donde no hay demanda$/);
  assert.equal(chart.find((l) => /^tiempo,/.test(l)), "tiempo,CN,CN situación actual,JP,JP situación actual,US,US situación actual,EU,EU situación actual");
  // The PNG's texts are drawn on a canvas: record what is drawn.
  await page.evaluate(() => {
    window.__drawn = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) { window.__drawn.push(text); return fill.call(this, text, ...rest); };
  });
  await read("#export-png");
  const drawn = await page.evaluate(() => window.__drawn);
  assert.ok(drawn.includes("Disponibilidad de Dy: parte de la demanda cubierta, CN, JP, US, EU (situación actual discontinua)"), drawn.join(" | "));
  assert.ok(drawn.includes("Escenario: Régimen de licencias contra los no socios; valores del escenario predefinido"), drawn.join(" | "));
  assert.ok(drawn.some((s) => /^Tierras raras y alianzas, un modelo interactivo\. Exportado el \d{4}-\d\d-\d\d\.$/.test(s)), drawn.join(" | "));
  // The mining chart's bars and table name the countries in Spanish.
  assert.match(await page.locator("#mining-table").textContent(), /Estados Unidos/);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test("in English the model's refusal keeps its own words, with the field named", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html`);
  await page.locator("#import-json").setInputFiles(file("bad.json", JSON.stringify({ shocks: [{ region: "MM", stage: "mining", share: 2, start: 2026, end: 2027 }] })));
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  assert.match(await page.locator("#status").textContent(), /Shock 1, share \(shocks\[0\]\.share\): must be between 0 and 1, got 2/);
  await context.close();
});

test("a slider move validates the scenario once", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime`);
  await page.evaluate(() => ree.settled());
  const count = () => page.evaluate(() => ree.wasm.validationCount());
  const slider = page.locator("#input-licence_approval");
  await slider.focus();
  for (let k = 1; k <= 5; k++) {
    const before = await count();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction((v) => ree.state.inputs.licence_approval === v, 30 - 5 * k);
    await page.evaluate(() => ree.settled());
    assert.equal(await count() - before, 1, `key press ${k}: one validation`);
  }
  const before = await count();
  await slider.fill("60");
  await page.waitForFunction(() => ree.state.inputs.licence_approval === 60);
  await page.evaluate(() => ree.settled());
  assert.equal(await count() - before, 1, "a dragged value: one validation");
  await context.close();
});
