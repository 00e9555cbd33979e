// The editor's reading of the scenario's JSON Schema (www/schema.js, from `ree schema`):
// which lists and settings it edits, the order of their fields, a new item's starting
// values, and the edits' form in a link (e=, base64url JSON) and in saved state.
import { SCHEMA } from "./schema.js";

// src/scenario.rs limits, said before the model would refuse them.
export const MAX_BLOCS = 64;
export const MAX_ITEMS = 256;
export const MAX_NAME = 200;
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

export const def = (node) => (node && node.$ref ? SCHEMA.$defs[node.$ref.split("/").pop()] : node) || {};
// The choices of a string enum: `oneOf` of consts (documented variants) or `enum`.
export const consts = (node) => node.enum || (node.oneOf && node.oneOf.every((o) => "const" in o) ? node.oneOf.map((o) => o.const) : null);
export const tagged = (node) => (node.oneOf && node.oneOf.every((o) => o.properties && o.properties.type && "const" in o.properties.type) ? node.oneOf : null);
export const types = (node) => [].concat(node.type || []);
export const order = (props) => Object.keys(props).sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99));

// A new value for a schema node: the default, or the first choice, or a number to start from.
export function fresh(name, node, host, required = false) {
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

export const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
};
