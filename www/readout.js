// The availability chart's readout, under the pointer and from the keyboard: every
// line's value at that quarter and its value in the comparison run. The chart takes
// focus; arrows move a quarter (Shift: a year), Home/End go to the ends; the readout is
// a live region. (The other charts' readouts are in www/chart-text.js.)
import { $, S } from "./state.js";
import { t } from "./i18n.js";
import { fmtPct, stepAt, focusYear, bandsOf } from "./describe.js";
import { hover as drawn } from "./chart-defs.js";
import { cmpName } from "./chart-choice.js";

// The plotting box and the lines drawn, refreshed at each draw.
let hover = null;
let readoutStep = -1;

export function setHover(box, run, base) {
  const state = S.state;
  hover = {
    box, time: run.time(), baseTime: base.time(),
    rows: state.regions.map((r) => ({
      r, s: run.series("availability", r, state.element), b: base.series("availability", r, state.element),
      d: run.series("demand", r, state.element), db: base.series("demand", r, state.element),
    })),
  };
}
// After a redraw, a readout the keyboard opened follows the new numbers.
export function refreshReadout() {
  if (document.activeElement === $("availability-chart") && readoutStep >= 0) showReadoutAt(readoutStep);
}

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
  // Monte Carlo p5–p95, once computed.
  const band = new Map(bandsOf(drawn.availability).map((b) => [b.label, b]));
  const range = (r) => (band.has(r) ? ` [${fmtPct(band.get(r).lo[k])}–${fmtPct(band.get(r).hi[k])}]` : "");
  readout.innerHTML = `<b>${Math.floor(tm)} ${t("quarter", { q: quarter })}</b>` + hover.rows
    .map(({ r, s, b, d, db }) => `${r} ${d[k] > 0 ? fmtPct(s[k]) + range(r) : t("noDemand")} <span class="note">(${cmpName()} ${db[kb] > 0 ? fmtPct(b[kb]) : t("noDemand")})</span>`).join("<br>");
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

export function listenReadout() {
  const chart = $("availability-chart");
  chart.addEventListener("pointermove", showReadout);
  chart.addEventListener("pointerleave", () => { if (document.activeElement !== chart) hideReadout(); });
  chart.addEventListener("keydown", readoutKey);
  chart.addEventListener("focus", () => showReadoutAt(readoutStep < 0 && hover ? stepAt(hover.time, focusYear(hover.time)) : readoutStep));
  chart.addEventListener("blur", hideReadout);
}
