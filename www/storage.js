// Saved settings in the browser. localStorage may be missing, full or refused (private
// mode, file://, policies): every access is guarded, a refusal is said once with an
// export, and an oversized or unreadable saved state is set aside, never run.
import { S, view, startupNotes, STORAGE_KEY, ASIDE_KEY, LOADING_KEY, CHARTS_KEY, MAX_SAVED_CHARS, VIEW_KEYS } from "./state.js";
import { t } from "./i18n.js";
import { notice, clearNotice } from "./notices.js";
import { writeUrl } from "./url.js";
import { exportScenario } from "./files.js";

export function storageGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
export function storageSet(key, value) {
  try { localStorage.setItem(key, value); return true; } catch { return false; }
}
export function storageRemove(key) {
  try { localStorage.removeItem(key); } catch { /* nothing to remove */ }
}
export function forgetSaved() {
  for (const key of [STORAGE_KEY, ASIDE_KEY, LOADING_KEY, CHARTS_KEY]) storageRemove(key);
}

export function loadState() {
  const text = storageGet(STORAGE_KEY);
  if (text === null) return {};
  if (text.length > MAX_SAVED_CHARS) {
    // Never parse or run an oversized saved state: set it aside and start safely.
    storageSet(ASIDE_KEY, text);
    storageRemove(STORAGE_KEY);
    startupNotes.push(t("note.savedTooLarge", { kb: Math.ceil(text.length / 1024) }));
    return {};
  }
  try {
    const saved = JSON.parse(text);
    return saved && typeof saved === "object" && !Array.isArray(saved) ? saved : {};
  } catch {
    startupNotes.push(t("note.savedUnreadable"));
    return {};
  }
}

// The part of the state a link can set (to tell whether a link changed saved work).
export function comparable(st) {
  return [st.preset, st.inputs, st.element, st.regions, st.sourceRegion, st.edits || null];
}

// Saving (storage and URL: replaceState alone took 8 ms a call in headless Chromium)
// waits for a 200 ms pause, so that a dragged slider is not held up; settled() and
// leaving the page write at once.
let saveRefused = false;
let saveTimer = 0;
export function saveState() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flushSave, 200);
}
// A pending save dropped (the page is about to reload with other settings).
export function cancelSave() {
  clearTimeout(saveTimer);
  saveTimer = 0;
}
addEventListener("pagehide", () => flushSave());

export function flushSave() {
  if (!saveTimer) return;
  cancelSave();
  // An embedded page is defined by its link: it neither reads nor writes saved settings
  // (an article must not overwrite what a reader saved on the page itself).
  if (view.embed) { writeUrl(); return; }
  if (storageSet(STORAGE_KEY, JSON.stringify(S.state))) {
    if (saveRefused) { saveRefused = false; clearNotice("save"); }
  } else if (!saveRefused) {
    saveRefused = true;
    notice("save", t("notice.saveRefused"), [{ label: t("notice.export"), run: exportScenario }]);
  }
  writeUrl();
}

// Forget everything saved in this browser and start again from the defaults (the
// view parameters of the link stay).
export function resetSaved() {
  cancelSave();
  forgetSaved();
  const keep = new URLSearchParams();
  const now = new URLSearchParams(location.search);
  for (const k of VIEW_KEYS) if (now.has(k)) keep.set(k, now.get(k));
  location.href = `${location.pathname}${[...keep].length ? `?${keep}` : ""}`;
}
