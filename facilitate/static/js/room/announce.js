// The page's one live region: new contributions, phase and timer changes, errors. It is also
// shown, briefly, so sighted users see the same messages.
import { tn } from "./strings.js";

const SHOWN_MS = 10000;
const BATCH_MS = 3000; // several contributions in a burst become one message

let region = null;
let clearTimer = 0;
let newContributions = 0;
let batchTimer = 0;

/** Use `element` (role="status") as the live region. */
export function useRegion(element) {
  region = element;
}

/** Say `text` politely; the same text twice in a row is said twice. */
export function announce(text, { error = false } = {}) {
  if (!region || !text) return;
  region.textContent = "";
  region.classList.toggle("is-error", error);
  // A fresh text node in a later task is what screen readers notice as a change.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
  clearTimeout(clearTimer);
  clearTimer = setTimeout(() => {
    region.textContent = "";
  }, SHOWN_MS);
}

/** An error message from the server or the connection. */
export const announceError = (text) => announce(text, { error: true });

/** Count someone else's new contribution; they are announced together after a pause. */
export function announceContribution() {
  newContributions += 1;
  clearTimeout(batchTimer);
  batchTimer = setTimeout(() => {
    announce(tn("new_contribution", "new_contributions", newContributions));
    newContributions = 0;
  }, BATCH_MS);
}
