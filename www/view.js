// How the page is shown (classroom and embedding parameters), not what the model runs:
// embed, projector, lock, reset (0 or 1), panels (which charts, the first leads), levers
// (the inputs an embedded page shows), lang. Read once at start; a bad value falls back
// with a note.
import { $, view, ALL as PANELS } from "./state.js";
import { t, setLang, languages } from "./i18n.js";

export function readViewParams(params, specs, warnings) {
  // The language first, so that the notes below are in it.
  const lang = params.get("lang");
  if (lang !== null) {
    if (languages().includes(lang)) setLang(lang);
    else warnings.push(t("lang.unknown", { lang: lang.slice(0, 8), list: languages().join(", ") }));
  }
  const flag = (name) => {
    const v = params.get(name);
    if (v === null || v === "0") return false;
    if (v === "1") return true;
    warnings.push(t("warn.flag", { name, value: v.slice(0, 12) }));
    return false;
  };
  for (const k of ["embed", "projector", "lock", "reset"]) view[k] = flag(k);
  if (view.embed) view.panels = ["availability"];
  const panels = params.get("panels");
  if (panels !== null) {
    const list = [...new Set(panels.split(","))];
    const bad = list.filter((x) => !PANELS.includes(x));
    const good = list.filter((x) => PANELS.includes(x));
    if (bad.length) {
      warnings.push(t("warn.panels", { bad: bad.join(",").slice(0, 40), known: PANELS.join(", "), shown: (good.length ? good : view.panels).join(", ") }));
    }
    if (good.length) view.panels = good;
  }
  const levers = params.get("levers");
  const ids = specs.map((x) => x.id);
  if (levers !== null) {
    const list = levers.split(",").filter((x) => x !== "");
    const bad = list.filter((x) => !ids.includes(x));
    if (bad.length) warnings.push(t("warn.levers", { bad: bad.join(",").slice(0, 40), known: ids.join(", ") }));
    view.levers = list.filter((x) => ids.includes(x));
  } else if (view.embed) {
    // Embedded without a list: the inputs the link sets, else every lever.
    const named = ids.filter((id) => params.has(id));
    view.levers = named.length ? named : specs.filter((x) => x.kind === "lever").map((x) => x.id);
  }
}

// Apply the view: classes, which charts are shown and which leads, locked controls.
export function applyView() {
  document.body.classList.toggle("embed", view.embed);
  document.body.classList.toggle("projector", view.projector);
  const lead = document.querySelector(".lead");
  const rest = document.querySelector(".rest");
  const first = $(`${view.panels[0]}-figure`);
  if (first.parentElement !== lead) {
    // Another chart leads: swap it with the availability figure.
    const avail = $("availability-figure");
    rest.insertBefore(avail, first);
    lead.prepend(first);
  }
  // Embedded, the levers come right after the chart; the chart's options after them.
  if (view.embed) document.querySelector(".controls").append($("chart-options"));
  for (const p of PANELS) $(`${p}-figure`).classList.toggle("hidden-panel", !view.panels.includes(p));
  $("chart-options").classList.toggle("hidden-panel", !view.panels.some((p) => p !== "mining"));
  rest.classList.toggle("hidden-panel", ![...rest.querySelectorAll("figure")].some((f) => !f.classList.contains("hidden-panel")));
  if (view.lock) {
    $("locked-note").hidden = false;
    for (const el of document.querySelectorAll(".controls select, .controls input, #chart-options select, #chart-options input, #source-region, #import-json")) el.disabled = true;
    document.querySelector("label[for=import-json]").classList.add("hidden-panel");
  }
}
