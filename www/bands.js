// Monte Carlo bands on request: "Show uncertainty" runs the current scenario RUNS times
// with its uncertain inputs sampled (the model's MonteCarlo, src/wasm.rs), a chunk of
// runs per setTimeout slice (about one frame's budget), so the page's own events run
// between them; progress is shown, Cancel stops it, and any change of the scenario drops
// it and starts again after a short pause. Done, every chart line that has a band
// (www/chart-defs.js: availability by region, the price inside a split market) is drawn
// over p5–p95 shaded with the median, and a sentence gives availability's ranges.
import { $, S } from "./state.js";
import { api } from "./wasm.js";
import { t, errorText } from "./i18n.js";
import { currentScenario, schedule } from "./run.js";
import { fmtPct, stepAt, focusYear } from "./describe.js";

export const RUNS = 100;
const SLICE_MS = 8; // the work of one slice, at most about this (one run is 5-8 ms)
const RESTART_MS = 150; // a dragged slider restarts the runs once it pauses

let mc = null; // the MonteCarlo of the current scenario, computing or done
let target = 0;
let timer = 0;
let version = 0; // bumped when bands appear or go (charts redraw)
let cache = new Map(); // chart id -> { key, values }
let said = "";

const status = (text) => { $("bands-status").textContent = text; };
const done = () => mc && !timer && mc.runs() >= target;
function showWorking(on) {
  $("bands-progress").hidden = !on;
  $("bands-cancel").hidden = !on;
  $("availability-figure").toggleAttribute("data-bands-running", on);
}

// Drop the runs (made or under way) and their bands.
function stop() {
  clearTimeout(timer);
  timer = 0;
  mc?.free();
  mc = null;
  version++;
  cache = new Map();
  said = "";
  delete $("availability-figure").dataset.bands;
  showWorking(false);
}

function start() {
  stop();
  if (!$("bands-on").checked || !S.currentRun) return;
  try {
    mc = new api.MonteCarlo(currentScenario(), 0);
  } catch (e) {
    status(t("bands.failed", { error: errorText(e) }));
    return;
  }
  target = Math.min(RUNS, mc.maxRuns());
  const progress = $("bands-progress");
  progress.max = target;
  progress.value = 0;
  showWorking(true);
  status(t("bands.progress", { runs: 0, n: target }));
  let k = 1;
  const mine = mc;
  const work = () => {
    timer = 0;
    if (mc !== mine) return;
    const t0 = performance.now();
    const runs = mine.step(Math.min(k, target - mine.runs()));
    // As many runs a slice as fit in SLICE_MS (one at least).
    k = Math.max(1, Math.min(16, Math.floor((k * SLICE_MS) / Math.max(0.5, performance.now() - t0))));
    progress.value = runs;
    if (runs < target) {
      status(t("bands.progress", { runs, n: target }));
      timer = setTimeout(work, 0);
      return;
    }
    showWorking(false);
    version++;
    schedule();
  };
  timer = setTimeout(work, 0);
}

// The scenario changed (runModel): the runs so far are for another scenario.
export function bandsChanged() {
  if (!mc && !timer) return;
  stop();
  if ($("bands-on").checked) {
    status(t("bands.progress", { runs: 0, n: Math.min(RUNS, target || RUNS) }));
    timer = setTimeout(start, RESTART_MS);
  }
}

// One band over time, or null (a group has none: its band is not the sum of its
// elements'; another time axis neither).
function band(p, [name, row, element], steps) {
  try {
    const v = mc.band(p, name, row, element);
    return v.length === steps ? v : null;
  } catch { return null; }
}

// For drawLines: p5, p50 and p95 over time for each line (3 × steps values a line, NaN
// where a line has none), or null while there are none; `sig` changes when they do.
export function bandsFor(id, lines, steps) {
  if (!done() || !lines.some((l) => l.band)) return { sig: `none${version}`, values: null };
  const key = lines.map((l) => (l.band ? l.band.join(":") : "")).join(",");
  if (cache.get(id)?.key !== key) {
    const values = new Float64Array(lines.length * 3 * steps).fill(NaN);
    let any = false;
    lines.forEach((l, i) => {
      if (!l.band) return;
      const [lo, mid, hi] = ["p5", "p50", "p95"].map((p) => band(p, l.band, steps));
      if (!lo || !mid || !hi) return;
      values.set(lo, i * 3 * steps);
      values.set(mid, (i * 3 + 1) * steps);
      values.set(hi, (i * 3 + 2) * steps);
      any = true;
    });
    cache.set(id, { key, values: any ? values : null });
  }
  return { sig: `${key}|${version}`, values: cache.get(id).values };
}

// The sentence under the switch: availability's ranges in the focus year.
export function describeBands() {
  if (!done()) return;
  const { regions, element } = S.state;
  const key = `${element}|${regions.join(",")}`;
  if (said === key) return;
  said = key;
  const time = S.currentRun.time();
  const focus = focusYear(time);
  const k = stepAt(time, focus);
  const parts = [];
  for (const r of regions) {
    const [lo, hi] = ["p5", "p95"].map((p) => band(p, ["availability", r, element], time.length));
    if (!lo || !hi) {
      status(t("bands.group"));
      delete $("availability-figure").dataset.bands;
      return;
    }
    parts.push(`${r} ${fmtPct(lo[k])}–${fmtPct(hi[k])}`);
  }
  status(t("bands.done", { n: mc.runs(), year: focus, parts: parts.join(", ") }));
  $("availability-figure").dataset.bands = String(mc.runs());
}

export function setupBands() {
  $("bands-label").textContent = t("bands.label", { n: RUNS });
  $("bands-on").addEventListener("change", () => {
    if ($("bands-on").checked) start();
    else { stop(); status(""); schedule(); }
  });
  $("bands-cancel").addEventListener("click", () => {
    const runs = mc ? mc.runs() : 0;
    stop();
    $("bands-on").checked = false;
    status(t("bands.cancelled", { runs, n: target }));
    schedule();
  });
}
