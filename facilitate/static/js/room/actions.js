// Agreed actions (toimenpiteet): the earlier ones this room follows up, each with what the
// room says of it, and the ones this room agrees, with the form that records one.
// Coordinators and note-takers change them; everyone else reads.
import { announce } from "./announce.js";
import { h, hidden, replaceKeepingFocus } from "./dom.js";
import { t } from "./strings.js";

/** "2023-03-31" as Finns write it: 31.3.2023. */
const day = (iso) => {
  const [y, m, d] = (iso ?? "").split("-").map(Number);
  return y ? `${d}.${m}.${y}` : "";
};

/** Today in Finland as YYYY-MM-DD: the earliest due date the server takes. */
function todayInFinland() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki" }).format(new Date());
}

export class ActionsPanel {
  /**
   * Draws into `container`, its headings at `level` (under the page's own); `editable()` says
   * whether this user may change actions now.
   */
  constructor(app, container, editable, level = 3) {
    this.app = app;
    this.container = container;
    this.editable = editable;
    this.heading = `h${level}`;
    this.errors = {};
    this.draft = { text: "", owner: "", due: "" };
    this.sending = false;
  }

  get actions() {
    return this.app.state.snap.actions ?? [];
  }

  render() {
    const earlier = this.actions.filter((a) => !a.agreed_here);
    const agreed = this.actions.filter((a) => a.agreed_here);
    const editable = this.editable();
    replaceKeepingFocus(this.container,
      earlier.length ? [h(this.heading, {}, t("actions_review_heading")),
        h("ul", { class: "actions actions-review" },
          earlier.map((a) => this.reviewRow(a, editable)))] : null,
      h(this.heading, {}, t("actions_agreed_heading")),
      agreed.length
        ? h("ul", { class: "actions" }, agreed.map((a) => this.agreedRow(a, editable)))
        : h("p", {}, t("actions_none")),
      editable ? this.form() : null);
  }

  describe(action) {
    return [h("span", { class: "action-text" }, action.text), " ",
      h("span", { class: "action-meta" }, t(action.agreed_here ? "action_meta" : "action_meta_earlier", {
        owner: action.owner, due: day(action.due), agreed: day(action.agreed_on) }))];
  }

  reviewRow(action, editable) {
    const id = `action-review-${action.id}`;
    const label = h("label", { for: id }, t("action_status"), hidden(`: ${action.text}`));
    const choices = [["", t("action_not_reviewed")],
      ...this.app.state.snap.limits.review_statuses.map((s) => [s, t(`action_${s}`)])];
    const select = h("select", { id, "data-key": id, disabled: !editable,
      onchange: async () => {
        const ack = await this.app.conn.send("action.review",
          { action_id: action.id, status: select.value || null });
        if (!ack.ok) {
          select.value = action.review ?? "";
          announce(ack.message || t("refused"));
        }
      } }, choices.map(([value, text]) => h("option", { value,
      selected: (action.review ?? "") === value }, text)));
    return h("li", { "data-action-id": action.id }, this.describe(action),
      h("span", { class: "field action-status" }, label, select));
  }

  agreedRow(action, editable) {
    const remove = editable ? h("button", { type: "button", class: "secondary",
      "data-key": `action-delete-${action.id}`,
      onclick: async () => {
        if (!window.confirm(t("action_confirm_delete"))) return;
        const ack = await this.app.conn.send("action.delete", { action_id: action.id });
        announce(ack.ok ? t("action_deleted") : ack.message || t("refused"));
      } }, t("delete"), hidden(`: ${action.text}`)) : null;
    return h("li", { "data-action-id": action.id }, this.describe(action), " ", remove);
  }

  field(name, label, control) {
    const error = this.errors[name];
    const errorId = `action-${name}-error`;
    control.id = `action-${name}`;
    control.dataset.key = control.id;
    control.name = name;
    control.value = this.draft[name];
    control.setAttribute("aria-describedby", errorId);
    if (error) control.setAttribute("aria-invalid", "true");
    control.addEventListener("input", () => { this.draft[name] = control.value; });
    return h("div", { class: "field" },
      h("label", { for: control.id }, label, " ",
        h("span", { class: "required" }, `(${t("required")})`)),
      h("p", { class: "field-error", id: errorId, hidden: !error }, error ?? ""),
      control);
  }

  form() {
    const limits = this.app.state.snap.limits;
    const form = h("form", { class: "action-form stack", novalidate: true },
      h(this.heading, {}, t("action_add_heading")),
      this.field("text", t("action_text"), h("textarea", { rows: 2,
        maxlength: limits.action_text_chars })),
      this.field("owner", t("action_owner"), h("input", { type: "text",
        maxlength: limits.action_owner_chars, autocomplete: "off" })),
      this.field("due", t("action_due"), h("input", { type: "date", min: todayInFinland() })),
      h("div", { class: "button-row" },
        h("button", { type: "submit", "data-key": "action-submit" }, t("action_add"))));
    form.addEventListener("submit", (event) => this.submit(event));
    return form;
  }

  async submit(event) {
    event.preventDefault();
    if (this.sending) return; // a double click records one action, not two
    const sent = { ...this.draft };
    const errors = {};
    if (!sent.text.trim()) errors.text = t("action_text_missing");
    if (!sent.owner.trim()) errors.owner = t("action_owner_missing");
    if (!sent.due) errors.due = t("action_due_missing");
    else if (sent.due < todayInFinland()) errors.due = t("action_due_past");
    if (!Object.keys(errors).length) {
      const theme = this.app.state.currentTheme();
      this.sending = true;
      const ack = await this.app.conn.send("action.add",
        { ...sent, theme_id: theme ? theme.id : null }).finally(() => { this.sending = false; });
      if (ack.ok) {
        this.draft = { text: "", owner: "", due: "" };
        this.errors = {};
        announce(t("action_added"));
        this.render();
        return;
      }
      // Each refusal under its field; one about something else (the room closed) under the text.
      const known = Object.entries(ack.errors ?? {}).filter(([name]) => name in this.draft);
      Object.assign(errors, known.length ? Object.fromEntries(known)
        : { text: ack.message || t("refused") });
    }
    this.errors = errors;
    this.render();
    const first = ["text", "owner", "due"].find((name) => errors[name]);
    if (first) document.getElementById(`action-${first}`)?.focus();
  }
}
