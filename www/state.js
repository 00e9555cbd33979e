// The page's shared state, in one place: what the model runs (`S.state`: preset, inputs,
// element, regions, source region, an imported scenario, edited blocs and policies), the
// runs being drawn, and how the page is shown (`view`). Other modules read and write
// these objects; nothing else is shared between them. A leaf: it imports nothing.
export const $ = (id) => document.getElementById(id);

export const STORAGE_KEY = "ree.state.v1";
// Set while a saved imported scenario is being checked and first run; still set at the
// next load means that load never finished (a freeze, a crash): the scenario is set
// aside under ASIDE_KEY instead of being run again.
export const LOADING_KEY = "ree.loading.v1";
export const ASIDE_KEY = "ree.aside.v1";
export const CHARTS_KEY = "ree.charts.v1";
// The view parameters a link keeps (they say how the page is shown, not what it runs).
export const VIEW_KEYS = ["embed", "projector", "lock", "panels", "levers", "lang"];
// The model refuses scenarios above 256 KB (src/scenario.rs limits); files above it
// are refused before they are read, saved state above this is set aside unread.
export const MAX_SCENARIO_BYTES = 256 * 1024;
export const MAX_SAVED_CHARS = 2 * MAX_SCENARIO_BYTES;
export const BASELINE_PRESET = "status-quo";
export const IMPORTED = "imported"; // the preset id of a scenario imported from a file
export const DEFAULT_STATE = { preset: "status-quo", inputs: {}, element: "Dy", regions: ["CN", "JP", "US", "EU"], sourceRegion: "JP" };

// The charts: those drawn by the generic line chart (www/chart-defs.js), every chart in
// its default order, and those shown by default.
export const PANELS = ["prices", "capacity", "exports", "stocks", "stockpiles", "recycling", "supply_risk", "policy_cost"];
export const ALL = ["availability", "prices", "sourcing", "concentration", "capacity", "exports", "stocks", "stockpiles", "recycling", "supply_risk", "policy_cost", "mining"];
export const DEFAULT = ["availability", "prices", "sourcing", "concentration", "mining"];

export const S = {
  state: {},
  currentRun: null,
  baselineRun: null, // the comparison run drawn dashed
  statusQuoRun: null,
  presetScenario: null,
  inputSpec: [], // the page's inputs for the current scenario (src/inputs.rs)
  presets: [],
  lastError: null, // the model's last refusal
  editor: null,
};

// How the page is shown (classroom and embedding parameters), not what the model runs.
export const view = { embed: false, projector: false, lock: false, reset: false, panels: [...DEFAULT], levers: null };

// Problems met before the page could show them (storage, saved state, the link).
export const startupNotes = [];
