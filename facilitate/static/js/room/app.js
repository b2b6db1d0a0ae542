// The room's wiring, shared by the participant page and the coordinator console: socket,
// state, note editors, announcements; the page's View draws.
import { announce, announceContribution, useRegion } from "./announce.js";
import { Connection } from "./connection.js";
import { session } from "./dom.js";
import { NoteSync } from "./notes.js";
import { RoomState } from "./state.js";
import { t } from "./strings.js";
import { clock } from "./timer.js";

/** Drafts of unsent contributions, per form, kept for this tab's lifetime. */
function drafts(storageKey) {
  const key = `facilitate.room.${storageKey}.drafts`;
  const all = session.get(key) ?? {};
  return {
    get: (name) => all[name] ?? null,
    set(name, value) {
      if (value && (value.text || value.level)) all[name] = value;
      else delete all[name];
      session.set(key, all);
    },
  };
}

/** Connect the page in `root` (data-* attributes from the template) and draw it with View. */
export async function startRoom(root, View) {
  const storageKey = root.dataset.storageKey;
  const app = {
    root, storageKey, state: new RoomState(), notes: new Map(), drafts: drafts(storageKey),
    editing: new Map(), conn: null, view: null,
  };
  useRegion(document.getElementById("room-live"));
  app.view = new View(app);
  let io;
  try {
    ({ io } = await import(root.dataset.socketioUrl));
  } catch {
    app.view.connectionState("refused", t("client_missing"));
    return app;
  }
  const workshopId = Number(root.dataset.workshopId);
  const auth = root.dataset.authToken ? { token: root.dataset.authToken }
    : { workshop_id: workshopId };
  let first = true;
  app.conn = new Connection(io, auth, workshopId, storageKey, {
    onSnapshot(snapshot) {
      app.state.load(snapshot);
      resumeNotes(app);
      app.view.renderAll();
      root.dataset.ready = "true";
      if (first) app.view.greet?.();
      first = false;
    },
    onEvent: (name, payload) => receive(app, name, payload),
    onState: (state, message) => app.view.connectionState(state, message),
    onAck: (event, payload, ack) => acknowledged(app, event, payload, ack),
  });
  return app;
}

/** What the room's status means, in words. */
export function statusText(status) {
  return t(`status_${status}`);
}

/** Note editors for every theme (a note-taker or coordinator), resumed after a snapshot. */
function resumeNotes(app) {
  const { state } = app;
  if (!state.canEditNotes) {
    for (const sync of app.notes.values()) sync.detach();
    app.notes.clear();
    return;
  }
  for (const theme of state.themes) {
    let sync = app.notes.get(theme.id);
    if (!sync) {
      sync = new NoteSync(theme.id, app.conn, app.storageKey, state.snap.limits);
      app.notes.set(theme.id, sync);
    }
    sync.resume(theme.note);
  }
}

function receive(app, name, payload) {
  const { state } = app;
  if (!state.snap) return;
  if (name === "note.edited") app.notes.get(payload.theme_id)?.remote(payload);
  const result = state.apply(name, payload);
  announceDelta(app, name, payload, result);
  if (result.parts.has("me")) {
    // Note-taking was given or taken away: a fresh snapshot brings the note's full text.
    app.conn.sync();
    return;
  }
  app.view.update(result.parts);
}

function announceDelta(app, name, payload, result) {
  const { state } = app;
  const current = state.currentTheme();
  if (result.added && !result.added.mine && !result.added.hidden
      && (state.isCoordinator || result.added.theme_id === current?.id)) {
    announceContribution();
  }
  if (result.phaseChanged) announce(t("now_is", { name: phaseName(state) }));
  if (result.roomChanged) announce(statusText(state.room.status));
  if (result.timerStarted) {
    announce(t("timer_started", { time: clock(state.room.timer.seconds) }));
  }
  if (result.timerStopped) announce(t("timer_stopped"));
  if (result.lockChanged && (state.isCoordinator || result.lockChanged === current)) {
    announce(t(result.lockChanged.is_locked ? "locked_now" : "unlocked_now",
      { theme: result.lockChanged.title }));
  }
  if (name === "prompt.revealed" && payload.revealed && !state.isCoordinator) {
    announce(t("results_revealed"));
  }
  if (result.parts.has("me")) {
    announce(t(state.me.is_note_taker ? "you_note_taker" : "you_not_note_taker"));
  }
}

/** The current phase's name: the theme's title, or the talks, or the closing. */
export function phaseName(state) {
  const theme = state.currentTheme();
  if (theme) return theme.title;
  return t(state.room.phase === "closing" ? "phase_closing" : "phase_opening");
}

/** This user's own accepted changes: the parts of the state only an ack can tell. */
function acknowledged(app, event, payload, ack) {
  const { state } = app;
  if (!state.snap) return;
  const parts = new Set();
  const redraw = (themeId) => parts.add(`contributions:${themeId}`);
  if (ack.contribution) {
    const own = event === "contribution.add" || event === "contribution.edit";
    const { before, after } = state.upsert(ack.contribution, own);
    redraw(after.theme_id);
    if (before) redraw(before.theme_id);
  }
  if (event === "contribution.delete") {
    const gone = state.contribution(payload.contribution_id);
    if (gone) {
      state.remove(gone.id);
      redraw(gone.theme_id);
    }
  }
  if (event === "contribution.vote") {
    const voted = state.contribution(payload.contribution_id);
    if (voted) {
      voted.voted = payload.up;
      if (typeof ack.votes === "number") voted.votes = ack.votes;
      redraw(voted.theme_id);
    }
  }
  if (event === "answer.set") {
    const prompt = state.prompt(payload.prompt_id);
    if (prompt) {
      prompt.my_answer = payload.value;
      if (ack.results !== undefined) prompt.results = ack.results;
      parts.add(`prompt:${prompt.id}`);
    }
  }
  if (parts.size) app.view.update(parts);
}
