// The line charts a reader chooses (issue 8), each one generic definition: title and
// unit keys of www/strings.js, y scale, and lines, each a label, a colour (palette
// index) and get(run) -> values per step: a series by row and column, or a number
// computed from series such as days of cover (draw: false: table and readout only);
// band: the Monte Carlo band it has when bands are asked for ([name, row, element] of
// the model's MonteCarlo.band: availability by region, the world price).
// A new chart of a new series is one entry of CHARTS and its strings.
import { t, tr } from "./i18n.js";

export const STAGES = ["mining", "separation", "metal", "magnets"];
const PRODUCTS = ["concentrate", "oxide", "metal", "magnet"];
// The chart's own choice (a select), with its URL key and its values (null: regions).
export const CHOICES = { capacity: ["cap", STAGES, "separation"], exports: ["exp", null, "CN"] };
// The reader's choices: the comparison run and the charts' own options.
export const opt = { compare: "status-quo", cap: "separation", exp: "CN" };
// Per chart: what was drawn (to skip a redraw when nothing changed), and the plotting
// box and values the text equivalents and the readout read.
export const last = {};
export const hover = {};

const members = {}; // element or group id -> its elements
const units = {}; // series name -> unit (from the model's table)
// The model's names: the elements of each group, the units of its series.
export function loadNames(api) {
  for (const c of api.elementChoices()) members[c.id] = c.members;
  const u = api.seriesUnits();
  for (let i = 0; i < u.length; i += 2) units[u[i]] = u[i + 1];
  Object.assign(units, { t_reo_per_year: "t REO per year", t_magnets_per_year: "t magnets per year", t_reo: "t REO", share_of_demand_met: "share of demand met", largest_share: "largest region's share", days: "days of use", usd_per_year: "USD per year" });
}

const series = (name, row, col) => (run) => run.series(name, row, col);
const ratio = (a, b, k) => (run) => { const x = a(run), y = b(run); return x.map((v, i) => (y[i] > 0 ? (k * v) / y[i] : NaN)); };

export const CHARTS = {
  availability: {
    scale: "percent", unit: "share_of_demand_met", title: (st) => t("chart.availability", { el: st.element }),
    lines: (st) => st.regions.map((r, k) => ({ label: r, get: series("availability", r, st.element), color: k, band: ["availability", r, st.element] })),
  },
  concentration: {
    scale: "percent", unit: "largest_share", title: () => t("chart.concentration"),
    lines: () => STAGES.map((s, k) => ({ label: t(`stage.${s}`), get: series("concentration", s, "top_share"), color: k })),
  },
  prices: {
    unit: "price", title: (st) => t("chart.prices", { el: st.element }),
    // Inside and outside the controlling exporter; one line where the market never splits.
    lines: (st) => (members[st.element] || [st.element]).slice(0, 4).flatMap((e, k) => [
      { label: `${e} ${t("charts.inside")}`, get: series("price", "world", e), color: [0, 2, 3, 7][k], pair: "in", band: ["price", "world", e] },
      { label: `${e} ${t("charts.outside")}`, get: series("price_outside", "world", e), color: [5, 1, 4, 6][k], pair: "out" },
    ]),
  },
  capacity: {
    unit: (c) => (c.cap === "magnets" ? "t_magnets_per_year" : "t_reo_per_year"),
    title: (st, c) => t("chart.capacity", { stage: t(`stage.${c.cap}`) }),
    lines: (st, c) => [...st.regions.map((r, k) => ({ label: r, get: series("capacity", c.cap, r), color: k })),
      { label: t("charts.world"), get: series("capacity", c.cap, "*"), color: 7 }],
  },
  exports: {
    unit: "exports", title: (st, c) => t("chart.exports", { region: c.exp }),
    lines: (st, c) => PRODUCTS.map((p, k) => ({ label: t(`product.${p}`), get: series("exports", c.exp, p), color: k })),
  },
  stocks: {
    unit: "t_reo", title: (st) => t("chart.stocks", { el: st.element }),
    lines: (st) => {
      const ox = series("oxide_stock", "world", st.element);
      return [
        { label: t("stocks.oxide"), get: ox, color: 0 },
        { label: t("stocks.concentrate"), get: series("concentrate_stock", "world", st.element), color: 1 },
        // Buyers' working inventories (model/inventories.rs), every region's together.
        { label: t("stocks.buyers"), get: series("buyer_stock", "*", st.element), color: 2 },
        // Days of cover: the oxide stock over the world's demand per day.
        { label: t("stocks.cover"), get: ratio(ox, series("demand", "*", st.element), 365), draw: false },
      ];
    },
  },
  // Policy stockpiles of the scenario (rows: their holders) in days of the holder's use.
  stockpiles: {
    unit: "days", title: (st) => t("chart.stockpiles", { el: st.element }),
    lines: (st, c, run) => run.rows("stockpile").map((h, k) => ({ label: h, get: series("stockpile_days", h, st.element), color: k })),
  },
  recycling: {
    unit: "t_reo_per_year", title: (st) => t("chart.recycling", { el: st.element }),
    lines: (st) => [...st.regions.map((r, k) => ({ label: r, get: series("recycled", r, st.element), color: k })),
      { label: t("charts.world"), get: series("recycled", "*", st.element), color: 7 }],
  },
  // The model's supply-risk index (0..1) of each shown region's supply of the element.
  supply_risk: {
    scale: "linear", unit: "supply_risk", title: (st) => t("chart.supplyRisk", { el: st.element }),
    lines: (st) => st.regions.map((r, k) => ({ label: r, get: series("supply_risk", r, st.element), color: k })),
  },
  policy_cost: {
    unit: "usd_per_year", title: () => t("chart.policyCost"),
    lines: (st) => [...st.regions.map((r, k) => ({ label: r, get: series("policy_cost", r, "all"), color: k })),
      { label: t("charts.world"), get: series("policy_cost", "*", "all"), color: 7 }],
  },
};

// The unit of a chart's y axis, in the reader's language.
export function unitKey(id) {
  const u = CHARTS[id].unit;
  return typeof u === "function" ? u(opt) : u;
}
export function unitOf(id) {
  const key = unitKey(id);
  return tr(`chartLabel.${key}`, units[key] || key);
}
