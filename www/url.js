// The URL holds everything that differs from the defaults, so a link (a teacher's, a
// reader's) reproduces the page: ?v=2&preset=…&el=…&r=…&src=…&<input id>=<value>&e=….
// Every value read back, from a link or from saved state, is checked against the spec.
import { S, VIEW_KEYS, DEFAULT_STATE, IMPORTED, MAX_SCENARIO_BYTES } from "./state.js";
import { t } from "./i18n.js";
import { encodeEdits, decodeEdits, cleanEdits } from "./editor-schema.js";
import { urlChoice } from "./chart-choice.js";

// v=2 adds e= (edited blocs and policies); v=1 links read the same.
const URL_VERSION = "2";
const URL_VERSIONS = ["1", "2"];
// Numbers in links are plain decimals: "0x10", "1e2", "Infinity" or " 5" are refused.
const DECIMAL = /^-?\d{1,9}(\.\d{1,9})?$/;

// Check one input value against the spec: in range and on the slider's grid (so the
// slider can show it); returns an error sentence or "".
export function inputProblem(spec, value) {
  if (!spec) return "unknown input";
  if (typeof value !== "number" || !Number.isFinite(value) || value < spec.min || value > spec.max) {
    return t("problem.range", { min: spec.min, max: spec.max, unit: t(`unit.${spec.unit}`) });
  }
  const k = (value - spec.min) / spec.step;
  if (Math.abs(k - Math.round(k)) > 1e-6) return t("problem.grid", { step: spec.step, unit: t(`unit.${spec.unit}`), min: spec.min });
  return "";
}

// Saved state may be old, edited or hostile: keep only values the page knows.
export function sanitizeState(raw, presetIds, regionIds, elementIds, specs) {
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

export function writeUrl() {
  const state = S.state;
  const p = new URLSearchParams();
  const keep = new URLSearchParams(location.search);
  for (const k of VIEW_KEYS) if (keep.has(k)) p.set(k, keep.get(k));
  p.set("v", URL_VERSION);
  if (state.preset !== DEFAULT_STATE.preset) p.set("preset", state.preset);
  if (state.element !== DEFAULT_STATE.element) p.set("el", state.element);
  if (state.regions.join(",") !== DEFAULT_STATE.regions.join(",")) p.set("r", state.regions.join(","));
  if (state.sourceRegion !== DEFAULT_STATE.sourceRegion) p.set("src", state.sourceRegion);
  for (const [id, v] of Object.entries(state.inputs)) p.set(id, String(v));
  urlChoice(p);
  if (state.edits) p.set("e", encodeEdits(state.edits));
  try { history.replaceState(null, "", `${location.pathname}?${p}`); } catch { /* file:// may refuse */ }
}

// Read the URL over the saved state; every refused value is named in the warnings.
export function readUrl(params, presetIds, regionIds, elementIds, specs, warnings) {
  const state = S.state;
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
