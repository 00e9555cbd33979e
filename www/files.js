// Files in and out: scenarios (JSON) imported and exported, results and a chart's data
// (CSV, with the scenario, settings, units, date and link as `#` header lines) and the
// chart as an image (PNG, with its title, the settings and the date).
import { $, S, IMPORTED, MAX_SCENARIO_BYTES } from "./state.js";
import { api } from "./wasm.js";
import { t, tr, errorText } from "./i18n.js";
import { setStatus } from "./notices.js";
import { currentScenario } from "./run.js";
import { selectPreset, fmtValue } from "./controls.js";
import { stepAt, bandsOf } from "./describe.js";
import { hover } from "./chart-defs.js";
import { cmpName } from "./chart-choice.js";

export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportScenario() {
  download("scenario.json", "application/json", JSON.stringify(currentScenario(), null, 2));
}

// What a file exported from the page says about where it came from.
export function settingsText() {
  const state = S.state;
  const p = S.presets.find((x) => x.id === state.preset);
  const name = p ? tr(`preset.${p.id}.name`, p.name)
    : t("export.imported", { name: (state.imported && state.imported.name) || t("export.scenarioFile") });
  const inputs = Object.entries(state.inputs).map(([id, v]) => {
    const spec = S.inputSpec.find((x) => x.id === id);
    return spec ? `${tr(`input.${id}.label`, spec.label)} ${fmtValue(spec, v)}` : `${id} ${v}`;
  });
  return `${t("export.scenario", { name })}; ${inputs.length ? inputs.join("; ") : t("export.presetValues")}`;
}
export function exportDate() { return new Date().toISOString().slice(0, 10); }

// CSV exports start with comment lines: the scenario, its settings, units, date, link.
export function csvHeader() {
  return [
    t("export.title"), settingsText(), t("export.preset", { id: S.state.preset }),
    t("export.inputs", { json: JSON.stringify(S.state.inputs) }), t("export.units"),
    t("export.date", { date: exportDate() }), t("export.link", { url: location.href }),
  ].map((line) => `# ${line}`).join("\n") + "\n";
}

// All results: the model's long-format CSV under the header, its column names in the
// reader's language.
function resultsCsv() {
  const csv = S.currentRun.toCsv();
  return csvHeader() + t("export.columns") + csv.slice(csv.indexOf("\n"));
}

// The availability chart's own data: one column per line, scenario and status quo.
function chartCsv() {
  const { currentRun: run, baselineRun: base, state } = S;
  const tm = run.time();
  const tb = base.time();
  const cols = state.regions.flatMap((r) => [
    [`${r}`, run.series("availability", r, state.element), run.series("demand", r, state.element), (k) => k],
    [`${r} ${t("statusQuo")}`, base.series("availability", r, state.element), base.series("demand", r, state.element), (k) => stepAt(tb, tm[k])],
  ]);
  // The Monte Carlo p5 and p95 of each line, when computed ("JP p5", "JP p95").
  for (const { label, lo, hi } of bandsOf(hover.availability)) {
    const demand = run.series("demand", label, state.element);
    cols.push([`${label} p5`, lo, demand, (k) => k], [`${label} p95`, hi, demand, (k) => k]);
  }
  const lines = [`${t("export.time")},${cols.map(([c]) => c).join(",")}`];
  for (let k = 0; k < tm.length; k++) {
    lines.push(`${tm[k]},${cols.map(([, s, d, at]) => (d[at(k)] > 0 ? s[at(k)] : "")).join(",")}`);
  }
  return csvHeader() + `# ${t("export.chartNote", { el: state.element })}\n` + lines.join("\n") + "\n";
}

// The PNG carries the chart's title, the settings and the date around the chart.
export function exportPng(chart, title, name) {
  const dpr = window.devicePixelRatio || 1;
  const pad = Math.round(12 * dpr);
  const line = Math.round(18 * dpr);
  const out = document.createElement("canvas");
  out.width = chart.width;
  out.height = chart.height + 2 * line + 2 * pad + line;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = "#28283a";
  ctx.textBaseline = "top";
  ctx.font = `bold ${Math.round(15 * dpr)}px sans-serif`;
  ctx.fillText(title, pad, pad, out.width - 2 * pad);
  ctx.font = `${Math.round(12 * dpr)}px sans-serif`;
  ctx.fillText(settingsText(), pad, pad + line, out.width - 2 * pad);
  ctx.drawImage(chart, 0, pad + 2 * line);
  ctx.fillStyle = "#5b5b6e";
  ctx.fillText(t("export.pngFoot", { date: exportDate() }), pad, pad + 2 * line + chart.height + pad / 2, out.width - 2 * pad);
  const a = Object.assign(document.createElement("a"), { href: out.toDataURL("image/png"), download: name });
  document.body.append(a); a.click(); a.remove();
}

async function importFile(e) {
  const file = e.target.files[0];
  e.target.value = "";
  if (!file) return;
  if (file.size > MAX_SCENARIO_BYTES) {
    setStatus(`${t("status.notLoaded", { name: file.name })}\n`
      + t("status.tooLarge", { kb: Math.ceil(file.size / 1024), max: MAX_SCENARIO_BYTES / 1024 }), true);
    return;
  }
  let scenario;
  try {
    scenario = api.checkScenario(await file.text());
  } catch (err) {
    setStatus(`${t("status.notLoaded", { name: file.name })}\n${errorText(err)}`, true);
    return;
  }
  S.state.imported = scenario;
  S.state.inputs = {};
  delete S.state.edits;
  selectPreset(IMPORTED, true);
  setStatus(t("status.loaded", { name: file.name }));
}

export function listenFiles() {
  $("export-json").addEventListener("click", exportScenario);
  $("export-csv").addEventListener("click", () => download("results.csv", "text/csv", resultsCsv()));
  $("export-chart-csv").addEventListener("click", () => download(`availability-${S.state.element}.csv`, "text/csv", chartCsv()));
  $("export-png").addEventListener("click", () => exportPng($("availability-chart"),
    t(cmpName() === t("statusQuo") ? "export.pngTitle" : "export.pngTitleCmp", { el: S.state.element, regions: S.state.regions.join(", "), cmp: cmpName() }),
    `availability-${S.state.element}.png`));
  // The fixed charts' images (the generic charts' are in www/chart-text.js).
  const dashed = () => ` (${t("charts.dashed", { name: cmpName() })})`;
  const fixed = {
    sourcing: () => [t("chart.sourcing", { region: S.state.sourceRegion, el: S.state.element }), `sourcing-${S.state.sourceRegion}-${S.state.element}.png`],
    concentration: () => [t("chart.concentration") + dashed(), "concentration.png"],
    mining: () => [t("chart.mining"), "mining-2024.png"],
  };
  for (const [id, what] of Object.entries(fixed)) {
    $(`${id}-png`).addEventListener("click", () => exportPng($(`${id}-chart`), ...what()));
  }
  $("import-json").addEventListener("change", importFile);
}
