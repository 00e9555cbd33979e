// The alliance and policy editor as a person uses it: blocs made with the mouse and
// with the keyboard alone, a country dragged between blocs, a trusted-partner exemption
// in a licensing regime that changes the charts and the table; reload and the link keep
// it all; a hostile bloc name is shown as text; limits and bad values are refused by
// field; the exported CSV holds the numbers `ree run` gives for the same scenario.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, startServer, launch, openPage, cspViolations } from "./helpers.mjs";
import { SCHEMA } from "../../www/schema.js";
import { moduleText } from "../../tools/schema.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const dir = mkdtempSync(join(tmpdir(), "ree-editor-"));
// The command line, as built by `cargo test` (./dev test builds it first).
function ree(...args) {
  const bin = join(ROOT, "target", "debug", "ree");
  return existsSync(bin)
    ? execFileSync(bin, args, { maxBuffer: 1 << 28, encoding: "utf8" })
    : execFileSync("cargo", ["run", "--quiet", "--bin", "ree", "--", ...args], { cwd: ROOT, maxBuffer: 1 << 28, encoding: "utf8" });
}

async function openEditor(page) {
  await page.locator("#editor-box > summary").click();
  await page.getByRole("button", { name: "New bloc", exact: true }).waitFor();
}
const jpDy2030 = (page) => page.evaluate(() => ree.run.series("availability", "JP", "Dy")[24]);
const chartPixels = (page) => page.evaluate(() => document.getElementById("availability-chart").toDataURL());

test("blocs by mouse and keyboard, a drag, and a trusted-partner exemption change the charts; reload and link keep them", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime`);
  await openEditor(page);
  // Every preset bloc is there, as a group named by the bloc, its members ticked.
  const msp = page.getByRole("group", { name: "Minerals Security Partnership", exact: true });
  assert.equal(await msp.getByLabel("Japan").isChecked(), true);
  assert.equal(await msp.getByLabel("China").isChecked(), false);
  const before = { jp: await jpDy2030(page), table: await page.locator("#availability-table").textContent(), pixels: await chartPixels(page) };

  // With the mouse: New bloc, a name, two members.
  await page.getByRole("button", { name: "New bloc", exact: true }).click();
  const name = page.locator("#ed-alliances fieldset:last-of-type legend input");
  assert.equal(await name.evaluate((el) => el === document.activeElement), true, "the new bloc's name has the focus");
  await name.fill("Tokyo club");
  await page.locator("#ed-alliances > legend").click();
  const tokyo = page.getByRole("group", { name: "Tokyo club", exact: true });
  await tokyo.getByLabel("Japan").click();
  await tokyo.getByLabel("South Korea").click();
  await page.waitForFunction(() => ree.state.edits?.alliances?.some((a) => a.name === "Tokyo club" && a.members.join() === "JP,KR"));

  // With the keyboard alone: Enter on New bloc, type the name, Tab to a country, Space.
  await page.getByRole("button", { name: "New bloc", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Seoul pact");
  for (let k = 0; k < 30; k++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement.parentElement?.textContent === "Australia")) break;
  }
  await page.keyboard.press("Space");
  await page.waitForFunction(() => ree.state.edits?.alliances?.some((a) => a.name === "Seoul pact" && a.members.join() === "AU"));
  const seoul = page.getByRole("group", { name: "Seoul pact", exact: true });
  assert.equal(await seoul.getByLabel("Australia").isChecked(), true);

  // Drag Japan from one bloc to the other with the mouse.
  await tokyo.evaluate((el) => el.scrollIntoView({ block: "start" }));
  const from = await tokyo.locator("label[data-region=JP]").boundingBox();
  const to = await seoul.boundingBox();
  await page.mouse.move(from.x + from.width - 8, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 30, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 10 });
  await page.mouse.up();
  await page.waitForFunction(() => {
    const by = Object.fromEntries(ree.state.edits.alliances.map((a) => [a.name, a.members.join()]));
    return by["Tokyo club"] === "KR" && by["Seoul pact"] === "AU,JP";
  });
  assert.equal(await seoul.getByLabel("Japan").isChecked(), true);
  assert.equal(await tokyo.getByLabel("Japan").isChecked(), false);

  // The bloc becomes a trusted partner of both licensing controls.
  for (const k of [0, 1]) {
    await page.locator(`[data-path="export_controls[${k}].trusted_partners"]`).getByLabel("Seoul pact").click();
  }
  await page.waitForFunction(() => ree.state.edits?.export_controls?.[1]?.trusted_partners?.length === 1);
  await page.evaluate(() => ree.settled());
  // Charts far off screen wait to be drawn (their summaries and tables do not): bring the
  // chart back as a reader would before looking at it.
  await page.locator("#availability-chart").scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((ok) => setTimeout(() => ree.settled().then(ok), 100)));
  const afterEdit = { jp: await jpDy2030(page), table: await page.locator("#availability-table").textContent(), pixels: await chartPixels(page) };
  assert.ok(afterEdit.jp > before.jp + 0.05, `JP Dy 2030 ${before.jp} -> ${afterEdit.jp}`);
  assert.notEqual(afterEdit.table, before.table, "the data table changes");
  assert.notEqual(afterEdit.pixels, before.pixels, "the chart changes");
  assert.equal(await page.locator("#status").textContent(), "");
  const fingerprint = await page.evaluate(() => ree.run.fingerprint());
  const url = page.url();
  assert.match(url, /[?&]v=2&/);
  assert.match(url, /[?&]e=[\w-]+/);

  // Reload: the same blocs, policies and numbers.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  await openEditor(page);
  assert.equal(await page.getByRole("group", { name: "Seoul pact", exact: true }).getByLabel("Japan").isChecked(), true);
  assert.equal(await page.locator('[data-path="export_controls[0].trusted_partners"]').getByLabel("Seoul pact").isChecked(), true);
  assert.equal(await page.evaluate(() => ree.run.fingerprint()), fingerprint);

  // The link in a browser that has saved nothing.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url);
  await other.waitForFunction(() => document.body.dataset.ready === "1");
  await openEditor(other);
  assert.equal(await other.getByRole("group", { name: "Tokyo club", exact: true }).getByLabel("South Korea").isChecked(), true);
  assert.equal(await other.getByRole("group", { name: "Seoul pact", exact: true }).getByLabel("Japan").isChecked(), true);
  assert.equal(await other.locator('[data-path="export_controls[1].trusted_partners"]').getByLabel("Seoul pact").isChecked(), true);
  assert.equal(await other.evaluate(() => ree.run.fingerprint()), fingerprint, "the same numbers from the link");
  assert.equal(await other.locator("#notices .notice").count(), 0);
  // An old (v=1) link still reads, without a warning.
  await other.goto(`${server.origin}/index.html?v=1&preset=licensing-regime&licence_approval=10`);
  await other.waitForFunction(() => document.body.dataset.ready === "1");
  assert.deepEqual(await other.evaluate(() => ree.state.inputs), { licence_approval: 10 });
  assert.doesNotMatch(await other.locator("#notices").textContent(), /another version/);
  await fresh.close();

  // Deleting a bloc takes its references with it.
  await page.getByRole("button", { name: "Delete bloc Seoul pact" }).click();
  await page.waitForFunction(() => !ree.state.edits.alliances.some((a) => a.name === "Seoul pact")
    && ree.state.edits.export_controls === undefined, null, { timeout: 5000 });
  assert.match(await page.locator("#status").textContent(), /Deleted Seoul pact/);
  assert.deepEqual(errors, []);
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test("a bloc named with markup is shown as text and nothing runs", async () => {
  const { page, context, errors } = await openPage(browser, `${server.origin}/index.html`);
  const evil = "<img src=x onerror=\"window.__pwned=1\">";
  const file = join(dir, "evil.json");
  writeFileSync(file, JSON.stringify({ name: evil, alliances: [{ id: "evil", name: evil, members: ["JP", "KR"] }],
    export_controls: [{ exporter: "CN", products: ["oxide"], measure: { type: "licensing", approval_share: 0.3, delay_days: 60 }, trusted_partners: ["evil"], start: 2026 }] }));
  await page.locator("#import-json").setInputFiles(file);
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Loaded"));
  await openEditor(page);
  const group = page.getByRole("group", { name: evil, exact: true });
  assert.equal(await group.locator("legend input").inputValue(), evil);
  assert.equal(await page.locator('[data-path="export_controls[0].trusted_partners"]').getByLabel(evil).isChecked(), true);
  assert.match(await page.locator("#preset option:checked").textContent(), /Imported: <img src=x/);
  assert.equal(await page.locator("img").count(), 0, "no element made from the name");
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "nothing ran");
  assert.deepEqual(errors, []);
  await context.close();
});

test("limits and bad values are refused by field, in words, and the work is kept", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime`);
  await openEditor(page);
  const fingerprint = await page.evaluate(() => ree.run.fingerprint());
  const share = page.locator('[data-path="export_controls[0].measure.approval_share"]');
  await share.fill("1.5");
  await share.press("Tab");
  await page.waitForSelector(".field-error");
  assert.equal(await share.getAttribute("aria-invalid"), "true");
  assert.match(await page.locator(".field-error").textContent(),
    /Export control 1, measure, approval share \(export_controls\[0\]\.measure\.approval_share\): must be between 0 and 1, got 1\.5/);
  assert.equal(await share.inputValue(), "1.5", "what was typed stays");
  assert.equal(await page.evaluate(() => ree.state.edits), undefined, "refused: not kept, not saved");
  assert.equal(await page.evaluate(() => ree.run.fingerprint()), fingerprint, "the charts keep the last good run");
  await share.fill("0.4");
  await share.press("Tab");
  await page.waitForFunction(() => ree.state.edits?.export_controls?.[0]?.measure?.approval_share === 0.4);
  assert.equal(await page.locator(".field-error").count(), 0);
  // 64 blocs: a 65th is refused with a message.
  const alliances = Array.from({ length: 64 }, (_, k) => ({ id: `b${k}`, name: `Bloc ${k}`, members: ["US"] }));
  const file = join(dir, "full.json");
  writeFileSync(file, JSON.stringify({ alliances }));
  await page.locator("#import-json").setInputFiles(file);
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Loaded"));
  await page.getByRole("button", { name: "New bloc", exact: true }).click();
  assert.match(await page.locator("#status").textContent(), /Alliances: at most 64\./);
  assert.equal(await page.locator("#ed-alliances > fieldset").count(), 64);
  await context.close();

  // In Spanish, the same refusal names the field in Spanish words.
  const es = await openPage(browser, `${server.origin}/index.html?v=1&lang=es&preset=licensing-regime`);
  await es.page.locator("#editor-box > summary").click();
  const s = es.page.locator('[data-path="export_controls[0].measure.approval_share"]');
  await s.fill("2");
  await s.press("Tab");
  await es.page.waitForSelector(".field-error");
  assert.match(await es.page.locator(".field-error").textContent(), /^Control de exportación 1, medida, parte aprobada .*debe estar entre 0 y 1, se recibió 2$/);
  assert.equal(await es.page.getByRole("button", { name: "Nuevo bloque" }).count(), 1);
  await es.context.close();
});

test("the policy forms come from the schema, and the exported CSV holds the numbers ree run gives", async () => {
  // www/schema.js is what `ree schema` says today.
  assert.equal(readFileSync(join(ROOT, "www", "schema.js"), "utf8"), moduleText(JSON.parse(ree("schema"))),
    "www/schema.js is stale: run ./dev build");
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime&licence_approval=20`);
  await openEditor(page);
  const lists = Object.entries(SCHEMA.properties).filter(([, p]) => p.type === "array" && p.items?.$ref).map(([k]) => k);
  assert.ok(lists.length >= 4);
  for (const s of lists) assert.equal(await page.locator(`#ed-${s}`).count(), 1, `a form for ${s}`);
  // Settings that are objects of their own (retaliation) have a form too, and a switch works.
  if (SCHEMA.properties.retaliation) {
    await page.locator('[data-path="retaliation.enabled"]').check();
    await page.waitForFunction(() => ree.state.edits?.retaliation?.enabled === true);
    await page.locator('[data-path="retaliation.enabled"]').uncheck();
    await page.waitForFunction(() => ree.state.edits?.retaliation === undefined);
  }
  // A tariff made in the generated form.
  await page.getByRole("button", { name: "Add tariff" }).click();
  await page.waitForFunction(() => ree.state.edits?.tariffs?.length === 1);
  await page.locator('[data-path="tariffs[0].importer"]').selectOption("US");
  await page.locator('[data-path="tariffs[0].exporter"]').selectOption("CN");
  await page.waitForFunction(() => ree.state.edits.tariffs[0].exporter === "CN" && ree.state.edits.tariffs[0].importer === "US");
  await page.evaluate(() => ree.settled());
  const read = async (button) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
    return readFileSync(await d.path(), "utf8");
  };
  const scenarioFile = join(dir, "edited.json");
  writeFileSync(scenarioFile, await read("#export-json"));
  const exported = JSON.parse(readFileSync(scenarioFile, "utf8"));
  assert.equal(exported.tariffs[0].importer, "US");
  assert.equal(exported.export_controls[0].measure.approval_share, 0.2, "the lever is in the exported scenario");
  const csv = (await read("#export-csv")).split("\n");
  const body = csv.slice(csv.indexOf("series,region,element,time,value"));
  const cli = ree("run", scenarioFile, "--format", "csv").split("\n");
  assert.ok(body.length > 10000, `${body.length} lines`);
  assert.equal(body.length, cli.length);
  const differ = body.findIndex((line, k) => line !== cli[k]);
  assert.equal(differ, -1, `line ${differ}: page ${body[differ]} / ree ${cli[differ]}`);
  await context.close();
});

test("the open editor: axe-core finds no serious problem, phones do not scroll sideways, lock=1 disables it", async () => {
  const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
  for (const [width, path] of [[1280, "/index.html?v=1&preset=licensing-regime"], [390, "/index.html?v=1&preset=fragmentation&lang=es"],
    [1280, "/index.html?v=1&preset=licensing-regime&projector=1"]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.origin}${path}`);
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    await page.locator("#editor-box > summary").click();
    await page.locator('[data-path="export_controls[0].measure.type"]').waitFor();
    await page.addScriptTag({ content: AXE });
    const found = await page.evaluate(async () => {
      const r = await axe.run(document.getElementById("editor-box"), { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    });
    assert.deepEqual(found, [], `${width} px ${path}: ${found.join("; ")}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= width, `${width} px: no sideways scroll`);
    await context.close();
  }
  const { page, context } = await openPage(browser, `${server.origin}/index.html?v=1&preset=licensing-regime&lock=1`);
  await page.locator("#editor-box > summary").click();
  assert.equal(await page.getByRole("button", { name: "New bloc", exact: true }).isDisabled(), true);
  assert.equal(await page.locator('[data-path="export_controls[0].measure.approval_share"]').isDisabled(), true);
  await context.close();
});
