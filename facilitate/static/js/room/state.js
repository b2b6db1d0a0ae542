// The room as this user may see it: the last snapshot with every delta since applied.
// apply() returns the parts of the page that need drawing again.
import { apply as applyOps } from "./textops.js";

export class RoomState {
  constructor() {
    this.snap = null;
    this.clockOffset = 0; // server clock minus ours, in ms
  }

  /**
   * Take a snapshot. The server sends the room's shared part as it is for everyone and this
   * user's own part in `me` (own contributions, votes, answers, own hidden contributions);
   * here they become one view, with `mine`, `voted` and `my_answer` on the items.
   */
  load(snapshot) {
    const me = snapshot.me;
    const mine = new Set(me.contribution_ids ?? []);
    const voted = new Set(me.voted_ids ?? []);
    const answers = me.answers ?? {};
    const contributions = [...snapshot.contributions, ...(me.hidden_contributions ?? [])]
      .map((c) => ({ ...c, mine: mine.has(c.id), voted: voted.has(c.id) }));
    const themes = snapshot.themes.map((theme) => ({
      ...theme,
      prompts: theme.prompts.map((prompt) => ({ ...prompt, my_answer: answers[prompt.id] ?? null })),
    }));
    this.snap = { ...snapshot, contributions, themes };
    this.setClock(snapshot.server_now);
  }

  setClock(serverNow) {
    const server = Date.parse(serverNow);
    if (!Number.isNaN(server)) this.clockOffset = server - Date.now();
  }

  /** Now on the server's clock, in ms. */
  now() {
    return Date.now() + this.clockOffset;
  }

  get me() { return this.snap.me; }
  get room() { return this.snap.room; }
  get themes() { return this.snap.themes; }
  get isCoordinator() { return this.snap.me.role === "coordinator"; }
  get canEditNotes() { return this.isCoordinator || Boolean(this.snap.me.is_note_taker); }

  theme(id) {
    return this.snap.themes.find((theme) => theme.id === id) ?? null;
  }

  currentTheme() {
    return this.room.phase === "theme" ? this.theme(this.room.theme_id) : null;
  }

  prompt(id) {
    for (const theme of this.snap.themes) {
      const found = theme.prompts.find((prompt) => prompt.id === id);
      if (found) return found;
    }
    return null;
  }

  contribution(id) {
    return this.snap.contributions.find((c) => c.id === id) ?? null;
  }

  /** A theme's contributions, newest first. */
  contributionsOf(themeId) {
    return this.snap.contributions.filter((c) => c.theme_id === themeId)
      .sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id);
  }

  /**
   * Add or replace a contribution. `mine` and `voted` are this user's: broadcasts carry the
   * public form, so only the snapshot and this user's own acknowledgements may set them.
   */
  upsert(contribution, own = false) {
    const list = this.snap.contributions;
    const index = list.findIndex((c) => c.id === contribution.id);
    const before = index >= 0 ? list[index] : null;
    const merged = {
      ...before, ...contribution,
      mine: Boolean(before?.mine || (own && contribution.mine !== false) || contribution.mine),
      voted: before ? before.voted : Boolean(own && contribution.voted),
    };
    if (index >= 0) list[index] = merged;
    else list.push(merged);
    return { before, after: merged };
  }

  remove(id) {
    this.snap.contributions = this.snap.contributions.filter((c) => c.id !== id);
  }

  /** Apply a delta; returns {parts: Set of what to redraw, ...details for announcements}. */
  apply(event, p) {
    const parts = new Set();
    const handler = HANDLERS[event];
    const details = handler ? handler(this, p, parts) ?? {} : {};
    return { parts, ...details };
  }
}

const contributionParts = (parts, ...themeIds) => {
  for (const id of themeIds) if (id !== undefined && id !== null) parts.add(`contributions:${id}`);
};

const HANDLERS = {
  "contribution.added"(state, { contribution }, parts) {
    const { before, after } = state.upsert(contribution);
    contributionParts(parts, after.theme_id, before?.theme_id);
    return { added: before ? null : after };
  },
  "contribution.updated"(state, { contribution }, parts) {
    const { before, after } = state.upsert(contribution);
    contributionParts(parts, after.theme_id, before?.theme_id);
  },
  "contribution.removed"(state, { contribution_id: id, hidden }, parts) {
    const existing = state.contribution(id);
    if (!existing) return;
    // Authors still see their own hidden contribution, marked as hidden.
    if (hidden && existing.mine) existing.hidden = true;
    else state.remove(id);
    contributionParts(parts, existing.theme_id);
  },
  "contribution.votes"(state, { contribution_id: id, votes }, parts) {
    const existing = state.contribution(id);
    if (!existing) return;
    existing.votes = votes;
    contributionParts(parts, existing.theme_id);
  },
  "prompt.results"(state, { prompt_id: id, results }, parts) {
    const prompt = state.prompt(id);
    if (!prompt) return;
    prompt.results = results;
    parts.add(`prompt:${id}`);
  },
  "prompt.revealed"(state, { prompt_id: id, revealed, results, reference }, parts) {
    const prompt = state.prompt(id);
    if (!prompt) return;
    prompt.revealed = revealed;
    if (results !== undefined) prompt.results = results;
    else if (!revealed && !state.isCoordinator) prompt.results = null;
    if (reference !== undefined) prompt.reference = reference;
    parts.add(`prompt:${id}`);
    return { prompt };
  },
  "note.edited"(state, { theme_id: themeId, version, ops, html }, parts) {
    const theme = state.theme(themeId);
    if (!theme) return;
    const note = theme.note ?? (theme.note = { text: "", version: 0, html: "" });
    if (version === note.version + 1) {
      try {
        note.text = applyOps(note.text, ops);
        note.version = version;
      } catch {
        note.stale = true; // the notes module, which owns editing, fetches history
      }
    } else if (version > note.version) {
      note.stale = true;
    }
    if (version >= note.version && html !== undefined) note.html = html;
    parts.add(`note:${themeId}`);
  },
  "room.changed"(state, { status }, parts) {
    const changed = state.room.status !== status;
    state.room.status = status;
    parts.add("room");
    return { roomChanged: changed };
  },
  "phase.changed"(state, { phase, theme_id: themeId }, parts) {
    const changed = state.room.phase !== phase || state.room.theme_id !== (themeId ?? null);
    state.room.phase = phase;
    state.room.theme_id = themeId ?? null;
    parts.add("phase");
    return { phaseChanged: changed };
  },
  "timer.changed"(state, { timer, server_now: serverNow }, parts) {
    if (serverNow) state.setClock(serverNow);
    const wasRunning = Boolean(state.room.timer);
    state.room.timer = timer ?? null;
    parts.add("timer");
    // A phase change also clears the timer; only stopping a running one is news.
    return { timerStarted: Boolean(timer), timerStopped: !timer && wasRunning };
  },
  "theme.changed"(state, { theme_id: themeId, is_locked: locked }, parts) {
    const theme = state.theme(themeId);
    if (!theme) return;
    const changed = theme.is_locked !== locked;
    theme.is_locked = locked;
    parts.add(`theme:${themeId}`);
    return { lockChanged: changed ? theme : null };
  },
  "talk.changed"(state, { presentation_id: id, given }, parts) {
    for (const talk of state.snap.presentations ?? []) {
      if (talk.id === id) talk.given = given;
    }
    parts.add("talks");
  },
  "action.changed"(state, { action }, parts) {
    const list = state.snap.actions ?? (state.snap.actions = []);
    const index = list.findIndex((a) => a.id === action.id);
    if (index >= 0) list[index] = action;
    else list.push(action);
    parts.add("actions");
  },
  "action.removed"(state, { action_id: id }, parts) {
    state.snap.actions = (state.snap.actions ?? []).filter((a) => a.id !== id);
    parts.add("actions");
  },
  "participant.changed"(state, { registration_id: id, is_note_taker: on }, parts) {
    for (const registration of state.snap.registrations ?? []) {
      if (registration.id === id) registration.is_note_taker = on;
    }
    parts.add("registrations");
    if (state.me.registration_id === id && state.me.is_note_taker !== on) {
      state.me.is_note_taker = on;
      parts.add("me");
    }
  },
  "presence.changed"(state, { presence }, parts) {
    state.snap.presence = presence;
    parts.add("presence");
  },
};
