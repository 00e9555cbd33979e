// The alliance and policy editor. Blocs (the scenario's alliances) are groups of
// countries, here; every other list of objects in the scenario (export controls,
// tariffs, shocks, and whatever the scenario format gains) is a form generated from its
// JSON Schema (www/editor-fields.js), so a new field needs no hand-written form.
// The editor keeps a draft; each change is offered to the page (host.commit), which runs
// the model on it and keeps it only if the model accepts it; refused, the draft stays as
// typed and each field the model names is marked with the reason.
import { SCHEMA } from "./schema.js";
import { MAX_BLOCS, MAX_NAME, SECTIONS, SETTINGS, fresh, el } from "./editor-schema.js";
import { makeFields } from "./editor-fields.js";

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

  // What the policy forms (www/editor-fields.js) share with the blocs.
  const ctx = {
    root, host, t, tr, label, blocs, regionName, limit,
    get draft() { return draft; },
    commit: () => commit(), rerender: (s) => rerender(s),
  };
  const { listSection, settingSection } = makeFields(ctx);

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
