// The scenario's controls: the preset, and a slider per input of the spec (src/inputs.rs)
// with a tick at its default, the current value, how far it is from the default and one
// sentence of what it covers; PhET-style keyboard steps.
import { $, S, view, IMPORTED } from "./state.js";
import { api } from "./wasm.js";
import { t, tr, errorText } from "./i18n.js";
import { setStatus } from "./notices.js";
import { saveState } from "./storage.js";
import { editedScenario, runModel, schedule, scheduleRun } from "./run.js";
import { compareOptions } from "./chart-choice.js";

export function fmtValue(spec, v) {
  const digits = spec.step < 1 ? 2 : 0;
  return `${Number(v).toFixed(digits)} ${t(`unit.${spec.unit}`)}`;
}

export function buildInputControls() {
  S.inputSpec = api.inputSpec(editedScenario());
  for (const kind of ["lever", "assumption"]) {
    const box = $(`${kind}-controls`);
    box.innerHTML = "";
    for (const spec of S.inputSpec.filter((s) => s.kind === kind)) {
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
        if (Math.abs(v - spec.default) < spec.step / 1000) delete S.state.inputs[spec.id];
        else S.state.inputs[spec.id] = v;
        saveState(); syncControls(); scheduleRun();
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

export function syncControls() {
  const state = S.state;
  $("preset").value = state.preset;
  for (const spec of S.inputSpec) {
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

// Offer the imported scenario (kept in the browser) in the preset list.
function showImportedOption() {
  let opt = $("preset").querySelector(`option[value="${IMPORTED}"]`);
  if (!S.state.imported) { if (opt) opt.remove(); return; }
  if (!opt) { opt = document.createElement("option"); opt.value = IMPORTED; $("preset").append(opt); }
  opt.textContent = t("importedOption", { name: S.state.imported.name || "scenario file" });
  compareOptions();
}

export function selectPreset(id, keepInputs = false) {
  try {
    // An imported scenario was checked once, when it was imported or loaded.
    S.presetScenario = id === IMPORTED ? S.state.imported : api.presetScenario(id);
  } catch (e) {
    setStatus(errorText(e), true);
    return;
  }
  S.state.preset = id;
  // Levers edit the preset's own policies, so a new preset starts from its own values;
  // assumptions are facts about the world and stay.
  if (!keepInputs) {
    for (const s of S.inputSpec.filter((x) => x.kind === "lever")) delete S.state.inputs[s.id];
    delete S.state.edits;
  }
  const p = S.presets.find((x) => x.id === id);
  $("preset-description").textContent = p ? tr(`preset.${p.id}.description`, p.description)
    : S.presetScenario.description || t("importedDescription");
  const question = p ? tr(`preset.${p.id}.question`, p.question) : S.presetScenario.question || "";
  $("preset-question").textContent = question ? `${t("preset.question")} ${question}` : "";
  showImportedOption();
  buildInputControls();
  saveState();
  syncControls();
  if (runModel()) schedule();
  S.editor?.render();
}
