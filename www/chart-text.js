// The line charts' text equivalents and readouts: a one-sentence summary of the focus
// year against the comparison run, a data table (written only while open), the chart's
// own CSV, and a readout under the pointer and from the keyboard that reads both runs.
import { $ } from "./state.js";
import { t } from "./i18n.js";
import { hover, unitKey, unitOf } from "./chart-defs.js";
import { cmpName } from "./chart-choice.js";
import { stepAt, focusYear, tableYears, bandRows, bandsOf } from "./describe.js";
import { download, csvHeader, exportPng } from "./files.js";

export function fmt(v) {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  const lang = document.documentElement.lang;
  return a >= 100 || a < 0.005 ? Math.round(v).toLocaleString(lang) : v.toLocaleString(lang, { maximumSignificantDigits: 2 });
}
// Money per year in words a reader takes in: "138 M USD/yr", "1.4 bn USD/yr", not
// 137,638,587 (three significant digits, or two below a tenth of the next unit).
export function fmtMoney(v) {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  const lang = document.documentElement.lang;
  const [div, key] = a >= 1e8 ? [1e9, "money.bn"] : a >= 1e6 ? [1e6, "money.M"] : a >= 1e3 ? [1e3, "money.k"] : [1, "money.one"];
  const x = v / div;
  return t(key, { x: div === 1 ? Math.round(x).toLocaleString(lang) : x.toLocaleString(lang, { maximumSignificantDigits: Math.abs(x) < 1 ? 2 : 3 }) });
}
// The format of a chart's numbers, by its unit.
const fmtOf = (id) => (unitKey(id) === "usd_per_year" ? fmtMoney : fmt);

export function describe(id) {
  const h = hover[id];
  const fmt = fmtOf(id);
  const k = stepAt(h.time, focusYear(h.time));
  const kb = stepAt(h.baseTime, h.time[k]);
  $(`${id}-summary`).textContent = t("charts.summary", {
    title: h.title, year: focusYear(h.time), unit: unitOf(id), cmp: cmpName(),
    parts: h.lines.map((l) => `${l.label} ${fmt(l.cur[k])}`).join(", "),
    base: h.lines.map((l) => `${l.label} ${fmt(l.base[kb])}`).join(", "),
  });
  if ($(`${id}-details`).open) table(id);
}

export function table(id) {
  const h = hover[id];
  if (!h) return;
  const fmt = fmtOf(id);
  const years = tableYears(h.time);
  const cmp = cmpName();
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const row = (label, s, time) => `<tr><td>${esc(label)}</td>${years.map((y) => `<td>${fmt(s[stepAt(time, y)])}</td>`).join("")}</tr>`;
  $(`${id}-table`).innerHTML = `<table><caption>${esc(unitOf(id))}</caption><thead><tr><th></th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>${
    h.lines.map((l) => row(l.label, l.cur, h.time) + row(`${l.label}, ${cmp}`, l.base, h.baseTime)).join("")
    + bandRows(h).map(([label, s]) => row(label, s, h.time)).join("")}</tbody></table>`;
}

export function csv(id) {
  const h = hover[id];
  if (!h) return;
  const cmp = cmpName();
  const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
  const cols = [...h.lines.flatMap((l) => [[l.label, l.cur, (k) => k], [`${l.label}, ${cmp}`, l.base, (k) => stepAt(h.baseTime, h.time[k])]]),
    ...bandRows(h).map(([label, s]) => [label, s, (k) => k])];
  const rows = [`time,${cols.map(([c]) => q(c)).join(",")}`];
  for (let k = 0; k < h.time.length; k++) rows.push(`${h.time[k]},${cols.map(([, s, at]) => (Number.isFinite(s[at(k)]) ? s[at(k)] : "")).join(",")}`);
  download(`${id}.csv`, "text/csv", `${csvHeader()}# ${h.title} (${unitOf(id)})\n${rows.join("\n")}\n`);
}

// The chart as an image, its title naming the comparison run.
export function png(id) {
  const h = hover[id];
  if (!h) return;
  exportPng($(`${id}-chart`), `${h.title} (${t("charts.dashed", { name: cmpName() })})`, `${id}.png`);
}

// ---- readout: pointer and keyboard, both runs ----
const step = {};
function readoutAt(id, k) {
  const h = hover[id];
  if (!h?.box) return;
  const fmt = fmtOf(id);
  const canvas = $(`${id}-chart`);
  const fig = $(`${id}-figure`);
  const readout = fig.querySelector(".readout"), guide = fig.querySelector(".guide");
  k = Math.max(0, Math.min(h.time.length - 1, k));
  step[id] = k;
  const kb = stepAt(h.baseTime, h.time[k]);
  const tm = h.time[k];
  readout.textContent = "";
  const b = document.createElement("b");
  b.textContent = `${Math.floor(tm)} Q${Math.floor((tm % 1) * 4 + 1e-9) + 1}`;
  const note = document.createElement("span");
  note.className = "note";
  note.textContent = t("charts.inParens", { cmp: cmpName() });
  const band = new Map(bandsOf(h).map((b) => [b.label, b]));
  const range = (l) => (band.has(l.label) ? ` [${fmt(band.get(l.label).lo[k])}–${fmt(band.get(l.label).hi[k])}]` : "");
  readout.append(b, note, document.createElement("br"), ...h.lines.flatMap((l) => [`${l.label} ${fmt(l.cur[k])}${range(l)} (${fmt(l.base[kb])})`, document.createElement("br")]));
  readout.hidden = false;
  const rect = canvas.getBoundingClientRect();
  const scale = canvas.width / rect.width;
  const [x0, x1, y0, y1, t0, t1] = h.box;
  const gx = (x0 + ((tm - t0) / (t1 - t0)) * (x1 - x0)) / scale;
  Object.assign(guide.style, { left: `${gx + canvas.offsetLeft}px`, top: `${y0 / scale + canvas.offsetTop}px`, height: `${(y1 - y0) / scale}px` });
  guide.hidden = false;
  const left = gx + 12 + readout.offsetWidth > rect.width ? gx - 12 - readout.offsetWidth : gx + 12;
  Object.assign(readout.style, { left: `${Math.max(0, left)}px`, top: `${canvas.offsetTop + 30}px` });
}
function hide(id) {
  const fig = $(`${id}-figure`);
  fig.querySelector(".readout").hidden = true;
  fig.querySelector(".guide").hidden = true;
}
export function listen(id) {
  const canvas = $(`${id}-chart`);
  canvas.addEventListener("pointermove", (ev) => {
    const h = hover[id];
    if (!h?.box) return;
    const rect = canvas.getBoundingClientRect();
    const px = (ev.clientX - rect.left) * (canvas.width / rect.width);
    const [x0, x1, , , t0, t1] = h.box;
    if (px < x0 || px > x1) { hide(id); return; }
    const year = t0 + ((px - x0) / (x1 - x0)) * (t1 - t0);
    const k = h.time.findIndex((t) => t > year) - 1;
    readoutAt(id, k < 0 ? h.time.length - 1 : k);
  });
  canvas.addEventListener("pointerleave", () => { if (document.activeElement !== canvas) hide(id); });
  canvas.addEventListener("blur", () => hide(id));
  canvas.addEventListener("focus", () => hover[id] && readoutAt(id, step[id] ?? stepAt(hover[id].time, focusYear(hover[id].time))));
  canvas.addEventListener("keydown", (ev) => {
    const h = hover[id];
    if (!h?.box) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 };
    const perYear = Math.round(1 / Math.max(1e-6, h.time[1] - h.time[0]));
    let k = step[id] ?? stepAt(h.time, focusYear(h.time));
    if (ev.key in moves) k += moves[ev.key] * (ev.shiftKey ? perYear : 1);
    else if (ev.key === "Home") k = 0;
    else if (ev.key === "End") k = h.time.length - 1;
    else if (ev.key === "Escape") { hide(id); return; }
    else return;
    ev.preventDefault();
    readoutAt(id, k);
  });
}
