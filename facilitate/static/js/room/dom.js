// Building DOM without innerHTML: user text only ever becomes text nodes.

/**
 * h("button", {class: "x", type: "button", onclick: fn, "aria-pressed": "true"}, "Text", node)
 * Props named on* become listeners, `text` sets textContent, false/null props are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name === "hidden" || name === "disabled" || name === "checked"
             || name === "required" || name === "readOnly" || name === "selected") {
      element[name] = Boolean(value);
    } else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A visually hidden span: context for screen readers that sighted users see from layout. */
export const hidden = (text) => h("span", { class: "visually-hidden" }, text);

/** Markup the server has already sanitised with nh3 (note html, theme descriptions). */
export function sanitisedHtml(element, html) {
  element.innerHTML = html || "";
  return element;
}

/**
 * Replace a container's children without losing the user's place: the focused control (found
 * again by its data-key) gets focus back, with its text selection, and nothing scrolls.
 */
export function replaceKeepingFocus(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  const selection = key && typeof active.selectionStart === "number"
    ? [active.selectionStart, active.selectionEnd] : null;
  const hadFocus = active && container.contains(active);
  container.replaceChildren();
  append(container, children);
  if (!hadFocus) return;
  const again = key && container.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (again) {
    again.focus({ preventScroll: true });
    if (selection && typeof again.setSelectionRange === "function") {
      again.setSelectionRange(...selection);
    }
  } else {
    // What had focus is gone (moved or removed): keep focus near it instead of on <body>.
    container.tabIndex = -1;
    container.focus({ preventScroll: true });
  }
}

/** A new id for a change, as the protocol wants (8–64 of A–Z a–z 0–9 _ -). */
export function changeId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http test servers on other hosts lack one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** sessionStorage that never throws (private modes, full quota): the page still works. */
export const session = {
  get(key) {
    try {
      const raw = sessionStorage.getItem(key);
      return raw === null ? null : JSON.parse(raw);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Memory still holds it; only a reload would lose it.
    }
  },
};
