// Interface language (lang=): messages come from www/strings.js through t(); the static
// text of index.html is English, and elements marked data-i18n are translated in place.
import { STRINGS } from "./strings.js";

export let LANG = "en";
export function setLang(lang) { LANG = lang; }
export const languages = () => Object.keys(STRINGS);

export function t(key, vars = {}) {
  const text = STRINGS[LANG]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}
// A translated name from the strings (region, element, preset…), else the given one.
export function tr(key, fallback) {
  return STRINGS[LANG]?.[key] ?? fallback;
}
// A field path of the model's messages in words: "export_controls[0].measure.approval_share"
// reads "Export control 1, measure, approval share" (names from www/strings.js `f.<name>`).
export function fieldWords(path) {
  const words = path.split(".").map((part) => {
    const m = /^(\w+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return part;
    // A list's item reads in the singular (`f.`: "alliance 2"), the list itself in the
    // plural (`fs.`; in English its own name).
    const raw = m[1].replace(/_/g, " ");
    const plural = !m[2] && `f.${m[1]}` in STRINGS.en;
    const name = plural ? tr(`fs.${m[1]}`, raw) : tr(`f.${m[1]}`, raw);
    return [name, ...[...m[2].matchAll(/\d+/g)].map((d) => Number(d[0]) + 1)].join(" ");
  }).join(", ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A refusal from the model in the reader's language. The model's errors carry
// `problems: [{path, code, params, reason}]` (src/wasm.rs): each is said with its field
// in words and the path, and its reason from `err.<code>` (English: the model's text).
export function errorText(err) {
  const problems = err && Array.isArray(err.problems) ? err.problems : null;
  if (!problems) return String((err && err.message) || err);
  return problems.map((p) => {
    const key = `err.${p.code}`;
    const vars = { ...p.params };
    if ("unit" in vars) vars.unit = t(`unit.${vars.unit}`);
    const reason = LANG !== "en" && p.code && STRINGS[LANG][key] ? t(key, vars) : p.reason;
    return p.path ? `${fieldWords(p.path)} (${p.path}): ${reason}` : reason;
  }).join("\n");
}

// The static page in the chosen language, and the words the model draws in its charts
// (sent through setChartLabels).
export function applyLanguage(api) {
  document.documentElement.lang = LANG;
  if (LANG === "en") return;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const text = STRINGS[LANG][el.dataset.i18n];
    if (text !== undefined) el.textContent = text;
  }
  for (const el of document.querySelectorAll("[data-i18n-aria]")) {
    const text = STRINGS[LANG][el.dataset.i18nAria];
    if (text !== undefined) el.setAttribute("aria-label", text);
  }
  document.title = `${t("title")}`;
  const labels = {};
  for (const [key, text] of Object.entries(STRINGS[LANG])) {
    if (key.startsWith("chartLabel.")) labels[key.slice(11)] = text;
  }
  // The mining chart's bars are labelled by the regions' short English names.
  for (const r of api.regionList()) labels[r.name.split(" (")[0]] = tr(`region.${r.id}`, r.name).split(" (")[0];
  api.setChartLabels(labels);
}
