// The alliance and policy editor. Blocs (the scenario's alliances) are groups of
// countries; every other list of objects in the scenario (export controls, tariffs,
// shocks, and whatever the scenario format gains) is a form generated from its JSON
// Schema (www/schema.js, from `ree schema`), so a new field needs no hand-written form.
// The editor keeps a draft; each change is offered to the page (host.commit), which runs
// the model on it and keeps it only if the model accepts it; refused, the draft stays as
// typed and each field the model names is marked with the reason.
import { SCHEMA } from "./schema.js";

// src/scenario.rs limits, said before the model would refuse them.
const MAX_BLOCS = 64;
const MAX_ITEMS = 256;
const MAX_NAME = 200;
// Lists shown, the blocs first; any other list of objects in the schema follows.
const ORDER = ["alliances", "export_controls", "tariffs", "shocks"];
export const SECTIONS = Object.entries(SCHEMA.properties)
  .filter(([, p]) => p.type === "array" && p.items && p.items.$ref)
  .map(([k]) => k)
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
// Top-level settings that are objects of their own (a switch with its parameters, such
// as retaliation), shown after the lists; the assumptions have their sliders.
export const SETTINGS = Object.entries(SCHEMA.properties)
  .filter(([k, p]) => k !== "assumptions" && !p.type && p.$ref && SCHEMA.$defs[p.$ref.split("/").pop()].properties)
  .map(([k]) => k);
// Fields in this order first, the rest as the schema lists them.
const FIRST = ["exporter", "importer", "region", "stage", "products", "elements", "measure", "type", "approval_share",
  "delay_days", "tonnes_per_year", "share", "rate", "trusted_partners", "exempt_allies", "start", "end", "label"];
// Starting values of a new item's numbers (else the schema's default, else 0).
const START = { start: 2026, end: 2030, approval_share: 0.5, delay_days: 60, rate: 0.25, share: 0.5, tonnes_per_year: 1000,
  capacity_tpy: 1000, target_days: 60, fill_years: 2, years: 5, extra_years: 2, price_usd_per_kg: 100, offtake_share: 0.1 };

const def = (node) => (node && node.$ref ? SCHEMA.$defs[node.$ref.split("/").pop()] : node) || {};
// The choices of a string enum: `oneOf` of consts (documented variants) or `enum`.
const consts = (node) => node.enum || (node.oneOf && node.oneOf.every((o) => "const" in o) ? node.oneOf.map((o) => o.const) : null);
const tagged = (node) => (node.oneOf && node.oneOf.every((o) => o.properties && o.properties.type && "const" in o.properties.type) ? node.oneOf : null);
const types = (node) => [].concat(node.type || []);
const order = (props) => Object.keys(props).sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99));

// A new value for a schema node: the default, or the first choice, or a number to start from.
function fresh(name, node, host, required = false) {
  node = def(node);
  const variants = tagged(node);
  if (variants) return fresh(name, variants[0], host);
  if ("default" in node) return structuredClone(node.default);
  const c = consts(node);
  if (c) return c[0];
  const ty = types(node);
  if (ty.includes("object")) {
    const out = {};
    for (const k of order(node.properties || {})) {
      const p = node.properties[k];
      out[k] = "const" in p ? p.const : fresh(k, p, host, (node.required || []).includes(k));
    }
    return out;
  }
  if (ty.includes("array")) {
    // A list of choices starts with one ticked: the second where there is one (for
    // products: oxide, the traded good most policies name, rather than concentrate).
    const ic = consts(def(node.items));
    if (ic) return [ic[1] ?? ic[0]];
    // A required list of references starts with one (the first element or region).
    const ref = node.ref || def(node.items).ref;
    return required && ref ? [ref === "element" ? host.elements[0] : host.regions[0].id] : [];
  }
  if (ty.includes("number") || ty.includes("integer")) return START[name] ?? 0;
  if (ty.includes("boolean")) return false;
  if (node.ref) return host.regions[0].id;
  return "";
}

// The edits in a link: base64url of the JSON of the changed lists.
export function encodeEdits(edits) {
  const bytes = new TextEncoder().encode(JSON.stringify(edits));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
// Read edits from a link or saved state: an object of known lists, else null.
export function decodeEdits(text) {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return cleanEdits(JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))));
  } catch {
    return null;
  }
}
export function cleanEdits(raw) {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const out = {};
  for (const s of SECTIONS) if (Array.isArray(raw[s])) out[s] = raw[s];
  for (const s of SETTINGS) if (raw[s] && typeof raw[s] === "object" && !Array.isArray(raw[s])) out[s] = raw[s];
  return Object.keys(out).length ? out : null;
}

const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
};

// host: { t, tr, words(path), regions: [{id, name}], elements: [symbol], preset(),
// scenario(), commit(edits) -> null or the model's error, errorText(error), status(text),
// locked }.
export function createEditor(root, host) {
  const { t, tr } = host;
  let draft = {};
  let dragging = null;
  const label = (name) => host.words(name);
  const blocs = () => draft.alliances || [];
  // Short names on the chips ("Africa", not the list of its countries).
  const regionName = (id) => tr(`region.${id}`, (host.regions.find((r) => r.id === id) || { name: id }).name).split(" (")[0];

  function render() {
    const sc = host.scenario();
    draft = Object.fromEntries(SECTIONS.map((s) => [s, structuredClone(sc[s] || [])]));
    for (const s of SETTINGS) draft[s] = structuredClone(sc[s] || fresh(s, SCHEMA.properties[s], host));
    root.replaceChildren(...SECTIONS.map((s) => (s === "alliances" ? blocSection() : listSection(s))), ...SETTINGS.map(settingSection));
    if (host.locked) for (const c of root.querySelectorAll("input, select, button")) c.disabled = true;
  }

  // Offer the draft to the page; mark what the model refuses.
  function commit() {
    for (const e of root.querySelectorAll(".field-error")) e.remove();
    for (const e of root.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    const preset = host.preset();
    const edits = {};
    for (const s of SECTIONS) if (JSON.stringify(draft[s]) !== JSON.stringify(preset[s] || [])) edits[s] = draft[s];
    for (const s of SETTINGS) {
      if (JSON.stringify(draft[s]) !== JSON.stringify(preset[s] || fresh(s, SCHEMA.properties[s], host))) edits[s] = draft[s];
    }
    const err = host.commit(Object.keys(edits).length ? structuredClone(edits) : null);
    if (!err) return true;
    for (const p of err.problems || []) {
      let path = p.path;
      let target = null;
      // The field the model names, else the nearest enclosing one that has a widget.
      for (; path && !(target = root.querySelector(`[data-path="${CSS.escape(path)}"]`)); path = path.replace(/(\.?\w+|\[\d+\])$/, ""));
      if (!target) continue;
      target.setAttribute("aria-invalid", "true");
      target.closest(".field").append(el("p", { className: "field-error", textContent: host.errorText({ problems: [p] }) }));
    }
    return false;
  }

  function limit(n, max, what) {
    if (n < max) return false;
    host.status(t("ed.limit", { max, what: label(what) }), true);
    return true;
  }

  // ---- Blocs ----
  function blocSection() {
    const box = el("fieldset", { className: "ed-section", id: "ed-alliances" }, el("legend", { textContent: t("ed.blocs") }));
    box.append(el("p", { className: "note", textContent: t("ed.blocsNote") }));
    blocs().forEach((b, k) => box.append(bloc(b, k)));
    const add = el("button", { type: "button", id: "ed-new-bloc", textContent: t("ed.newBloc") });
    add.addEventListener("click", () => {
      if (limit(blocs().length, MAX_BLOCS, "alliances")) return;
      const ids = new Set([...blocs().map((b) => b.id), ...host.regions.map((r) => r.id)]);
      let n = blocs().length + 1;
      while (ids.has(`bloc${n}`)) n++;
      draft.alliances.push({ id: `bloc${n}`, name: t("ed.blocName", { n }), members: [] });
      commit();
      rerender("alliances");
      const input = root.querySelector(`#ed-alliances fieldset:last-of-type input[type=text]`);
      input.focus();
      input.select();
    });
    box.append(add);
    return box;
  }

  function bloc(b, k) {
    const path = `alliances[${k}]`;
    const set = el("fieldset", { className: "bloc field" });
    set.setAttribute("aria-label", b.name);
    const name = el("input", { type: "text", value: b.name, maxLength: MAX_NAME, id: `ed-bloc-${k}` });
    name.dataset.path = `${path}.name`;
    name.addEventListener("change", () => {
      b.name = name.value;
      set.setAttribute("aria-label", b.name);
      members.setAttribute("aria-label", t("ed.members", { name: b.name }));
      set.querySelector(".del").setAttribute("aria-label", t("ed.deleteBloc", { name: b.name }));
      commit();
      refreshGroupChoices();
    });
    set.append(el("legend", {}, el("label", { htmlFor: name.id, className: "visually-hidden", textContent: t("ed.blocNameLabel") }), name));
    const members = el("div", { className: "chips members", role: "group" });
    members.setAttribute("aria-label", t("ed.members", { name: b.name }));
    members.dataset.path = `${path}.members`;
    for (const r of host.regions) {
      const box = el("input", { type: "checkbox", value: r.id, checked: b.members.includes(r.id) });
      const chip = el("label", { className: "chip", draggable: box.checked }, box, regionName(r.id));
      chip.dataset.region = r.id;
      box.addEventListener("change", () => {
        b.members = box.checked ? [...b.members, r.id] : b.members.filter((m) => m !== r.id);
        chip.draggable = box.checked;
        commit();
      });
      chip.addEventListener("dragstart", (e) => {
        dragging = { from: k, region: r.id };
        e.dataTransfer.setData("text/plain", r.id);
        e.dataTransfer.effectAllowed = "move";
      });
      members.append(chip);
    }
    set.append(members);
    // Drop a country dragged from another bloc: it moves here.
    set.addEventListener("dragover", (e) => {
      if (!dragging || dragging.from === k) return;
      e.preventDefault();
      set.classList.add("drop");
    });
    set.addEventListener("dragleave", () => set.classList.remove("drop"));
    set.addEventListener("drop", (e) => {
      e.preventDefault();
      set.classList.remove("drop");
      if (!dragging || dragging.from === k) return;
      const from = blocs()[dragging.from];
      from.members = from.members.filter((m) => m !== dragging.region);
      if (!b.members.includes(dragging.region)) b.members.push(dragging.region);
      dragging = null;
      commit();
      rerender("alliances");
    });
    const del = el("button", { type: "button", className: "del", textContent: t("ed.delete") });
    del.setAttribute("aria-label", t("ed.deleteBloc", { name: b.name }));
    del.addEventListener("click", () => {
      // Drop the bloc and every reference to it: list entries go, items naming it go.
      let dropped = 0;
      draft.alliances.splice(k, 1);
      for (const s of SECTIONS.filter((x) => x !== "alliances")) {
        const before = draft[s].length;
        draft[s] = draft[s].filter((item) => !Object.values(item).includes(b.id));
        dropped += before - draft[s].length;
        for (const item of draft[s]) for (const [f, v] of Object.entries(item)) if (Array.isArray(v)) item[f] = v.filter((x) => x !== b.id);
      }
      commit();
      host.status(t("ed.deleted", { name: b.name, n: dropped }));
      rerender();
    });
    set.append(del);
    return set;
  }

  // ---- Policy lists, generated from the schema ----
  function listSection(s) {
    const node = def(SCHEMA.properties[s].items);
    const box = el("fieldset", { className: "ed-section", id: `ed-${s}` }, el("legend", { textContent: label(s) }));
    draft[s].forEach((item, i) => {
      const set = el("fieldset", { className: "item" }, el("legend", { textContent: host.words(`${s}[${i}]`) }));
      for (const k of order(node.properties)) { const f = field(`${s}[${i}].${k}`, k, node.properties[k], item, s); if (f) set.append(f); }
      const del = el("button", { type: "button", className: "del", textContent: t("ed.delete") });
      del.setAttribute("aria-label", `${t("ed.delete")}: ${host.words(`${s}[${i}]`)}`);
      del.addEventListener("click", () => { draft[s].splice(i, 1); commit(); rerender(s); });
      set.append(del);
      box.append(set);
    });
    const what = host.words(`${s}[0]`).replace(/ 1$/, "");
    const add = el("button", { type: "button", className: "add", textContent: t("ed.add", { what: what.charAt(0).toLowerCase() + what.slice(1) }) });
    add.addEventListener("click", () => {
      if (limit(draft[s].length, MAX_ITEMS, s)) return;
      draft[s].push(fresh(s, node, host));
      commit();
      rerender(s);
      root.querySelector(`#ed-${s} > fieldset:last-of-type :is(input, select)`)?.focus();
    });
    box.append(add);
    return box;
  }

  // A top-level setting: its fields, as an item's.
  function settingSection(s) {
    const node = def(SCHEMA.properties[s]);
    const box = el("fieldset", { className: "ed-section", id: `ed-${s}` }, el("legend", { textContent: label(s) }));
    for (const k of order(node.properties)) { const f = field(`${s}.${k}`, k, node.properties[k], draft[s], s); if (f) box.append(f); }
    return box;
  }

  // One field of an item (or of a measure inside it): its widget follows its schema.
  function field(path, name, node, obj, section) {
    node = def(node);
    const wrap = el("div", { className: "field" });
    const id = `ed-${path.replace(/\W+/g, "-")}`;
    const caption = el("label", { htmlFor: id, textContent: label(name) });
    const set = (v) => { obj[name] = v; return commit(); };
    const variants = tagged(node);
    const choices = consts(node) || (node.ref ? refChoices(node.ref) : null);
    const ty = types(node);
    let input;
    if (variants) {
      // A tagged choice (ban, quota, licensing): its kind, then the kind's own fields.
      input = select(variants.map((v) => [v.properties.type.const, tr(`v.${v.properties.type.const}`, v.properties.type.const)]), obj[name].type);
      input.addEventListener("change", () => {
        set(fresh(name, variants.find((v) => v.properties.type.const === input.value), host));
        rerender(section);
      });
      wrap.append(caption, input);
      const chosen = variants.find((v) => v.properties.type.const === obj[name].type) || variants[0];
      for (const k of order(chosen.properties).filter((x) => x !== "type")) { const f = field(`${path}.${k}`, k, chosen.properties[k], obj[name], section); if (f) wrap.append(f); }
      input.id = id;
      input.dataset.path = `${path}.type`;
      return wrap;
    }
    // A map without declared fields has no form here (edit it in a scenario file).
    if (ty.includes("object") && !node.properties) return null;
    if (ty.includes("array") && (def(node.items).properties || tagged(def(node.items)))) {
      // A list inside an item (an investment's financiers): its items' fields, add, delete.
      const items = def(node.items);
      const box = el("fieldset", { className: "item" }, el("legend", { textContent: label(name) }));
      box.dataset.path = path;
      obj[name].forEach((it, j) => {
        const sub = el("div", { className: "field" });
        for (const k of order(items.properties || {})) { const f = field(`${path}[${j}].${k}`, k, items.properties[k], it, section); if (f) sub.append(f); }
        const del = el("button", { type: "button", className: "del", textContent: t("ed.delete") });
        del.addEventListener("click", () => { obj[name].splice(j, 1); commit(); rerender(section); });
        box.append(sub, del);
      });
      const add = el("button", { type: "button", className: "add", textContent: t("ed.add", { what: label(name).toLowerCase() }) });
      add.addEventListener("click", () => { obj[name].push(fresh(name, items, host)); commit(); rerender(section); });
      box.append(add);
      wrap.append(box);
      return wrap;
    }
    if (ty.includes("array")) {
      const items = def(node.items);
      const options = consts(items)?.map((c) => [c, tr(`v.${c}`, c)]) || refChoices(node.ref || items.ref);
      const group = el("div", { className: "chips", role: "group" });
      group.setAttribute("aria-label", label(name));
      group.dataset.path = path;
      for (const [value, text] of options || []) {
        const box = el("input", { type: "checkbox", value, checked: obj[name].includes(value) });
        box.addEventListener("change", () => set(box.checked ? [...obj[name], value] : obj[name].filter((x) => x !== value)));
        group.append(el("label", { className: "chip" }, box, text));
      }
      wrap.append(el("span", { className: "label", textContent: label(name) }), group);
      return wrap;
    }
    if (choices) {
      input = select(choices, obj[name]);
      input.addEventListener("change", () => set(input.value));
    } else if (ty.includes("boolean")) {
      input = el("input", { type: "checkbox", checked: !!obj[name] });
      input.addEventListener("change", () => set(input.checked));
      wrap.classList.add("check");
    } else if (ty.includes("number") || ty.includes("integer")) {
      input = el("input", { type: "number", step: "any", value: obj[name] ?? "" });
      input.addEventListener("change", () => {
        if (input.value === "" && ty.includes("null")) { set(null); return; }
        const v = input.valueAsNumber;
        if (!Number.isFinite(v)) {
          input.setAttribute("aria-invalid", "true");
          wrap.querySelector(".field-error")?.remove();
          wrap.append(el("p", { className: "field-error", textContent: `${host.words(path)}: ${t("ed.needNumber")}` }));
          return;
        }
        set(v);
      });
    } else {
      input = el("input", { type: "text", value: obj[name] ?? "", maxLength: MAX_NAME });
      input.addEventListener("change", () => set(input.value));
    }
    input.id = id;
    input.dataset.path = path;
    wrap.append(caption, input);
    return wrap;
  }

  // What a reference may name: regions; blocs too for a group; "*" (every other
  // region) where allowed.
  function refChoices(ref) {
    if (ref === "element") return host.elements.map((e) => [e, e]);
    const out = host.regions.map((r) => [r.id, regionName(r.id)]);
    if (ref && ref.startsWith("group")) out.unshift(...blocs().map((b) => [b.id, b.name]));
    if (ref === "group*") out.unshift(["*", t("ed.everyOther")]);
    return out;
  }

  function select(options, value) {
    const s = el("select");
    for (const [v, text] of options) s.append(el("option", { value: v, textContent: text, selected: v === value }));
    return s;
  }

  // Rebuild one list (or all), keeping the draft.
  function rerender(only) {
    for (const s of [...SECTIONS, ...SETTINGS]) {
      if (only && s !== only) continue;
      root.querySelector(`#ed-${s}`).replaceWith(s === "alliances" ? blocSection() : SETTINGS.includes(s) ? settingSection(s) : listSection(s));
    }
    if (only === "alliances") refreshGroupChoices();
    if (host.locked) for (const c of root.querySelectorAll("input, select, button")) c.disabled = true;
  }
  // Bloc names appear in the policies' partner lists: redraw them when blocs change.
  function refreshGroupChoices() {
    for (const s of SECTIONS) if (s !== "alliances") rerender(s);
  }

  return { render };
}
