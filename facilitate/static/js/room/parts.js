// Page parts both views share: the connection line, the agenda, who is present, the talks.
import { announce, announceError } from "./announce.js";
import { h, hidden, replaceKeepingFocus } from "./dom.js";
import { t, tn } from "./strings.js";

/** Show the connection's state; a refusal (bad link, logged out) is also announced. */
export function showConnection(element, state, message, app) {
  const before = element.dataset.state;
  element.dataset.state = state;
  element.classList.toggle("is-error", state === "refused" || state === "offline");
  element.textContent = message || t(`connection_${state}`);
  if (state === "refused") announceError(element.textContent);
  else if (state === "offline" && before === "online") announce(t("connection_offline"));
  else if (state === "online" && before === "offline") announce(t("connection_back"));
  if (app?.state.snap) app.root.dataset.connection = state;
}

/** The agenda: talks, each theme, closing; the current step marked. */
export function renderAgenda(list, state) {
  const { room } = state;
  const step = (key, label, current, extra = null) => h("li", {
    "data-step": key, "aria-current": current ? "step" : null,
    class: current ? "is-current" : null,
  }, label, extra, current ? [" ", h("span", { class: "tag tag-now" }, t("now"))] : null);
  replaceKeepingFocus(list,
    step("opening", t("phase_opening"), room.phase === "opening"),
    state.themes.map((theme) => step(`theme-${theme.id}`, theme.title,
      room.phase === "theme" && room.theme_id === theme.id,
      theme.is_locked ? [" ", h("span", { class: "tag" }, t("locked"))] : null)),
    step("closing", t("phase_closing"), room.phase === "closing"));
}

/** Who is here, by organisation (coordinators also see names). */
export function renderPresence(heading, list, presence) {
  const total = presence.reduce((sum, entry) => sum + entry.count, 0);
  heading.textContent = t("present_heading", { n: total });
  if (!presence.length) {
    replaceKeepingFocus(list, h("li", { class: "help" }, t("nobody_present")));
    return;
  }
  replaceKeepingFocus(list, presence.map((entry) => h("li", {},
    h("span", { class: "presence-org" }, entry.organisation), " ",
    h("span", { class: "presence-count" }, tn("people_one", "people_other", entry.count)),
    entry.names?.length ? h("span", { class: "presence-names" }, entry.names.join(", ")) : null)));
}

/** The talks of the opening, with their slides. */
export function presentations(state, level) {
  const talks = state.snap.presentations ?? [];
  return [
    h(`h${level}`, { id: "room-now-heading" }, t("phase_opening")),
    talks.length
      ? h("ul", { class: "talks" }, talks.map((talk) => h("li", {},
        h("span", { class: "talk-title" }, talk.title),
        talk.presenter ? [" – ", talk.presenter] : null,
        talk.slides_url ? [" ", h("a", { href: talk.slides_url, class: "slides" }, t("slides"),
          hidden(`: ${talk.title}`))] : null)))
      : h("p", {}, t("no_talks")),
  ];
}

/** The closing: thanks. */
export function closing(level) {
  return [
    h(`h${level}`, { id: "room-now-heading" }, t("phase_closing")),
    h("p", { class: "lead" }, t("thanks")),
  ];
}
