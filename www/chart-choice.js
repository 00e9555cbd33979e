// Which charts are shown and what they compare with: the chooser ("Charts shown",
// "Compare with"), the figures of the generic charts, the choice kept in the link
// (panels=, cmp=, cap=, exp=) and the browser (ree.charts.v1), the lead chart, and the
// comparison run (A/B): the status quo by default, any preset or the imported scenario.
import { $, S, view, ALL, PANELS, DEFAULT, CHARTS_KEY } from "./state.js";
import { api } from "./wasm.js";
import { t, tr } from "./i18n.js";
import { CHOICES, STAGES, opt, loadNames } from "./chart-defs.js";
import { table, csv, png, listen } from "./chart-text.js";
import { observe } from "./charts.js";
import { runModel, schedule } from "./run.js";
import { saveState } from "./storage.js";

const presets = () => (S.presets.length ? S.presets : (S.presets = api.presetList()));

// ---- the comparison run (A/B) ----
const compareRuns = new Map();
let fellBack = false;
export function cmpName() {
  if (fellBack) return t("charts.noPolicy");
  if (opt.compare === "status-quo") return t("statusQuo");
  if (opt.compare === "imported") return t("importedOption", { name: S.state.imported?.name || "" });
  const p = presets().find((x) => x.id === opt.compare);
  return tr(`preset.${opt.compare}.name`, p ? p.name : opt.compare);
}
// The run to compare `run` with, or null for the page's default (the status quo, or the
// same world with no policy where the run is on another period).
export function comparisonFor(run) {
  fellBack = false;
  if (opt.compare === "status-quo") return null;
  let c = compareRuns.get(opt.compare);
  if (!c) {
    try {
      c = api.runScenario(opt.compare === "imported" ? S.state.imported : api.presetScenario(opt.compare));
    } catch { return null; }
    compareRuns.set(opt.compare, c);
  }
  const a = run.time(), b = c.time();
  if (a[0] !== b[0] || a.length !== b.length) { fellBack = true; return null; }
  return c;
}
export const owns = (run) => [...compareRuns.values()].includes(run);

// ---- the chooser, the figures, the saved choice ----
function save() {
  if (view.embed) return;
  try { localStorage.setItem(CHARTS_KEY, JSON.stringify({ panels: view.panels, ...opt })); } catch { /* the page says when saving fails */ }
}

// The URL keeps the choice: panels= (a view parameter) and the options here.
export function urlChoice(p) {
  if (view.panels.join(",") !== (view.embed ? "availability" : DEFAULT.join(","))) p.set("panels", view.panels.join(","));
  else p.delete("panels");
  if (opt.compare !== "status-quo") p.set("cmp", opt.compare);
  if (opt.cap !== "separation") p.set("cap", opt.cap);
  if (opt.exp !== "CN") p.set("exp", opt.exp);
}

function figure(id) {
  const f = document.createElement("figure");
  f.id = `${id}-figure`;
  f.className = "has-readout";
  const ch = CHOICES[id];
  const sel = ch ? `<label class="inline-label" for="${id}-choice">${t(`charts.choice.${id}`)}</label> <select id="${id}-choice" class="inline"></select>` : "";
  f.innerHTML = `${sel}<canvas id="${id}-chart" class="chart" role="img" tabindex="0" aria-labelledby="${id}-summary" aria-describedby="availability-keys"></canvas>
    <div class="guide" hidden></div><div class="readout" role="status" aria-live="polite" hidden></div>
    <figcaption id="${id}-summary"></figcaption>
    <p class="fig-actions"><button type="button" id="${id}-png">${t("charts.png")}</button></p>
    <details id="${id}-details"><summary>${t("charts.table")}</summary><div id="${id}-table" class="table-box"></div>
    <button type="button" id="${id}-csv">${t("charts.csv")}</button></details>`;
  if (ch) {
    const s = f.querySelector("select");
    const values = ch[1] || api.regionList().map((r) => r.id);
    s.innerHTML = values.map((v) => `<option value="${v}">${ch[1] ? t(`stage.${v}`) : tr(`region.${v}`, v)}</option>`).join("");
    s.value = opt[ch[0]];
    s.addEventListener("change", () => { opt[ch[0]] = s.value; changed(); });
  }
  f.querySelector("details").addEventListener("toggle", () => table(id));
  f.querySelector(`#${id}-csv`).addEventListener("click", () => csv(id));
  f.querySelector(`#${id}-png`).addEventListener("click", () => png(id));
  return f;
}

function changed() {
  save();
  saveState();
  if (runModel()) schedule();
}

// Lead: the first chosen chart; the others in the chosen order; the rest hidden.
export function place() {
  const lead = document.querySelector(".lead"), rest = document.querySelector(".rest");
  const panels = view.panels;
  const figs = ALL.map((p) => $(`${p}-figure`));
  lead.prepend($(`${panels[0]}-figure`));
  for (const p of panels.slice(1)) rest.append($(`${p}-figure`));
  for (const f of figs) if (!panels.includes(f.id.replace("-figure", ""))) rest.append(f);
  for (const p of ALL) $(`${p}-figure`).classList.toggle("hidden-panel", !panels.includes(p));
  // The element and region options serve every chart: they follow the lead.
  const opts = $("chart-options");
  if (!view.embed) {
    if (panels[0] === "availability") $("availability-summary").after(opts);
    else $(`${panels[0]}-summary`).after(opts);
  }
  rest.classList.toggle("hidden-panel", panels.length < 2);
  for (const box of document.querySelectorAll("#chart-choice input")) box.checked = panels.includes(box.value);
}

// Before the view is applied: the figures, the chooser, the saved or linked choice.
export function setup(params, warn) {
  loadNames(api);
  const saved = (() => { try { return view.embed ? {} : JSON.parse(localStorage.getItem(CHARTS_KEY)) || {}; } catch { return {}; } })();
  const ids = presets().map((p) => p.id);
  const regions = api.regionList().map((r) => r.id);
  const ok = { compare: (v) => ids.includes(v) || (v === "imported" && S.state.imported), cap: (v) => STAGES.includes(v), exp: (v) => regions.includes(v) };
  for (const [k, key] of [["compare", "cmp"], ["cap", "cap"], ["exp", "exp"]]) {
    if (ok[k](saved[k])) opt[k] = saved[k];
    const v = params.get(key);
    if (v === null) continue;
    if (ok[k](v)) opt[k] = v;
    else warn(t("charts.badValue", { key, value: v.slice(0, 20) }));
  }
  if (!params.has("panels") && !view.embed && Array.isArray(saved.panels)) {
    const p = saved.panels.filter((x) => ALL.includes(x));
    if (p.length) view.panels = p;
  }
  const rest = document.querySelector(".rest");
  for (const id of PANELS) rest.insertBefore(figure(id), $("mining-figure"));
  for (const id of PANELS) listen(id);
  // The chooser: a chip per chart, and the comparison run.
  const box = $("chart-choice");
  box.querySelector(".chips").innerHTML = ALL.map((p) => `<label><input type="checkbox" value="${p}">${t(`panel.${p}`)}</label>`).join("");
  box.addEventListener("change", (e) => {
    if (e.target.id === "compare") { opt.compare = e.target.value; changed(); return; }
    const chosen = [...box.querySelectorAll(".chips input:checked")].map((b) => b.value);
    if (!chosen.length) { e.target.checked = true; return; }
    // Keep the reader's order; a newly ticked chart goes last.
    view.panels = [...view.panels.filter((p) => chosen.includes(p)), ...chosen.filter((p) => !view.panels.includes(p))];
    place();
    changed();
  });
  compareOptions();
  observe();
}

// The comparison's choices: every preset, and the imported scenario if there is one.
export function compareOptions() {
  const sel = $("compare");
  sel.innerHTML = presets().map((p) => `<option value="${p.id}">${tr(`preset.${p.id}.name`, p.name)}</option>`).join("");
  if (S.state.imported) sel.append(new Option(t("importedOption", { name: S.state.imported.name || "" }), "imported"));
  if (opt.compare === "imported" && !S.state.imported) opt.compare = "status-quo";
  compareRuns.delete("imported"); // a new import: run it again (the old run may still be drawn)
  sel.value = opt.compare;
}
