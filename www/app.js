// The page shell: feeds settings to the model (wasm) and draws what it returns.
// Plain ES module, no framework. Everything above the BUNDLE-CUT line is replaced by
// the single-file build (tools/bundle.mjs), which inlines the wasm-bindgen glue and
// the wasm bytes.
import init, * as api from "./pkg/rare_earth_alliances.js";
const EMBEDDED_WASM = null;
// ---- BUNDLE-CUT ----

const STORAGE_KEY = "ree.state.v1";
const BASELINE_PRESET = "status-quo";
const DEFAULT_STATE = { preset: "status-quo", approval: null, delay: null, element: "Dy", regions: ["CN", "JP", "US", "EU"], sourceRegion: "JP" };
const $ = (id) => document.getElementById(id);

let baselineRun = null;
let currentRun = null;
let presetScenario = null;
let state = loadState();
let frame = 0;

// A panic inside wasm lands here (see src/wasm.rs): show it, offer to recover.
globalThis.reePanic = (message) => showFatal(message);
window.addEventListener("error", (e) => showFatal(e.message || String(e)));
window.addEventListener("unhandledrejection", (e) => showFatal(e.reason && e.reason.message ? e.reason.message : String(e.reason)));

function showFatal(message) {
  $("fatal-message").textContent = message;
  $("fatal").hidden = false;
}

function loadState() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    return saved && typeof saved === "object" ? { ...DEFAULT_STATE, ...saved } : { ...DEFAULT_STATE };
  } catch {
    return { ...DEFAULT_STATE };
  }
}

// Saved state may be old, edited or hostile: keep only values the page knows.
function sanitizeState(raw, presetIds, regionIds, elementIds) {
  const clean = { ...DEFAULT_STATE, regions: [...DEFAULT_STATE.regions] };
  const inRange = (x, lo, hi) => typeof x === "number" && Number.isFinite(x) && x >= lo && x <= hi;
  if (presetIds.includes(raw.preset)) clean.preset = raw.preset;
  if (inRange(raw.approval, 0, 100)) clean.approval = raw.approval;
  if (inRange(raw.delay, 0, 365)) clean.delay = raw.delay;
  if (elementIds.includes(raw.element)) clean.element = raw.element;
  if (regionIds.includes(raw.sourceRegion)) clean.sourceRegion = raw.sourceRegion;
  if (Array.isArray(raw.regions)) {
    const known = raw.regions.filter((r) => regionIds.includes(r)).slice(0, 8);
    if (known.length) clean.regions = [...new Set(known)];
  }
  return clean;
}

function saveState() {
  try { localStorage.setItem(STORAGE_KEY, JSON.stringify(state)); } catch { /* private mode: keep going */ }
}

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Size a canvas's backing store to its CSS box times devicePixelRatio.
function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const r = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(r.width * dpr));
  const h = Math.max(1, Math.round(r.height * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  return dpr;
}

function licensingControls(scenario) {
  return (scenario.export_controls || []).filter((c) => c.measure && c.measure.type === "licensing");
}

// The scenario the model runs: the preset with the levers applied.
function currentScenario() {
  const s = structuredClone(presetScenario);
  for (const c of licensingControls(s)) {
    if (state.approval !== null) c.measure.approval_share = state.approval / 100;
    if (state.delay !== null) c.measure.delay_days = state.delay;
  }
  return s;
}

function syncControls() {
  $("preset").value = state.preset;
  const lic = licensingControls(presetScenario);
  const has = lic.length > 0;
  for (const id of ["approval", "delay"]) $(id).disabled = !has;
  $("levers-note").hidden = has;
  const approval = state.approval ?? (has ? Math.round(lic[0].measure.approval_share * 100) : 100);
  const delay = state.delay ?? (has ? lic[0].measure.delay_days : 0);
  $("approval").value = approval;
  $("approval-out").textContent = `${approval}%`;
  $("delay").value = delay;
  $("delay-out").textContent = `${delay} days`;
  $("element").value = state.element;
  $("source-region").value = state.sourceRegion;
  for (const box of document.querySelectorAll("#regions input")) box.checked = state.regions.includes(box.value);
}

function runModel() {
  try {
    const next = api.runScenario(currentScenario());
    if (currentRun) currentRun.free();
    currentRun = next;
    setStatus("");
    return true;
  } catch (e) {
    setStatus(String(e.message || e), true);
    return false;
  }
}

function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = 0; draw(); });
}

function fmtPct(x) { return `${Math.round(x * 100)}%`; }

function describeAvailability() {
  const t = currentRun.time();
  const yearIdx = (y) => Math.max(0, Math.min(t.length - 1, Math.round((y - t[0]) * 4)));
  const years = [2025, 2030, 2040, 2049].filter((y) => y >= t[0] && y <= t[t.length - 1]);
  let html = `<table><thead><tr><th>Region</th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>`;
  const parts = [];
  for (const r of state.regions) {
    const s = currentRun.series("availability", r, state.element);
    const b = baselineRun.series("availability", r, state.element);
    html += `<tr><td>${r}</td>${years.map((y) => `<td>${fmtPct(s[yearIdx(y)])}</td>`).join("")}</tr>`;
    const k = yearIdx(2030);
    const d = Math.round((s[k] - b[k]) * 100);
    parts.push(`${r} ${fmtPct(s[k])}${d === 0 ? "" : ` (${d > 0 ? "+" : ""}${d} points vs status quo)`}`);
  }
  html += "</tbody></table>";
  $("availability-table").innerHTML = html;
  $("availability-summary").textContent = `Share of ${state.element} demand met in 2030: ${parts.join("; ")}. Magnets count by their element content.`;
}

function describeSourcing() {
  const t = currentRun.time();
  const yearIdx = (y) => Math.max(0, Math.min(t.length - 1, Math.round((y - t[0]) * 4)));
  const years = [2025, 2030, 2040, 2049].filter((y) => y >= t[0] && y <= t[t.length - 1]);
  const r = state.sourceRegion, e = state.element;
  const rows = [["own", "source_own"], ["allies", "source_allies"], ["others", "source_others"], ["demand", "demand"]]
    .map(([label, name]) => [label, currentRun.series(name, r, e)]);
  const t0 = (x) => Math.round(x).toLocaleString("en");
  $("sourcing-table").innerHTML = `<table><thead><tr><th>t ${e} per year</th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>${
    rows.map(([label, s]) => `<tr><td>${label}</td>${years.map((y) => `<td>${t0(s[yearIdx(y)])}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  const k = yearIdx(2030);
  const [own, allies, others, demand] = rows.map(([, s]) => s[k]);
  const got = own + allies + others;
  const pct = (x) => (got > 0 ? Math.round((x / got) * 100) : 0);
  $("sourcing-summary").textContent = demand > 0
    ? `In 2030 ${r} gets ${t0(got)} t of its ${t0(demand)} t ${e} demand: ${pct(own)}% from itself, ${pct(allies)}% from allies, ${pct(others)}% from others.`
    : `${r} has no ${e} demand.`;
}

function draw() {
  if (!currentRun) return;
  const projector = document.body.classList.contains("projector");
  const a = $("availability-chart");
  const dpr = fitCanvas(a);
  try {
    api.drawAvailability(a, currentRun, baselineRun, state.element, state.regions, dpr, projector,
      `${state.element} availability: share of demand met`);
    describeAvailability();
    const src = $("sourcing-chart");
    api.drawSourcing(src, currentRun, state.sourceRegion, state.element, fitCanvas(src), projector,
      `Where ${state.sourceRegion}'s ${state.element} came from`);
    describeSourcing();
    // The base-year chart never changes with the scenario: redraw it only when its size does.
    const m = $("mining-chart");
    const mdpr = fitCanvas(m);
    const size = `${m.width}x${m.height}x${projector}`;
    if (m.dataset.drawn !== size) {
      api.drawMiningChart(m, mdpr, projector, "Mine production by country, 2024");
      m.dataset.drawn = size;
    }
    document.body.dataset.ready = "1";
  } catch (e) {
    setStatus(String(e.message || e), true);
  }
}

function selectPreset(id, keepLevers = false) {
  try {
    presetScenario = api.presetScenario(id);
  } catch (e) {
    setStatus(String(e.message || e), true);
    return;
  }
  state.preset = id;
  if (!keepLevers) { state.approval = null; state.delay = null; }
  const p = PRESETS.find((x) => x.id === id);
  $("preset-description").textContent = p ? p.description : "";
  saveState();
  syncControls();
  if (runModel()) schedule();
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let PRESETS = [];

function buildControls() {
  PRESETS = api.presetList();
  $("preset").innerHTML = PRESETS.map((p) => `<option value="${p.id}">${p.name}</option>`).join("");
  $("element").innerHTML = api.elementList().map((e) => `<option value="${e}">${e}</option>`).join("");
  $("source-region").innerHTML = api.regionList().map((r) => `<option value="${r.id}">${r.name}</option>`).join("");
  $("source-region").addEventListener("change", (e) => { state.sourceRegion = e.target.value; saveState(); schedule(); });
  $("regions").innerHTML = api.regionList()
    .map((r) => `<label title="${r.name}"><input type="checkbox" value="${r.id}">${r.id}</label>`).join("");

  $("preset").addEventListener("change", (e) => selectPreset(e.target.value));
  $("approval").addEventListener("input", (e) => {
    state.approval = Number(e.target.value); saveState(); syncControls(); if (runModel()) schedule();
  });
  $("delay").addEventListener("input", (e) => {
    state.delay = Number(e.target.value); saveState(); syncControls(); if (runModel()) schedule();
  });
  $("element").addEventListener("change", (e) => { state.element = e.target.value; saveState(); schedule(); });
  $("regions").addEventListener("change", () => {
    const chosen = [...document.querySelectorAll("#regions input:checked")].map((b) => b.value);
    if (chosen.length === 0) { syncControls(); setStatus("Keep at least one region on the chart.", true); return; }
    state.regions = chosen.slice(0, 8);
    saveState(); syncControls(); schedule();
  });
  $("export-json").addEventListener("click", () =>
    download("scenario.json", "application/json", JSON.stringify(currentScenario(), null, 2)));
  $("export-csv").addEventListener("click", () => download("results.csv", "text/csv", currentRun.toCsv()));
  $("export-png").addEventListener("click", () => {
    const url = $("availability-chart").toDataURL("image/png");
    const a = Object.assign(document.createElement("a"), { href: url, download: "availability.png" });
    document.body.append(a); a.click(); a.remove();
  });
  $("import-json").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file) return;
    let scenario;
    try {
      scenario = api.checkScenario(await file.text());
    } catch (err) {
      setStatus(`${file.name} was not loaded; your current scenario is unchanged.\n${err.message || err}`, true);
      return;
    }
    presetScenario = scenario;
    state.approval = null;
    state.delay = null;
    $("preset-description").textContent = scenario.description || `Imported from ${file.name}.`;
    syncControls();
    if (runModel()) { schedule(); setStatus(`Loaded ${file.name}.`); }
  });
  $("recover").addEventListener("click", () => location.reload());
  new ResizeObserver(schedule).observe($("availability-chart"));

  const esc = (t) => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  $("source-list").innerHTML = api.sourceList().map((s) => `<dt>${esc(s.key)}</dt><dd>${esc(s.text)}</dd>`).join("");

  // Text equivalent of the mining chart.
  const bars = api.baseYearMining();
  $("mining-table").innerHTML = `<table><thead><tr><th>Country</th><th>t REO, 2024</th></tr></thead><tbody>${
    bars.map((b) => `<tr><td>${b.label}</td><td>${Math.round(b.value).toLocaleString("en")}</td></tr>`).join("")}</tbody></table>`;
}

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.get("projector") === "1") document.body.classList.add("projector");
  await init(EMBEDDED_WASM ? { module_or_path: base64ToBytes(EMBEDDED_WASM) } : undefined);
  globalThis.ree = { wasm: api, get run() { return currentRun; }, get state() { return state; } };
  buildControls();
  const presetIds = PRESETS.map((p) => p.id);
  state = sanitizeState(state, presetIds, api.regionList().map((r) => r.id), api.elementList());
  // ?preset=ID starts from that preset (a teacher's link); an unknown id is reported.
  const wanted = params.get("preset");
  let warning = "";
  if (wanted !== null && presetIds.includes(wanted)) {
    if (wanted !== state.preset) { state.preset = wanted; state.approval = null; state.delay = null; }
  } else if (wanted !== null) {
    warning = `Unknown preset "${wanted.slice(0, 40)}" in the link; showing ${state.preset} instead.`;
  }
  baselineRun = api.runScenario(api.presetScenario(BASELINE_PRESET));
  selectPreset(state.preset, true);
  syncControls();
  if (warning) setStatus(warning, true);
}

main().catch((e) => showFatal(`The model could not start: ${e.message || e}`));
