// What the page tells the reader: the status line, notices that stay until the reader
// acts (a refused save, settings set aside, a link that replaced saved settings), each
// with an id, a sentence and buttons, and the fatal error panel.
import { $ } from "./state.js";
import { t } from "./i18n.js";

export function showFatal(message) {
  $("fatal-message").textContent = message;
  $("fatal").hidden = false;
}

export function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

export function notice(id, text, actions = []) {
  let box = document.getElementById(`notice-${id}`);
  if (!box) {
    box = document.createElement("div");
    box.id = `notice-${id}`;
    box.className = "notice";
    $("notices").append(box);
  }
  box.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = text;
  box.append(p);
  for (const { label, run } of actions) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", run);
    box.append(b);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "dismiss";
  close.textContent = t("notice.dismiss");
  close.addEventListener("click", () => box.remove());
  box.append(close);
}

export function clearNotice(id) {
  document.getElementById(`notice-${id}`)?.remove();
}
