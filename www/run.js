// Running the model and drawing what it returns: the scenario (the preset, the edited
// blocs and policies, the inputs), the comparison run, and one drawing per animation
// frame however many changes arrive (settled() resolves once they are drawn).
import { $, S, view } from "./state.js";
import { api } from "./wasm.js";
import { t, tr, errorText, fieldWords } from "./i18n.js";
import { setStatus } from "./notices.js";
import { saveState, flushSave } from "./storage.js";
import { buildInputControls, syncControls } from "./controls.js";
import { createEditor } from "./editor.js";
import * as charts from "./charts.js";
import { comparisonFor, owns } from "./chart-choice.js";
import { describeAvailability, describeSourcing, describeConcentration, describeComparison } from "./describe.js";
import { setHover, refreshReadout } from "./readout.js";
import { explainLine } from "./why.js";
import { bandsChanged, describeBands } from "./bands.js";

// The scenario the model runs: the preset with the inputs applied (checked in wasm).
export function currentScenario() {
  return api.applyInputs(editedScenario(), S.state.inputs);
}

// The preset with the blocs and policies edited on the page (www/editor.js): the lists
// that differ from the preset's replace them (state.edits).
export function editedScenario() {
  return S.state.edits ? { ...S.presetScenario, ...S.state.edits } : S.presetScenario;
}

// The editor offers its lists; kept (saved, in the link, run) only if the model runs
// them, else the error, and the page stays as it was.
function commitEdits(edits) {
  const kept = S.state.edits;
  if (edits) S.state.edits = edits; else delete S.state.edits;
  if (!runModel()) {
    if (kept) S.state.edits = kept; else delete S.state.edits;
    return S.lastError;
  }
  saveState(); buildInputControls(); syncControls(); schedule();
  return null;
}

export function startEditor() {
  const specs = api.elementChoices().map((c) => c.id).filter((id) => /^[A-Z][a-z]?$/.test(id));
  S.editor = createEditor($("editor"), {
    t, tr, words: fieldWords, errorText, regions: api.regionList(), elements: specs,
    preset: () => S.presetScenario, scenario: editedScenario, commit: commitEdits,
    status: setStatus, locked: view.lock,
  });
  S.editor.render();
}

// The comparison run for the current scenario: the chosen one, else the status quo, or,
// for a scenario on another data set or horizon (the 2010 replay), the same world with
// no policy.
function baselineFor(run) {
  const chosen = comparisonFor(run);
  if (chosen) return chosen;
  const t0 = run.time()[0];
  if (S.statusQuoRun && S.statusQuoRun.time()[0] === t0) return S.statusQuoRun;
  if (S.baselineRun && S.baselineRun !== S.statusQuoRun && S.baselineRun.time()[0] === t0) return S.baselineRun;
  const sc = S.presetScenario || {};
  return api.runScenario({ data: sc.data, start_year: sc.start_year, end_year: sc.end_year });
}

export function runModel() {
  try {
    // The supply-risk index (a quarter of a run) only if its chart is shown; the run
    // computes it whenever else something reads it (an export, say).
    const next = api.runWithInputs(editedScenario(), S.state.inputs, view.panels.includes("supply_risk"));
    if (S.currentRun) S.currentRun.free();
    S.currentRun = next;
    const base = baselineFor(next);
    const old = S.baselineRun;
    if (old && old !== base && old !== S.statusQuoRun && !owns(old)) old.free();
    S.baselineRun = base;
    setStatus("");
    bandsChanged();
    return true;
  } catch (e) {
    S.lastError = e;
    setStatus(errorText(e), true);
    return false;
  }
}

// Drawing waits for the next animation frame; a slider's run waits one frame more, so
// that the browser paints the moved thumb and its number first (web.dev, "Optimize
// INP": yield before heavy work) and the model then runs once for the latest value,
// however many inputs arrived meanwhile. settled() waits for both.
let frame = 0, later = 0, needRun = false;
// Promises waiting for the pending drawing to finish (tests and embedding hosts use it).
let settledWaiters = [];
export function schedule() {
  if (frame || later) return;
  frame = requestAnimationFrame(() => { frame = 0; finish(); });
}
export function scheduleRun() {
  needRun = true;
  if (later) return;
  cancelAnimationFrame(frame);
  frame = 0;
  later = requestAnimationFrame(() => setTimeout(() => { later = 0; finish(); }));
}
function finish() {
  try {
    if (needRun) { needRun = false; runModel(); }
    draw();
  } finally {
    const waiting = settledWaiters;
    settledWaiters = [];
    for (const resolve of waiting) resolve();
    dispatchEvent(new Event("ree-drawn"));
  }
}

// Resolves once every change made so far is drawn: now if nothing is pending.
export function drawn() {
  return frame || later ? new Promise((resolve) => settledWaiters.push(resolve)) : Promise.resolve();
}
// The same, and the settings saved (the link and storage).
export const settled = () => drawn().then(flushSave);

let sourcingKey = "";
function draw() {
  const run = S.currentRun, base = S.baselineRun, state = S.state;
  if (!run) return;
  const projector = document.body.classList.contains("projector");
  try {
    // Charts a link leaves out (panels=) or far off screen are not drawn; every size is
    // read before anything is written (one layout, not one per chart).
    charts.measure();
    if (charts.visible("availability-chart")) {
      const box = charts.drawChart("availability", run, base, charts.dpr("availability-chart"), projector);
      setHover(box, run, base);
      refreshReadout();
      explainLine();
    }
    // Its summary and table stay up to date off screen, as the other charts' do.
    if (charts.shown("availability-chart")) describeAvailability();
    // Charts off screen keep their summaries up to date; they are drawn when near.
    if (charts.visible("concentration-chart")) charts.drawChart("concentration", run, base, charts.dpr("concentration-chart"), projector);
    if (charts.shown("concentration-chart")) describeConcentration();
    charts.draw(run, base, projector);
    if (charts.visible("sourcing-chart")) {
      // Redrawn only when its numbers, size or words changed.
      const src = $("sourcing-chart");
      const key = [src.width, src.height, projector, state.sourceRegion, state.element,
        ...["source_own", "source_allies", "source_others", "demand"].map((n) => run.series(n, state.sourceRegion, state.element))].join("|");
      if (sourcingKey !== key) {
        api.drawSourcing(src, run, state.sourceRegion, state.element, charts.dpr("sourcing-chart"), projector,
          t("chart.sourcing", { region: state.sourceRegion, el: state.element }));
        sourcingKey = key;
      }
    }
    if (charts.shown("sourcing-chart")) describeSourcing();
    // The base-year chart never changes with the scenario: redraw it only when its size does.
    const m = $("mining-chart");
    if (charts.visible("mining-chart")) {
      const size = `${m.width}x${m.height}x${projector}`;
      if (m.dataset.drawn !== size) {
        api.drawMiningChart(m, charts.dpr("mining-chart"), projector, t("chart.mining"));
        m.dataset.drawn = size;
      }
    }
    describeComparison();
    describeBands();
    document.body.dataset.ready = "1";
  } catch (e) {
    setStatus(errorText(e), true);
  }
}
