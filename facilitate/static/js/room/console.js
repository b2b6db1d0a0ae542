// The coordinator's console: the room with its controls (page entry).
import { ActionsPanel } from "./actions.js";
import { announce } from "./announce.js";
import { phaseName, startRoom, statusText } from "./app.js";
import { h, hidden, replaceKeepingFocus } from "./dom.js";
import { renderPresence, showConnection } from "./parts.js";
import { t } from "./strings.js";
import { ThemeBlock } from "./theme.js";
import { Countdown } from "./timer.js";

const byId = (id) => document.getElementById(id);

/** The whole minutes within the seconds the server accepts (snapshot.limits.timer_seconds). */
function timerMinutes(limits) {
  const [low, high] = limits.timer_seconds;
  return [Math.ceil(low / 60), Math.floor(high / 60)];
}

class ConsoleView {
  constructor(app) {
    this.app = app;
    this.blocks = new Map(); // theme id -> ThemeBlock
    this.countdown = new Countdown(byId("room-timer"), () => app.state.now(),
      () => announce(t("time_over")));
    byId("timer-form").addEventListener("submit", (event) => this.startTimer(event));
    byId("timer-stop").addEventListener("click", () => app.conn?.send("timer.stop", {}));
    this.actions = new ActionsPanel(app, byId("console-actions"),
      () => app.state.room.status !== "closed");
  }

  send(event, payload) {
    return this.app.conn.send(event, payload);
  }

  connectionState(state, message) {
    showConnection(byId("room-connection"), state, message, this.app);
  }

  renderAll() {
    const { state } = this.app;
    [byId("timer-minutes").min, byId("timer-minutes").max] = timerMinutes(state.snap.limits);
    this.renderRoom();
    this.renderPhases();
    this.renderThemes();
    this.renderTalks();
    this.actions.render();
    renderPresence(byId("room-presence-heading"), byId("room-presence"),
      state.snap.presence ?? []);
    this.renderRegistrations();
    this.countdown.show(state.room.timer, { quiet: true });
    byId("timer-stop").disabled = !state.room.timer;
  }

  renderRoom() {
    const { room } = this.app.state;
    this.app.root.dataset.status = room.status;
    this.app.root.dataset.phase = room.phase;
    const open = room.status === "open";
    const button = h("button", { type: "button", "data-key": "room-toggle",
      class: open ? "danger" : null,
      onclick: () => {
        if (open && !window.confirm(t("confirm_close"))) return;
        this.send(open ? "room.close" : "room.open", {});
      } }, t(open ? "close_room" : room.status === "closed" ? "reopen_room" : "open_room"));
    replaceKeepingFocus(byId("console-room"),
      h("p", { id: "console-room-status" }, h("strong", {}, statusText(room.status))),
      h("div", { class: "button-row" }, button));
  }

  renderPhases() {
    const { state } = this.app;
    const { room } = state;
    const phase = (key, label, payload, current) => h("li", {},
      h("button", { type: "button", class: current ? null : "secondary", "data-key": `phase-${key}`,
        "aria-current": current ? "true" : null,
        onclick: () => this.send("phase.set", payload) }, label));
    byId("console-phase-now").textContent = t("now_is", { name: phaseName(state) });
    replaceKeepingFocus(byId("console-phases"),
      phase("opening", t("phase_opening_button"), { phase: "opening" }, room.phase === "opening"),
      state.themes.map((theme) => phase(`theme-${theme.id}`, theme.title,
        { phase: "theme", theme_id: theme.id },
        room.phase === "theme" && room.theme_id === theme.id)),
      phase("closing", t("phase_closing"), { phase: "closing" }, room.phase === "closing"));
  }

  renderThemes() {
    const { state } = this.app;
    for (const block of this.blocks.values()) block.destroy();
    this.blocks.clear();
    const current = state.currentTheme();
    // The current theme first, where its controls are at hand; the others after it, in
    // agenda order, reached from the jump list.
    const ordered = current ? [current, ...state.themes.filter((theme) => theme !== current)]
      : state.themes;
    const blocks = ordered.map((theme) => {
      const block = new ThemeBlock(this.app, theme,
        { level: 3, console: true, current: theme === current });
      this.blocks.set(theme.id, block);
      block.el.classList.add("card");
      block.el.id = `console-theme-${theme.id}`;
      block.el.tabIndex = -1;
      return block.el;
    });
    replaceKeepingFocus(byId("console-themes"),
      blocks.length ? blocks : h("p", {}, t("no_themes")));
    replaceKeepingFocus(byId("console-jump"), state.themes.map((theme) => h("li", {},
      h("a", { href: `#console-theme-${theme.id}`, "data-key": `jump-${theme.id}`,
        "aria-current": theme === current ? "true" : null }, theme.title))));
  }

  /** Each talk with a "given" box: only talks marked given open the memo's draft. */
  renderTalks() {
    const talks = this.app.state.snap.presentations ?? [];
    const row = (talk) => {
      const id = `talk-given-${talk.id}`;
      const box = h("input", { type: "checkbox", id, "data-key": id, checked: talk.given,
        onchange: async () => {
          const ack = await this.send("talk.given", { presentation_id: talk.id,
            given: box.checked });
          if (!ack.ok) box.checked = talk.given;
        } });
      return h("li", { "data-presentation-id": talk.id },
        h("span", { class: "talk-title" }, talk.title),
        talk.presenter ? [" – ", talk.presenter] : null, " ",
        h("span", { class: "field checkbox" }, box,
          h("label", { for: id }, t("talk_given"), hidden(`: ${talk.title}`))));
    };
    replaceKeepingFocus(byId("console-talks"), talks.length
      ? h("ul", { class: "talks" }, talks.map(row))
      : h("p", {}, t("no_talks")));
  }

  renderRegistrations() {
    const registrations = this.app.state.snap.registrations ?? [];
    const row = (r) => {
      const id = `note-taker-${r.id}`;
      const box = h("input", { type: "checkbox", id, "data-key": id, checked: r.is_note_taker,
        onchange: async () => {
          const ack = await this.send("note_taker.set", { registration_id: r.id, on: box.checked });
          if (!ack.ok) box.checked = r.is_note_taker;
        } });
      return h("tr", { "data-registration-id": r.id },
        h("td", {}, r.name), h("td", {}, r.organisation),
        h("td", {}, h("span", { class: "field checkbox" }, box,
          h("label", { for: id }, t("note_taker"), hidden(`: ${r.name}`)))));
    };
    replaceKeepingFocus(byId("console-registrations"), registrations.length
      ? h("table", {},
        h("caption", { class: "visually-hidden" }, t("registrations")),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("name")),
          h("th", { scope: "col" }, t("organisation")),
          h("th", { scope: "col" }, t("note_taker")))),
        h("tbody", {}, registrations.map(row)))
      : h("p", {}, t("no_registrations")));
  }

  startTimer(event) {
    event.preventDefault();
    const field = byId("timer-minutes");
    const error = byId("timer-error");
    const minutes = Number(field.value);
    const [low, high] = timerMinutes(this.app.state.snap.limits);
    const ok = Number.isInteger(minutes) && minutes >= low && minutes <= high;
    error.hidden = ok;
    error.textContent = ok ? "" : t("timer_invalid", { low, high });
    if (ok) field.removeAttribute("aria-invalid");
    else {
      field.setAttribute("aria-invalid", "true");
      field.focus();
      return;
    }
    this.send("timer.start", { seconds: minutes * 60 });
  }

  update(parts) {
    const { state } = this.app;
    if (parts.has("room")) {
      this.renderRoom();
      this.actions.render();
      for (const block of this.blocks.values()) block.refreshLock();
    }
    if (parts.has("phase") || parts.has("me")) {
      this.app.root.dataset.phase = state.room.phase;
      this.renderPhases();
      this.renderThemes();
    }
    if (parts.has("timer")) {
      this.countdown.show(state.room.timer);
      byId("timer-stop").disabled = !state.room.timer;
    }
    if (parts.has("presence")) {
      renderPresence(byId("room-presence-heading"), byId("room-presence"), state.snap.presence);
    }
    if (parts.has("registrations")) this.renderRegistrations();
    if (parts.has("talks")) this.renderTalks();
    if (parts.has("actions")) this.actions.render();
    for (const part of parts) {
      const [kind, id] = part.split(":");
      const block = this.blocks.get(Number(id));
      if (kind === "theme") block?.refreshLock();
      if (kind === "contributions") block?.refreshContributions();
      if (kind === "note") block?.refreshNote();
      if (kind === "prompt") {
        for (const each of this.blocks.values()) each.refreshPrompt(Number(id));
      }
    }
  }
}

startRoom(byId("room"), ConsoleView);
