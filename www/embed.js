// Embedding: the "Copy embed code" dialog (size, levers, the code and a live preview of
// the embedded page) and, in an embedded page, its height posted to the host.
import { $, S } from "./state.js";
import { t, tr } from "./i18n.js";

function embedUrl() {
  const u = new URL(location.href);
  for (const k of ["projector", "lock", "panels", "levers", "reset"]) u.searchParams.delete(k);
  u.searchParams.set("embed", "1");
  const levers = [...document.querySelectorAll("#embed-levers input:checked")].map((b) => b.value);
  u.searchParams.set("levers", levers.join(","));
  return u.href;
}

function embedCode(url, size) {
  const width = size === "responsive" ? "100%" : size;
  const origin = new URL(url).origin;
  return `<iframe src="${url.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}" title="${t("embed.frameTitle").replace(/"/g, "&quot;")}"`
    + ` width="${width}" height="600" style="border:0;max-width:100%" loading="lazy"></iframe>\n`
    + "<script>addEventListener(\"message\", function (e) {\n"
    + `  if (e.origin !== ${JSON.stringify(origin)} || !e.data || e.data.type !== "rare-earths:height") return;\n`
    + "  document.querySelectorAll(\"iframe\").forEach(function (f) { if (f.contentWindow === e.source) f.style.height = e.data.height + \"px\"; });\n"
    + "});<\/script>";
}

function openEmbedDialog() {
  const box = $("embed-levers");
  if (!box.children.length) {
    for (const spec of S.inputSpec) {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"), { type: "checkbox", value: spec.id });
      input.checked = spec.kind === "lever" && spec.applies;
      label.append(input, tr(`input.${spec.id}.label`, spec.label));
      box.append(label);
    }
  }
  updateEmbedCode();
  $("embed-dialog").showModal();
}

function updateEmbedCode() {
  const size = document.querySelector("input[name=embed-size]:checked").value;
  const url = embedUrl();
  $("embed-code").value = embedCode(url, size);
  const preview = $("embed-preview");
  preview.style.width = size === "responsive" ? "100%" : `${size}px`;
  if (preview.dataset.src !== url) { preview.dataset.src = url; preview.src = url; }
}

async function copyEmbedCode() {
  const code = $("embed-code");
  try {
    await navigator.clipboard.writeText(code.value);
    $("embed-copied").textContent = t("embed.copied");
  } catch {
    code.select();
    $("embed-copied").textContent = t("embed.selected");
  }
}

export function listenEmbed() {
  $("embed-open").addEventListener("click", openEmbedDialog);
  $("embed-close").addEventListener("click", () => $("embed-dialog").close());
  $("embed-copy").addEventListener("click", copyEmbedCode);
  $("embed-dialog").addEventListener("change", updateEmbedCode);
  // Only the dialog's own preview frame may tell this page its height.
  window.addEventListener("message", (e) => {
    const preview = $("embed-preview");
    if (e.source === preview.contentWindow && e.data && e.data.type === "rare-earths:height" && Number.isFinite(e.data.height)) {
      preview.style.height = `${Math.min(5000, Math.max(100, e.data.height))}px`;
    }
  });
}

// Tell the host page our height so its iframe fits us, growing and shrinking with the
// content: the body (a flow root in embed mode) is measured, not the document, whose
// scroll height never falls below the frame's own height.
export function reportHeight() {
  if (window.parent === window) return;
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "rare-earths:height", height }, "*");
    }
  }).observe(document.body);
}
