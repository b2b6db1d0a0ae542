// The visible countdown. It ticks every second but is not a live region: only its start and
// end are announced (by the caller and onEnd), so screen readers are not flooded.
import { t } from "./strings.js";

/** "m:ss" for a number of seconds (h:mm:ss from an hour up). */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

export class Countdown {
  /** element: where the time shows; now(): the server's time in ms; onEnd(): at zero, once. */
  constructor(element, now, onEnd) {
    this.element = element;
    this.now = now;
    this.onEnd = onEnd;
    this.interval = 0;
    this.endsAt = null;
  }

  /** Show `timer` ({ends_at, seconds} or null); `quiet` skips the end announcement. */
  show(timer, { quiet = false } = {}) {
    clearInterval(this.interval);
    this.endsAt = timer ? Date.parse(timer.ends_at) : null;
    this.ended = quiet && this.endsAt !== null && this.endsAt <= this.now();
    this.element.hidden = this.endsAt === null;
    this.element.classList.remove("is-over");
    if (this.endsAt === null) return;
    this.tick();
    this.interval = setInterval(() => this.tick(), 1000);
  }

  tick() {
    const left = (this.endsAt - this.now()) / 1000;
    this.element.dataset.secondsLeft = String(Math.max(0, Math.ceil(left)));
    if (left > 0) {
      this.element.textContent = t("time_left", { time: clock(left) });
      return;
    }
    clearInterval(this.interval);
    this.element.textContent = t("time_over");
    this.element.classList.add("is-over");
    if (!this.ended) {
      this.ended = true;
      this.onEnd();
    }
  }
}
