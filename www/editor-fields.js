// The policy forms of the editor, generated from the scenario's JSON Schema: tagged
// `oneOf` (the measure) as a choice with its variant's fields, string enums as selects,
// arrays of enums as checkboxes, numbers, flags, references (region, region-or-bloc,
// element), and lists inside an item (an investment's financiers). `ctx` is the
// editor's (www/editor.js): its draft, host, commit and rerender.
import { SCHEMA } from "./schema.js";
import { MAX_ITEMS, MAX_NAME, def, consts, tagged, types, order, fresh, el } from "./editor-schema.js";

export function makeFields(ctx) {
  const { root, host, t, tr, label, blocs, regionName, limit, commit, rerender } = ctx;

  // ---- Policy lists, generated from the schema ----
  function listSection(s) {
    const node = def(SCHEMA.properties[s].items);
    const box = el("fieldset", { className: "ed-section", id: `ed-${s}` }, el("legend", { textContent: label(s) }));
    ctx.draft[s].forEach((item, i) => {
      const set = el("fieldset", { className: "item" }, el("legend", { textContent: host.words(`${s}[${i}]`) }));
      for (const k of order(node.properties)) { const f = field(`${s}[${i}].${k}`, k, node.properties[k], item, s); if (f) set.append(f); }
      const del = el("button", { type: "button", className: "del", textContent: t("ed.delete") });
      del.setAttribute("aria-label", `${t("ed.delete")}: ${host.words(`${s}[${i}]`)}`);
      del.addEventListener("click", () => { ctx.draft[s].splice(i, 1); commit(); rerender(s); });
      set.append(del);
      box.append(set);
    });
    const what = host.words(`${s}[0]`).replace(/ 1$/, "");
    const add = el("button", { type: "button", className: "add", textContent: t("ed.add", { what: what.charAt(0).toLowerCase() + what.slice(1) }) });
    add.addEventListener("click", () => {
      if (limit(ctx.draft[s].length, MAX_ITEMS, s)) return;
      ctx.draft[s].push(fresh(s, node, host));
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
    for (const k of order(node.properties)) { const f = field(`${s}.${k}`, k, node.properties[k], ctx.draft[s], s); if (f) box.append(f); }
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

  return { listSection, settingSection };
}
