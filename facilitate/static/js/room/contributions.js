// Contributions: the form that posts one, and the list with votes (participants), the
// author's edit and delete, and the coordinator's hide and move.
import { announce } from "./announce.js";
import { h, replaceKeepingFocus } from "./dom.js";
import { t, tn } from "./strings.js";
import { cpLength } from "./textops.js";


/** Make a part of the page read-only (locked theme, closed room) or usable again. */
export function setUsable(root, usable) {
  for (const control of root.querySelectorAll("textarea, input, button, select")) {
    if (control.dataset.alwaysUsable !== undefined) continue;
    // A read-only textarea keeps its text and the caret; a disabled one would drop focus.
    if (control.tagName === "TEXTAREA") control.readOnly = !usable;
    else control.disabled = !usable;
  }
}

/** The level choice; `levels` are the server's (snapshot.limits.levels). */
function levelFieldset(id, chosen, legend, levels) {
  return h("fieldset", { class: "levels", id: `${id}-levels` },
    h("legend", {}, legend, " ", h("span", { class: "required" }, `(${t("required")})`)),
    levels.map((level) => h("div", { class: "field checkbox" },
      h("input", { type: "radio", name: `${id}-level`, id: `${id}-level-${level}`, value: level,
        checked: chosen === level, required: true, "data-key": `${id}-level-${level}` }),
      h("label", { for: `${id}-level-${level}` }, t(`level_${level}`)))));
}

function showError(form, error, field, message) {
  error.textContent = message;
  error.hidden = !message;
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
  }
  if (message && field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

function checkText(text, limit) {
  if (!text.trim()) return t("error_empty");
  if (cpLength(text) > limit) return t("error_too_long", { max: limit });
  return null;
}

function counter(element, text, limit) {
  const n = cpLength(text);
  element.textContent = t(n > limit ? "chars_over" : "chars", { n, max: limit });
  element.classList.toggle("is-error", n > limit);
}

/**
 * The form to post a contribution to `prompt` (open or level), or to the theme itself when
 * prompt is null. Drafts survive re-rendering and reloads.
 */
export function contributionForm(app, theme, prompt, describedBy = "") {
  const key = prompt ? `prompt-${prompt.id}` : `theme-${theme.id}`;
  const id = `cf-${key}`;
  const limit = app.state.snap.limits.contribution_chars;
  const draft = app.drafts.get(key) ?? { text: "", level: null };
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const count = h("p", { class: "help char-count", id: `${id}-count` });
  const textarea = h("textarea", { id: `${id}-text`, name: "text", rows: 3,
    "data-key": `${id}-text`,
    "aria-describedby": `${id}-count ${id}-error ${describedBy}`.trim() });
  textarea.value = draft.text;
  counter(count, draft.text, limit);
  const levels = prompt?.kind === "level" ? levelFieldset(id, draft.level, t("level"),
    app.state.snap.limits.levels) : null;
  const button = h("button", { type: "submit", "data-key": `${id}-submit` }, t("send"));
  const form = h("form", { class: "contribution-form stack", "data-prompt-id": prompt?.id ?? "",
    "data-theme-id": theme.id, novalidate: true },
  h("div", { class: "field" },
    h("label", { for: textarea.id }, t(prompt ? "your_answer" : "your_comment")),
    textarea, count),
  levels, error, h("div", { class: "button-row" }, button));

  const chosenLevel = () => form.querySelector(`input[name="${id}-level"]:checked`)?.value ?? null;
  const saveDraft = () => app.drafts.set(key, { text: textarea.value, level: chosenLevel() });
  textarea.addEventListener("input", () => {
    counter(count, textarea.value, limit);
    saveDraft();
  });
  levels?.addEventListener("change", saveDraft);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (textarea.readOnly) return;
    const text = textarea.value;
    const level = chosenLevel();
    const problem = checkText(text, limit);
    if (problem) return showError(form, error, textarea, problem);
    if (levels && !level) {
      return showError(form, error, levels.querySelector("input"), t("error_level"));
    }
    showError(form, error, null, "");
    // The change waits with the unacknowledged ones (kept across reloads and reconnects), so
    // the field is free at once: a second contribution can follow, also while offline.
    textarea.value = "";
    for (const radio of form.querySelectorAll("input[type=radio]")) radio.checked = false;
    counter(count, "", limit);
    saveDraft();
    const ack = await app.conn.send("contribution.add", {
      theme_id: theme.id, text,
      ...(prompt ? { prompt_id: prompt.id } : {}), ...(levels ? { level } : {}),
    });
    if (ack.ok) {
      announce(t("contribution_sent"));
      return;
    }
    // Refused: give the text back unless something new has been typed meanwhile.
    if (!textarea.value) {
      textarea.value = text;
      counter(count, text, limit);
      saveDraft();
    }
    showError(form, error, textarea.value === text ? textarea : null,
      ack.message || t("refused"));
  });
  return form;
}

function editForm(app, c, limit, refresh) {
  const id = `edit-${c.id}`;
  const draft = app.editing.get(c.id);
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const textarea = h("textarea", { id: `${id}-text`, rows: 3, "data-key": `${id}-text`,
    "aria-describedby": `${id}-error` });
  textarea.value = draft.text;
  textarea.addEventListener("input", () => {
    draft.text = textarea.value;
  });
  const levels = c.level ? levelFieldset(id, draft.level, t("level"),
    app.state.snap.limits.levels) : null;
  levels?.addEventListener("change", (event) => {
    draft.level = event.target.value;
  });
  const close = () => {
    app.editing.delete(c.id);
    refresh();
    document.querySelector(`[data-key="contribution-edit-${c.id}"]`)?.focus();
  };
  const form = h("form", { class: "stack edit-form", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: textarea.id }, t("edit_contribution")), textarea),
    levels, error,
    h("div", { class: "button-row" },
      h("button", { type: "submit", "data-key": `${id}-save` }, t("save")),
      h("button", { type: "button", class: "secondary", "data-key": `${id}-cancel`,
        onclick: close }, t("cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = checkText(draft.text, limit);
    if (problem) return showError(form, error, textarea, problem);
    const ack = await app.conn.send("contribution.edit", {
      contribution_id: c.id, text: draft.text, ...(levels ? { level: draft.level } : {}),
    });
    if (ack.ok) close();
    else showError(form, error, null, ack.message || t("refused"));
  });
  return form;
}

function ownActions(app, c, refresh) {
  return [
    h("button", { type: "button", class: "secondary", "data-key": `contribution-edit-${c.id}`,
      onclick: () => {
        app.editing.set(c.id, { text: c.text, level: c.level });
        refresh();
        document.getElementById(`edit-${c.id}-text`)?.focus();
      } }, t("edit")),
    h("button", { type: "button", class: "danger", "data-key": `contribution-delete-${c.id}`,
      onclick: async () => {
        if (!window.confirm(t("confirm_delete"))) return;
        const ack = await app.conn.send("contribution.delete", { contribution_id: c.id });
        if (ack.ok) announce(t("contribution_deleted"));
      } }, t("delete")),
  ];
}

function moderation(app, c) {
  const others = app.state.themes.filter((theme) => theme.id !== c.theme_id);
  const selectId = `move-${c.id}`;
  const select = h("select", { id: selectId, "data-key": selectId },
    others.map((theme) => h("option", { value: theme.id }, theme.title)));
  return [
    h("button", { type: "button", class: "secondary", "data-key": `contribution-hide-${c.id}`,
      onclick: () => app.conn.send("contribution.hide",
        { contribution_id: c.id, hidden: !c.hidden }) },
    c.hidden ? t("unhide") : t("hide")),
    others.length ? h("span", { class: "move" },
      h("label", { for: selectId }, t("move_to")), select,
      h("button", { type: "button", class: "secondary", "data-key": `contribution-move-${c.id}`,
        onclick: () => app.conn.send("contribution.move",
          { contribution_id: c.id, theme_id: Number(select.value) }) }, t("move"))) : null,
  ];
}

function item(app, c, { console: isConsole, refresh, limit }) {
  const meta = [];
  if (c.level) meta.push(h("span", { class: "tag" }, t(`level_${c.level}`)));
  if (isConsole) {
    meta.push(h("span", {}, [c.organisation, c.author].filter(Boolean).join(", ")));
  }
  if (c.mine) meta.push(h("span", { class: "tag" }, t("yours")));
  if (c.hidden) {
    meta.push(h("span", { class: "tag tag-warning" }, t(isConsole ? "hidden" : "hidden_own")));
  }
  const editing = !isConsole && c.mine && app.editing.has(c.id);
  let actions = [];
  if (isConsole) actions = moderation(app, c);
  else if (c.mine) actions = editing ? [] : ownActions(app, c, refresh);
  else {
    actions = [h("button", { type: "button", class: "secondary vote",
      "aria-pressed": c.voted ? "true" : "false", "data-key": `contribution-vote-${c.id}`,
      onclick: () => app.conn.send("contribution.vote", { contribution_id: c.id, up: !c.voted }),
    }, t("vote"))];
  }
  return h("li", { class: `contribution${c.mine ? " is-mine" : ""}${c.hidden ? " is-hidden" : ""}`,
    "data-contribution-id": c.id },
  editing ? editForm(app, c, limit, refresh) : h("p", { class: "contribution-text" }, c.text),
  meta.length ? h("p", { class: "contribution-meta" }, meta) : null,
  h("div", { class: "button-row" },
    h("span", { class: "votes" }, tn("votes_one", "votes_other", c.votes ?? 0)), actions));
}

/**
 * Draw a list of contributions, with its heading, into `container` (again on every change);
 * `refresh` redraws it, for the author's edit form opening and closing.
 */
export function renderContributionList(app, container, list, { level, headingKey, refresh,
  console: isConsole = false, usable = true, emptyKey = "no_contributions" }) {
  const limit = app.state.snap.limits.contribution_chars;
  const headingId = `${container.id}-heading`;
  const heading = h(`h${level}`, { id: headingId }, t(headingKey, { n: list.length }));
  const body = list.length
    ? h("ul", { class: "contributions", "aria-labelledby": headingId },
      list.map((c) => item(app, c, { console: isConsole, refresh, limit })))
    : h("p", { class: "help" }, t(emptyKey));
  replaceKeepingFocus(container, heading,
    list.length > 1 ? h("p", { class: "help" }, t("newest_first")) : null, body);
  if (!usable) setUsable(body, false);
}
