// Charts the reader chooses, and the comparison run (issue 8). Every line chart is one
// generic definition: lines, each a series of the run by row and column (or a number
// computed from series), drawn by the model's drawLines (the comparison run dashed,
// the background cached), with a one-sentence summary, a data table, a CSV and a
// readout under the pointer and the keyboard that reads both runs. A new chart of a
// new series is one entry of CHARTS and its strings.
let H = null; // what app.js lends: { api, t, tr, state, view, schedule, download, csvHeader, stepAt, tableYears, focusYear }
const $ = (id) => document.getElementById(id);
export const STORE = "ree.charts.v1";
export const PANELS = ["prices", "capacity", "exports", "stocks", "stockpiles", "recycling", "policy_cost"];
export const ALL = ["availability", "prices", "sourcing", "concentration", "capacity", "exports", "stocks", "stockpiles", "recycling", "policy_cost", "mining"];
export const DEFAULT = ["availability", "prices", "sourcing", "concentration", "mining"];
const STAGES = ["mining", "separation", "metal", "magnets"];
const PRODUCTS = ["concentrate", "oxide", "metal", "magnet"];
// The chart's own choice (a select), with its URL key and default.
const CHOICES = { capacity: ["cap", STAGES, "separation"], exports: ["exp", null, "CN"] };
const opt = { compare: "status-quo", cap: "separation", exp: "CN" };

let members = {}; // element or group id -> its elements
let units = {}; // series name -> unit (from the model's table)
const series = (name, row, col) => (run) => run.series(name, row, col);
const ratio = (a, b, k) => (run) => { const x = a(run), y = b(run); return x.map((v, i) => (y[i] > 0 ? (k * v) / y[i] : NaN)); };

// The charts: title and unit keys of www/strings.js, y scale, lines. A line: label,
// get(run) -> values per step, colour (palette index), draw (false: table and readout only).
const CHARTS = {
  availability: {
    scale: "percent", unit: "share_of_demand_met", title: (st) => H.t("chart.availability", { el: st.element }),
    lines: (st) => st.regions.map((r, k) => ({ label: r, get: series("availability", r, st.element), color: k })),
  },
  concentration: {
    scale: "percent", unit: "largest_share", title: () => H.t("chart.concentration"),
    lines: () => STAGES.map((s, k) => ({ label: H.t(`stage.${s}`), get: series("concentration", s, "top_share"), color: k })),
  },
  prices: {
    unit: "price", title: (st) => H.t("chart.prices", { el: st.element }),
    // Inside and outside the controlling exporter; one line where the market never splits.
    lines: (st) => (members[st.element] || [st.element]).slice(0, 4).flatMap((e, k) => [
      { label: `${e} ${H.t("charts.inside")}`, get: series("price", "world", e), color: [0, 2, 3, 7][k], pair: "in" },
      { label: `${e} ${H.t("charts.outside")}`, get: series("price_outside", "world", e), color: [5, 1, 4, 6][k], pair: "out" },
    ]),
  },
  capacity: {
    unit: (c) => (c.cap === "magnets" ? "t_magnets_per_year" : "t_reo_per_year"),
    title: (st, c) => H.t("chart.capacity", { stage: H.t(`stage.${c.cap}`) }),
    lines: (st, c) => [...st.regions.map((r, k) => ({ label: r, get: series("capacity", c.cap, r), color: k })),
      { label: H.t("charts.world"), get: series("capacity", c.cap, "*"), color: 7 }],
  },
  exports: {
    unit: "exports", title: (st, c) => H.t("chart.exports", { region: c.exp }),
    lines: (st, c) => PRODUCTS.map((p, k) => ({ label: H.t(`product.${p}`), get: series("exports", c.exp, p), color: k })),
  },
  stocks: {
    unit: "t_reo", title: (st) => H.t("chart.stocks", { el: st.element }),
    lines: (st) => {
      const ox = series("oxide_stock", "world", st.element);
      return [
        { label: H.t("stocks.oxide"), get: ox, color: 0 },
        { label: H.t("stocks.concentrate"), get: series("concentrate_stock", "world", st.element), color: 1 },
        // Days of cover: the oxide stock over the world's demand per day.
        { label: H.t("stocks.cover"), get: ratio(ox, series("demand", "*", st.element), 365), draw: false },
      ];
    },
  },
  // Policy stockpiles of the scenario (rows: their holders) in days of the holder's use.
  stockpiles: {
    unit: "days", title: (st) => H.t("chart.stockpiles", { el: st.element }),
    lines: (st, c, run) => run.rows("stockpile").map((h, k) => ({ label: h, get: series("stockpile_days", h, st.element), color: k })),
  },
  recycling: {
    unit: "t_reo_per_year", title: (st) => H.t("chart.recycling", { el: st.element }),
    lines: (st) => [...st.regions.map((r, k) => ({ label: r, get: series("recycled", r, st.element), color: k })),
      { label: H.t("charts.world"), get: series("recycled", "*", st.element), color: 7 }],
  },
  policy_cost: {
    unit: "usd_per_year", title: () => H.t("chart.policyCost"),
    lines: (st) => [...st.regions.map((r, k) => ({ label: r, get: series("policy_cost", r, "all"), color: k })),
      { label: H.t("charts.world"), get: series("policy_cost", "*", "all"), color: 7 }],
  },
};

// ---- the comparison run (A/B) ----
const compareRuns = new Map();
let fellBack = false;
function compareName() {
  if (fellBack) return H.t("charts.noPolicy");
  if (opt.compare === "status-quo") return H.t("statusQuo");
  if (opt.compare === "imported") return H.t("importedOption", { name: H.state.imported?.name || "" });
  const p = H.presets().find((x) => x.id === opt.compare);
  return H.tr(`preset.${opt.compare}.name`, p ? p.name : opt.compare);
}
export { compareName as cmpName };
// The run to compare `run` with, or null for the page's default (the status quo, or the
// same world with no policy where the run is on another period).
export function comparisonFor(run) {
  fellBack = false;
  if (opt.compare === "status-quo") return null;
  let c = compareRuns.get(opt.compare);
  if (!c) {
    try {
      c = H.api.runScenario(opt.compare === "imported" ? H.state.imported : H.api.presetScenario(opt.compare));
    } catch { return null; }
    compareRuns.set(opt.compare, c);
  }
  const a = run.time(), b = c.time();
  if (a[0] !== b[0] || a.length !== b.length) { fellBack = true; return null; }
  return c;
}
export const owns = (run) => [...compareRuns.values()].includes(run);

// ---- drawing ----
const last = {}; // per chart: what was drawn (to skip a redraw when nothing changed)
const hover = {}; // per chart: plotting box and values, for the readout
const layers = {};
let onScreen = new Set();
let observer = null;

// Which charts are shown and near the screen (charts far off screen wait), and each
// one's canvas sized to its box: read for every chart before any is drawn.
const geo = {}, laid = {};
export function measure() {
  for (const p of ALL) {
    const id = `${p}-chart`, el = $(id);
    laid[id] = el.getClientRects().length > 0;
    geo[id] = laid[id] && (!observer || !el.dataset.seen || onScreen.has(id)) ? H.fit(el) : 0;
  }
}
export const visible = (id) => geo[id] > 0;
// Shown, though perhaps off screen: its summary is kept up to date.
export const shown = (id) => laid[id];
export const dpr = (id) => geo[id];

function compute(id, run, base) {
  const def = CHARTS[id];
  const c = opt;
  const lines = def.lines(H.state, c, run).map((l) => {
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

function unitOf(id) {
  const u = CHARTS[id].unit;
  const key = typeof u === "function" ? u(opt) : u;
  return H.tr(`chartLabel.${key}`, units[key] || key);
}

// Draw one chart; returns its plotting box (for app.js's own readout) or null.
export function drawChart(id, run, base, dpr, projector) {
  const canvas = $(`${id}-chart`);
  const def = CHARTS[id];
  const lines = compute(id, run, base);
  const title = def.title(H.state, opt);
  const name = compareName();
  // The legend keeps the comparison's name short (the summary gives it whole).
  const dashed = H.t("charts.dashed", { name: name.length > 18 ? `${name.slice(0, 19).replace(/\s+\S*$/, "")}…` : name });
  const sig = [canvas.width, canvas.height, dpr, projector, title, dashed, ...lines.map((l) => l.label)].join("|");
  const prev = last[id];
  const unchanged = prev && prev.sig === sig && prev.lines.every((l, i) => l.cur.every((v, k) => Object.is(v, lines[i].cur[k]))
    && l.base.every((v, k) => Object.is(v, lines[i].base[k])));
  const time = run.time(), baseTime = base.time();
  if (!unchanged) {
    const drawn = lines.filter((l) => l.draw);
    const values = new Float64Array(drawn.length * (time.length + baseTime.length));
    drawn.forEach((l, k) => { values.set(l.cur, k * (time.length + baseTime.length)); values.set(l.base, k * (time.length + baseTime.length) + time.length); });
    layers[id] ||= document.createElement("canvas");
    const box = H.api.drawLines(canvas, layers[id], [id, title, unitOf(id), dashed, def.scale || "auto"],
      drawn.map((l) => l.label), Uint32Array.from(drawn.map((l) => l.color)), time, baseTime, values, dpr, projector);
    last[id] = { sig, lines, box };
  }
  hover[id] = { box: last[id].box, time, baseTime, lines, title };
  if (!PANELS.includes(id)) return last[id].box;
  if (!unchanged) describe(id);
  return last[id].box;
}

// Draw every chosen chart of this module that is on screen; the others' summaries only.
export function draw(run, base, projector) {
  for (const id of PANELS) {
    if (visible(`${id}-chart`)) drawChart(id, run, base, dpr(`${id}-chart`), projector);
    else if (shown(`${id}-chart`)) {
      hover[id] = { box: null, time: run.time(), baseTime: base.time(), lines: compute(id, run, base), title: CHARTS[id].title(H.state, opt) };
      delete last[id];
      describe(id);
    }
  }
}

// ---- text equivalents ----
function fmt(v) {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  const lang = document.documentElement.lang;
  return a >= 100 || a < 0.005 ? Math.round(v).toLocaleString(lang) : v.toLocaleString(lang, { maximumSignificantDigits: 2 });
}

function describe(id) {
  const h = hover[id];
  const k = H.stepAt(h.time, H.focusYear(h.time));
  const kb = H.stepAt(h.baseTime, h.time[k]);
  const cmp = compareName();
  $(`${id}-summary`).textContent = H.t("charts.summary", {
    title: h.title, year: H.focusYear(h.time), unit: unitOf(id), cmp,
    parts: h.lines.map((l) => `${l.label} ${fmt(l.cur[k])}`).join(", "),
    base: h.lines.map((l) => `${l.label} ${fmt(l.base[kb])}`).join(", "),
  });
  if ($(`${id}-details`).open) table(id);
}

function table(id) {
  const h = hover[id];
  if (!h) return;
  const years = H.tableYears(h.time);
  const cmp = compareName();
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const row = (label, s, time) => `<tr><td>${esc(label)}</td>${years.map((y) => `<td>${fmt(s[H.stepAt(time, y)])}</td>`).join("")}</tr>`;
  $(`${id}-table`).innerHTML = `<table><caption>${esc(unitOf(id))}</caption><thead><tr><th></th>${years.map((y) => `<th>${y}</th>`).join("")}</tr></thead><tbody>${
    h.lines.map((l) => row(l.label, l.cur, h.time) + row(`${l.label}, ${cmp}`, l.base, h.baseTime)).join("")}</tbody></table>`;
}

function csv(id) {
  const h = hover[id];
  if (!h) return;
  const cmp = compareName();
  const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
  const cols = h.lines.flatMap((l) => [[l.label, l.cur, (k) => k], [`${l.label}, ${cmp}`, l.base, (k) => H.stepAt(h.baseTime, h.time[k])]]);
  const rows = [`time,${cols.map(([c]) => q(c)).join(",")}`];
  for (let k = 0; k < h.time.length; k++) rows.push(`${h.time[k]},${cols.map(([, s, at]) => (Number.isFinite(s[at(k)]) ? s[at(k)] : "")).join(",")}`);
  H.download(`${id}.csv`, "text/csv", `${H.csvHeader()}# ${h.title} (${unitOf(id)})\n${rows.join("\n")}\n`);
}

// ---- readout: pointer and keyboard, both runs ----
const step = {};
function readoutAt(id, k) {
  const h = hover[id];
  if (!h?.box) return;
  const canvas = $(`${id}-chart`);
  const fig = $(`${id}-figure`);
  const readout = fig.querySelector(".readout"), guide = fig.querySelector(".guide");
  k = Math.max(0, Math.min(h.time.length - 1, k));
  step[id] = k;
  const kb = H.stepAt(h.baseTime, h.time[k]);
  const tm = h.time[k];
  const cmp = compareName();
  readout.textContent = "";
  const b = document.createElement("b");
  b.textContent = `${Math.floor(tm)} Q${Math.floor((tm % 1) * 4 + 1e-9) + 1}`;
  const note = document.createElement("span");
  note.className = "note";
  note.textContent = H.t("charts.inParens", { cmp });
  readout.append(b, note, document.createElement("br"), ...h.lines.flatMap((l) => [`${l.label} ${fmt(l.cur[k])} (${fmt(l.base[kb])})`, document.createElement("br")]));
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
function listen(id) {
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
  canvas.addEventListener("focus", () => hover[id] && readoutAt(id, step[id] ?? H.stepAt(hover[id].time, H.focusYear(hover[id].time))));
  canvas.addEventListener("keydown", (ev) => {
    const h = hover[id];
    if (!h?.box) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 };
    const perYear = Math.round(1 / Math.max(1e-6, h.time[1] - h.time[0]));
    let k = step[id] ?? H.stepAt(h.time, H.focusYear(h.time));
    if (ev.key in moves) k += moves[ev.key] * (ev.shiftKey ? perYear : 1);
    else if (ev.key === "Home") k = 0;
    else if (ev.key === "End") k = h.time.length - 1;
    else if (ev.key === "Escape") { hide(id); return; }
    else return;
    ev.preventDefault();
    readoutAt(id, k);
  });
}

// ---- the chooser, the figures, the saved choice ----
function save() {
  if (H.view.embed) return;
  try { localStorage.setItem(STORE, JSON.stringify({ panels: H.view.panels, ...opt })); } catch { /* the page says when saving fails */ }
}

// The URL keeps the choice: panels= (a view parameter, kept by app.js) and the options here.
export function url(p) {
  if (H.view.panels.join(",") !== (H.view.embed ? "availability" : DEFAULT.join(","))) p.set("panels", H.view.panels.join(","));
  else p.delete("panels");
  if (opt.compare !== "status-quo") p.set("cmp", opt.compare);
  if (opt.cap !== "separation") p.set("cap", opt.cap);
  if (opt.exp !== "CN") p.set("exp", opt.exp);
}

function figure(id) {
  const f = document.createElement("figure");
  f.id = `${id}-figure`;
  f.className = "has-readout";
  const ch = CHOICES[id];
  const sel = ch ? `<label class="inline-label" for="${id}-choice">${H.t(`charts.choice.${id}`)}</label> <select id="${id}-choice" class="inline"></select>` : "";
  f.innerHTML = `${sel}<canvas id="${id}-chart" class="chart" role="img" tabindex="0" aria-labelledby="${id}-summary" aria-describedby="availability-keys"></canvas>
    <div class="guide" hidden></div><div class="readout" role="status" aria-live="polite" hidden></div>
    <figcaption id="${id}-summary"></figcaption>
    <details id="${id}-details"><summary>${H.t("charts.table")}</summary><div id="${id}-table" class="table-box"></div>
    <button type="button" id="${id}-csv">${H.t("charts.csv")}</button></details>`;
  if (ch) {
    const s = f.querySelector("select");
    const values = ch[1] || H.api.regionList().map((r) => r.id);
    s.innerHTML = values.map((v) => `<option value="${v}">${ch[1] ? H.t(`stage.${v}`) : H.tr(`region.${v}`, v)}</option>`).join("");
    s.value = opt[ch[0]];
    s.addEventListener("change", () => { opt[ch[0]] = s.value; changed(); });
  }
  f.querySelector("details").addEventListener("toggle", () => table(id));
  f.querySelector(`#${id}-csv`).addEventListener("click", () => csv(id));
  return f;
}

function changed() {
  save();
  H.writeUrl();
  H.rerun();
}

// Lead: the first chosen chart; the others in the chosen order; the rest hidden.
export function place() {
  const lead = document.querySelector(".lead"), rest = document.querySelector(".rest");
  const panels = H.view.panels;
  const figs = ALL.map((p) => $(`${p}-figure`));
  lead.prepend($(`${panels[0]}-figure`));
  for (const p of panels.slice(1)) rest.append($(`${p}-figure`));
  for (const f of figs) if (!panels.includes(f.id.replace("-figure", ""))) rest.append(f);
  for (const p of ALL) $(`${p}-figure`).classList.toggle("hidden-panel", !panels.includes(p));
  // The element and region options serve every chart: they follow the lead.
  const opts = $("chart-options");
  if (!H.view.embed) {
    if (panels[0] === "availability") $("availability-summary").after(opts);
    else $(`${panels[0]}-summary`).after(opts);
  }
  rest.classList.toggle("hidden-panel", panels.length < 2);
  for (const box of document.querySelectorAll("#chart-choice input")) box.checked = panels.includes(box.value);
}

// Before app.js applies the view: the figures, the chooser, the saved or linked choice.
export function setup(hooks, params) {
  H = hooks;
  for (const c of H.api.elementChoices()) members[c.id] = c.members;
  const u = H.api.seriesUnits();
  for (let i = 0; i < u.length; i += 2) units[u[i]] = u[i + 1];
  Object.assign(units, { t_reo_per_year: "t REO per year", t_magnets_per_year: "t magnets per year", t_reo: "t REO", share_of_demand_met: "share of demand met", largest_share: "largest region's share", days: "days of use", usd_per_year: "USD per year" });
  const saved = (() => { try { return H.view.embed ? {} : JSON.parse(localStorage.getItem(STORE)) || {}; } catch { return {}; } })();
  const presets = H.presets().map((p) => p.id);
  const regions = H.api.regionList().map((r) => r.id);
  const ok = { compare: (v) => presets.includes(v) || (v === "imported" && H.state.imported), cap: (v) => STAGES.includes(v), exp: (v) => regions.includes(v) };
  for (const [k, key] of [["compare", "cmp"], ["cap", "cap"], ["exp", "exp"]]) {
    if (ok[k](saved[k])) opt[k] = saved[k];
    const v = params.get(key);
    if (v === null) continue;
    if (ok[k](v)) opt[k] = v;
    else H.warn(H.t("charts.badValue", { key, value: v.slice(0, 20) }));
  }
  if (!params.has("panels") && !H.view.embed && Array.isArray(saved.panels)) {
    const p = saved.panels.filter((x) => ALL.includes(x));
    if (p.length) H.view.panels = p;
  }
  const rest = document.querySelector(".rest");
  for (const id of PANELS) rest.insertBefore(figure(id), $("mining-figure"));
  for (const id of PANELS) listen(id);
  // The chooser: a chip per chart, and the comparison run.
  const box = $("chart-choice");
  box.querySelector(".chips").innerHTML = ALL.map((p) => `<label><input type="checkbox" value="${p}">${H.t(`panel.${p}`)}</label>`).join("");
  box.addEventListener("change", (e) => {
    if (e.target.id === "compare") { opt.compare = e.target.value; changed(); return; }
    const chosen = [...box.querySelectorAll(".chips input:checked")].map((b) => b.value);
    if (!chosen.length) { e.target.checked = true; return; }
    // Keep the reader's order; a newly ticked chart goes last.
    H.view.panels = [...H.view.panels.filter((p) => chosen.includes(p)), ...chosen.filter((p) => !H.view.panels.includes(p))];
    place();
    changed();
  });
  compareOptions();
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver((entries) => {
      let again = false;
      for (const e of entries) {
        e.target.dataset.seen = "1";
        if (e.isIntersecting) { again ||= !onScreen.has(e.target.id); onScreen.add(e.target.id); } else onScreen.delete(e.target.id);
      }
      if (again) H.schedule();
    }, { rootMargin: "200px" });
    for (const p of ALL) observer.observe($(`${p}-chart`));
  }
}

// The comparison's choices: every preset, and the imported scenario if there is one.
export function compareOptions() {
  const sel = $("compare");
  sel.innerHTML = H.presets().map((p) => `<option value="${p.id}">${H.tr(`preset.${p.id}.name`, p.name)}</option>`).join("");
  if (H.state.imported) sel.append(new Option(H.t("importedOption", { name: H.state.imported.name || "" }), "imported"));
  if (opt.compare === "imported" && !H.state.imported) opt.compare = "status-quo";
  compareRuns.delete("imported"); // a new import: run it again (the old run may still be drawn)
  sel.value = opt.compare;
}
