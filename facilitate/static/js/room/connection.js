// The socket: snapshot first, then deltas; every change acknowledged, and unacknowledged
// changes kept (in memory and sessionStorage) and resent with the same ids after a reconnect.
import { announceError } from "./announce.js";
import { changeId, session } from "./dom.js";
import { t } from "./strings.js";

const ACK_MS = 10000;
const RETRIES = 2; // a slow server gets the same change again; its id makes that harmless
// Reconnecting after a restart or a network blip: exponential back-off with wide jitter, so
// a room of hundreds does not come back in the same instant. The first attempt falls
// anywhere in 0.25–1.75 s, later ones double up to 20 s (socket.io-client's own options).
export const RECONNECT = {
  reconnectionDelay: 1000, randomizationFactor: 0.75, reconnectionDelayMax: 20000,
};
// Refusals that pass (too many connects from one address, too many tabs, a server fault):
// tried again on the same back-off; any other refusal (a bad link, logged out) is final.
const PASSING_REFUSALS = new Set(["too_many_attempts", "busy", "server_error"]);

export class Connection {
  /**
   * io: the socket.io client's io(); auth: {token} or {workshop_id}; workshopId: sent on
   * every request as ?workshop= so that a load balancer keeps a room on one process
   * (deploy/nginx); storageKey: per workshop and user; handlers: onSnapshot(snapshot),
   * onEvent(name, payload), onState(state, message), onAck(event, payload, ack) for every
   * accepted change (also ones resent after a reload).
   */
  constructor(io, auth, workshopId, storageKey, handlers) {
    this.handlers = handlers;
    this.storageKey = `facilitate.room.${storageKey}.pending`;
    this.pending = session.get(this.storageKey) || []; // [{event, payload}] in sending order
    this.waiters = new Map(); // change id -> resolve functions of send()'s promises
    this.ready = false; // connected and the snapshot has arrived
    // Deltas that arrive before this connection's snapshot: the server joins the socket to the
    // room before it reads the snapshot, so one of these may be newer than the snapshot and
    // is applied after it (applying one the snapshot already has changes nothing).
    this.early = [];
    this.refusals = 0; // passing refusals in a row, for the back-off
    this.socket = io({ auth, query: { workshop: String(workshopId) }, ...RECONNECT });
    // socket.io delivers the snapshot (sent while connecting) before its own "connect".
    this.socket.on("connect", () => {
      if (!this.ready) handlers.onState("connecting");
    });
    this.socket.on("snapshot", (snapshot) => this.receiveSnapshot(snapshot));
    this.socket.on("disconnect", (reason) => {
      this.ready = false;
      this.early = [];
      handlers.onState("offline");
      // The server let go of this socket (e.g. the coordinator's sign-in ended elsewhere):
      // connect once more, so the answer says why.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.socket.on("connect_error", (error) => {
      this.ready = false;
      // A network failure is retried by socket.io; a refusal, only if it passes.
      if (this.socket.active) handlers.onState("offline");
      else if (PASSING_REFUSALS.has(error?.data?.error)) {
        handlers.onState("offline", refusalMessage(error));
        this.connectLater();
      } else handlers.onState("refused", refusalMessage(error));
    });
    this.socket.onAny((event, payload) => {
      if (event === "snapshot") return;
      if (this.ready) handlers.onEvent(event, payload ?? {});
      else this.early.push([event, payload ?? {}]);
    });
    // The browser knows the network is back: reconnect now, not after socket.io's back-off
    // (up to 20 s), so what was written offline goes at once.
    window.addEventListener("online", () => {
      if (this.socket.active && !this.socket.connected) this.socket.disconnect().connect();
    });
  }

  /** Connect again after a passing refusal, later each time (as socket.io's own back-off). */
  connectLater() {
    const { reconnectionDelay, randomizationFactor, reconnectionDelayMax } = RECONNECT;
    const base = Math.min(reconnectionDelayMax, reconnectionDelay * 2 ** this.refusals);
    this.refusals += 1;
    const delay = base * (1 + randomizationFactor * (2 * Math.random() - 1));
    setTimeout(() => {
      if (!this.socket.connected) this.socket.connect();
    }, delay);
  }

  receiveSnapshot(snapshot) {
    this.ready = true;
    this.refusals = 0;
    this.handlers.onState("online");
    this.handlers.onSnapshot(snapshot);
    const early = this.early;
    this.early = [];
    for (const [event, payload] of early) this.handlers.onEvent(event, payload);
    for (const item of [...this.pending]) this.emit(item);
  }

  /** Send a change (it gets an id); resolves with the acknowledgement, however late. */
  send(event, payload) {
    const item = { event, payload: { ...payload, id: payload.id ?? changeId() } };
    this.pending.push(item);
    this.save();
    const promise = new Promise((resolve) => {
      const list = this.waiters.get(item.payload.id) ?? [];
      list.push(resolve);
      this.waiters.set(item.payload.id, list);
    });
    if (this.ready) this.emit(item);
    return promise;
  }

  /** A request that is not a stored change (sync, note.history, note.edit); one attempt. */
  request(event, payload) {
    return new Promise((resolve) => {
      if (!this.ready) {
        resolve({ ok: false, error: "offline", message: t("offline") });
        return;
      }
      this.socket.timeout(ACK_MS).emit(event, payload, (error, ack) => {
        resolve(error ? { ok: false, error: "timeout", message: t("no_answer") }
          : ack ?? { ok: false, error: "invalid", message: t("refused") });
      });
    });
  }

  /** Ask for a fresh snapshot (after a gap the deltas cannot fill). */
  async sync() {
    const ack = await this.request("sync", {});
    if (ack.ok && ack.snapshot) this.handlers.onSnapshot(ack.snapshot);
    return ack;
  }

  emit(item, attempt = 0) {
    this.socket.timeout(ACK_MS).emit(item.event, item.payload, (error, ack) => {
      if (!this.pending.includes(item)) return; // an earlier attempt was answered
      if (!error) {
        this.finish(item, ack ?? { ok: false, error: "invalid", message: t("refused") });
      } else if (!this.ready) {
        // Disconnected while waiting: the snapshot after reconnecting resends it.
      } else if (attempt < RETRIES) {
        this.emit(item, attempt + 1);
      } else {
        this.finish(item, { ok: false, error: "timeout", message: t("no_answer") });
      }
    });
  }

  finish(item, ack) {
    this.pending = this.pending.filter((other) => other !== item);
    this.save();
    if (ack.ok === false) announceError(ack.message || t("refused"));
    else this.handlers.onAck?.(item.event, item.payload, ack);
    for (const resolve of this.waiters.get(item.payload.id) ?? []) resolve(ack);
    this.waiters.delete(item.payload.id);
  }

  save() {
    session.set(this.storageKey, this.pending.length ? this.pending : null);
  }
}

/** The server's reason for refusing the connection, in the user's language when it has one. */
export function refusalMessage(error) {
  // The server refuses with {message, data: {error}}; anything else is the transport's own.
  const message = typeof error?.message === "string" ? error.message : "";
  return message && !/^Connection (rejected|refused) by server$/.test(message)
    ? message : t("refused_connection");
}
