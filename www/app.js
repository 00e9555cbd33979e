// The page shell: feeds settings to the model (wasm) and draws what it returns.
// Plain ES module, no framework. Everything above the BUNDLE-CUT line is replaced by
// the single-file build (tools/bundle.mjs), which inlines the wasm-bindgen glue and
// the wasm bytes.
import init, * as api from "./pkg/rare_earth_alliances.js";
import { STRINGS } from "./strings.js";
import * as charts from "./charts.js";
import { createEditor, encodeEdits, decodeEdits, cleanEdits } from "./editor.js";
const EMBEDDED_WASM = null;
// ---- BUNDLE-CUT ----

// Interface language (lang=): messages come from www/strings.js through t(); the static
// text of index.html is English, and elements marked data-i18n are translated in place.
let LANG = "en";
function t(key, vars = {}) {
  const text = STRINGS[LANG]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}
// A translated name from the strings (region, element, preset…), else the given one.
function tr(key, fallback) {
  return STRINGS[LANG]?.[key] ?? fallback;
}
// A field path of the model's messages in words: "export_controls[0].measure.approval_share"
// reads "Export control 1, measure, approval share" (names from www/strings.js `f.<name>`).
function fieldWords(path) {
  const words = path.split(".").map((part) => {
    const m = /^(\w+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return part;
    // A list's item reads in the singular (`f.`: "alliance 2"), the list itself in the
    // plural (`fs.`; in English its own name).
    const raw = m[1].replace(/_/g, " ");
    const plural = !m[2] && `f.${m[1]}` in STRINGS.en;
    const name = plural ? tr(`fs.${m[1]}`, raw) : tr(`f.${m[1]}`, raw);
    return [name, ...[...m[2].matchAll(/\d+/g)].map((d) => Number(d[0]) + 1)].join(" ");
  }).join(", ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A refusal from the model in the reader's language. The model's errors carry
// `problems: [{path, code, params, reason}]` (src/wasm.rs): each is said with its field
// in words and the path, and its reason from `err.<code>` (English: the model's text).
function errorText(err) {
  const problems = err && Array.isArray(err.problems) ? err.problems : null;
  if (!problems) return String((err && err.message) || err);
  return problems.map((p) => {
    const key = `err.${p.code}`;
    const vars = { ...p.params };
    if ("unit" in vars) vars.unit = t(`unit.${vars.unit}`);
    const reason = LANG !== "en" && p.code && STRINGS[LANG][key] ? t(key, vars) : p.reason;
    return p.path ? `${fieldWords(p.path)} (${p.path}): ${reason}` : reason;
  }).join("\n");
}

function applyLanguage() {
  document.documentElement.lang = LANG;
  if (LANG === "en") return;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const text = STRINGS[LANG][el.dataset.i18n];
    if (text !== undefined) el.textContent = text;
  }
  for (const el of document.querySelectorAll("[data-i18n-aria]")) {
    const text = STRINGS[LANG][el.dataset.i18nAria];
    if (text !== undefined) el.setAttribute("aria-label", text);
  }
  document.title = `${t("title")}`;
}

const STORAGE_KEY = "ree.state.v1";
// Set while a saved imported scenario is being checked and first run; still set at the
// next load means that load never finished (a freeze, a crash): the scenario is set
// aside under ASIDE_KEY instead of being run again.
const LOADING_KEY = "ree.loading.v1";
const ASIDE_KEY = "ree.aside.v1";
// The model refuses scenarios above 256 KB (src/scenario.rs limits); files above it
// are refused before they are read, saved state above this is set aside unread.
const MAX_SCENARIO_BYTES = 256 * 1024;
const MAX_SAVED_CHARS = 2 * MAX_SCENARIO_BYTES;
// v=2 adds e= (edited blocs and policies); v=1 links read the same.
const URL_VERSION = "2";
const URL_VERSIONS = ["1", "2"];
const BASELINE_PRESET = "status-quo";
const IMPORTED = "imported"; // the preset id of a scenario imported from a file
const DEFAULT_STATE = { preset: "status-quo", inputs: {}, element: "Dy", regions: ["CN", "JP", "US", "EU"], sourceRegion: "JP" };
const $ = (id) => document.getElementById(id);

let baselineRun = null;
let currentRun = null;
let presetScenario = null;
let inputSpec = [];
// Problems met before the page could show them (storage, saved state, the link).
const startupNotes = [];
let state = {};
let frame = 0;
// Promises waiting for the next frame's drawing to finish (tests and embedding hosts use it).
let settledWaiters = [];

// A panic inside wasm lands here (see src/wasm.rs): show it, offer to recover.
globalThis.reePanic = (message) => showFatal(message);
window.addEventListener("error", (e) => showFatal(e.message || String(e)));
window.addEventListener("unhandledrejection", (e) => showFatal(e.reason && e.reason.message ? e.reason.message : String(e.reason)));

function showFatal(message) {
  $("fatal-message").textContent = message;
  $("fatal").hidden = false;
}

// localStorage may be missing, full or refused (private mode, file://, policies).
function storageGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
function storageSet(key, value) {
  try { localStorage.setItem(key, value); return true; } catch { return false; }
}
function storageRemove(key) {
  try { localStorage.removeItem(key); } catch { /* nothing to remove */ }
}

function loadState() {
  const text = storageGet(STORAGE_KEY);
  if (text === null) return {};
  if (text.length > MAX_SAVED_CHARS) {
    // Never parse or run an oversized saved state: set it aside and start safely.
    storageSet(ASIDE_KEY, text);
    storageRemove(STORAGE_KEY);
    startupNotes.push(t("note.savedTooLarge", { kb: Math.ceil(text.length / 1024) }));
    return {};
  }
  try {
    const saved = JSON.parse(text);
    return saved && typeof saved === "object" && !Array.isArray(saved) ? saved : {};
  } catch {
    startupNotes.push(t("note.savedUnreadable"));
    return {};
  }
}

// Notices: messages that stay until the reader acts (saving refused, settings set
// aside, a link that replaced saved settings). Each has an id, a sentence and buttons.
function notice(id, text, actions = []) {
  let box = document.getElementById(`notice-${id}`);
  if (!box) {
    box = document.createElement("div");
    box.id = `notice-${id}`;
    box.className = "notice";
    $("notices").append(box);
  }
  box.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = text;
  box.append(p);
  for (const { label, run } of actions) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", run);
    box.append(b);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "dismiss";
  close.textContent = t("notice.dismiss");
  close.addEventListener("click", () => box.remove());
  box.append(close);
}
function clearNotice(id) {
  document.getElementById(`notice-${id}`)?.remove();
}

// Check one input value against the spec: in range and on the slider's grid (so the
// slider can show it); returns an error sentence or "".
function inputProblem(spec, value) {
  if (!spec) return "unknown input";
  if (typeof value !== "number" || !Number.isFinite(value) || value < spec.min || value > spec.max) {
    return t("problem.range", { min: spec.min, max: spec.max, unit: t(`unit.${spec.unit}`) });
  }
  const k = (value - spec.min) / spec.step;
  if (Math.abs(k - Math.round(k)) > 1e-6) return t("problem.grid", { step: spec.step, unit: t(`unit.${spec.unit}`), min: spec.min });
  return "";
}

// Numbers in links are plain decimals: "0x10", "1e2", "Infinity" or " 5" are refused.
const DECIMAL = /^-?\d{1,9}(\.\d{1,9})?$/;

// Saved state may be old, edited or hostile: keep only values the page knows.
function sanitizeState(raw, presetIds, regionIds, elementIds, specs) {
  const clean = { ...DEFAULT_STATE, inputs: {}, regions: [...DEFAULT_STATE.regions] };
  if (raw.imported && typeof raw.imported === "object") clean.imported = raw.imported;
  if (cleanEdits(raw.edits)) clean.edits = cleanEdits(raw.edits);
  if (presetIds.includes(raw.preset) || (raw.preset === IMPORTED && clean.imported)) clean.preset = raw.preset;
  if (elementIds.includes(raw.element)) clean.element = raw.element;
  if (regionIds.includes(raw.sourceRegion)) clean.sourceRegion = raw.sourceRegion;
  if (Array.isArray(raw.regions)) {
    const known = raw.regions.filter((r) => regionIds.includes(r)).slice(0, 8);
    if (known.length) clean.regions = [...new Set(known)];
  }
  if (raw.inputs && typeof raw.inputs === "object") {
    for (const [id, v] of Object.entries(raw.inputs)) {
      const spec = specs.find((s) => s.id === id);
      if (!inputProblem(spec, v)) clean.inputs[id] = v;
    }
  }
  return clean;
}

// How the page is shown (classroom and embedding parameters), not what the model runs:
// embed, projector, lock, reset (0 or 1), panels (which charts, the first leads), levers
// (the inputs an embedded page shows), lang. Read once at start; a bad value falls back
// with a note.
const PANELS = charts.ALL;
const VIEW_KEYS = ["embed", "projector", "lock", "panels", "levers", "lang"];
const view = { embed: false, projector: false, lock: false, reset: false, panels: [...charts.DEFAULT], levers: null };

function readViewParams(params, specs, warnings) {
  // The language first, so that the notes below are in it.
  const lang = params.get("lang");
  if (lang !== null) {
    if (Object.hasOwn(STRINGS, lang)) LANG = lang;
    else warnings.push(t("lang.unknown", { lang: lang.slice(0, 8), list: Object.keys(STRINGS).join(", ") }));
  }
  const flag = (name) => {
    const v = params.get(name);
    if (v === null || v === "0") return false;
    if (v === "1") return true;
    warnings.push(t("warn.flag", { name, value: v.slice(0, 12) }));
    return false;
  };
  for (const k of ["embed", "projector", "lock", "reset"]) view[k] = flag(k);
  if (view.embed) view.panels = ["availability"];
  const panels = params.get("panels");
  if (panels !== null) {
    const list = [...new Set(panels.split(","))];
    const bad = list.filter((x) => !PANELS.includes(x));
    const good = list.filter((x) => PANELS.includes(x));
    if (bad.length) {
      warnings.push(t("warn.panels", { bad: bad.join(",").slice(0, 40), known: PANELS.join(", "), shown: (good.length ? good : view.panels).join(", ") }));
    }
    if (good.length) view.panels = good;
  }
  const levers = params.get("levers");
  const ids = specs.map((x) => x.id);
  if (levers !== null) {
    const list = levers.split(",").filter((x) => x !== "");
    const bad = list.filter((x) => !ids.includes(x));
    if (bad.length) warnings.push(t("warn.levers", { bad: bad.join(",").slice(0, 40), known: ids.join(", ") }));
    view.levers = list.filter((x) => ids.includes(x));
  } else if (view.embed) {
    // Embedded without a list: the inputs the link sets, else every lever.
    const named = ids.filter((id) => params.has(id));
    view.levers = named.length ? named : specs.filter((x) => x.kind === "lever").map((x) => x.id);
  }
}

// Apply the view: classes, which charts are shown and which leads, locked controls.
function applyView() {
  document.body.classList.toggle("embed", view.embed);
  document.body.classList.toggle("projector", view.projector);
  const lead = document.querySelector(".lead");
  const rest = document.querySelector(".rest");
  const first = $(`${view.panels[0]}-figure`);
  if (first.parentElement !== lead) {
    // Another chart leads: swap it with the availability figure.
    const avail = $("availability-figure");
    rest.insertBefore(avail, first);
    lead.prepend(first);
  }
  // Embedded, the levers come right after the chart; the chart's options after them.
  if (view.embed) document.querySelector(".controls").append($("chart-options"));
  for (const p of PANELS) $(`${p}-figure`).classList.toggle("hidden-panel", !view.panels.includes(p));
  $("chart-options").classList.toggle("hidden-panel", !view.panels.some((p) => p !== "mining"));
  rest.classList.toggle("hidden-panel", ![...rest.querySelectorAll("figure")].some((f) => !f.classList.contains("hidden-panel")));
  if (view.lock) {
    $("locked-note").hidden = false;
    for (const el of document.querySelectorAll(".controls select, .controls input, #chart-options select, #chart-options input, #source-region, #import-json")) el.disabled = true;
    document.querySelector("label[for=import-json]").classList.add("hidden-panel");
  }
}

// The URL holds everything that differs from the defaults, so a link (a teacher's, a
// reader's) reproduces the page: ?v=1&preset=…&el=…&r=…&src=…&<input id>=<value>.
function writeUrl() {
  const p = new URLSearchParams();
  const keep = new URLSearchParams(location.search);
  for (const k of VIEW_KEYS) if (keep.has(k)) p.set(k, keep.get(k));
  p.set("v", URL_VERSION);
  if (state.preset !== DEFAULT_STATE.preset) p.set("preset", state.preset);
  if (state.element !== DEFAULT_STATE.element) p.set("el", state.element);
  if (state.regions.join(",") !== DEFAULT_STATE.regions.join(",")) p.set("r", state.regions.join(","));
  if (state.sourceRegion !== DEFAULT_STATE.sourceRegion) p.set("src", state.sourceRegion);
  for (const [id, v] of Object.entries(state.inputs)) p.set(id, String(v));
  charts.url(p);
  if (state.edits) p.set("e", encodeEdits(state.edits));
  try { history.replaceState(null, "", `${location.pathname}?${p}`); } catch { /* file:// may refuse */ }
}

// Read the URL over the saved state; every refused value is named in the warnings.
function readUrl(params, presetIds, regionIds, elementIds, specs, warnings) {
  const v = params.get("v");
  if (v !== null && !URL_VERSIONS.includes(v)) warnings.push(t("warn.version", { v: v.slice(0, 8) }));
  const preset = params.get("preset");
  if (preset !== null) {
    if (presetIds.includes(preset) || (preset === IMPORTED && state.imported)) {
      if (preset !== state.preset) { state.preset = preset; state.inputs = {}; }
    } else if (preset === IMPORTED) {
      warnings.push(t("warn.importedMissing"));
    } else warnings.push(t("warn.preset", { preset: preset.slice(0, 40), shown: state.preset }));
  }
  const el = params.get("el");
  if (el !== null) {
    if (elementIds.includes(el)) state.element = el;
    else warnings.push(t("warn.element", { el: el.slice(0, 8) }));
  }
  const r = params.get("r");
  if (r !== null) {
    const ids = r.split(",").filter((x) => regionIds.includes(x)).slice(0, 8);
    if (ids.length) state.regions = [...new Set(ids)];
    else warnings.push(t("warn.regions"));
  }
  const src = params.get("src");
  if (src !== null) {
    if (regionIds.includes(src)) state.sourceRegion = src;
    else warnings.push(t("warn.region", { region: src.slice(0, 8) }));
  }
  const e = params.get("e");
  if (e !== null) {
    // Checked by the model before the first run (main); here only its shape and size.
    const edits = e.length <= 2 * MAX_SCENARIO_BYTES ? decodeEdits(e) : null;
    if (edits) state.edits = edits;
    else warnings.push(t("warn.edits", { error: "e=" }));
  }
  for (const spec of specs) {
    const raw = params.get(spec.id);
    if (raw === null) continue;
    const value = DECIMAL.test(raw) ? Number(raw) : NaN;
    const problem = DECIMAL.test(raw) ? inputProblem(spec, value) : t("problem.decimal", { raw: raw.slice(0, 12) });
    if (problem) warnings.push(t("warn.input", { id: spec.id, problem }));
    else state.inputs[spec.id] = value;
  }
}

// Save to the browser; a refusal (quota, private mode) is said, once, with an export.
let saveRefused = false;
// The part of the state a link can set (to tell whether a link changed saved work).
function comparable(st) {
  return [st.preset, st.inputs, st.element, st.regions, st.sourceRegion, st.edits || null];
}

// Saving (storage and URL, a few milliseconds) waits for a pause, so that a dragged
// slider is not held up; settled() and leaving the page write at once.
let saveTimer = 0;
function saveState() {
  if (!saveTimer) saveTimer = setTimeout(flushSave, 200);
}
addEventListener("pagehide", () => flushSave());

function flushSave() {
  if (!saveTimer) return;
  clearTimeout(saveTimer);
  saveTimer = 0;
  // An embedded page is defined by its link: it neither reads nor writes saved settings
  // (an article must not overwrite what a reader saved on the page itself).
  if (view.embed) { writeUrl(); return; }
  if (storageSet(STORAGE_KEY, JSON.stringify(state))) {
    if (saveRefused) { saveRefused = false; clearNotice("save"); }
  } else if (!saveRefused) {
    saveRefused = true;
    notice("save", t("notice.saveRefused"), [{ label: t("notice.export"), run: exportScenario }]);
  }
  writeUrl();
}

function exportScenario() {
  download("scenario.json", "application/json", JSON.stringify(currentScenario(), null, 2));
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

// The one-file page carries the wasm gzipped (tools/bundle.mjs): inflate it with the
// browser's own DecompressionStream (no library, no request).
async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
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

// The scenario the model runs: the preset with the inputs applied (checked in wasm).
function currentScenario() {
  return api.applyInputs(editedScenario(), state.inputs);
}

// The preset with the blocs and policies edited on the page (www/editor.js): the lists
// that differ from the preset's replace them (state.edits).
function editedScenario() {
  return state.edits ? { ...presetScenario, ...state.edits } : presetScenario;
}

// The editor offers its lists; kept (saved, in the link, run) only if the model runs
// them, else the error, and the page stays as it was.
let lastError = null;
function commitEdits(edits) {
  const kept = state.edits;
  if (edits) state.edits = edits; else delete state.edits;
  if (!runModel()) {
    if (kept) state.edits = kept; else delete state.edits;
    return lastError;
  }
  saveState(); buildInputControls(); syncControls(); schedule();
  return null;
}
let editor = null;
function startEditor() {
  const specs = api.elementChoices().map((c) => c.id).filter((id) => /^[A-Z][a-z]?$/.test(id));
  editor = createEditor($("editor"), {
    t, tr, words: fieldWords, errorText, regions: api.regionList(), elements: specs,
    preset: () => presetScenario, scenario: editedScenario, commit: commitEdits,
    status: setStatus, locked: view.lock,
  });
  editor.render();
}

function fmtValue(spec, v) {
  const digits = spec.step < 1 ? 2 : 0;
  return `${Number(v).toFixed(digits)} ${t(`unit.${spec.unit}`)}`;
}

// Controls from the input spec: a range with a tick at its default, the current value,
// how far it is from the default, and one sentence of what it covers.
function buildInputControls() {
  inputSpec = api.inputSpec(editedScenario());
  for (const kind of ["lever", "assumption"]) {
    const box = $(`${kind}-controls`);
    box.innerHTML = "";
    for (const spec of inputSpec.filter((s) => s.kind === kind)) {
      const div = document.createElement("div");
      div.className = "input";
      div.innerHTML = `
        <label for="input-${spec.id}"></label>
        <input type="range" id="input-${spec.id}" min="${spec.min}" max="${spec.max}" step="${spec.step}"
          list="ticks-${spec.id}" aria-describedby="help-${spec.id}">
        <datalist id="ticks-${spec.id}"><option value="${spec.default}"></option></datalist>
        <p class="note" id="help-${spec.id}"></p>`;
      const label = div.querySelector("label");
      label.textContent = `${tr(`input.${spec.id}.label`, spec.label)} `;
      const out = document.createElement("output");
      out.id = `out-${spec.id}`;
      out.htmlFor = `input-${spec.id}`;
      label.append(out);
      const help = div.querySelector("p");
      const description = tr(`input.${spec.id}.description`, spec.description);
      help.textContent = spec.applies ? description : `${description} ${t("input.notApplicable")}`;
      const diff = document.createElement("span");
      diff.className = "from-default";
      help.append(diff);
      const range = div.querySelector("input");
      range.disabled = !spec.applies || view.lock;
      div.classList.toggle("inactive", !spec.applies);
      if (view.levers && !view.levers.includes(spec.id)) div.classList.add("embed-hidden");
      range.addEventListener("keydown", (ev) => keyStep(ev, spec, range));
      range.addEventListener("input", () => {
        const v = Number(range.value);
        if (Math.abs(v - spec.default) < spec.step / 1000) delete state.inputs[spec.id];
        else state.inputs[spec.id] = v;
        saveState(); syncControls(); if (runModel()) schedule();
      });
      box.append(div);
    }
    // In an embed, a fieldset whose inputs are all left out is left out too.
    const fieldset = $(kind === "lever" ? "levers" : "assumptions");
    fieldset.classList.toggle("hidden-panel", !!view.levers && !box.querySelector(".input:not(.embed-hidden)"));
  }
}

// PhET-style keyboard steps: arrows move by a twentieth of the range, Shift+arrows by
// one step (fine), PageUp/PageDown by a fifth (coarse), Home/End to the ends.
function keyStep(ev, spec, range) {
  const span = spec.max - spec.min;
  const sizes = { ArrowRight: span / 20, ArrowUp: span / 20, ArrowLeft: -span / 20, ArrowDown: -span / 20, PageUp: span / 5, PageDown: -span / 5 };
  let target;
  if (ev.key === "Home") target = spec.min;
  else if (ev.key === "End") target = spec.max;
  else if (ev.key in sizes) {
    const d = ev.shiftKey && ev.key.startsWith("Arrow") ? Math.sign(sizes[ev.key]) * spec.step : sizes[ev.key];
    target = Number(range.value) + d;
  } else return;
  ev.preventDefault();
  const snapped = spec.min + Math.round((target - spec.min) / spec.step) * spec.step;
  const v = Math.min(spec.max, Math.max(spec.min, Number(snapped.toFixed(6))));
  if (v === Number(range.value)) return;
  range.value = v;
  range.dispatchEvent(new Event("input"));
}

function syncControls() {
  $("preset").value = state.preset;
  for (const spec of inputSpec) {
    const v = state.inputs[spec.id] ?? spec.default;
    $(`input-${spec.id}`).value = v;
    $(`out-${spec.id}`).textContent = fmtValue(spec, v);
    $(`input-${spec.id}`).setAttribute("aria-valuetext", fmtValue(spec, v));
    const d = v - spec.default;
    const diff = document.querySelector(`#help-${spec.id} .from-default`);
    diff.textContent = Math.abs(d) < spec.step / 1000 ? t("input.atDefault", { value: fmtValue(spec, spec.default) })
      : t("input.fromDefault", { def: fmtValue(spec, spec.default), sign: d > 0 ? "+" : "", diff: fmtValue(spec, d) });
  }
  $("element").value = state.element;
  $("source-region").value = state.sourceRegion;
  for (const box of document.querySelectorAll("#regions input")) box.checked = state.regions.includes(box.value);
}

// The comparison run for the current scenario: the status quo, or, for a scenario on
// another data set or horizon (the 2010 replay), the same world with no policy.
let statusQuoRun = null;
function baselineFor(run) {
  const chosen = charts.comparisonFor(run);
  if (chosen) return chosen;
  const t0 = run.time()[0];
  if (statusQuoRun && statusQuoRun.time()[0] === t0) return statusQuoRun;
  if (baselineRun && baselineRun !== statusQuoRun && baselineRun.time()[0] === t0) return baselineRun;
  const sc = presetScenario || {};
  return api.runScenario({ data: sc.data, start_year: sc.start_year, end_year: sc.end_year });
}

// The year the summaries speak of: 2030 where the run covers it, else two years into
// the run (the 2010 replay: 2011, the height of the crisis).
function focusYear(time) {
  const last = time[time.length - 1];
  return time[0] <= 2030 && 2030 <= last ? 2030 : Math.min(Math.floor(last), Math.floor(time[0]) + 2);
}

function runModel() {
  try {
    const next = api.runWithInputs(editedScenario(), state.inputs);
    if (currentRun) currentRun.free();
    currentRun = next;
    const base = baselineFor(next);
    if (baselineRun && baselineRun !== base && baselineRun !== statusQuoRun && !charts.owns(baselineRun)) baselineRun.free();
    baselineRun = base;
    setStatus("");
    return true;
  } catch (e) {
    lastError = e;
    setStatus(errorText(e), true);
    return false;
  }
}

function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    try { draw(); } finally {
      const waiting = settledWaiters;
      settledWaiters = [];
      for (const resolve of waiting) resolve();
    }
  });
}

// Resolves once every change made so far is drawn: now if no frame is pending.
function settled() {
  return (frame ? new Promise((resolve) => settledWaiters.push(resolve)) : Promise.resolve()).then(flushSave);
}

function fmtPct(x) { return `${Math.round(x * 100)}%`; }

// Index of the first step at or after `year` on a run's time axis (the last step when
// the run ends earlier); runs may have other horizons and step lengths than the baseline.
function stepAt(time, year) {
  const k = time.findIndex((t) => t >= year - 1e-9);
  return k < 0 ? time.length - 1 : k;
}

// Years shown in the data tables, within the run's horizon.
function tableYears(time) {
  const within = (y) => y >= time[0] && y <= time[time.length - 1];
  const years = [2025, 2030, 2040, 2049].filter(within);
  return years.length ? years : [2010, 2011, 2012, 2015, 2019].filter(within);
}

function describeAvailability() {
  const tm = currentRun.time();
  const tb = baselineRun.time();
  const yearIdx = (y) => stepAt(tm, y);
  const years = tableYears(tm);
  const focus = focusYear(tm);
  let html = `<table><thead><tr><th>${t("table.region")}</th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>`;
  const parts = [];
  let demanded = 0;
  for (const r of state.regions) {
    const s = currentRun.series("availability", r, state.element);
    const b = baselineRun.series("availability", r, state.element);
    const dem = currentRun.series("demand", r, state.element);
    // Where there is no demand the model reports availability 1: say "no demand".
    const cell = (k) => (dem[k] > 0 ? fmtPct(s[k]) : t("noDemand"));
    html += `<tr><td>${r}</td>${years.map((y) => `<td>${cell(yearIdx(y))}</td>`).join("")}</tr>`;
    const k = yearIdx(focus);
    if (!(dem[k] > 0)) { parts.push(`${r} ${t("noDemand")}`); continue; }
    demanded++;
    const d = Math.round((s[k] - b[stepAt(tb, focus)]) * 100);
    parts.push(`${r} ${fmtPct(s[k])}${d === 0 ? "" : ` (${t("summary.points", { sign: d > 0 ? "+" : "", d, cmp: charts.cmpName() })})`}`);
  }
  html += "</tbody></table>";
  $("availability-table").innerHTML = html;
  $("availability-summary").textContent = demanded === 0
    ? t("summary.noDemandAll", { el: state.element, parts: parts.join("; "), year: focus })
    : t("summary.availability", { el: state.element, parts: parts.join("; "), year: focus });
}

function describeSourcing() {
  const tm = currentRun.time();
  const yearIdx = (y) => stepAt(tm, y);
  const years = tableYears(tm);
  const r = state.sourceRegion, e = state.element;
  const rows = [["own", "source_own"], ["allies", "source_allies"], ["others", "source_others"], ["demand", "demand"]]
    .map(([label, name]) => [t(`source.${label}`), currentRun.series(name, r, e)]);
  const t0 = (x) => Math.round(x).toLocaleString("en");
  $("sourcing-table").innerHTML = `<table><thead><tr><th>${t("table.perYear", { el: e })}</th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>${
    rows.map(([label, s]) => `<tr><td>${label}</td>${years.map((y) => `<td>${t0(s[yearIdx(y)])}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  const focus = focusYear(tm);
  const k = yearIdx(focus);
  const [own, allies, others, demand] = rows.map(([, s]) => s[k]);
  const got = own + allies + others;
  const pct = (x) => (got > 0 ? Math.round((x / got) * 100) : 0);
  $("sourcing-summary").textContent = demand > 0
    ? t("summary.sourcing", { region: r, got: t0(got), demand: t0(demand), el: e, own: pct(own), allies: pct(allies), others: pct(others), year: focus })
    : t("summary.sourcingNone", { region: r, el: e });
}

// The years the "Why?" panel offers: within the run (the 2010 replay: 2010-2019),
// keeping the chosen one where it still fits, else the summaries' year.
function whyYears() {
  const tm = currentRun ? currentRun.time() : [2024, 2049.75];
  const first = Math.ceil(tm[0]), last = Math.floor(tm[tm.length - 1]);
  const years = (first < 2024 ? [2010, 2011, 2012, 2013, 2015, 2019] : [2026, 2028, 2030, 2035, 2040, 2045])
    .filter((y) => y >= first && y <= last);
  const key = years.join(",");
  const sel = $("why-year");
  if (sel.dataset.years === key) return;
  const keep = Number(sel.value);
  sel.innerHTML = years.map((y) => `<option>${y}</option>`).join("");
  sel.dataset.years = key;
  sel.value = String(years.includes(keep) ? keep : (currentRun ? focusYear(tm) : 2030));
}

// "Why?": rank the inputs by how much they move the chosen line, only while the panel
// is open: twelve model runs, one at a time in idle moments (never holding up a frame),
// dropped and started again when the scenario changes.
let explainer = null;
const idle = globalThis.requestIdleCallback || ((f) => setTimeout(() => f({ timeRemaining: () => 20 }), 1));
function explainLine() {
  explainer?.free();
  explainer = null;
  if (!$("why").open || !currentRun) return;
  whyYears();
  const region = $("why-region").value || state.regions[0];
  const year = Number($("why-year").value || 2030);
  $("why-target").textContent = t("why.target", { region, el: state.element, year });
  const list = $("why-list");
  try {
    explainer = new api.Explainer(currentScenario(), region, state.element, year);
  } catch (e) {
    list.textContent = errorText(e);
    return;
  }
  list.setAttribute("aria-busy", "true");
  if (!list.children.length) list.textContent = t("why.working");
  const mine = explainer;
  const work = (deadline) => {
    if (explainer !== mine) return;
    let more;
    try {
      do more = mine.step(); while (more && deadline.timeRemaining() > 10);
    } catch (e) {
      list.textContent = String(e.message || e);
      return;
    }
    if (more) { idle(work); return; }
    const result = mine.result();
    mine.free();
    explainer = null;
    showExplanation(result);
  };
  idle(work);
}

function showExplanation(result) {
  const pct = (x) => `${Math.round(x * 100)}%`;
  const list = $("why-list");
  list.innerHTML = "";
  list.removeAttribute("aria-busy");
  for (const e of result.effects) {
    const li = document.createElement("li");
    const fmt = (v) => `${Number(v).toFixed(e.unit === "×" || e.unit === "elasticity" ? 2 : 0)} ${t(`unit.${e.unit}`)}`;
    li.textContent = `${tr(`input.${e.id}.label`, e.label)}: ${fmt(e.value_low)} → ${pct(e.result_low)}, ${fmt(e.value_high)} → ${pct(e.result_high)}`
      + ` (${t("why.now")} ${fmt(e.value)} → ${pct(result.base)}).`;
    list.append(li);
  }
}

// Hover readout over the availability chart: the values of every line at the pointer's
// step, scenario and status quo. `hover` is refreshed at each draw.
let hover = null;

// The readout at step k of the current run: every line's value and its status quo.
let readoutStep = -1;
function showReadoutAt(k) {
  const canvas = $("availability-chart");
  const readout = $("availability-readout");
  const guide = $("availability-guide");
  if (!hover) return;
  k = Math.max(0, Math.min(hover.time.length - 1, k));
  readoutStep = k;
  const rect = canvas.getBoundingClientRect();
  const scale = canvas.width / rect.width;
  const [x0, x1, y0, y1, t0, t1] = hover.box;
  const kb = Math.max(0, stepAt(hover.baseTime, hover.time[k]));
  const tm = hover.time[k];
  const quarter = Math.floor((tm - Math.floor(tm)) * 4 + 1e-9) + 1;
  readout.innerHTML = `<b>${Math.floor(tm)} ${t("quarter", { q: quarter })}</b>` + hover.rows
    .map(({ r, s, b, d, db }) => `${r} ${d[k] > 0 ? fmtPct(s[k]) : t("noDemand")} <span class="note">(${charts.cmpName()} ${db[kb] > 0 ? fmtPct(b[kb]) : t("noDemand")})</span>`).join("<br>");
  readout.hidden = false;
  const gx = (x0 + ((tm - t0) / (t1 - t0)) * (x1 - x0)) / scale;
  guide.style.left = `${gx}px`;
  guide.style.top = `${y0 / scale}px`;
  guide.style.height = `${(y1 - y0) / scale}px`;
  guide.hidden = false;
  const left = gx + 12 + readout.offsetWidth > rect.width ? gx - 12 - readout.offsetWidth : gx + 12;
  readout.style.left = `${Math.max(0, left)}px`;
}

function hideReadout() {
  $("availability-readout").hidden = true;
  $("availability-guide").hidden = true;
}

function showReadout(ev) {
  const canvas = $("availability-chart");
  if (!hover) return;
  const rect = canvas.getBoundingClientRect();
  const scale = canvas.width / rect.width;
  const [x0, x1, , , t0, t1] = hover.box;
  const px = (ev.clientX - rect.left) * scale;
  if (px < x0 || px > x1) { hideReadout(); return; }
  const year = t0 + ((px - x0) / (x1 - x0)) * (t1 - t0);
  let k = hover.time.findIndex((t) => t > year) - 1;
  if (k < 0) k = hover.time.length - 1;
  showReadoutAt(k);
}

// The same readout from the keyboard: the chart takes focus; arrows move a quarter
// (Shift: a year), Home/End go to the ends; the readout is a live region.
function readoutKey(ev) {
  if (!hover) return;
  const n = hover.time.length;
  const year = Math.round(n / Math.max(1, hover.time[n - 1] - hover.time[0] + 1 / 4));
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 };
  let k = readoutStep < 0 ? stepAt(hover.time, focusYear(hover.time)) : readoutStep;
  if (ev.key in moves) k += moves[ev.key] * (ev.shiftKey ? year : 1);
  else if (ev.key === "Home") k = 0;
  else if (ev.key === "End") k = n - 1;
  else if (ev.key === "Escape") { hideReadout(); return; }
  else return;
  ev.preventDefault();
  showReadoutAt(k);
}

function describeConcentration() {
  const tm = currentRun.time();
  const years = tableYears(tm);
  const stages = ["mining", "separation", "metal", "magnets"];
  const rows = stages.map((st) => [st, api.concentrationSeries(currentRun, st, "top_share"), api.concentrationSeries(currentRun, st, "hhi")]);
  $("concentration-table").innerHTML = `<table><thead><tr><th>${t("table.stage")}</th>${years.map((y) => `<th>${t("table.topShare", { year: y })}</th><th>${t("table.hhi", { year: y })}</th>`).join("")}</tr></thead><tbody>${
    rows.map(([st, top, hhi]) => `<tr><td>${t(`stage.${st}`)}</td>${years.map((y) => `<td>${fmtPct(top[stepAt(tm, y)])}</td><td>${hhi[stepAt(tm, y)].toFixed(2)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  const focus = focusYear(tm);
  const k = stepAt(tm, focus);
  const [mining, separation] = [rows[0][1][k], rows[1][1][k]];
  $("concentration-summary").textContent = `${t("summary.concentration", {
    year: focus,
    parts: rows.map(([st, top]) => t("summary.concentrationPart", { pct: fmtPct(top[k]), stage: t(`stage.${st}`) })).join(", "),
  })} ${separation > mining ? t("summary.separationMore") : t("summary.separationNotMore")}`;
}

let sourcingKey = "";
function draw() {
  if (!currentRun) return;
  const projector = document.body.classList.contains("projector");
  try {
    // Charts a link leaves out (panels=) or far off screen are not drawn; every size is
    // read before anything is written (one layout, not one per chart).
    charts.measure();
    const a = $("availability-chart");
    if (charts.visible("availability-chart")) {
      const box = charts.drawChart("availability", currentRun, baselineRun, charts.dpr("availability-chart"), projector);
      hover = {
        box, time: currentRun.time(), baseTime: baselineRun.time(),
        rows: state.regions.map((r) => ({
          r, s: currentRun.series("availability", r, state.element), b: baselineRun.series("availability", r, state.element),
          d: currentRun.series("demand", r, state.element), db: baselineRun.series("demand", r, state.element),
        })),
      };
      if (document.activeElement === a && readoutStep >= 0) showReadoutAt(readoutStep);
      explainLine();
    }
    // Its summary and table stay up to date off screen, as the other charts' do.
    if (charts.shown("availability-chart")) describeAvailability();
    // Charts off screen keep their summaries up to date; they are drawn when near.
    if (charts.visible("concentration-chart")) charts.drawChart("concentration", currentRun, baselineRun, charts.dpr("concentration-chart"), projector);
    if (charts.shown("concentration-chart")) describeConcentration();
    charts.draw(currentRun, baselineRun, projector);
    if (charts.visible("sourcing-chart")) {
      // Redrawn only when its numbers, size or words changed.
      const src = $("sourcing-chart");
      const key = [src.width, src.height, projector, state.sourceRegion, state.element,
        ...["source_own", "source_allies", "source_others", "demand"].map((n) => currentRun.series(n, state.sourceRegion, state.element))].join("|");
      if (sourcingKey !== key) {
        api.drawSourcing(src, currentRun, state.sourceRegion, state.element, charts.dpr("sourcing-chart"), projector,
          t("chart.sourcing", { region: state.sourceRegion, el: state.element }));
        sourcingKey = key;
      }
    }
    if (charts.shown("sourcing-chart")) describeSourcing();
    // The base-year chart never changes with the scenario: redraw it only when its size does.
    const m = $("mining-chart");
    if (charts.visible("mining-chart")) {
      const mdpr = charts.dpr("mining-chart");
      const size = `${m.width}x${m.height}x${projector}`;
      if (m.dataset.drawn !== size) {
        api.drawMiningChart(m, mdpr, projector, t("chart.mining"));
        m.dataset.drawn = size;
      }
    }
    document.body.dataset.ready = "1";
  } catch (e) {
    setStatus(errorText(e), true);
  }
}

// Offer the imported scenario (kept in the browser) in the preset list.
function showImportedOption() {
  let opt = $("preset").querySelector(`option[value="${IMPORTED}"]`);
  if (!state.imported) { if (opt) opt.remove(); return; }
  if (!opt) { opt = document.createElement("option"); opt.value = IMPORTED; $("preset").append(opt); }
  opt.textContent = t("importedOption", { name: state.imported.name || "scenario file" });
  charts.compareOptions();
}

function selectPreset(id, keepInputs = false) {
  try {
    // An imported scenario was checked once, when it was imported or loaded.
    presetScenario = id === IMPORTED ? state.imported : api.presetScenario(id);
  } catch (e) {
    setStatus(errorText(e), true);
    return;
  }
  state.preset = id;
  // Levers edit the preset's own policies, so a new preset starts from its own values;
  // assumptions are facts about the world and stay.
  if (!keepInputs) {
    for (const s of inputSpec.filter((x) => x.kind === "lever")) delete state.inputs[s.id];
    delete state.edits;
  }
  const p = PRESETS.find((x) => x.id === id);
  $("preset-description").textContent = p ? tr(`preset.${p.id}.description`, p.description)
    : presetScenario.description || t("importedDescription");
  const question = p ? tr(`preset.${p.id}.question`, p.question) : presetScenario.question || "";
  $("preset-question").textContent = question ? `${t("preset.question")} ${question}` : "";
  showImportedOption();
  buildInputControls();
  saveState();
  syncControls();
  if (runModel()) schedule();
  editor?.render();
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

// Forget everything saved in this browser and start again from the defaults (the
// view parameters of the link stay).
function resetSaved() {
  clearTimeout(saveTimer);
  saveTimer = 0;
  for (const key of [STORAGE_KEY, ASIDE_KEY, LOADING_KEY, charts.STORE]) storageRemove(key);
  const keep = new URLSearchParams();
  const now = new URLSearchParams(location.search);
  for (const k of VIEW_KEYS) if (now.has(k)) keep.set(k, now.get(k));
  location.href = `${location.pathname}${[...keep].length ? `?${keep}` : ""}`;
}

// "Copy embed code": size, levers, the code and a live preview of the embedded page.
function embedUrl() {
  const u = new URL(location.href);
  for (const k of ["projector", "lock", "panels", "levers", "reset"]) u.searchParams.delete(k);
  u.searchParams.set("embed", "1");
  const levers = [...document.querySelectorAll("#embed-levers input:checked")].map((b) => b.value);
  u.searchParams.set("levers", levers.join(","));
  return u.href;
}

function embedCode(url, size) {
  const width = size === "responsive" ? "100%" : size;
  const origin = new URL(url).origin;
  return `<iframe src="${url.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}" title="${t("embed.frameTitle").replace(/"/g, "&quot;")}"`
    + ` width="${width}" height="600" style="border:0;max-width:100%" loading="lazy"></iframe>\n`
    + "<script>addEventListener(\"message\", function (e) {\n"
    + `  if (e.origin !== ${JSON.stringify(origin)} || !e.data || e.data.type !== "rare-earths:height") return;\n`
    + "  document.querySelectorAll(\"iframe\").forEach(function (f) { if (f.contentWindow === e.source) f.style.height = e.data.height + \"px\"; });\n"
    + "});<\/script>";
}

function openEmbedDialog() {
  const box = $("embed-levers");
  if (!box.children.length) {
    for (const spec of inputSpec) {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"), { type: "checkbox", value: spec.id });
      input.checked = spec.kind === "lever" && spec.applies;
      label.append(input, tr(`input.${spec.id}.label`, spec.label));
      box.append(label);
    }
  }
  updateEmbedCode();
  $("embed-dialog").showModal();
}

function updateEmbedCode() {
  const size = document.querySelector("input[name=embed-size]:checked").value;
  const url = embedUrl();
  $("embed-code").value = embedCode(url, size);
  const preview = $("embed-preview");
  preview.style.width = size === "responsive" ? "100%" : `${size}px`;
  if (preview.dataset.src !== url) { preview.dataset.src = url; preview.src = url; }
}

async function copyEmbedCode() {
  const code = $("embed-code");
  try {
    await navigator.clipboard.writeText(code.value);
    $("embed-copied").textContent = t("embed.copied");
  } catch {
    code.select();
    $("embed-copied").textContent = t("embed.selected");
  }
}

// What a file exported from the page says about where it came from.
function settingsText() {
  const p = PRESETS.find((x) => x.id === state.preset);
  const name = p ? tr(`preset.${p.id}.name`, p.name)
    : t("export.imported", { name: (state.imported && state.imported.name) || t("export.scenarioFile") });
  const inputs = Object.entries(state.inputs).map(([id, v]) => {
    const spec = inputSpec.find((x) => x.id === id);
    return spec ? `${tr(`input.${id}.label`, spec.label)} ${fmtValue(spec, v)}` : `${id} ${v}`;
  });
  return `${t("export.scenario", { name })}; ${inputs.length ? inputs.join("; ") : t("export.presetValues")}`;
}
function exportDate() { return new Date().toISOString().slice(0, 10); }

// CSV exports start with comment lines: the scenario, its settings, units, date, link.
function csvHeader() {
  return [
    t("export.title"), settingsText(), t("export.preset", { id: state.preset }),
    t("export.inputs", { json: JSON.stringify(state.inputs) }), t("export.units"),
    t("export.date", { date: exportDate() }), t("export.link", { url: location.href }),
  ].map((line) => `# ${line}`).join("\n") + "\n";
}

// All results: the model's long-format CSV under the header, its column names in the
// reader's language.
function resultsCsv() {
  const csv = currentRun.toCsv();
  return csvHeader() + t("export.columns") + csv.slice(csv.indexOf("\n"));
}

// The availability chart's own data: one column per line, scenario and status quo.
function chartCsv() {
  const tm = currentRun.time();
  const tb = baselineRun.time();
  const cols = state.regions.flatMap((r) => [
    [`${r}`, currentRun.series("availability", r, state.element), currentRun.series("demand", r, state.element), (k) => k],
    [`${r} ${t("statusQuo")}`, baselineRun.series("availability", r, state.element), baselineRun.series("demand", r, state.element), (k) => stepAt(tb, tm[k])],
  ]);
  const lines = [`${t("export.time")},${cols.map(([c]) => c).join(",")}`];
  for (let k = 0; k < tm.length; k++) {
    lines.push(`${tm[k]},${cols.map(([, s, d, at]) => (d[at(k)] > 0 ? s[at(k)] : "")).join(",")}`);
  }
  return csvHeader() + `# ${t("export.chartNote", { el: state.element })}\n` + lines.join("\n") + "\n";
}

// The PNG carries the chart's title, the settings and the date around the chart.
function exportPng() {
  const chart = $("availability-chart");
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
  ctx.fillText(t("export.pngTitle", { el: state.element, regions: state.regions.join(", ") }), pad, pad, out.width - 2 * pad);
  ctx.font = `${Math.round(12 * dpr)}px sans-serif`;
  ctx.fillText(settingsText(), pad, pad + line, out.width - 2 * pad);
  ctx.drawImage(chart, 0, pad + 2 * line);
  ctx.fillStyle = "#5b5b6e";
  ctx.fillText(t("export.pngFoot", { date: exportDate() }), pad, pad + 2 * line + chart.height + pad / 2, out.width - 2 * pad);
  const a = Object.assign(document.createElement("a"), { href: out.toDataURL("image/png"), download: `availability-${state.element}.png` });
  document.body.append(a); a.click(); a.remove();
}

function buildControls() {
  PRESETS = api.presetList();
  $("preset").innerHTML = PRESETS.map((p) => `<option value="${p.id}">${tr(`preset.${p.id}.name`, p.name)}</option>`).join("");
  $("element").innerHTML = api.elementChoices()
    .map((c) => `<option value="${c.id}">${LANG === "en" ? c.label : `${c.id}: ${tr(`element.${c.id}`, c.label)}`}</option>`).join("");
  const regions = api.regionList();
  $("why-region").innerHTML = regions.map((r) => `<option value="${r.id}">${r.id}</option>`).join("");
  $("why-region").value = "JP";
  whyYears();
  for (const id of ["why-region", "why-year"]) $(id).addEventListener("change", explainLine);
  $("why").addEventListener("toggle", explainLine);
  $("source-region").innerHTML = regions.map((r) => `<option value="${r.id}">${tr(`region.${r.id}`, r.name)}</option>`).join("");
  $("source-region").addEventListener("change", (e) => { state.sourceRegion = e.target.value; saveState(); schedule(); });
  $("regions").innerHTML = regions
    .map((r) => `<label title="${tr(`region.${r.id}`, r.name)}"><input type="checkbox" value="${r.id}">${r.id}</label>`).join("");

  $("preset").addEventListener("change", (e) => selectPreset(e.target.value));
  $("element").addEventListener("change", (e) => { state.element = e.target.value; saveState(); schedule(); });
  $("regions").addEventListener("change", () => {
    const chosen = [...document.querySelectorAll("#regions input:checked")].map((b) => b.value);
    if (chosen.length === 0) { syncControls(); setStatus(t("status.oneRegion"), true); return; }
    state.regions = chosen.slice(0, 8);
    saveState(); syncControls(); schedule();
  });
  $("export-json").addEventListener("click", exportScenario);
  $("export-csv").addEventListener("click", () => download("results.csv", "text/csv", resultsCsv()));
  $("export-chart-csv").addEventListener("click", () => download(`availability-${state.element}.csv`, "text/csv", chartCsv()));
  $("export-png").addEventListener("click", exportPng);
  $("import-json").addEventListener("change", async (e) => {
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
    state.imported = scenario;
    state.inputs = {};
    delete state.edits;
    selectPreset(IMPORTED, true);
    setStatus(t("status.loaded", { name: file.name }));
  });
  $("recover").addEventListener("click", () => location.reload());
  const resized = new ResizeObserver(schedule);
  for (const p of PANELS) resized.observe($(`${p}-chart`));
  const chart = $("availability-chart");
  chart.addEventListener("pointermove", showReadout);
  chart.addEventListener("pointerleave", () => { if (document.activeElement !== chart) hideReadout(); });
  chart.addEventListener("keydown", readoutKey);
  chart.addEventListener("focus", () => showReadoutAt(readoutStep < 0 && hover ? stepAt(hover.time, focusYear(hover.time)) : readoutStep));
  chart.addEventListener("blur", hideReadout);
  $("reset-saved").addEventListener("click", () => notice("reset", t("notice.resetAsk"), [
    { label: t("notice.resetDo"), run: resetSaved },
  ]));
  $("embed-open").addEventListener("click", openEmbedDialog);
  $("embed-close").addEventListener("click", () => $("embed-dialog").close());
  $("embed-copy").addEventListener("click", copyEmbedCode);
  $("embed-dialog").addEventListener("change", updateEmbedCode);
  // Only the dialog's own preview frame may tell this page its height.
  window.addEventListener("message", (e) => {
    const preview = $("embed-preview");
    if (e.source === preview.contentWindow && e.data && e.data.type === "rare-earths:height" && Number.isFinite(e.data.height)) {
      preview.style.height = `${Math.min(5000, Math.max(100, e.data.height))}px`;
    }
  });

  const esc = (t) => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  $("source-list").innerHTML = api.sourceList().map((s) => `<dt>${esc(s.key)}</dt><dd>${esc(s.text)}</dd>`).join("");

  // Text equivalent of the mining chart.
  const bars = api.baseYearMining();
  $("mining-table").innerHTML = `<table><thead><tr><th>${t("table.country")}</th><th>${t("table.miningHead")}</th></tr></thead><tbody>${
    bars.map((b) => `<tr><td>${tr(`region.${(api.regionList().find((r) => r.name.startsWith(b.label)) || {}).id}`, b.label)}</td><td>${Math.round(b.value).toLocaleString("en")}</td></tr>`).join("")}</tbody></table>`;
}

// Tell the host page our height so its iframe fits us, growing and shrinking with the
// content: the body (a flow root in embed mode) is measured, not the document, whose
// scroll height never falls below the frame's own height.
function reportHeight() {
  if (window.parent === window) return;
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "rare-earths:height", height }, "*");
    }
  }).observe(document.body);
}

async function main() {
  const params = new URLSearchParams(location.search);
  const warnings = [];
  // The view parameters are checked against the input ids compiled into the page, so
  // they need the module; the classes that change the layout come first.
  if (params.get("embed") === "1") document.body.classList.add("embed");
  if (params.get("projector") === "1") document.body.classList.add("projector");
  await init(EMBEDDED_WASM ? { module_or_path: await gunzip(base64ToBytes(EMBEDDED_WASM)) } : undefined);
  globalThis.ree = { wasm: api, settled, view, get run() { return currentRun; }, get state() { return state; } };
  const allSpecs = api.inputSpec({});
  readViewParams(params, allSpecs, warnings);
  applyLanguage();
  if (LANG !== "en") {
    const labels = {};
    for (const [key, text] of Object.entries(STRINGS[LANG])) {
      if (key.startsWith("chartLabel.")) labels[key.slice(11)] = text;
    }
    // The mining chart's bars are labelled by the regions' short English names.
    for (const r of api.regionList()) labels[r.name.split(" (")[0]] = tr(`region.${r.id}`, r.name).split(" (")[0];
    api.setChartLabels(labels);
  }
  if (view.reset) {
    for (const key of [STORAGE_KEY, ASIDE_KEY, LOADING_KEY, charts.STORE]) storageRemove(key);
    notice("reset", t("notice.resetDone"));
  }
  state = view.embed ? {} : loadState();
  charts.setup({ api, t, tr, view, get state() { return state; }, presets: () => (PRESETS.length ? PRESETS : (PRESETS = api.presetList())), schedule, fit: fitCanvas,
    download, csvHeader, stepAt, tableYears, focusYear, warn: (w) => warnings.push(w), writeUrl: saveState,
    rerun: () => { if (runModel()) schedule(); } }, params);
  applyView();
  charts.place();
  if (view.embed) reportHeight();
  if (location.protocol === "file:") $("embed-open").hidden = true;
  buildControls();
  const presetIds = PRESETS.map((p) => p.id);
  const regionIds = api.regionList().map((r) => r.id);
  const elementIds = api.elementChoices().map((c) => c.id);
  state = sanitizeState(state, presetIds, regionIds, elementIds, allSpecs);
  for (const text of startupNotes) notice("startup", text);
  if (state.imported && storageGet(LOADING_KEY) !== null) {
    // The last load stopped while this scenario was checked or run: do not run it again.
    const aside = JSON.stringify(state.imported);
    storageSet(ASIDE_KEY, aside);
    delete state.imported;
    if (state.preset === IMPORTED) state.preset = DEFAULT_STATE.preset;
    storageRemove(LOADING_KEY);
    notice("aside", t("notice.aside"), [
      { label: t("notice.download"), run: () => download("set-aside-scenario.json", "application/json", aside) },
      { label: t("notice.tryAgain"), run: () => {
        const kept = storageGet(ASIDE_KEY);
        if (kept === null) return;
        clearTimeout(saveTimer);
        saveTimer = 0;
        storageSet(STORAGE_KEY, JSON.stringify({ ...state, imported: JSON.parse(kept), preset: IMPORTED }));
        location.reload();
      } },
    ]);
  }
  if (state.imported) {
    storageSet(LOADING_KEY, String(Date.now()));
    try { state.imported = api.checkScenario(state.imported); } catch (e) {
      warnings.push(t("warn.importedInvalid", { error: errorText(e) }));
      delete state.imported;
      if (state.preset === IMPORTED) state.preset = DEFAULT_STATE.preset;
    }
  }
  const savedBefore = !view.embed && storageGet(STORAGE_KEY) !== null ? JSON.stringify(comparable(state)) : null;
  const kept = structuredClone(state);
  readUrl(params, presetIds, regionIds, elementIds, allSpecs, warnings);
  if (savedBefore !== null && savedBefore !== JSON.stringify(comparable(state))
      && savedBefore !== JSON.stringify(comparable(DEFAULT_STATE))) {
    // A shared link replaced settings this browser had saved: offer them back.
    notice("link", t("notice.linkReplaced"), [
      { label: t("notice.keepMine"), run: () => { clearNotice("link"); state = kept; selectPreset(state.preset, true); } },
      { label: t("notice.useLink"), run: () => clearNotice("link") },
    ]);
  }
  if (state.edits) {
    // Blocs and policies from the link or saved here: checked once before they run.
    try {
      api.checkScenario({ ...(state.preset === IMPORTED ? state.imported : api.presetScenario(state.preset)), ...state.edits });
    } catch (e) {
      warnings.push(t("warn.edits", { error: errorText(e) }));
      delete state.edits;
    }
  }
  statusQuoRun = api.runScenario(api.presetScenario(BASELINE_PRESET));
  baselineRun = statusQuoRun;
  selectPreset(state.preset, true);
  startEditor();
  if (warnings.length) notice("link-values", warnings.join("\n"));
  if (view.lock) applyView();
  await settled();
  storageRemove(LOADING_KEY);
}

main().catch((e) => showFatal(t("fatal.start", { error: e.message || e })));
