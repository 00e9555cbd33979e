// The page shell: feeds settings to the model (wasm) and draws what it returns. Plain ES
// modules, no framework; this one starts the page (ARCHITECTURE.md has the map of the
// others). The one-file build (tools/bundle.mjs) bundles them with esbuild.
import { $, S, view, startupNotes, ALL, STORAGE_KEY, LOADING_KEY, ASIDE_KEY, DEFAULT_STATE, IMPORTED, BASELINE_PRESET } from "./state.js";
import { api, startModel } from "./wasm.js";
import { t, tr, LANG, errorText, applyLanguage } from "./i18n.js";
import { showFatal, setStatus, notice, clearNotice } from "./notices.js";
import { storageGet, storageSet, storageRemove, forgetSaved, loadState, comparable, saveState, cancelSave, resetSaved } from "./storage.js";
import { readViewParams, applyView } from "./view.js";
import { readUrl, sanitizeState } from "./url.js";
import { syncControls, selectPreset } from "./controls.js";
import { schedule, settled, drawn, startEditor } from "./run.js";
import * as choice from "./chart-choice.js";
import { setupWhy } from "./why.js";
import { listenReadout } from "./readout.js";
import { download, listenFiles } from "./files.js";
import { listenEmbed, reportHeight } from "./embed.js";
import { setupBands } from "./bands.js";

// A panic inside wasm lands here (see src/wasm.rs): show it, offer to recover.
globalThis.reePanic = (message) => showFatal(message);
window.addEventListener("error", (e) => showFatal(e.message || String(e)));
window.addEventListener("unhandledrejection", (e) => showFatal(e.reason && e.reason.message ? e.reason.message : String(e.reason)));

function buildControls() {
  S.presets = api.presetList();
  $("preset").innerHTML = S.presets.map((p) => `<option value="${p.id}">${tr(`preset.${p.id}.name`, p.name)}</option>`).join("");
  $("element").innerHTML = api.elementChoices()
    .map((c) => `<option value="${c.id}">${LANG === "en" ? c.label : `${c.id}: ${tr(`element.${c.id}`, c.label)}`}</option>`).join("");
  const regions = api.regionList();
  setupWhy(regions);
  $("source-region").innerHTML = regions.map((r) => `<option value="${r.id}">${tr(`region.${r.id}`, r.name)}</option>`).join("");
  $("source-region").addEventListener("change", (e) => { S.state.sourceRegion = e.target.value; saveState(); schedule(); });
  $("regions").innerHTML = regions
    .map((r) => `<label title="${tr(`region.${r.id}`, r.name)}"><input type="checkbox" value="${r.id}">${r.id}</label>`).join("");

  $("preset").addEventListener("change", (e) => selectPreset(e.target.value));
  $("element").addEventListener("change", (e) => { S.state.element = e.target.value; saveState(); schedule(); });
  $("regions").addEventListener("change", () => {
    const chosen = [...document.querySelectorAll("#regions input:checked")].map((b) => b.value);
    if (chosen.length === 0) { syncControls(); setStatus(t("status.oneRegion"), true); return; }
    S.state.regions = chosen.slice(0, 8);
    saveState(); syncControls(); schedule();
  });
  listenFiles();
  $("recover").addEventListener("click", () => location.reload());
  const resized = new ResizeObserver(schedule);
  for (const p of ALL) resized.observe($(`${p}-chart`));
  listenReadout();
  $("reset-saved").addEventListener("click", () => notice("reset", t("notice.resetAsk"), [
    { label: t("notice.resetDo"), run: resetSaved },
  ]));
  listenEmbed();
  setupBands();

  const esc = (t) => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  $("source-list").innerHTML = api.sourceList().map((s) => `<dt>${esc(s.key)}</dt><dd>${esc(s.text)}</dd>`).join("");

  // Text equivalent of the mining chart.
  const bars = api.baseYearMining();
  $("mining-table").innerHTML = `<table><thead><tr><th>${t("table.country")}</th><th>${t("table.miningHead")}</th></tr></thead><tbody>${
    bars.map((b) => `<tr><td>${tr(`region.${(regions.find((r) => r.name.startsWith(b.label)) || {}).id}`, b.label)}</td><td>${Math.round(b.value).toLocaleString("en")}</td></tr>`).join("")}</tbody></table>`;
}

// A saved imported scenario whose last load never finished is set aside, not run again.
function setAside() {
  const aside = JSON.stringify(S.state.imported);
  storageSet(ASIDE_KEY, aside);
  delete S.state.imported;
  if (S.state.preset === IMPORTED) S.state.preset = DEFAULT_STATE.preset;
  storageRemove(LOADING_KEY);
  notice("aside", t("notice.aside"), [
    { label: t("notice.download"), run: () => download("set-aside-scenario.json", "application/json", aside) },
    { label: t("notice.tryAgain"), run: () => {
      const kept = storageGet(ASIDE_KEY);
      if (kept === null) return;
      cancelSave();
      storageSet(STORAGE_KEY, JSON.stringify({ ...S.state, imported: JSON.parse(kept), preset: IMPORTED }));
      location.reload();
    } },
  ]);
}

async function main() {
  const params = new URLSearchParams(location.search);
  const warnings = [];
  // The view parameters are checked against the input ids compiled into the page, so
  // they need the module; the classes that change the layout come first.
  if (params.get("embed") === "1") document.body.classList.add("embed");
  if (params.get("projector") === "1") document.body.classList.add("projector");
  await startModel();
  globalThis.ree = { wasm: api, settled, drawn, view, get run() { return S.currentRun; }, get state() { return S.state; } };
  const allSpecs = api.inputSpec({});
  readViewParams(params, allSpecs, warnings);
  applyLanguage(api);
  if (view.reset) {
    forgetSaved();
    notice("reset", t("notice.resetDone"));
  }
  S.state = view.embed ? {} : loadState();
  choice.setup(params, (w) => warnings.push(w));
  applyView();
  choice.place();
  if (view.embed) reportHeight();
  if (location.protocol === "file:") $("embed-open").hidden = true;
  buildControls();
  const presetIds = S.presets.map((p) => p.id);
  const regionIds = api.regionList().map((r) => r.id);
  const elementIds = api.elementChoices().map((c) => c.id);
  S.state = sanitizeState(S.state, presetIds, regionIds, elementIds, allSpecs);
  for (const text of startupNotes) notice("startup", text);
  // The last load stopped while this scenario was checked or run: do not run it again.
  if (S.state.imported && storageGet(LOADING_KEY) !== null) setAside();
  if (S.state.imported) {
    storageSet(LOADING_KEY, String(Date.now()));
    try { S.state.imported = api.checkScenario(S.state.imported); } catch (e) {
      warnings.push(t("warn.importedInvalid", { error: errorText(e) }));
      delete S.state.imported;
      if (S.state.preset === IMPORTED) S.state.preset = DEFAULT_STATE.preset;
    }
  }
  const savedBefore = !view.embed && storageGet(STORAGE_KEY) !== null ? JSON.stringify(comparable(S.state)) : null;
  const kept = structuredClone(S.state);
  readUrl(params, presetIds, regionIds, elementIds, allSpecs, warnings);
  if (savedBefore !== null && savedBefore !== JSON.stringify(comparable(S.state))
      && savedBefore !== JSON.stringify(comparable(DEFAULT_STATE))) {
    // A shared link replaced settings this browser had saved: offer them back.
    notice("link", t("notice.linkReplaced"), [
      { label: t("notice.keepMine"), run: () => { clearNotice("link"); S.state = kept; selectPreset(S.state.preset, true); } },
      { label: t("notice.useLink"), run: () => clearNotice("link") },
    ]);
  }
  if (S.state.edits) {
    // Blocs and policies from the link or saved here: checked once before they run.
    try {
      api.checkScenario({ ...(S.state.preset === IMPORTED ? S.state.imported : api.presetScenario(S.state.preset)), ...S.state.edits });
    } catch (e) {
      warnings.push(t("warn.edits", { error: errorText(e) }));
      delete S.state.edits;
    }
  }
  S.statusQuoRun = api.runScenario(api.presetScenario(BASELINE_PRESET));
  S.baselineRun = S.statusQuoRun;
  selectPreset(S.state.preset, true);
  startEditor();
  if (warnings.length) notice("link-values", warnings.join("\n"));
  if (view.lock) applyView();
  await settled();
  storageRemove(LOADING_KEY);
}

main().catch((e) => showFatal(t("fatal.start", { error: e.message || e })));
