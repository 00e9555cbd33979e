// Drawing the line charts: one path draws any chart of www/chart-defs.js through the
// model's drawLines (the comparison run dashed, the background cached), skips a chart
// whose numbers, size and words did not change, measures every canvas before drawing
// any, and skips charts far off screen (IntersectionObserver).
import { $, S, ALL, PANELS } from "./state.js";
import { api } from "./wasm.js";
import { t } from "./i18n.js";
import { CHARTS, opt, last, hover, unitOf } from "./chart-defs.js";
import { cmpName } from "./chart-choice.js";
import { describe } from "./chart-text.js";
import { schedule } from "./run.js";
import { bandsFor } from "./bands.js";

const layers = {};
const onScreen = new Set();
let observer = null;

// Size a canvas's backing store to its CSS box times devicePixelRatio.
function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const r = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(r.width * dpr));
  const h = Math.max(1, Math.round(r.height * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  return dpr;
}

// Which charts are shown and near the screen (charts far off screen wait), and each
// one's canvas sized to its box: read for every chart before any is drawn.
const geo = {}, laid = {};
export function measure() {
  for (const p of ALL) {
    const id = `${p}-chart`, el = $(id);
    laid[id] = el.getClientRects().length > 0;
    geo[id] = laid[id] && (!observer || !el.dataset.seen || onScreen.has(id)) ? fitCanvas(el) : 0;
  }
}
export const visible = (id) => geo[id] > 0;
// Shown, though perhaps off screen: its summary is kept up to date.
export const shown = (id) => laid[id];
export const dpr = (id) => geo[id];

// Charts coming near the screen are drawn then.
export function observe() {
  if (!("IntersectionObserver" in window)) return;
  observer = new IntersectionObserver((entries) => {
    let again = false;
    for (const e of entries) {
      e.target.dataset.seen = "1";
      if (e.isIntersecting) { again ||= !onScreen.has(e.target.id); onScreen.add(e.target.id); } else onScreen.delete(e.target.id);
    }
    if (again) schedule();
  }, { rootMargin: "200px" });
  for (const p of ALL) observer.observe($(`${p}-chart`));
}

function compute(id, run, base) {
  const lines = CHARTS[id].lines(S.state, opt, run).map((l) => {
    const get = (r) => { try { return Float64Array.from(l.get(r)); } catch { return new Float64Array(r.time().length).fill(NaN); } };
    return { ...l, cur: get(run), base: get(base), draw: l.draw !== false };
  });
  // A market never split in either run: one line.
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.pair === "in" && same(l.cur, lines[i + 1].cur) && same(l.base, lines[i + 1].base)) {
      out.push({ ...l, label: l.label.split(" ")[0] });
      i++;
    } else out.push(l);
  }
  return out;
}

// Draw one chart; returns its plotting box (for the availability readout) or null.
export function drawChart(id, run, base, dpr, projector) {
  const canvas = $(`${id}-chart`);
  const def = CHARTS[id];
  const lines = compute(id, run, base);
  const title = def.title(S.state, opt);
  const name = cmpName();
  // The legend keeps the comparison's name short (the summary gives it whole).
  const dashed = t("charts.dashed", { name: name.length > 18 ? `${name.slice(0, 19).replace(/\s+\S*$/, "")}…` : name });
  const time = run.time(), baseTime = base.time();
  // Monte Carlo bands of the lines that have one, when asked for and computed.
  const bands = bandsFor(id, lines.filter((l) => l.draw), time.length);
  const sig = [canvas.width, canvas.height, dpr, projector, title, dashed, bands.sig, ...lines.map((l) => l.label)].join("|");
  const prev = last[id];
  const unchanged = prev && prev.sig === sig && prev.lines.every((l, i) => l.cur.every((v, k) => Object.is(v, lines[i].cur[k]))
    && l.base.every((v, k) => Object.is(v, lines[i].base[k])));
  if (!unchanged) {
    const drawn = lines.filter((l) => l.draw);
    const values = new Float64Array(drawn.length * (time.length + baseTime.length));
    drawn.forEach((l, k) => { values.set(l.cur, k * (time.length + baseTime.length)); values.set(l.base, k * (time.length + baseTime.length) + time.length); });
    layers[id] ||= document.createElement("canvas");
    const box = api.drawLines(canvas, layers[id], [id, title, unitOf(id), dashed, def.scale || "auto"],
      drawn.map((l) => l.label), Uint32Array.from(drawn.map((l) => l.color)), time, baseTime, values, dpr, projector,
      bands.values || undefined);
    last[id] = { sig, lines, box };
  }
  hover[id] = { box: last[id].box, time, baseTime, lines, title, bands: bands.values };
  if (!PANELS.includes(id)) return last[id].box;
  if (!unchanged) describe(id);
  return last[id].box;
}

// Draw every chosen chart of the generic kind that is on screen; the others' summaries only.
export function draw(run, base, projector) {
  for (const id of PANELS) {
    if (visible(`${id}-chart`)) drawChart(id, run, base, dpr(`${id}-chart`), projector);
    else if (shown(`${id}-chart`)) {
      const time = run.time(), lines = compute(id, run, base);
      hover[id] = { box: null, time, baseTime: base.time(), lines, title: CHARTS[id].title(S.state, opt), bands: bandsFor(id, lines.filter((l) => l.draw), time.length).values };
      delete last[id];
      describe(id);
    }
  }
}
