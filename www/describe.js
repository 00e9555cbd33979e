// Text equivalents of the availability, sourcing and concentration charts: a one-sentence
// summary of the focus year against the comparison run, and a data table. And the time
// helpers every chart's text uses.
import { $, S } from "./state.js";
import { api } from "./wasm.js";
import { t } from "./i18n.js";
import { cmpName } from "./chart-choice.js";
import { hover } from "./chart-defs.js";

export function fmtPct(x) { return `${Math.round(x * 100)}%`; }

// Index of the first step at or after `year` on a run's time axis (the last step when
// the run ends earlier); runs may have other horizons and step lengths than the baseline.
export function stepAt(time, year) {
  const k = time.findIndex((t) => t >= year - 1e-9);
  return k < 0 ? time.length - 1 : k;
}

// Years shown in the data tables, within the run's horizon.
export function tableYears(time) {
  const within = (y) => y >= time[0] && y <= time[time.length - 1];
  const years = [2025, 2030, 2040, 2049].filter(within);
  return years.length ? years : [2010, 2011, 2012, 2015, 2019].filter(within);
}

// The year the summaries speak of: 2030 where the run covers it, else two years into
// the run (the 2010 replay: 2011, the height of the crisis).
export function focusYear(time) {
  const last = time[time.length - 1];
  return time[0] <= 2030 && 2030 <= last ? 2030 : Math.min(Math.floor(last), Math.floor(time[0]) + 2);
}

// The intro's last sentence names the run the dashed lines show.
export function describeComparison() {
  const name = cmpName();
  const text = name === t("statusQuo") ? t("lede.dashedStatusQuo") : t("lede.dashed", { name });
  const el = $("lede-dashed");
  if (el.textContent !== text) el.textContent = text;
}

// The Monte Carlo p5 and p95 of a chart's drawn lines that have a band, once computed
// (`h`: the chart's hover record, www/charts.js): { label, lo, hi } per line.
export function bandsOf(h) {
  if (!h?.bands) return [];
  const n = h.time.length, out = [];
  h.lines.filter((l) => l.draw).forEach((l, i) => {
    const lo = h.bands.subarray(i * 3 * n, (i * 3 + 1) * n);
    if (lo.some(Number.isFinite)) out.push({ label: l.label, lo, hi: h.bands.subarray((i * 3 + 2) * n, (i * 3 + 3) * n) });
  });
  return out;
}
// The same as rows of a table or columns of a CSV: [label "JP p5", values].
export const bandRows = (h) => bandsOf(h).flatMap((b) => [[`${b.label} p5`, b.lo], [`${b.label} p95`, b.hi]]);

export function describeAvailability() {
  const { currentRun: run, baselineRun: base, state } = S;
  const tm = run.time();
  const tb = base.time();
  const yearIdx = (y) => stepAt(tm, y);
  const years = tableYears(tm);
  const focus = focusYear(tm);
  let html = `<table><thead><tr><th>${t("table.region")}</th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>`;
  const parts = [];
  let demanded = 0;
  for (const r of state.regions) {
    const s = run.series("availability", r, state.element);
    const b = base.series("availability", r, state.element);
    const dem = run.series("demand", r, state.element);
    // Where there is no demand the model reports availability 1: say "no demand".
    const cell = (k) => (dem[k] > 0 ? fmtPct(s[k]) : t("noDemand"));
    html += `<tr><td>${r}</td>${years.map((y) => `<td>${cell(yearIdx(y))}</td>`).join("")}</tr>`;
    const k = yearIdx(focus);
    if (!(dem[k] > 0)) { parts.push(`${r} ${t("noDemand")}`); continue; }
    demanded++;
    const d = Math.round((s[k] - b[stepAt(tb, focus)]) * 100);
    parts.push(`${r} ${fmtPct(s[k])}${d === 0 ? "" : ` (${t("summary.points", { sign: d > 0 ? "+" : "", d, cmp: cmpName() })})`}`);
  }
  for (const [label, s] of bandRows(hover.availability)) {
    html += `<tr><td>${label}</td>${years.map((y) => `<td>${fmtPct(s[yearIdx(y)])}</td>`).join("")}</tr>`;
  }
  html += "</tbody></table>";
  $("availability-table").innerHTML = html;
  $("availability-summary").textContent = demanded === 0
    ? t("summary.noDemandAll", { el: state.element, parts: parts.join("; "), year: focus })
    : t("summary.availability", { el: state.element, parts: parts.join("; "), year: focus });
}

export function describeSourcing() {
  const run = S.currentRun;
  const tm = run.time();
  const yearIdx = (y) => stepAt(tm, y);
  const years = tableYears(tm);
  const r = S.state.sourceRegion, e = S.state.element;
  const rows = [["own", "source_own"], ["allies", "source_allies"], ["others", "source_others"], ["demand", "demand"]]
    .map(([label, name]) => [t(`source.${label}`), run.series(name, r, e)]);
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

export function describeConcentration() {
  const run = S.currentRun;
  const tm = run.time();
  const years = tableYears(tm);
  const stages = ["mining", "separation", "metal", "magnets"];
  const rows = stages.map((st) => [st, api.concentrationSeries(run, st, "top_share"), api.concentrationSeries(run, st, "hhi")]);
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
