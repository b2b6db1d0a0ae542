// Statements (five steps from disagree to agree) and polls: the participant's choice, and the
// distribution as a table with text counts and bars, once revealed (coordinators: always).
import { h, replaceKeepingFocus } from "./dom.js";
import { t, tn } from "./strings.js";

/**
 * The answer choices of a statement or poll prompt: (value, label) pairs. A statement's values
 * are the server's scale (snapshot.limits.statement_values).
 */
export function choices(prompt, limits) {
  return prompt.kind === "statement"
    ? limits.statement_values.map((value) => [value, t(`statement_${value}`)])
    : (prompt.options ?? []).map((label, index) => [index, label]);
}

/** The participant's radio group; a change sends answer.set at once. */
export function answerFieldset(app, prompt) {
  const name = `answer-${prompt.id}`;
  const fieldset = h("fieldset", { class: "answers", "data-prompt-id": prompt.id },
    h("legend", {}, t(prompt.kind === "statement" ? "your_position" : "your_choice")),
    choices(prompt, app.state.snap.limits).map(([value, label]) => h("div",
      { class: "field checkbox" },
      h("input", { type: "radio", name, id: `${name}-${value}`, value,
        "data-key": `${name}-${value}`, checked: prompt.my_answer === value }),
      h("label", { for: `${name}-${value}` }, label))));
  fieldset.addEventListener("change", async (event) => {
    const value = Number(event.target.value);
    const ack = await app.conn.send("answer.set", { prompt_id: prompt.id, value });
    if (!ack.ok) checkAnswer(fieldset, prompt.my_answer); // back to what the server has
  });
  return fieldset;
}

/** Check the radio of `value` (null: none) without sending anything. */
export function checkAnswer(fieldset, value) {
  for (const radio of fieldset.querySelectorAll("input[type=radio]")) {
    radio.checked = value !== null && value !== undefined && Number(radio.value) === value;
  }
}

/**
 * A prompt's answers as the room sends them ({counts, total} or a bare list of counts, in
 * the order of `choices`): {counts, total, percent(index)}; null before there are any.
 */
export function distribution(prompt) {
  const results = prompt.results;
  if (!results) return null;
  const counts = results.counts ?? results;
  const total = results.total ?? counts.reduce((sum, n) => sum + n, 0);
  const percent = (index) => (total ? Math.round((100 * (counts[index] ?? 0)) / total) : 0);
  return { counts, total, percent };
}

/** The distribution of answers, or a line saying why it is not shown. */
export function renderResults(container, prompt, limits, { console: isConsole = false } = {}) {
  const shares = distribution(prompt);
  if (!shares) {
    replaceKeepingFocus(container, h("p", { class: "help" },
      t(isConsole ? "no_answers_yet" : "results_later")));
    return;
  }
  const { counts, total } = shares;
  const rows = choices(prompt, limits).map(([value, label], index) => {
    const n = counts[index] ?? 0;
    const percent = shares.percent(index);
    const fill = h("span", { class: "bar-fill" });
    fill.style.width = `${percent}%`; // CSSOM, not a style attribute: CSP allows it
    return h("tr", { "data-value": value },
      h("th", { scope: "row" }, label),
      h("td", {}, h("div", { class: "result-cell" },
        h("span", { class: "bar", "aria-hidden": "true" }, fill),
        h("span", { class: "count" }, t("count_percent", { n, pct: percent })))));
  });
  replaceKeepingFocus(container, h("table", { class: "results" },
    h("caption", {}, tn("results_one", "results_other", total)),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("answer")),
      h("th", { scope: "col" }, t("answers_count")))),
    h("tbody", {}, rows)));
}
