// Monte Carlo bands on request: "Show uncertainty" runs the current scenario RUNS times
// with its uncertain inputs sampled (the model's MonteCarlo, src/wasm.rs), a chunk of
// runs per setTimeout slice (about one frame's budget), so the page's own events run
// between them; progress is shown, Cancel stops it, and any change of the scenario drops
// it and starts again after a short pause. Done, the availability chart shades p5–p95
// of each region under its line with the median, and a sentence gives the ranges.
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
let cache = { key: "", values: null, ranges: "" };

const status = (text) => { $("bands-status").textContent = text; };
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
  if (cache.values) version++;
  cache = { key: "", values: null, ranges: "" };
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

// p5, p50 and p95 of every region shown, for drawLines (3 × steps values a line), or
// null while there are none. `sig` changes whenever they do.
export function availabilityBands(regions, element, steps) {
  const done = mc && !timer && mc.runs() >= target;
  if (!done) return { sig: `none${version}`, values: null };
  const key = `${element}|${regions.join(",")}`;
  if (cache.key !== key) {
    cache = { key, values: null, ranges: "" };
    try {
      const values = new Float64Array(regions.length * 3 * steps);
      const focus = focusYear(S.currentRun.time());
      const k = stepAt(mc.time(), focus);
      const parts = [];
      regions.forEach((r, i) => {
        const [lo, mid, hi] = ["p5", "p50", "p95"].map((p) => mc.band(p, "availability", r, element));
        if (lo.length !== steps) throw new Error("bands: another time axis");
        values.set(lo, i * 3 * steps);
        values.set(mid, i * 3 * steps + steps);
        values.set(hi, i * 3 * steps + 2 * steps);
        parts.push(`${r} ${fmtPct(lo[k])}–${fmtPct(hi[k])}`);
      });
      cache.values = values;
      status(t("bands.done", { n: mc.runs(), year: focus, parts: parts.join(", ") }));
      $("availability-figure").dataset.bands = String(mc.runs());
    } catch {
      // A group (NdPr, heavy…) has no band: its band is not the sum of its elements'.
      status(t("bands.group"));
      delete $("availability-figure").dataset.bands;
    }
  }
  return { sig: `${key}|${version}`, values: cache.values };
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
