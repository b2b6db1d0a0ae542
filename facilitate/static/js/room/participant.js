// The participant's room (also the note-taker's): page entry.
import { ActionsPanel } from "./actions.js";
import { announce } from "./announce.js";
import { startRoom, statusText } from "./app.js";
import { h, replaceKeepingFocus } from "./dom.js";
import { closing, presentations, renderAgenda, renderPresence, showConnection } from "./parts.js";
import { t } from "./strings.js";
import { ThemeBlock } from "./theme.js";
import { Countdown } from "./timer.js";

const byId = (id) => document.getElementById(id);

class ParticipantView {
  constructor(app) {
    this.app = app;
    this.block = null; // the current theme's ThemeBlock
    this.countdown = new Countdown(byId("room-timer"), () => app.state.now(),
      () => announce(t("time_over")));
    // Note-takers record actions as the coordinator does; everyone sees what was agreed.
    this.actions = new ActionsPanel(app, byId("room-actions"),
      () => app.state.canEditNotes && app.state.room.status === "open", 2);
  }

  renderActions() {
    const { state } = this.app;
    byId("room-actions-fold").hidden = !(state.snap.actions ?? []).length && !state.canEditNotes;
    this.actions.render();
  }

  /** Say at arrival what the page shows first when the room is not open. */
  greet() {
    const { status } = this.app.state.room;
    if (status === "scheduled") announce(`${statusText(status)}. ${t("waiting_help")}`);
    else if (status === "closed") announce(`${statusText(status)}. ${t("closed_help")}`);
  }

  connectionState(state, message) {
    showConnection(byId("room-connection"), state, message, this.app);
  }

  renderAll() {
    this.renderStatus();
    this.renderNow();
    renderAgenda(byId("room-agenda"), this.app.state);
    this.renderActions();
    renderPresence(byId("room-presence-heading"), byId("room-presence"),
      this.app.state.snap.presence ?? []);
    this.countdown.show(this.app.state.room.timer, { quiet: true });
  }

  /** Waiting (scheduled) or ended (closed): a panel above everything else. */
  renderStatus() {
    const { room } = this.app.state;
    const root = this.app.root;
    root.dataset.status = room.status;
    root.dataset.phase = room.phase;
    const notice = byId("room-notice");
    notice.hidden = room.status === "open";
    if (room.status === "scheduled") {
      notice.replaceChildren(h("h2", {}, statusText("scheduled")),
        h("p", {}, t("waiting_help")));
    } else if (room.status === "closed") {
      notice.replaceChildren(h("h2", {}, statusText("closed")), h("p", {}, t("closed_help")));
    }
    // Before the room opens there is nothing to take part in yet; after, it stays readable.
    byId("room-now").hidden = room.status === "scheduled";
  }

  renderNow() {
    const { state } = this.app;
    this.block?.destroy();
    this.block = null;
    const container = byId("room-now");
    const theme = state.currentTheme();
    this.app.root.dataset.themeId = theme ? theme.id : "";
    if (theme) {
      this.block = new ThemeBlock(this.app, theme, { level: 2 });
      replaceKeepingFocus(container, this.block.el);
    } else if (state.room.phase === "closing") {
      replaceKeepingFocus(container, h("section", { class: "stack",
        "aria-labelledby": "room-now-heading" }, closing(2)));
    } else {
      replaceKeepingFocus(container, h("section", { class: "stack",
        "aria-labelledby": "room-now-heading" }, presentations(state, 2)));
    }
  }

  update(parts) {
    const { state } = this.app;
    if (parts.has("phase") || parts.has("me")) {
      this.renderStatus();
      this.renderNow();
      renderAgenda(byId("room-agenda"), state);
      this.renderActions();
    }
    if (parts.has("room")) {
      this.renderStatus();
      this.renderActions();
      this.block?.refreshLock();
    }
    if (parts.has("timer")) this.countdown.show(state.room.timer);
    if (parts.has("actions")) this.renderActions();
    if (parts.has("presence")) {
      renderPresence(byId("room-presence-heading"), byId("room-presence"), state.snap.presence);
    }
    for (const part of parts) {
      const [kind, id] = part.split(":");
      if (kind === "theme") renderAgenda(byId("room-agenda"), state);
      if (!this.block || !id) continue;
      if (kind === "theme" && Number(id) === this.block.theme.id) this.block.refreshLock();
      if (kind === "contributions" && Number(id) === this.block.theme.id) {
        this.block.refreshContributions();
      }
      if (kind === "prompt") this.block.refreshPrompt(Number(id));
      if (kind === "note" && Number(id) === this.block.theme.id) this.block.refreshNote();
    }
  }
}

// A phone shows the current step first; the agenda and presence wait folded below it.
if (window.matchMedia("(max-width: 60rem)").matches) {
  for (const fold of document.querySelectorAll("details.room-fold")) fold.open = false;
}

startRoom(byId("room"), ParticipantView);
