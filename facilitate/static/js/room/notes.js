// A theme's shared note for note-takers and coordinators: a NoteEditor (textops.js) between
// the textarea and the server, with at most one edit in flight. Its state is kept in
// sessionStorage too, so neither a reconnect nor a reload loses anything typed.
import { announceError } from "./announce.js";
import { changeId, session } from "./dom.js";
import { t } from "./strings.js";
import { NoteEditor, codePoints, mapPosition } from "./textops.js";

const utf8 = new TextEncoder();
const BUSY_RETRIES = 3;
const BUSY_PAUSE_MS = 400;

/** UTF-16 offset in `text` -> code point index (textarea positions are UTF-16). */
function toCodePoint(text, offset) {
  return codePoints(text.slice(0, offset)).length;
}

/** Code point index -> UTF-16 offset. */
function toOffset(text, index) {
  return codePoints(text).slice(0, index).join("").length;
}

export class NoteSync {
  /** conn: Connection; limits: snapshot.limits; onHtml(html): the server's rendering changed. */
  constructor(themeId, conn, storageKey, limits, onHtml) {
    this.themeId = themeId;
    this.conn = conn;
    this.key = `facilitate.room.${storageKey}.note.${themeId}`;
    this.maxBytes = limits.note_bytes;
    this.onHtml = onHtml;
    this.editor = null;
    this.textarea = null;
    this.stateEl = null;
    this.fetching = false;
    this.fetchAgain = false;
    this.composing = false;
    this.queued = []; // remote changes (as functions) that came during an IME composition
    this.refused = false; // the last edit was refused: wait for new typing before resending
    this.readOnly = false;
  }

  /** Start or resume from the snapshot's note ({text, version, html}). */
  resume(note) {
    const server = { text: note?.text ?? "", version: note?.version ?? 0 };
    if (!this.editor) this.editor = this.restore(server.version);
    if (!this.editor || this.editor.version > server.version) {
      // Nothing saved, or the server knows less than we do (a restored database): start over.
      this.editor = new NoteEditor({ confirmed: server.text, version: server.version });
    }
    this.save();
    this.showLocal();
    const flight = this.editor.inFlight;
    if (flight) this.emit(flight); // the same id and base: a replay is acknowledged only
    if (this.editor.version < server.version || flight) this.fetchHistory();
    else this.sendNext();
  }

  /** The editor this tab saved before a reload, if it still fits the server's note. */
  restore(serverVersion) {
    const saved = session.get(this.key);
    if (!saved || saved.version > serverVersion) return null;
    try {
      return NoteEditor.fromJSON(saved);
    } catch {
      return null; // saved by another version of this page, or damaged: start afresh
    }
  }

  /** Bind a textarea (and a state line) to this note; detach() before binding another. */
  attach(textarea, stateEl) {
    this.textarea = textarea;
    this.stateEl = stateEl;
    textarea.value = this.editor ? this.editor.local : "";
    textarea.addEventListener("input", () => this.typed());
    textarea.addEventListener("compositionstart", () => {
      this.composing = true;
    });
    textarea.addEventListener("compositionend", () => {
      this.composing = false;
      // What arrived meanwhile first, so the composed text is sent on top of it.
      for (const apply of this.queued.splice(0)) apply();
      this.typed();
    });
    this.showState();
  }

  detach() {
    this.textarea = null;
    this.stateEl = null;
  }

  /** The textarea changed: take the text, then send if nothing is in flight. */
  typed() {
    if (!this.editor || !this.textarea || this.composing) return;
    this.editor.local = this.textarea.value;
    this.refused = false;
    this.save();
    this.sendNext();
  }

  /** A `note.edited` broadcast, or an edit from `note.history`. */
  remote({ version, ops, change_id: id, html }) {
    if (!this.editor) return;
    if (this.composing) {
      this.queued.push(() => this.remote({ version, ops, change_id: id, html }));
      return;
    }
    if (this.textarea) this.editor.local = this.textarea.value;
    const own = this.editor.inFlight?.changeId === id;
    if (!this.editor.receive(version, ops, id)) {
      this.fetchHistory();
      return;
    }
    if (this.editor.lastLocalOps) this.showLocal(this.editor.lastLocalOps);
    if (html !== undefined && version === this.editor.version) this.onHtml?.(html);
    this.save();
    if (own) this.sendNext();
    this.showState();
  }

  /** Fill a gap (or catch up after a reconnect) from the server's list of applied edits. */
  async fetchHistory() {
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    const pending = this.editor.inFlight?.changeId;
    const ack = await this.conn.request("note.history",
      { theme_id: this.themeId, since: this.editor.version, pending });
    this.fetching = false;
    if (ack.ok && ack.edits === null) {
      this.rebase(ack, pending);
    } else if (ack.ok) {
      const edits = [...(ack.edits ?? [])].sort((a, b) => a.version - b.version);
      for (const edit of edits) this.remote(edit);
    }
    if (this.fetchAgain) {
      this.fetchAgain = false;
      this.fetchHistory();
    } else {
      this.sendNext();
    }
  }

  /** The server no longer keeps the edits since our version: adopt its text, keep ours. */
  rebase(history, pending) {
    if (this.composing) {
      this.queued.push(() => this.rebase(history, pending));
      return;
    }
    const { version, text, html, pending_applied: applied } = history;
    if (this.textarea) this.editor.local = this.textarea.value;
    const own = applied && this.editor.inFlight?.changeId === pending;
    if (this.editor.rebase(version, text, own) === null) return;
    this.showLocal(this.editor.lastLocalOps);
    this.onHtml?.(html);
    this.save();
  }

  sendNext() {
    // Not during a composition either: an edit sent before a queued rebase is applied would
    // be based on history the server no longer keeps, refused as gone, and sent again.
    if (!this.editor || this.fetching || this.refused || this.readOnly || !this.conn.ready
        || this.composing || this.queued.length) {
      this.showState();
      return;
    }
    if (!this.editor.inFlight && utf8.encode(this.editor.local).length > this.maxBytes) {
      this.showState(t("note_too_long"));
      return;
    }
    const edit = this.editor.nextEdit(changeId());
    this.save();
    if (edit) this.emit(edit);
    this.showState();
  }

  async emit(edit, attempt = 0) {
    const ack = await this.conn.request("note.edit", {
      id: edit.changeId, theme_id: this.themeId, base_version: edit.baseVersion,
      ops: edit.sentOps,
    });
    if (ack.ok || this.editor.inFlight !== edit) {
      this.showState(); // confirmed by its broadcast (or history), not by the ack
      return;
    }
    if (ack.error === "timeout" || ack.error === "offline") {
      if (ack.error === "timeout" && this.conn.ready) this.emit(edit); // same id: no double
      return; // otherwise resume() resends it after reconnecting
    }
    if (ack.error === "gone") {
      // Based on history the server no longer keeps: never applied, so send it again on
      // top of the note as it is now.
      this.editor.unsend();
      this.save();
      this.fetchHistory();
      return;
    }
    if ((ack.error === "busy" || ack.error === "server_error") && attempt < BUSY_RETRIES) {
      // The server was busy or failed once: the same id again, a little later, applies it once.
      setTimeout(() => {
        if (this.editor.inFlight === edit && this.conn.ready) this.emit(edit, attempt + 1);
      }, BUSY_PAUSE_MS * 2 ** attempt);
      return;
    }
    // Refused (no longer a note-taker, closed room, too long): keep the text, stop sending.
    announceError(ack.message || t("refused"));
    this.editor.inFlight = null;
    this.refused = true;
    if (ack.error === "forbidden") this.setReadOnly(true);
    this.save();
    this.showState(ack.message || t("refused"));
  }

  /** No typing while the room is not open (the server refuses note edits then). */
  setReadOnly(readOnly) {
    if (this.readOnly && !readOnly) this.refused = false; // reopened: try the refused text again
    this.readOnly = readOnly;
    if (this.textarea) this.textarea.readOnly = readOnly;
    if (!readOnly) this.sendNext();
  }

  /** Put the local text in the textarea, moving the caret with a remote edit's ops. */
  showLocal(ops = null) {
    const area = this.textarea;
    if (!area || area.value === this.editor.local) return;
    const focused = document.activeElement === area;
    const old = area.value;
    const [start, end] = [area.selectionStart, area.selectionEnd];
    const direction = area.selectionDirection;
    const scroll = area.scrollTop;
    // Only the changed stretch is replaced: assigning `value` would also wipe the browser's
    // own undo history of what this person typed.
    const [from, to, inserted] = changedStretch(old, this.editor.local);
    area.setRangeText(inserted, from, to, "preserve");
    if (focused && ops) {
      const map = (offset) => toOffset(this.editor.local,
        mapPosition(ops, toCodePoint(old, offset)));
      area.setSelectionRange(map(start), map(end), direction);
    }
    area.scrollTop = scroll;
  }

  showState(problem = null) {
    if (!this.stateEl) return;
    const editor = this.editor;
    let text = t("note_saved");
    if (problem) text = problem;
    else if (!this.conn.ready) text = t("note_offline");
    else if (editor && (editor.inFlight || editor.local !== editor.confirmed)) {
      text = t("note_saving");
    }
    this.stateEl.textContent = text;
    this.stateEl.classList.toggle("is-error", Boolean(problem));
  }

  save() {
    if (this.editor) session.set(this.key, this.editor.toJSON());
  }
}

/** Where `before` and `after` differ: [start, end in before, the text that replaces it]. */
function changedStretch(before, after) {
  const most = Math.min(before.length, after.length);
  let start = 0;
  while (start < most && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  let tail = 0;
  while (tail < most - start
         && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) {
    tail += 1;
  }
  // Never cut a surrogate pair in two.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start -= 1;
  if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail -= 1;
  return [start, before.length - tail, after.slice(start, after.length - tail)];
}

const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff;
