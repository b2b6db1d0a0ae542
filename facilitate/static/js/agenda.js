// The agenda's order, changed in place: drag a theme by its handle, or use its Siirrä buttons
// (the keyboard way, also without this script, when the server moves it and reloads the
// page). The new order is saved through the API at once; the page stays where it is.
import { translator } from "./room/strings.js";

const { t: say } = translator("agenda-strings");

for (const list of document.querySelectorAll("ol.agenda[data-order-url]")) {
  const status = document.getElementById("agenda-status");
  const token = list.querySelector("input[name=csrf_token]")?.value ?? "";
  const items = () => [...list.querySelectorAll(":scope > li[data-theme-id]")];
  const title = (item) => item.querySelector("h3")?.textContent ?? "";

  /** The first theme cannot move up, nor the last down. */
  const showButtons = () => items().forEach((item, index, all) => {
    item.querySelector("[data-move=up]").hidden = index === 0;
    item.querySelector("[data-move=down]").hidden = index === all.length - 1;
  });

  /** Save the order on the page; put it back as it was if the server refuses it. */
  async function save(moved, before) {
    showButtons();
    const order = items();
    try {
      const response = await fetch(list.dataset.orderUrl, {
        method: "PUT",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ theme_ids: order.map((item) => Number(item.dataset.themeId)) }),
      });
      if (!response.ok) throw new Error(String(response.status));
    } catch {
      list.replaceChildren(...before);
      showButtons();
      status.textContent = say("failed");
      return;
    }
    status.textContent = say("moved", { theme: title(moved), position: order.indexOf(moved) + 1,
      count: order.length });
  }

  for (const form of list.querySelectorAll("form[data-move]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const item = form.closest("li[data-theme-id]");
      const before = items();
      const up = form.dataset.move === "up";
      const neighbour = up ? item.previousElementSibling : item.nextElementSibling;
      if (!neighbour) return;
      if (up) neighbour.before(item);
      else neighbour.after(item);
      // Focus stays on the same button, or on its pair when this one has gone (an end).
      save(item, before).then(() => {
        const button = form.hidden
          ? item.querySelector(`[data-move=${up ? "down" : "up"}] button`)
          : form.querySelector("button");
        button?.focus();
      });
    });
  }

  // Dragging by a handle, with pointer events (mouse, pen and touch alike); the buttons are
  // the keyboard's way, so the handle is hidden from assistive technology.
  for (const item of items()) {
    const handle = document.createElement("span");
    handle.className = "drag-handle";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿";
    item.prepend(handle);
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      const before = items();
      item.classList.add("is-dragged");
      const move = (moveEvent) => {
        const over = document.elementFromPoint(moveEvent.clientX, moveEvent.clientY)
          ?.closest("ol.agenda > li[data-theme-id]");
        if (!over || over === item || over.parentElement !== list) return;
        const box = over.getBoundingClientRect();
        if (moveEvent.clientY < box.top + box.height / 2) over.before(item);
        else over.after(item);
      };
      // On the document, not captured by the handle: moving the theme in the page would
      // release a capture, and the drag's end would go unseen.
      const end = () => {
        document.removeEventListener("pointermove", move);
        document.removeEventListener("pointerup", end);
        document.removeEventListener("pointercancel", end);
        item.classList.remove("is-dragged");
        if (items().some((theme, index) => theme !== before[index])) save(item, before);
      };
      document.addEventListener("pointermove", move);
      document.addEventListener("pointerup", end);
      document.addEventListener("pointercancel", end);
    });
  }
}
