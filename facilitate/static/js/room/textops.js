// Text edits as operations and their transformation: a line-by-line mirror of
// facilitate/room/textops.py, which is the reference. Lengths are Unicode code points
// (as Python counts them), never UTF-16 units, so an emoji is one character here too.

export class OpsError extends Error {
  constructor(message) {
    super(message);
    this.name = "OpsError";
  }
}

const isText = (c) => typeof c === "string";
const isCount = (c) => typeof c === "number" && Number.isInteger(c);

/** Code points of a string; a surrogate pair stays one item. */
export const codePoints = (text) => Array.from(text);

/** Length in code points, without building an array. */
export function cpLength(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * The edit as a normalised list, or OpsError when its shape is wrong; `maxComponents` is the
 * server's (snapshot.limits.note_edit_components).
 */
export function validate(ops, maxComponents) {
  if (!Array.isArray(ops) || ops.length === 0) throw new OpsError("ops must be a non-empty list");
  if (ops.length > maxComponents) throw new OpsError("too many operations");
  for (const c of ops) {
    if (!isText(c) && !isCount(c)) throw new OpsError("each operation is an integer or a string");
    if (c === 0 || c === "") throw new OpsError("empty operation");
    if (isText(c) && c.includes("\u0000")) throw new OpsError("NUL characters are not allowed");
  }
  return normalise(ops);
}

function sameKind(a, b) {
  if (isText(a) || isText(b)) return isText(a) && isText(b);
  return (a > 0) === (b > 0);
}

/** Adjacent operations of one kind merged; zero-length ones dropped. */
export function normalise(ops) {
  const out = [];
  for (const c of ops) {
    if (c === 0 || c === "") continue;
    if (out.length && sameKind(out[out.length - 1], c)) out[out.length - 1] += c;
    else out.push(c);
  }
  return out;
}

/** Length of the text the edit applies to. */
export function baseLength(ops) {
  let n = 0;
  for (const c of ops) if (!isText(c)) n += Math.abs(c);
  return n;
}

/** Length of the text after the edit. */
export function targetLength(ops) {
  let n = 0;
  for (const c of ops) n += isText(c) ? cpLength(c) : c > 0 ? c : 0;
  return n;
}

/** True when the edit changes nothing. */
export const isNoop = (ops) => ops.every((c) => !isText(c) && c > 0);

/** The text after the edit; OpsError when the edit does not cover the text exactly. */
export function apply(text, ops) {
  const chars = codePoints(text);
  const base = baseLength(ops);
  if (base !== chars.length) {
    throw new OpsError(`edit is for a text of ${base} characters, not ${chars.length}`);
  }
  const parts = [];
  let at = 0;
  for (const c of ops) {
    if (isText(c)) {
      parts.push(c);
    } else if (c > 0) {
      parts.push(chars.slice(at, at + c).join(""));
      at += c;
    } else {
      at -= c;
    }
  }
  return parts.join("");
}

/** One edit turning `old` into `new`: keep the common ends, replace the middle. */
export function diff(oldText, newText) {
  const a = codePoints(oldText);
  const b = codePoints(newText);
  const limit = Math.min(a.length, b.length);
  let start = 0;
  while (start < limit && a[start] === b[start]) start++;
  let end = 0;
  while (end < limit - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return normalise([start, -(a.length - start - end), b.slice(start, b.length - end).join(""),
    end]);
}

const size = (c) => (isText(c) ? cpLength(c) : Math.abs(c));

// Walks an edit component by component, splitting them as the other side needs.
class Cursor {
  constructor(ops) {
    this.ops = ops;
    this.index = 0;
    this.head = ops.length ? ops[0] : null;
  }

  advance() {
    this.index++;
    this.head = this.index < this.ops.length ? this.ops[this.index] : null;
  }

  take(n = null) {
    const head = this.head;
    const length = size(head);
    if (n === null || n >= length) {
      this.advance();
      return head;
    }
    if (isText(head)) {
      const chars = codePoints(head);
      this.head = chars.slice(n).join("");
      return chars.slice(0, n).join("");
    }
    const sign = head > 0 ? 1 : -1;
    this.head = head - sign * n;
    return sign * n;
  }
}

/**
 * Both edits made on the same text, each rewritten to apply after the other: [first', second'].
 * When both insert at one place, `first`'s insert comes first (the edit the server applied).
 */
export function transform(first, second) {
  if (baseLength(first) !== baseLength(second)) {
    throw new OpsError("the two edits are for texts of different lengths");
  }
  const outFirst = [];
  const outSecond = [];
  const a = new Cursor(first);
  const b = new Cursor(second);
  while (a.head !== null || b.head !== null) {
    if (isText(a.head)) {
      const text = a.take();
      outFirst.push(text);
      outSecond.push(cpLength(text));
      continue;
    }
    if (isText(b.head)) {
      const text = b.take();
      outFirst.push(cpLength(text));
      outSecond.push(text);
      continue;
    }
    if (a.head === null || b.head === null) throw new OpsError("the edits do not line up");
    const n = Math.min(size(a.head), size(b.head));
    const ca = a.take(n);
    const cb = b.take(n);
    if (ca > 0 && cb > 0) {
      outFirst.push(n);
      outSecond.push(n);
    } else if (ca < 0 && cb > 0) {
      outFirst.push(-n); // first deletes what second kept
    } else if (cb < 0 && ca > 0) {
      outSecond.push(-n);
    }
    // both deleted the same characters: nothing left to do on either side
  }
  return [normalise(outFirst), normalise(outSecond)];
}

/**
 * Where a position (in code points) of the text before `ops` ends up after it. An insert at
 * the position pushes it forward, so a caret stays behind text others typed at the same spot,
 * matching the order transform gives concurrent inserts.
 */
export function mapPosition(ops, position) {
  let before = 0; // consumed characters of the old text
  let after = 0; // produced characters of the new text
  for (const c of ops) {
    if (isText(c)) {
      after += cpLength(c);
      continue;
    }
    const n = Math.abs(c);
    if (before + n > position) {
      return c > 0 ? after + (position - before) : after;
    }
    before += n;
    if (c > 0) after += n;
  }
  return after;
}

/** An edit sent to the server and not yet seen back. */
export class InFlight {
  constructor(changeId, baseVersion, sentOps, ops) {
    this.changeId = changeId;
    // what was sent, for an identical resend after a reconnect
    this.baseVersion = baseVersion;
    this.sentOps = sentOps;
    // the same edit rebased onto the client's confirmed text as other edits arrive
    this.ops = ops;
  }
}

/** One edit with the effect of `first` followed by `second`. */
export function compose(first, second) {
  if (targetLength(first) !== baseLength(second)) {
    throw new OpsError("the second edit is not for the text the first one leaves");
  }
  const out = [];
  const a = new Cursor(first);
  const b = new Cursor(second);
  while (a.head !== null || b.head !== null) {
    if (isCount(a.head) && a.head < 0) {
      out.push(a.take()); // deleted by the first: the second never saw it
      continue;
    }
    if (isText(b.head)) {
      out.push(b.take());
      continue;
    }
    if (a.head === null || b.head === null) throw new OpsError("the edits do not line up");
    const n = Math.min(size(a.head), size(b.head));
    const ca = a.take(n);
    const cb = b.take(n);
    if (cb < 0) {
      if (!isText(ca)) out.push(cb); // kept by the first, deleted by the second
      // inserted by the first and deleted by the second: nothing remains
    } else {
      out.push(ca); // kept by the second: the first's insert or keep stands
    }
  }
  return normalise(out);
}

/**
 * One client's view of a note: confirmed text, at most one edit in flight, local typing.
 * The same state machine as textops.NoteEditor in Python. Typing is recorded change by change
 * (assign `local` after each input event): one diff of many changes at once could not tell an
 * insert from a replacement, and would turn a colleague's concurrent text into duplicates.
 */
export class NoteEditor {
  constructor({ confirmed = "", version = 0 } = {}) {
    this.confirmed = confirmed;
    this.version = version;
    this.localText = confirmed;
    // typing not sent yet, as one edit of the text sent so far
    this.buffer = normalise([cpLength(confirmed)]);
    this.inFlight = null;
    this.lastLocalOps = null;
  }

  /** What the user sees: confirmed text, the edit in flight and the unsent typing. */
  get local() {
    return this.localText;
  }

  set local(text) {
    this.buffer = compose(this.buffer, diff(this.localText, text));
    this.localText = text;
  }

  /** The confirmed text with the edit in flight applied. */
  sentText() {
    return this.inFlight ? apply(this.confirmed, this.inFlight.ops) : this.confirmed;
  }

  /** The edit to send now (marked in flight), or null if one is out or nothing changed. */
  nextEdit(changeId) {
    if (this.inFlight !== null || isNoop(this.buffer)) return null;
    const ops = this.buffer;
    this.inFlight = new InFlight(changeId, this.version, ops, ops);
    this.buffer = normalise([cpLength(this.localText)]);
    return this.inFlight;
  }

  /**
   * Apply a broadcast edit; false when a gap means history must be fetched first. A remote
   * edit's form over the local text is kept in `lastLocalOps` (null otherwise), so a view
   * can move the caret with it.
   */
  receive(version, ops, changeId) {
    this.lastLocalOps = null;
    if (version <= this.version) return true;
    if (version !== this.version + 1) return false;
    if (this.inFlight !== null && changeId === this.inFlight.changeId) {
      this.confirmed = apply(this.confirmed, this.inFlight.ops);
      this.inFlight = null;
    } else {
      const rebased = this.rebaseRemote([...ops]);
      this.localText = apply(this.localText, rebased);
      this.lastLocalOps = rebased;
    }
    this.version = version;
    return true;
  }

  /**
   * The server refused the edit in flight as too old (`gone`): it was never applied, so it
   * goes back into the unsent typing, to be sent again once caught up.
   */
  unsend() {
    if (this.inFlight !== null) {
      this.buffer = compose(this.inFlight.ops, this.buffer);
      this.inFlight = null;
    }
  }

  /**
   * Adopt the server's `text` at `version` when the edits leading there are no longer kept,
   * keeping what is unsent (and the edit in flight, unless `pendingApplied` says the server
   * has it). Returns the change of the local text (also in `lastLocalOps`), or null if
   * `version` is not newer than ours. The server's side is taken as one replacement of the
   * text both share (a diff): nothing typed here is lost, though it may land beside, rather
   * than inside, what changed there.
   */
  rebase(version, text, pendingApplied) {
    this.lastLocalOps = null;
    if (version <= this.version) return null;
    let shared = this.confirmed;
    let mine = this.buffer;
    if (this.inFlight !== null && pendingApplied) shared = this.sentText();
    else if (this.inFlight !== null) mine = compose(this.inFlight.ops, this.buffer);
    const [theirs, buffer] = transform(diff(shared, text), mine);
    this.buffer = buffer;
    this.inFlight = null;
    this.confirmed = text;
    this.version = version;
    this.localText = apply(text, buffer);
    this.lastLocalOps = theirs;
    return theirs;
  }

  // Advance the confirmed text, the edit in flight and the unsent typing past `remote`;
  // return it as it applies to the local text.
  rebaseRemote(remote) {
    let afterMine = remote;
    if (this.inFlight !== null) {
      [afterMine, this.inFlight.ops] = transform(remote, this.inFlight.ops);
    }
    this.confirmed = apply(this.confirmed, remote);
    let rebased;
    [rebased, this.buffer] = transform(afterMine, this.buffer);
    return rebased;
  }

  /** Plain data for sessionStorage. */
  toJSON() {
    return { confirmed: this.confirmed, version: this.version, local: this.localText,
      buffer: this.buffer, inFlight: this.inFlight && { ...this.inFlight } };
  }

  /** The editor saved with toJSON; OpsError when the saved parts do not fit together. */
  static fromJSON(data) {
    const editor = new NoteEditor({ confirmed: data.confirmed, version: data.version });
    const f = data.inFlight;
    editor.inFlight = f ? new InFlight(f.changeId, f.baseVersion, f.sentOps, f.ops) : null;
    editor.localText = data.local;
    editor.buffer = data.buffer;
    if (!Array.isArray(data.buffer) || typeof data.local !== "string"
        || apply(editor.sentText(), data.buffer) !== data.local) {
      throw new OpsError("saved note state is inconsistent");
    }
    return editor;
  }
}
