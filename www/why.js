// "Why?": rank the inputs by how much they move the chosen line, only while the panel
// is open: twelve model runs, one at a time in idle moments once input pauses (never
// holding up a frame), dropped and started again when the scenario changes.
import { $, S } from "./state.js";
import { api } from "./wasm.js";
import { t, tr, errorText } from "./i18n.js";
import { focusYear } from "./describe.js";
import { currentScenario } from "./run.js";

export const idle = globalThis.requestIdleCallback || ((f) => setTimeout(() => f({ timeRemaining: () => 20 }), 1));

// The years the panel offers: within the run (the 2010 replay: 2010-2019), keeping the
// chosen one where it still fits, else the summaries' year.
export function whyYears() {
  const run = S.currentRun;
  const tm = run ? run.time() : [2024, 2049.75];
  const first = Math.ceil(tm[0]), last = Math.floor(tm[tm.length - 1]);
  const years = (first < 2024 ? [2010, 2011, 2012, 2013, 2015, 2019] : [2026, 2028, 2030, 2035, 2040, 2045])
    .filter((y) => y >= first && y <= last);
  const key = years.join(",");
  const sel = $("why-year");
  if (sel.dataset.years === key) return;
  const keep = Number(sel.value);
  sel.innerHTML = years.map((y) => `<option>${y}</option>`).join("");
  sel.dataset.years = key;
  sel.value = String(years.includes(keep) ? keep : (run ? focusYear(tm) : 2030));
}

let explainer = null, later = 0;
// The runs start once the scenario has not changed for 300 ms: while a slider moves,
// a run already under way (about 10 ms) would hold up the next key press's frame.
export function explainLine() {
  explainer?.free();
  explainer = null;
  clearTimeout(later);
  if (!$("why").open || !S.currentRun) return;
  whyYears();
  const region = $("why-region").value || S.state.regions[0];
  const year = Number($("why-year").value || 2030);
  $("why-target").textContent = t("why.target", { region, el: S.state.element, year });
  later = setTimeout(() => explain(region, year), 300);
}

function explain(region, year) {
  const list = $("why-list");
  try {
    explainer = new api.Explainer(currentScenario(), region, S.state.element, year);
  } catch (e) {
    list.textContent = errorText(e);
    return;
  }
  list.setAttribute("aria-busy", "true");
  if (!list.children.length) list.textContent = t("why.working");
  const mine = explainer;
  const work = (deadline) => {
    if (explainer !== mine) return;
    let more;
    try {
      do more = mine.step(); while (more && deadline.timeRemaining() > 10);
    } catch (e) {
      list.textContent = String(e.message || e);
      return;
    }
    if (more) { idle(work); return; }
    const result = mine.result();
    mine.free();
    explainer = null;
    showExplanation(result);
  };
  idle(work);
}

function showExplanation(result) {
  const pct = (x) => `${Math.round(x * 100)}%`;
  const list = $("why-list");
  list.innerHTML = "";
  list.removeAttribute("aria-busy");
  for (const e of result.effects) {
    const li = document.createElement("li");
    const fmt = (v) => `${Number(v).toFixed(e.unit === "×" || e.unit === "elasticity" ? 2 : 0)} ${t(`unit.${e.unit}`)}`;
    li.textContent = `${tr(`input.${e.id}.label`, e.label)}: ${fmt(e.value_low)} → ${pct(e.result_low)}, ${fmt(e.value_high)} → ${pct(e.result_high)}`
      + ` (${t("why.now")} ${fmt(e.value)} → ${pct(result.base)}).`;
    list.append(li);
  }
}

// The panel's region and year choices.
export function setupWhy(regions) {
  $("why-region").innerHTML = regions.map((r) => `<option value="${r.id}">${r.id}</option>`).join("");
  $("why-region").value = "JP";
  whyYears();
  for (const id of ["why-region", "why-year"]) $(id).addEventListener("change", explainLine);
  $("why").addEventListener("toggle", explainLine);
}
