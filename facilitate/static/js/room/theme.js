// One theme as a section: description, prompts with their forms, answers and contributions,
// and the shared note. Parts redraw on their own so typing elsewhere is never disturbed.
import { answerFieldset, checkAnswer, renderResults } from "./answers.js";
import { contributionForm, renderContributionList, setUsable } from "./contributions.js";
import { h, sanitisedHtml } from "./dom.js";
import { t } from "./strings.js";

const TALKING = new Set(["open", "level"]); // prompts answered with contributions

export class ThemeBlock {
  /**
   * app: the room (state, conn, notes…); level: the theme heading's level; console: the
   * coordinator's version; current: the theme under discussion (the console edits its note).
   */
  constructor(app, theme, { level = 2, console: isConsole = false, current = true } = {}) {
    this.app = app;
    this.theme = theme;
    this.level = level;
    this.console = isConsole;
    this.current = current;
    this.lists = new Map(); // container id -> {container, list(), options}
    this.results = new Map(); // prompt id -> container
    this.answerSets = new Map(); // prompt id -> fieldset
    this.forms = [];
    this.noteSync = null;
    this.el = this.build();
    this.refreshLock();
  }

  get state() { return this.app.state; }

  /** Participants may add, vote and answer: open room, unlocked theme. */
  usable() {
    const open = this.state.room.status === "open";
    return this.console ? open : open && !this.theme.is_locked;
  }

  build() {
    const { theme, level } = this;
    const id = `theme-${theme.id}`;
    const heading = h(`h${level}`, { id: `${id}-heading` }, theme.title,
      this.console && this.current ? [" ", h("span", { class: "tag tag-now" }, t("now"))] : null);
    this.lockNotice = h("p", { class: "notice", id: `${id}-locked`, hidden: true },
      t("theme_locked"));
    const parts = [heading];
    if (theme.description_html) {
      parts.push(sanitisedHtml(h("div", { class: "prose theme-description" }),
        theme.description_html));
    }
    parts.push(this.lockNotice);
    if (this.console) parts.push(this.lockControl());
    for (const prompt of theme.prompts) parts.push(this.promptSection(prompt));
    parts.push(this.otherContributions());
    parts.push(this.noteSection());
    return h("section", { class: "theme-block stack", id, "data-theme-id": theme.id,
      "aria-labelledby": `${id}-heading` }, parts);
  }

  lockControl() {
    this.lockButton = h("button", { type: "button", class: "secondary",
      "data-key": `theme-lock-${this.theme.id}`,
      onclick: () => this.app.conn.send("theme.lock",
        { theme_id: this.theme.id, locked: !this.theme.is_locked }) });
    return h("div", { class: "button-row" }, this.lockButton);
  }

  promptSection(prompt) {
    const id = `prompt-${prompt.id}`;
    const sub = this.level + 1;
    const parts = [h(`h${sub}`, { id: `${id}-heading`, class: "prompt-text" }, prompt.text)];
    if (TALKING.has(prompt.kind)) {
      if (!this.console) {
        const form = contributionForm(this.app, this.theme, prompt, `${id}-heading`);
        this.forms.push(form);
        parts.push(form);
      }
      parts.push(this.listContainer(`${id}-contributions`,
        () => this.state.contributionsOf(this.theme.id).filter((c) => c.prompt_id === prompt.id),
        "answers_heading", "no_answers_yet"));
    } else {
      if (!this.console) {
        const fieldset = answerFieldset(this.app, prompt);
        this.answerSets.set(prompt.id, fieldset);
        this.forms.push(fieldset);
        parts.push(fieldset);
      } else {
        parts.push(this.revealControl(prompt));
      }
      const results = h("div", { class: "results-area", id: `${id}-results` });
      this.results.set(prompt.id, results);
      renderResults(results, prompt, this.app.state.snap.limits, { console: this.console });
      parts.push(results);
    }
    return h("section", { class: "prompt stack", id, "data-prompt-id": prompt.id,
      "data-kind": prompt.kind, "aria-labelledby": `${id}-heading` }, parts);
  }

  revealControl(prompt) {
    const button = h("button", { type: "button", class: "secondary",
      "data-key": `prompt-reveal-${prompt.id}`,
      onclick: () => this.app.conn.send("prompt.reveal",
        { prompt_id: prompt.id, revealed: !prompt.revealed }) });
    const status = h("span", { class: "help" });
    const row = h("div", { class: "button-row reveal" }, button, status);
    row.update = () => {
      button.textContent = t(prompt.revealed ? "hide_results" : "reveal_results");
      status.textContent = t(prompt.revealed ? "results_shown" : "results_not_shown");
    };
    row.update();
    this.revealRows ??= new Map();
    this.revealRows.set(prompt.id, row);
    return row;
  }

  /** Contributions that answer no prompt of this theme (general ones, moved ones). */
  otherContributions() {
    const talking = this.theme.prompts.filter((p) => TALKING.has(p.kind)).map((p) => p.id);
    const others = () => this.state.contributionsOf(this.theme.id)
      .filter((c) => !talking.includes(c.prompt_id));
    const section = h("section", { class: "stack other-contributions" });
    // With no question to answer, participants can still comment on the theme itself.
    if (!talking.length && !this.console) {
      const form = contributionForm(this.app, this.theme, null, `theme-${this.theme.id}-heading`);
      this.forms.push(form);
      section.append(form);
    }
    const container = this.listContainer(`theme-${this.theme.id}-others`, others,
      talking.length ? "other_heading" : "comments_heading");
    section.append(container);
    // An empty "other comments" list under answered prompts is noise; show it when needed.
    section.hidden = talking.length > 0 && others().length === 0;
    this.othersSection = { section, others, talking };
    return section;
  }

  listContainer(id, list, headingKey, emptyKey = "no_contributions") {
    const container = h("div", { class: "contribution-list", id });
    this.lists.set(id, { container, list, headingKey, emptyKey });
    this.drawList(id);
    return container;
  }

  drawList(id) {
    const { container, list, headingKey, emptyKey } = this.lists.get(id);
    renderContributionList(this.app, container, list(), {
      level: this.level + 2, headingKey, emptyKey, console: this.console, usable: this.usable(),
      refresh: () => this.drawList(id),
    });
  }

  noteSection() {
    const id = `note-${this.theme.id}`;
    const sub = this.level + 1;
    this.noteView = h("div", { class: "prose note-html", id: `${id}-html` });
    const parts = [h(`h${sub}`, { id: `${id}-heading` }, t("notes"))];
    const editing = this.state.canEditNotes && (!this.console || this.current);
    this.noteSync = editing ? this.app.notes.get(this.theme.id) ?? null : null;
    if (this.noteSync) {
      const textarea = h("textarea", { id: `${id}-editor`, class: "note-editor", rows: 12,
        "data-key": `${id}-editor`, "data-always-usable": "", spellcheck: "true",
        "aria-describedby": `${id}-help ${id}-state` });
      const stateLine = h("p", { class: "help note-state", id: `${id}-state` });
      parts.push(
        h("p", { class: "help", id: `${id}-help` }, t("notes_help")),
        h("div", { class: "field" }, h("label", { for: textarea.id }, t("notes_editor")), textarea),
        stateLine,
        h(`h${sub + 1}`, {}, t("preview")));
      this.noteSync.attach(textarea, stateLine);
      this.noteSync.setReadOnly(this.state.room.status !== "open");
    }
    parts.push(this.noteView);
    this.refreshNote();
    return h("section", { class: "note-section stack", id, "aria-labelledby": `${id}-heading` },
      parts);
  }

  refreshContributions() {
    for (const id of this.lists.keys()) this.drawList(id);
    const { section, others, talking } = this.othersSection;
    section.hidden = talking.length > 0 && others().length === 0;
  }

  refreshPrompt(promptId) {
    const prompt = this.theme.prompts.find((p) => p.id === promptId);
    if (!prompt) return;
    const results = this.results.get(promptId);
    if (results) {
      renderResults(results, prompt, this.app.state.snap.limits, { console: this.console });
    }
    const fieldset = this.answerSets.get(promptId);
    if (fieldset && !fieldset.contains(document.activeElement)) {
      checkAnswer(fieldset, prompt.my_answer);
    }
    this.revealRows?.get(promptId)?.update();
  }

  /** Lock, room status: notice, usable controls, the lock button's words. */
  refreshLock() {
    this.lockNotice.hidden = !this.theme.is_locked;
    const usable = this.usable();
    for (const form of this.forms) setUsable(form, usable);
    for (const id of this.lists.keys()) this.drawList(id);
    if (this.lockButton) {
      this.lockButton.textContent = t(this.theme.is_locked ? "unlock_theme" : "lock_theme");
      this.lockButton.disabled = this.state.room.status === "closed";
    }
    for (const row of this.revealRows?.values() ?? []) {
      row.querySelector("button").disabled = this.state.room.status === "closed";
    }
    this.noteSync?.setReadOnly(this.state.room.status !== "open"); // notes need an open room
  }

  refreshNote() {
    const note = this.theme.note;
    if (note?.html) sanitisedHtml(this.noteView, note.html);
    else this.noteView.replaceChildren(h("p", { class: "help" }, t("no_notes")));
  }

  /** Unhook the note editor before the block leaves the page. */
  destroy() {
    this.noteSync?.detach();
  }
}
